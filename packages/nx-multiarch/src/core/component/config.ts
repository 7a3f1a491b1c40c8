import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJson, validate } from '../config/validate';
import { SERVICE_PLACEHOLDERS } from '../options/service';

export const COMPONENT_CONFIG_FILE = 'multiarch.json';

const imageName = z
  .string()
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'lower-case letters, digits and . _ - between them');

// Docker's tag grammar, minus the `-<arch>` suffix the plugin appends.
const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}$/, 'a Docker tag: letters, digits, _ . -');

const serviceValue = z.string().refine(
  (value) => {
    const names = [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
    return names.every((name) => (SERVICE_PLACEHOLDERS as readonly string[]).includes(name));
  },
  `placeholders must be one of ${SERVICE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
);

export const serviceConfigSchema = z
  .object({
    /** The component whose image runs while this one builds. */
    project: z.string().min(1),
    /** Which of its images, when it has several; default: its first. */
    image: imageName.optional(),
    /** The container port the service listens on. */
    port: z.number().int().min(1).max(65535),
    /** HTTP path polled until it answers 2xx/3xx. */
    health: z.string().startsWith('/').default('/'),
    /** Seconds to wait for health (an emulated service starts slower). */
    timeout: z.number().positive().default(120),
    /** Name RUN steps can use for it (`--add-host`); default: the project name. */
    hostname: z
      .string()
      .regex(/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/, 'a host name')
      .optional(),
    /** Build args that carry its address, e.g. `{ "HUB_URL": "http://{host}:{port}" }`. */
    buildArgs: z.record(z.string(), serviceValue).optional(),
    /**
     * `match`: run the service image of the platform being built (its arm64 image for an arm64 build);
     * `native`: run the build machine's arch for every build, when the service's output is arch-independent.
     */
    platform: z.enum(['match', 'native']).default('match'),
  })
  .strict();

export const componentConfigSchema = z
  .object({
    /** Nx project name; defaults to the directory name. */
    name: z.string().min(1).optional(),
    /** foundation images are built before the dependents that use them. */
    phase: z.enum(['foundation', 'dependent']).optional(),
    /** A dependent builds after these projects instead of after every foundation. */
    after: z.array(z.string().min(1)).optional(),
    /** Platforms this component supports (a subset of the workspace's). */
    platforms: z.array(z.string()).min(1).optional(),
    /** One Dockerfile, several images: each with the `--target` stage that produces it. */
    images: z
      .array(z.object({ name: imageName, target: z.string().min(1).optional() }).strict())
      .min(1)
      .optional(),
    /**
     * The build context, relative to this directory: `../..` for a repository-root context, as `docker build -f
     * src/<c>/Dockerfile .` uses. Default: this directory (or the plugin's `context`).
     */
    context: z.string().min(1).optional(),
    /** The Dockerfile, relative to this directory, when it is not `Dockerfile` (or `Dockerfile.tpl`). */
    dockerfile: z
      .string()
      .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/, 'a path inside the component directory')
      .optional(),
    /** No Dockerfile: pull this upstream image per platform and retag it. */
    upstream: z.string().min(1).optional(),
    buildArgs: z.record(z.string(), z.string()).optional(),
    /** BuildKit secrets by id: `env:NAME` or `file:path` (workspace-relative); never build args. */
    secrets: z.record(z.string(), z.string().regex(/^(env|file):.+$/, 'env:NAME or file:path')).optional(),
    /** `host` lets RUN steps reach services on the build machine's loopback. */
    network: z.enum(['default', 'host', 'none']).optional(),
    /** Other `*.tpl` files (relative to this directory) rendered beside themselves before the build. */
    templates: z
      .array(z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).*\.tpl$/, 'a path inside the component ending in .tpl'))
      .optional(),
    /** This component's tag instead of the workspace's. */
    tag: imageTag.optional(),
    /** More tags every image of this component also gets (each with the `-<arch>` suffix). */
    tags: z.array(imageTag).optional(),
    /** Components that must be running (healthy) while this one builds. */
    services: z.array(serviceConfigSchema).optional(),
  })
  .strict();

export type ComponentConfig = z.output<typeof componentConfigSchema>;
export type ServiceConfig = z.output<typeof serviceConfigSchema>;

export function parseComponentConfig(text: string, file: string): ComponentConfig {
  return validate(componentConfigSchema, parseJson(text, file), file);
}

/** Reads `<dir>/multiarch.json` if present; an absent file means all defaults. */
export function readComponentConfig(absoluteDir: string, displayDir: string): ComponentConfig {
  const file = `${absoluteDir}/${COMPONENT_CONFIG_FILE}`;
  if (!existsSync(file)) return {};
  return parseComponentConfig(readFileSync(file, 'utf8'), `${displayDir}/${COMPONENT_CONFIG_FILE}`);
}
