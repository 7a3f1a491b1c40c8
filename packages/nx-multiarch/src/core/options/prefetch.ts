import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { validate, withoutDefaults } from '../config/validate';
import type { EnvFiles } from '../env/workspace-env';
import { type Arch, parsePlatforms } from '../platform';
import type { RetryPolicy } from './retry';
import { DEFAULT_STATE_DIR } from './state-dir';

// The one source of the executor's options: schema.d.ts derives from it, and a spec checks schema.json against it.
export const prefetchOptionsSchema = z
  .object({
    platform: z.string().default('amd64,arm64'),
    projects: z.array(z.string()).optional(),
    buildTargetName: z.string().default('build-image'),
    registry: z.string().default(''),
    imagePrefix: z.string().default(''),
    tag: z.string().default('latest'),
    envFile: z.string().default('.env'),
    envExample: z.string().default('.env.example'),
    values: z.record(z.string(), z.string()).default({}),
    stateDir: z.string().default(DEFAULT_STATE_DIR),
    daemonConfig: z.string().optional(),
    attempts: z.number().int().min(1).default(4),
    retryDelay: z.number().nonnegative().default(2),
    maxRetryDelay: z.number().positive().default(60),
    rateLimitDelay: z.number().nonnegative().default(15),
    attemptTimeout: z.number().positive().default(300),
    concurrency: z.number().int().min(1).default(4),
    dryRun: z.boolean().default(false),
  })
  // Not strict: build tasks forward their own flags (--platform, --dryRun, but also --push...) to this one.
  .strip();

/**
 * The retry and parallelism settings a user may set for the inferred prefetch target (plugin option `prefetch`).
 * Without the defaults: the executor applies them, so the inferred target carries only what the user set.
 */
export const prefetchSettingsSchema = withoutDefaults(
  prefetchOptionsSchema.pick({
    attempts: true,
    retryDelay: true,
    maxRetryDelay: true,
    rateLimitDelay: true,
    attemptTimeout: true,
    concurrency: true,
  }),
).strict();

export type PrefetchExecutorSchema = z.input<typeof prefetchOptionsSchema>;

export interface NormalizedPrefetchOptions {
  platforms: Arch[];
  /** Components to prefetch for; undefined: the ones this run builds, else all. */
  projects?: string[];
  buildTargetName: string;
  defaults: { platforms: Arch[]; registry: string; imagePrefix: string; tag: string };
  envFiles: EnvFiles;
  values: Record<string, string>;
  /** Absolute. */
  stateDir: string;
  daemonConfig?: string;
  policy: RetryPolicy;
  attemptTimeoutMs: number;
  concurrency: number;
  dryRun: boolean;
}

const SOURCE = 'target prefetch';

export function normalizePrefetchOptions(
  options: PrefetchExecutorSchema,
  workspaceRoot: string,
): NormalizedPrefetchOptions {
  const o = validate(prefetchOptionsSchema, options, SOURCE);
  const platforms = parsePlatforms(o.platform, SOURCE, 'platform');
  return {
    platforms,
    ...(o.projects && { projects: o.projects }),
    buildTargetName: o.buildTargetName,
    defaults: { platforms, registry: o.registry, imagePrefix: o.imagePrefix, tag: o.tag },
    envFiles: { envFile: o.envFile, exampleFile: o.envExample },
    values: o.values,
    stateDir: isAbsolute(o.stateDir) ? o.stateDir : join(workspaceRoot, o.stateDir),
    ...(o.daemonConfig && { daemonConfig: o.daemonConfig }),
    policy: {
      attempts: o.attempts,
      baseDelayMs: o.retryDelay * 1000,
      maxDelayMs: o.maxRetryDelay * 1000,
      rateLimitBaseDelayMs: o.rateLimitDelay * 1000,
    },
    attemptTimeoutMs: o.attemptTimeout * 1000,
    concurrency: o.concurrency,
    dryRun: o.dryRun,
  };
}
