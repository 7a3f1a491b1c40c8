import { resolve } from 'node:path';
import { z } from 'zod';
import { validate } from '../config/validate';
import { DEFAULT_STATE_DIR } from './state-dir';

// The one source of the executor's options; schema.json is checked against it by a spec.
export const reportOptionsSchema = z
  .object({
    run: z.string().min(1).default('last'),
    json: z.boolean().default(false),
    list: z.boolean().default(false),
    outputPath: z.string().min(1).optional(),
    stateDir: z.string().min(1).default(DEFAULT_STATE_DIR),
  })
  .strict();

export type ReportExecutorSchema = z.input<typeof reportOptionsSchema>;
export type NormalizedReportOptions = Omit<z.output<typeof reportOptionsSchema>, 'outputPath'> & {
  /** Absolute. */
  outputPath?: string;
};

export function normalizeReportOptions(options: ReportExecutorSchema, workspaceRoot: string): NormalizedReportOptions {
  const o = validate(reportOptionsSchema, options, 'target report');
  return {
    ...o,
    stateDir: resolve(workspaceRoot, o.stateDir),
    ...(o.outputPath && { outputPath: resolve(workspaceRoot, o.outputPath) }),
  };
}
