import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { omitKeys, validate, withoutDefaults } from '../config/validate';
import { extraTagsSchema, type ImageNaming, splitTags } from '../image/tag';
import { type Arch, ownPlatforms, parsePlatforms } from '../platform';
import type { RetryPolicy } from './retry';
import { retryOptionsShape, retryPolicyOf } from './retry-options';
import { DEFAULT_STATE_DIR } from './state-dir';
import { buildImageOptionsSchema } from './build-image';

// The one source of the executor's options: schema.d.ts derives from it, and a spec checks schema.json against it.
export const manifestOptionsSchema = z
  .object({
    platforms: z.string().default('amd64,arm64'),
    platform: z.string().optional(),
    images: z.array(z.object({ name: z.string(), target: z.string().optional() }).strict()).min(1),
    registry: z.string().default(''),
    imagePrefix: z.string().default(''),
    tag: z.string().default('latest'),
    tags: extraTagsSchema,
    partial: z.boolean().default(false),
    pushedPath: z.string().optional(),
    outputPath: z.string().optional(),
    timeout: z.number().positive().default(300),
    verifyTimeout: z.number().nonnegative().default(30),
    ...retryOptionsShape({ attempts: 4, retryDelay: 2, maxRetryDelay: 60, rateLimitDelay: 15 }),
    stateDir: z.string().default(DEFAULT_STATE_DIR),
    daemonConfig: z.string().optional(),
    dryRun: z.boolean().default(false),
  })
  .strict();

export type ManifestExecutorSchema = z.input<typeof manifestOptionsSchema>;

// Build flags given to `nx run x:manifest` are for push-image (forwarded to it); here they are ignored.
const BUILD_ONLY_OPTIONS = Object.keys(buildImageOptionsSchema.shape).filter(
  (key) => !(key in manifestOptionsSchema.shape),
);

/**
 * What a user may set for every inferred manifest target (plugin option `manifest`).
 * Without the defaults: the executor applies them, so the inferred targets carry only what the user set.
 */
export const manifestSettingsSchema = withoutDefaults(
  manifestOptionsSchema.pick({
    partial: true,
    timeout: true,
    verifyTimeout: true,
    attempts: true,
    retryDelay: true,
    maxRetryDelay: true,
    rateLimitDelay: true,
  }),
).strict();

export interface NormalizedManifestOptions {
  project: string;
  /** Every platform the index must list. */
  platforms: Arch[];
  /** The platforms this run built (`--platform`, forwarded to push-image too); the others come from earlier pushes. */
  builtNow: Arch[];
  images: Array<{ name: string }>;
  naming: ImageNaming;
  extraTags: string[];
  /** Publish an index of the platforms that were pushed when some were not (with a warning). */
  partial: boolean;
  /** Absolute: where push-image left its records (the digests it pushed). */
  pushedDir: string;
  /** Absolute: where this target writes one record per index (its Nx output). */
  outputDir: string;
  timeoutMs: number;
  /** How long a registry may take to show what was just pushed (MANIFEST_UNKNOWN meanwhile). */
  verifyTimeoutMs: number;
  policy: RetryPolicy;
  stateDir: string;
  /** daemon.json to read proxies from, when not Docker's default location. */
  daemonConfig?: string;
  dryRun: boolean;
}

export function normalizeManifestOptions(
  options: ManifestExecutorSchema,
  project: string,
  workspaceRoot: string,
): NormalizedManifestOptions {
  const source = `project ${project}, target manifest`;
  const o = validate(manifestOptionsSchema, omitKeys(options, BUILD_ONLY_OPTIONS), source);
  const resolve = (path: string) => (isAbsolute(path) ? path : join(workspaceRoot, path));
  const platforms = parsePlatforms(o.platforms, source, 'platforms');
  return {
    project,
    platforms,
    builtNow: o.platform ? ownPlatforms(parsePlatforms(o.platform, source, 'platform'), platforms).built : platforms,
    images: o.images.map(({ name }) => ({ name })),
    naming: { registry: o.registry, imagePrefix: o.imagePrefix, tag: o.tag },
    extraTags: splitTags(o.tags),
    partial: o.partial,
    pushedDir: resolve(o.pushedPath ?? `dist/pushed/${project}`),
    outputDir: resolve(o.outputPath ?? `dist/manifests/${project}`),
    timeoutMs: o.timeout * 1000,
    verifyTimeoutMs: o.verifyTimeout * 1000,
    policy: retryPolicyOf(o),
    stateDir: resolve(o.stateDir),
    ...(o.daemonConfig && { daemonConfig: resolve(o.daemonConfig) }),
    dryRun: o.dryRun,
  };
}
