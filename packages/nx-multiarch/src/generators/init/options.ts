import { z } from 'zod';
import { validate } from '../../config/validate';
import { parsePlatforms } from '../../platform';

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

/** The plugin options init writes: only what the user asked for or what differs from the plugin's defaults. */
export function pluginOptionsFrom(options: InitGeneratorSchema): Record<string, unknown> {
  const o = validate(initOptionsSchema, options, 'nx g nx-multiarch:init');
  return {
    components: o.components
      .split(',')
      .map((glob) => glob.trim())
      .filter(Boolean),
    registry: o.registry,
    imagePrefix: o.imagePrefix,
    tag: o.tag,
    platforms: parsePlatforms(o.platforms, 'nx g nx-multiarch:init', 'platforms'),
    builder: { driver: o.driver },
  };
}
