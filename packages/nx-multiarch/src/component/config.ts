import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJson, validate } from '../config/validate';

export const COMPONENT_CONFIG_FILE = 'multiarch.json';

const imageName = z
  .string()
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'lower-case letters, digits and . _ - between them');

export const componentConfigSchema = z
  .object({
    /** Nx project name; defaults to the directory name. */
    name: z.string().min(1).optional(),
    /** foundation images are built before the dependents that use them. */
    phase: z.enum(['foundation', 'dependent']).optional(),
    /** Platforms this component supports (a subset of the workspace's). */
    platforms: z.array(z.string()).min(1).optional(),
    /** One Dockerfile, several images: each with the `--target` stage that produces it. */
    images: z
      .array(z.object({ name: imageName, target: z.string().min(1).optional() }).strict())
      .min(1)
      .optional(),
    /** No Dockerfile: pull this upstream image per platform and retag it. */
    upstream: z.string().min(1).optional(),
    buildArgs: z.record(z.string(), z.string()).optional(),
    /** `host` lets RUN steps reach services on the build machine's loopback. */
    network: z.enum(['default', 'host', 'none']).optional(),
  })
  .strict();

export type ComponentConfig = z.infer<typeof componentConfigSchema>;

export function parseComponentConfig(text: string, file: string): ComponentConfig {
  return validate(componentConfigSchema, parseJson(text, file), file);
}

/** Reads `<dir>/multiarch.json` if present; an absent file means all defaults. */
export function readComponentConfig(absoluteDir: string, displayDir: string): ComponentConfig {
  const file = `${absoluteDir}/${COMPONENT_CONFIG_FILE}`;
  if (!existsSync(file)) return {};
  return parseComponentConfig(readFileSync(file, 'utf8'), `${displayDir}/${COMPONENT_CONFIG_FILE}`);
}
