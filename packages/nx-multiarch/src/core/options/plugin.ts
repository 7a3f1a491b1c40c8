import { z } from 'zod';
import { validate, withoutDefaults } from '../config/validate';
import { builderSetupOptionsSchema, type BuilderSetupExecutorSchema } from './builder-setup';
import { buildSettingsSchema } from './build-image';
import { manifestSettingsSchema } from './manifest';
import { prefetchSettingsSchema } from './prefetch';
import { parsePlatforms, type Arch } from '../platform';

// The descriptions are the reference of docs/configuration.md (npm run docs); `x-executor` names the executor whose
// options a group takes, so the reference points there for their meaning and defaults.
export const pluginOptionsSchema = z
  .object({
    buildTargetName: z.string().min(1).default('build-image').describe('Name of the inferred build target.'),
    registry: z
      .string()
      .default('')
      .describe('Registry host[:port] images are tagged (and pushed) under; empty for local images.'),
    imagePrefix: z.string().default('').describe('Prefix of every image name, e.g. `acme/`.'),
    tag: z.string().min(1).default('latest').describe('Tag of every image; each platform also gets `<tag>-<arch>`.'),
    platforms: z
      .array(z.string())
      .min(1)
      .default(['amd64', 'arm64'])
      .describe('Platforms built when `--platform` is not given.'),
    components: z
      .array(z.string().min(1))
      .min(1)
      .default(['**'])
      .describe(
        'Globs (from the workspace root) of component directories, e.g. `src/*`, `images/**`; default: anywhere.',
      ),
    context: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Build context of every component, from the workspace root (`.`: the root, as build.sh's `docker build -f src/<c>/Dockerfile .`); default: the component's directory. A component's multiarch.json `context` wins.",
      ),
    envFile: z
      .string()
      .min(1)
      .default('.env')
      .describe("The user's values for templates and declared build args (usually gitignored)."),
    envExample: z
      .string()
      .min(1)
      .default('.env.example')
      .describe('Committed defaults: `.env` is created from it when missing, and it fills names `.env` lacks.'),
    templateValues: z
      .record(z.string(), z.string())
      .default({})
      .describe('Lowest-precedence template values (below .env.example, .env and the shell).'),
    workspaceProject: z
      .string()
      .min(1)
      .optional()
      .describe('Name of the workspace-level project holding builder-setup; default: the root package.json name.'),
    builder: withoutDefaults(builderSetupOptionsSchema).strict().default({}).meta({
      description: 'Options of the builder-setup target (driver, daemonConfig, registries, nodes...).',
      'x-executor': 'builder-setup',
    }),
    prefetch: z
      .union([z.literal(false), prefetchSettingsSchema])
      .default({})
      .meta({
        description:
          'Retry and parallelism settings of the prefetch target; `false`: builds do not depend on prefetch.',
        'x-executor': 'prefetch',
      }),
    build: buildSettingsSchema.default({}).meta({
      description:
        'Retry, timeout, emulation, cache, label and attestation settings of every build-image target (attempts, stallTimeout, labels, provenance...).',
      'x-executor': 'build-image',
    }),
    manifest: manifestSettingsSchema.default({}).meta({
      description: 'Partial indexes, retry and timeout settings of every manifest target.',
      'x-executor': 'manifest',
    }),
  })
  .strict();

export type PluginOptions = z.input<typeof pluginOptionsSchema>;
export type NormalizedPluginOptions = Omit<z.output<typeof pluginOptionsSchema>, 'platforms' | 'builder'> & {
  platforms: Arch[];
  /** As the user wrote them (validated): builder-setup applies its own defaults. */
  builder: Partial<BuilderSetupExecutorSchema>;
};

const SOURCE = 'nx.json plugins[nx-multiarch].options';

export function normalizePluginOptions(options: PluginOptions | undefined): NormalizedPluginOptions {
  const parsed = validate(pluginOptionsSchema, options ?? {}, SOURCE);
  return {
    ...parsed,
    platforms: parsePlatforms(parsed.platforms, SOURCE, 'platforms'),
  };
}
