import { z } from 'zod';
import { validate } from '../config/validate';
import { parsePlatforms, type Arch } from '../platform';

// The one source of the executor's options; schema.json is checked against it by a spec.
export const diagnoseOptionsSchema = z
  .object({
    /** The builder-setup options, to know which builder and daemon.json to check. */
    builder: z.record(z.string(), z.unknown()).default({}),
    platforms: z.string().default('amd64,arm64'),
    probe: z.boolean().default(false),
    probeImage: z.string().default('alpine:3.20'),
    json: z.boolean().default(false),
    timeout: z.number().positive().default(5),
  })
  .strict();

export type DiagnoseExecutorSchema = z.input<typeof diagnoseOptionsSchema>;

export interface NormalizedDiagnoseOptions {
  builder: Record<string, unknown>;
  platforms: Arch[];
  probe: boolean;
  probeImage: string;
  json: boolean;
  timeoutMs: number;
}

export function normalizeDiagnoseOptions(options: DiagnoseExecutorSchema): NormalizedDiagnoseOptions {
  const o = validate(diagnoseOptionsSchema, options, 'target diagnose');
  const { timeout, ...rest } = o;
  return { ...rest, platforms: parsePlatforms(o.platforms, 'target diagnose', 'platforms'), timeoutMs: timeout * 1000 };
}
