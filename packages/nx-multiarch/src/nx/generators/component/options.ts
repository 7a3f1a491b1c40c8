import { z } from 'zod';
import { validate } from '../../../core/config/validate';
import { ConfigError } from '../../../core/failure/errors';
import { type Arch, parsePlatforms } from '../../../core/platform';

// The one source of the generator's options: schema.d.ts derives from it, and a spec checks schema.json against it.
export const componentOptionsSchema = z
  .object({
    name: z.string(),
    directory: z.string().optional(),
    phase: z.enum(['foundation', 'dependent']).optional(),
    base: z.string().default('alpine:3.20'),
    from: z.string().optional(),
    platforms: z.string().optional(),
    service: z.boolean().default(false),
    port: z.number().int().min(1).max(65535).default(8080),
    health: z.string().default('/health'),
    template: z.boolean().default(false),
    skipFormat: z.boolean().default(false),
  })
  .strict();

export type ComponentGeneratorSchema = z.input<typeof componentOptionsSchema>;

/** The options as the generator uses them: the schema's own, with the directory and phase decided, platforms parsed. */
export type NormalizedComponentOptions = Pick<
  z.output<typeof componentOptionsSchema>,
  'name' | 'base' | 'from' | 'template' | 'skipFormat'
> & {
  /** Workspace-relative directory of the new component. */
  directory: string;
  phase: 'foundation' | 'dependent';
  platforms?: Arch[];
  service?: { port: number; health: string };
};

const SOURCE = 'nx g nx-multiarch:component';
// A Docker repository path component: lower case, digits, separators inside (the image is <prefix><name>).
const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** `images/*` → `images/<name>`; a glob that does not end in `/*` (or no glob) puts it under `images/`. */
export function defaultDirectory(name: string, components: readonly string[] | undefined): string {
  const glob = components?.find((g) => /^[^*?[\]{}]+\/\*$/.test(g.replace(/\/+$/, '')));
  return glob ? `${glob.replace(/\/+$/, '').slice(0, -2)}/${name}` : `images/${name}`;
}

export function normalizeComponentOptions(
  options: ComponentGeneratorSchema,
  components: readonly string[] | undefined,
): NormalizedComponentOptions {
  const o = validate(componentOptionsSchema, options, SOURCE);
  if (!NAME.test(o.name)) {
    throw new ConfigError(
      SOURCE,
      'name',
      `'${o.name}' cannot be part of an image name`,
      'use lower-case letters and digits, with - _ or . between them (e.g. api-gateway)',
    );
  }
  // It ends up in a RUN line of the Dockerfile: a plain path only.
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(o.health)) {
    throw new ConfigError(
      SOURCE,
      'health',
      `'${o.health}' is not a plain URL path`,
      'give the health URL path, e.g. /health',
    );
  }
  return {
    name: o.name,
    directory: (o.directory ?? defaultDirectory(o.name, components)).replace(/^\.\/|\/+$/g, ''),
    // Built FROM another component: it must wait for it, so it is a dependent.
    phase: o.phase ?? (o.from ? 'dependent' : 'foundation'),
    base: o.base,
    ...(o.from && { from: o.from }),
    ...(o.platforms && { platforms: parsePlatforms(o.platforms, SOURCE, 'platforms') }),
    ...(o.service && { service: { port: o.port, health: o.health } }),
    template: o.template,
    skipFormat: o.skipFormat,
  };
}
