import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { omitKeys, validate, withoutDefaults } from '../config/validate';
import { ConfigError } from '../failure/errors';
import type { EnvFiles } from '../env/workspace-env';
import type { CacheSettings } from '../image/cache';
import { extraTagsSchema, type ImageNaming, splitTags } from '../image/tag';
import type { ServiceSpec } from './service';
import { ARCHES, type Arch, ownPlatforms, parsePlatforms } from '../platform';
import type { RetryPolicy } from './retry';
import { retryOptionsShape, retryPolicyOf } from './retry-options';
import { DEFAULT_STATE_DIR } from './state-dir';
import { type BuildFlags, buildFlagsOf, buildFlagsShape } from './build-flags';

// The one source of the executor's options: schema.d.ts derives from it, and a spec checks schema.json against it.
export const buildImageOptionsSchema = z
  .object({
    platform: z.string().default('amd64,arm64'),
    platforms: z.string().optional(),
    context: z.string().optional(),
    dockerfile: z.string().optional(),
    images: z.array(z.object({ name: z.string(), target: z.string().optional() }).strict()).min(1),
    upstream: z.string().optional(),
    registry: z.string().default(''),
    imagePrefix: z.string().default(''),
    tag: z.string().default('latest'),
    tags: extraTagsSchema,
    buildArgs: z.record(z.string(), z.string()).default({}),
    network: z.enum(['default', 'host', 'none']).optional(),
    load: z.boolean().default(true),
    push: z.boolean().default(false),
    timeout: z.number().positive().default(3600),
    stallTimeout: z.number().positive().default(900),
    ...retryOptionsShape({ attempts: 3, retryDelay: 5, maxRetryDelay: 120, rateLimitDelay: 30 }),
    emulatedConcurrency: z.number().int().min(1).default(1),
    registryCache: z.boolean().default(false),
    cacheMode: z.enum(['min', 'max']).default('max'),
    cacheFrom: z.array(z.string().min(1)).default([]),
    cacheTo: z.array(z.string().min(1)).default([]),
    secrets: z.record(z.string(), z.string()).default({}),
    dryRun: z.boolean().default(false),
    logDir: z.string().optional(),
    outputPath: z.string().optional(),
    daemonConfig: z.string().optional(),
    stateDir: z.string().default(DEFAULT_STATE_DIR),
    services: z
      .array(
        z
          .object({
            project: z.string(),
            repository: z.string(),
            tag: z.string(),
            platforms: z.array(z.enum(ARCHES)).min(1),
            port: z.number().int().min(1).max(65535),
            health: z.string(),
            timeout: z.number().positive(),
            hostname: z.string(),
            buildArgs: z.record(z.string(), z.string()),
            platform: z.enum(['match', 'native']),
          })
          .strict(),
      )
      .default([]),
    envFile: z.string().default('.env'),
    envExample: z.string().default('.env.example'),
    values: z.record(z.string(), z.string()).default({}),
    ...buildFlagsShape,
  })
  .strict();

export type BuildImageExecutorSchema = z.input<typeof buildImageOptionsSchema>;

/**
 * Flags of the manifest target that are not build options: `nx run x:manifest --partial` forwards them to push-image
 * (params: forward), which ignores them. Any other unknown option is still an error. A spec keeps this list exact.
 */
export const MANIFEST_ONLY_OPTIONS = ['partial', 'pushedPath', 'verifyTimeout'] as const;

/**
 * The retry, timeout, emulation, cache, label and attestation settings a user may set for every inferred build
 * (plugin option `build`); ssh and extraArgs stay per component.
 * Without the defaults: the executor applies them, so the inferred targets carry only what the user set.
 */
export const buildSettingsSchema = withoutDefaults(
  buildImageOptionsSchema.pick({
    timeout: true,
    stallTimeout: true,
    attempts: true,
    retryDelay: true,
    maxRetryDelay: true,
    rateLimitDelay: true,
    emulatedConcurrency: true,
    registryCache: true,
    cacheMode: true,
    cacheFrom: true,
    cacheTo: true,
    ociLabels: true,
    labels: true,
    annotations: true,
    provenance: true,
    sbom: true,
    noCache: true,
    pull: true,
  }),
).strict();

export type BuildSettings = z.infer<typeof buildSettingsSchema>;

export type BuildSource =
  { kind: 'dockerfile'; context: string; dockerfile: string } | { kind: 'upstream'; upstream: string };

export interface NormalizedBuildImageOptions {
  project: string;
  /** What this task builds: the platforms asked for (`--platform`) that are the component's. */
  platforms: Arch[];
  /** Asked for, but not one of the component's platforms: not built. */
  notPlatforms: Arch[];
  source: BuildSource;
  images: Array<{ name: string; target?: string }>;
  naming: ImageNaming;
  /** More tags for every image (each gets the `-<arch>` suffix too). */
  extraTags: string[];
  buildArgs: Record<string, string>;
  network?: 'default' | 'host' | 'none';
  load: boolean;
  push: boolean;
  /** Per attempt: overall, and silence (no output) before the attempt is killed. */
  timeoutMs: number;
  stallTimeoutMs: number;
  policy: RetryPolicy;
  /** Builds for an emulated platform (QEMU) at once, across all tasks of the run. */
  emulatedConcurrency: number;
  cache: CacheSettings;
  /** BuildKit secret id to `env:NAME` or `file:path`. */
  secrets: Record<string, string>;
  dryRun: boolean;
  /** Absolute: the full output of every build attempt, per project. */
  logDir: string;
  /** Absolute directory for metadata and result files (the target's Nx output). */
  outputDir: string;
  /** Where builder-setup left the builder state (absolute). */
  stateDir: string;
  /** daemon.json to read proxies from, when not Docker's default location. */
  daemonConfig?: string;
  /** Components to run (healthy) while this one builds. */
  services: ServiceSpec[];
  envFiles: EnvFiles;
  /** Lowest-precedence values under .env.example (the plugin's templateValues). */
  values: Record<string, string>;
  /** Labels, attestations and the other flags passed to buildx as they are. */
  flags: BuildFlags;
}

/** Validates once and resolves paths against the workspace root; everything after trusts the result. */
export function normalizeBuildImageOptions(
  options: BuildImageExecutorSchema,
  project: string,
  workspaceRoot: string,
): NormalizedBuildImageOptions {
  const source = `project ${project}, target build-image`;
  const o = validate(buildImageOptionsSchema, omitKeys(options, MANIFEST_ONLY_OPTIONS), source);
  if (!o.load && !o.push) {
    throw new ConfigError(source, 'load/push', 'both are false, so the image would be thrown away', 'set load or push');
  }
  const resolve = (path: string) => (isAbsolute(path) ? path : join(workspaceRoot, path));
  let buildSource: BuildSource;
  if (o.upstream) {
    buildSource = { kind: 'upstream', upstream: o.upstream };
  } else if (o.context) {
    buildSource = {
      kind: 'dockerfile',
      context: resolve(o.context),
      dockerfile: resolve(o.dockerfile ?? `${o.context}/Dockerfile`),
    };
  } else {
    throw new ConfigError(
      source,
      'context',
      'neither context nor upstream is set',
      'set context (a directory with a Dockerfile) or upstream (an image to pull)',
    );
  }
  const { built, not } = ownPlatforms(
    parsePlatforms(o.platform, source, 'platform'),
    o.platforms === undefined ? undefined : parsePlatforms(o.platforms, source, 'platforms'),
  );
  return {
    project,
    platforms: built,
    notPlatforms: not,
    source: buildSource,
    images: o.images,
    naming: { registry: o.registry, imagePrefix: o.imagePrefix, tag: o.tag },
    extraTags: splitTags(o.tags),
    buildArgs: o.buildArgs,
    ...(o.network && { network: o.network }),
    load: o.load,
    push: o.push,
    timeoutMs: o.timeout * 1000,
    stallTimeoutMs: o.stallTimeout * 1000,
    policy: retryPolicyOf(o),
    emulatedConcurrency: o.emulatedConcurrency,
    cache: { registryCache: o.registryCache, cacheMode: o.cacheMode, cacheFrom: o.cacheFrom, cacheTo: o.cacheTo },
    secrets: o.secrets,
    dryRun: o.dryRun,
    logDir: resolve(o.logDir ?? `${o.stateDir}/logs`),
    outputDir: resolve(o.outputPath ?? `dist/images/${project}`),
    stateDir: resolve(o.stateDir),
    ...(o.daemonConfig && { daemonConfig: resolve(o.daemonConfig) }),
    services: o.services,
    envFiles: { envFile: o.envFile, exampleFile: o.envExample },
    values: o.values,
    flags: buildFlagsOf(o, source),
  };
}
