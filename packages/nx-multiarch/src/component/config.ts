import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors';

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

/** Turns the first zod issue into one error naming the file, the field and the fix. */
export function configErrorFromZod(source: string, error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : '(top level)';
  const fix =
    issue.code === 'unrecognized_keys'
      ? `remove or rename ${issue.keys.map((k) => `'${k}'`).join(', ')}`
      : 'correct the value as described';
  const problem = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
  return new ConfigError(source, field, problem, fix);
}

export function parseComponentConfig(text: string, file: string): ComponentConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, '(file)', `not valid JSON (${(error as Error).message})`, 'fix the JSON syntax');
  }
  const parsed = componentConfigSchema.safeParse(json);
  if (!parsed.success) throw configErrorFromZod(file, parsed.error);
  return parsed.data;
}

/** Reads `<dir>/multiarch.json` if present; an absent file means all defaults. */
export function readComponentConfig(absoluteDir: string, displayDir: string): ComponentConfig {
  const file = `${absoluteDir}/${COMPONENT_CONFIG_FILE}`;
  if (!existsSync(file)) return {};
  return parseComponentConfig(readFileSync(file, 'utf8'), `${displayDir}/${COMPONENT_CONFIG_FILE}`);
}
