import { z } from 'zod';
import { validate } from '../config/validate';
import { builderSetupOptionsSchema, type BuilderSetupExecutorSchema } from '../executors/builder-setup/options';
import { buildSettingsSchema } from '../executors/build-image/options';
import { manifestSettingsSchema } from '../executors/manifest/options';
import { prefetchSettingsSchema } from '../executors/prefetch/options';
import { parsePlatforms, type Arch } from '../platform';

export const pluginOptionsSchema = z
  .object({
    /** Name of the inferred build target. */
    buildTargetName: z.string().min(1).default('build-image'),
    /** Registry host[:port] images are tagged (and pushed) under; empty for local images. */
    registry: z.string().default(''),
    /** Prefix of every image name, e.g. `acme/`. */
    imagePrefix: z.string().default(''),
    tag: z.string().min(1).default('latest'),
    /** Platforms built when `--platform` is not given. */
    platforms: z.array(z.string()).min(1).default(['amd64', 'arm64']),
    /** Globs (from the workspace root) of component directories, e.g. `src/*`, `images/**`; default: anywhere. */
    components: z.array(z.string().min(1)).min(1).default(['**']),
    /** The user's values for templates and declared build args (usually gitignored). */
    envFile: z.string().min(1).default('.env'),
    /** Committed defaults: `.env` is created from it when missing, and it fills names `.env` lacks. */
    envExample: z.string().min(1).default('.env.example'),
    /** Lowest-precedence template values (below .env.example, .env and the shell). */
    templateValues: z.record(z.string(), z.string()).default({}),
    /** Name of the workspace-level project holding builder-setup; default: the root package.json name. */
    workspaceProject: z.string().min(1).optional(),
    /** Options of the builder-setup target (driver, daemonConfig, registries, nodes...). */
    builder: builderSetupOptionsSchema.partial().default({}),
    /** Retry and parallelism settings of the prefetch target; `false`: builds do not depend on prefetch. */
    prefetch: z.union([z.literal(false), prefetchSettingsSchema]).default({}),
    /** Retry, timeout and emulation settings of every build-image target (attempts, stallTimeout...). */
    build: buildSettingsSchema.default({}),
    /** Partial indexes, retry and timeout settings of every manifest target. */
    manifest: manifestSettingsSchema.default({}),
  })
  .strict();

export type PluginOptions = z.input<typeof pluginOptionsSchema>;
export type NormalizedPluginOptions = Omit<z.output<typeof pluginOptionsSchema>, 'platforms' | 'builder'> & {
  platforms: Arch[];
  /** As the user wrote them (validated): builder-setup applies its own defaults. */
  builder: Partial<BuilderSetupExecutorSchema>;
};

const SOURCE = 'nx.json plugins[nx-multiarch].options';

export function normalizePluginOptions(options: PluginOptions | undefined): NormalizedPluginOptions {
  const parsed = validate(pluginOptionsSchema, options ?? {}, SOURCE);
  return {
    ...parsed,
    platforms: parsePlatforms(parsed.platforms, SOURCE, 'platforms'),
    builder: options?.builder ?? {},
  };
}
