import { z } from 'zod';
import { validate } from '../../../core/config/validate';
import { ConfigError } from '../../../core/failure/errors';
import { parsePlatforms } from '../../../core/platform';

// The one source of the generator's options: schema.d.ts derives from it, and a spec checks schema.json against it.
export const initOptionsSchema = z
  .object({
    components: z.string().default('images/*'),
    registry: z.string().default(''),
    imagePrefix: z.string().default(''),
    tag: z.string().min(1).default('latest'),
    platforms: z.string().default('amd64,arm64'),
    driver: z.enum(['docker-container', 'docker', 'remote']).default('docker-container'),
    skipFormat: z.boolean().default(false),
  })
  .strict();

export type InitGeneratorSchema = z.input<typeof initOptionsSchema>;

const SOURCE = 'nx g nx-multiarch:init';

/** The plugin options init writes, normalized (every one of them, so nx.json shows what is in force). */
export function pluginOptionsFrom(options: InitGeneratorSchema): Record<string, unknown> {
  const o = validate(initOptionsSchema, options, SOURCE);
  const components = o.components
    .split(',')
    .map((glob) => glob.trim())
    .filter(Boolean);
  if (components.length === 0) {
    throw new ConfigError(SOURCE, 'components', 'no glob given', 'give at least one, e.g. images/*');
  }
  return {
    components,
    registry: o.registry,
    imagePrefix: o.imagePrefix,
    tag: o.tag,
    platforms: parsePlatforms(o.platforms, SOURCE, 'platforms'),
    builder: { driver: o.driver },
  };
}
