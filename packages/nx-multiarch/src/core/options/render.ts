import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { validate } from '../config/validate';
import type { EnvFiles } from '../env/workspace-env';
import { DEFAULT_STATE_DIR } from './state-dir';

// The one source of the executor's options: schema.d.ts derives from it, and a spec checks schema.json against it.
export const renderOptionsSchema = z
  .object({
    templates: z.array(z.string().endsWith('.tpl')).min(1),
    values: z.record(z.string(), z.string()).default({}),
    envFile: z.string().default('.env'),
    envExample: z.string().default('.env.example'),
    stateDir: z.string().default(DEFAULT_STATE_DIR),
  })
  .strict();

export type RenderExecutorSchema = z.input<typeof renderOptionsSchema>;

export interface NormalizedRenderOptions {
  /** Workspace-relative (for messages) and absolute paths of each template. */
  templates: Array<{ file: string; path: string }>;
  values: Record<string, string>;
  envFiles: EnvFiles;
  /** Absolute: where a failure is logged (failures.jsonl). */
  stateDir: string;
}

export function normalizeRenderOptions(
  options: RenderExecutorSchema,
  project: string,
  workspaceRoot: string,
): NormalizedRenderOptions {
  const o = validate(renderOptionsSchema, options, `project ${project}, target render`);
  return {
    templates: o.templates.map((file) => ({ file, path: isAbsolute(file) ? file : join(workspaceRoot, file) })),
    values: o.values,
    envFiles: { envFile: o.envFile, exampleFile: o.envExample },
    stateDir: isAbsolute(o.stateDir) ? o.stateDir : join(workspaceRoot, o.stateDir),
  };
}
