import { z } from 'zod';
import { validate } from '../../../core/config/validate';
import { ConfigError } from '../../../core/failure/errors';

// The one source of the generator's options: schema.d.ts derives from it, and a spec checks schema.json against it.
export const migrateOptionsSchema = z
  .object({
    source: z.string().default('src'),
    imagePrefix: z.string().optional(),
    skipFormat: z.boolean().default(false),
  })
  .strict();

export type MigrateGeneratorSchema = z.input<typeof migrateOptionsSchema>;

export interface NormalizedMigrateOptions {
  /** Workspace-relative directory holding the component directories. */
  source: string;
  imagePrefix?: string;
  skipFormat: boolean;
}

const SOURCE = 'nx g nx-multiarch:migrate';

export function normalizeMigrateOptions(options: MigrateGeneratorSchema): NormalizedMigrateOptions {
  const o = validate(migrateOptionsSchema, options, SOURCE);
  const source = o.source.trim().replace(/^(\.\/)+|\/+$/g, '');
  // The components glob is `<source>/*`: a directory inside the workspace, not the root itself.
  if (source === '' || source === '.' || source.startsWith('/') || source.split('/').includes('..')) {
    throw new ConfigError(
      SOURCE,
      'source',
      `'${o.source}' is not a directory inside the workspace`,
      'give the directory that holds the components, relative to the workspace root, e.g. src',
    );
  }
  return { source, ...(o.imagePrefix !== undefined && { imagePrefix: o.imagePrefix }), skipFormat: o.skipFormat };
}
