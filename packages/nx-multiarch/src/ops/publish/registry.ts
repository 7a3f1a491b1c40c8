import { imagetoolsInspectArgs, parsePushedImage, type PushedImage } from '../../cli/buildx/imagetools';
import { DOCKER, type Docker } from '../../cli/docker/cli';
import type { Classification } from '../../core/failure/classify';
import { VerificationError } from '../../core/failure/errors';
import type { NormalizedManifestOptions } from '../../core/options/manifest';
import { poll } from '../../infra/retry/poll';
import { type AttemptFailure, withRetries } from '../../infra/retry/policy';
import { attemptFields } from '../../infra/run/attempt-fields';
import { appendFailure } from '../../infra/run/failure-log';
import { type ExpectedEntry, indexProblems } from './verify';

// Registries are eventually consistent: a tag read back too soon may be missing or stale, so look again this often.
const READ_BACK_INTERVAL_MS = 1000;

/** What talking to the registry needs: limits and retries of its commands, and where their failures go. */
export interface RegistryContext {
  options: Pick<NormalizedManifestOptions, 'project' | 'stateDir' | 'timeoutMs' | 'verifyTimeoutMs' | 'policy'>;
  /** The builder whose registry config (mirrors, plain-HTTP, insecure) imagetools reads. */
  builder?: string;
  docker: Docker;
  env: Record<string, string | undefined>;
  warn: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface Registry {
  /**
   * Runs one docker command against the registry, retrying what the classifier calls transient. A lookup's
   * not-found is an answer, not a failure: it is not logged.
   */
  command(image: string, args: string[], lookup?: boolean): Promise<string>;
  /** The manifest (or index) a reference names in the registry; undefined when the registry says it has none. */
  inspect(ref: string): Promise<PushedImage | undefined>;
  /** Reads a tag back until it is the expected index: registries are eventually consistent (MANIFEST_UNKNOWN, stale). */
  readBack(ref: string, expected: readonly ExpectedEntry[]): Promise<PushedImage>;
}

function logAttempt(ctx: RegistryContext, image: string, argv: string[], report: AttemptFailure): void {
  const error = report.error;
  appendFailure(ctx.options.stateDir, {
    time: new Date().toISOString(),
    operation: 'manifest',
    project: ctx.options.project,
    image,
    ...attemptFields(report),
    argv,
    message: error instanceof Error ? error.message : String(error),
  });
  if (report.nextDelayMs !== undefined) {
    ctx.warn(
      `${image}: ${report.failure.kind} (${report.failure.evidence}); attempt ${report.attempt + 1} ` +
        `in ${Math.round(report.nextDelayMs / 1000)} s`,
    );
  }
}

/** The registry as `ctx` reaches it; `classify` tells which failures are worth another attempt. */
export function registryClient(ctx: RegistryContext, classify: (error: unknown) => Classification): Registry {
  const { options } = ctx;
  const command = async (image: string, args: string[], lookup = false): Promise<string> => {
    const result = await withRetries(
      () =>
        ctx.docker(args, {
          timeoutMs: options.timeoutMs,
          env: ctx.env,
          echo: !lookup,
          prefix: `[${image}] `,
        }),
      classify,
      options.policy,
      (report) => {
        if (!(lookup && report.failure.kind === 'not-found')) logAttempt(ctx, image, [DOCKER, ...args], report);
      },
      ctx.sleep,
    );
    return result.stdout;
  };
  const inspect = async (ref: string): Promise<PushedImage | undefined> => {
    try {
      return parsePushedImage(await command(ref, imagetoolsInspectArgs(ref, ctx.builder), true), ref);
    } catch (error) {
      if (classify(error).kind === 'not-found') return undefined;
      throw error;
    }
  };
  const readBack = (ref: string, expected: readonly ExpectedEntry[]): Promise<PushedImage> =>
    poll(
      async () => {
        const found = await inspect(ref);
        const problems = indexProblems(found, expected);
        return problems.length === 0
          ? { ready: true as const, value: found as PushedImage }
          : { ready: false as const, pending: problems };
      },
      (problems) =>
        new VerificationError(`${ref} was published, but read back from the registry ${problems.join('; ')}`),
      { timeoutMs: options.verifyTimeoutMs, intervalMs: READ_BACK_INTERVAL_MS, sleep: ctx.sleep },
    );
  return { command, inspect, readBack };
}
