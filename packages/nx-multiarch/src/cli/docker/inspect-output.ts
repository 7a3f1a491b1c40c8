import type { z } from 'zod';
import { PluginError } from '../../core/failure/errors';

/** Parses what `docker <command>` printed as JSON, checked against `schema`; `command` names it in errors. */
export function parseInspectOutput<S extends z.ZodType>(stdout: string, schema: S, command: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (error) {
    throw new PluginError(`${command} printed something that is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new PluginError(`unexpected ${command} output: ${parsed.error.message}`);
  return parsed.data;
}
