import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectImageArgs, type LocalImage, parseImageInspect, pullImageArgs } from '../../cli/docker/image';
import { CommandError, VerificationError } from '../../core/failure/errors';
import { type Classification, classifyFailure } from '../../core/failure/classify';
import { type FailureRecord } from '../../infra/run/failure-log';
import { attemptFields } from '../../infra/run/attempt-fields';
import { DOCKER, docker, type Docker } from '../../cli/docker/cli';
import { type Arch, ociPlatform } from '../../core/platform';
import { type AttemptFailure, withRetries } from '../../infra/retry/policy';
import { type RetryPolicy } from '../../core/options/retry';
import { mapBounded } from '../../infra/task/pool';
import { byImage, type PrefetchItem } from './plan';
import { type PrefetchRecord, recordKey } from './prefetch-record';
import { type WarmTarget, warmBuildArgs, warmDockerfile, warmResult } from './warm';

export interface PrefetchSettings {
  target: WarmTarget;
  policy: RetryPolicy;
  /** Hard limit per attempt: a registry that accepts the connection and never answers would hang the pull. */
  attemptTimeoutMs: number;
  /** Where warm-up build contexts are written (container builders). */
  workDir: string;
  /** Image ids of earlier fetches, by `recordKey`. */
  record: Readonly<PrefetchRecord>;
}

export type PrefetchStatus = 'present' | 'fetched' | 'failed';

export interface PrefetchOutcome extends PrefetchItem {
  status: PrefetchStatus;
  /** Fetch attempts made (0 when it was already present). */
  attempts: number;
  durationMs: number;
  /** The daemon's image id for this platform (docker driver). */
  imageId?: string;
  failure?: Classification;
  /** What went wrong, for the summary: the last attempt's error. */
  message?: string;
}

export interface AttemptReport extends AttemptFailure {
  item: PrefetchItem;
  argv: readonly string[];
}

const INSPECT_TIMEOUT_MS = 30_000;

/** Why an attempt failed, from its output; errors that are not a process failing are not retried. */
export function classifyAttempt(error: unknown): Classification {
  if (error instanceof CommandError) {
    return classifyFailure(error.outputTail, { operation: 'pull', timedOut: error.timedOut });
  }
  return { class: 'permanent', kind: 'unknown', evidence: error instanceof Error ? error.message : String(error) };
}

const isPlatform = (image: LocalImage | undefined, arch: Arch) =>
  image !== undefined && image.os === 'linux' && image.architecture === arch;

async function inspect(runner: Docker, ref: string): Promise<LocalImage | undefined> {
  try {
    return parseImageInspect((await runner(inspectImageArgs(ref), { timeoutMs: INSPECT_TIMEOUT_MS })).stdout);
  } catch (error) {
    if (error instanceof CommandError) return undefined;
    throw error;
  }
}

/** Warms one (image, platform) where builds will look for it, retrying what a retry can fix. */
export async function prefetchItem(
  item: PrefetchItem,
  settings: PrefetchSettings,
  onAttempt: (report: AttemptReport) => void,
  runner: Docker = docker,
): Promise<PrefetchOutcome> {
  const started = Date.now();
  const done = (fields: Omit<PrefetchOutcome, keyof PrefetchItem | 'durationMs'>): PrefetchOutcome => ({
    ...item,
    ...fields,
    durationMs: Date.now() - started,
  });
  if (settings.target.kind === 'daemon') {
    // The tag names the platform pulled last; an earlier platform's image is found by the id recorded then.
    const byTag = await inspect(runner, item.ref);
    if (isPlatform(byTag, item.arch)) return done({ status: 'present', attempts: 0, imageId: byTag?.id });
    const recorded = settings.record[recordKey(item.ref, item.arch)];
    const byId = recorded ? await inspect(runner, recorded) : undefined;
    if (isPlatform(byId, item.arch)) return done({ status: 'present', attempts: 0, imageId: byId?.id });
  }
  const argv = settings.target.kind === 'daemon' ? pullImageArgs(item.ref, item.arch) : warmUp(item, settings);
  let attempts = 0;
  let output = '';
  try {
    await withRetries(
      async (attempt) => {
        attempts = attempt;
        output = (await runner(argv, { timeoutMs: settings.attemptTimeoutMs })).all;
      },
      classifyAttempt,
      settings.policy,
      (failure) => onAttempt({ ...failure, item, argv: [DOCKER, ...argv] }),
    );
  } catch (error) {
    return done({
      status: 'failed',
      attempts,
      failure: classifyAttempt(error),
      message: error instanceof Error ? error.message : String(error),
    });
  }
  if (settings.target.kind === 'builder') return done({ status: warmResult(output) ?? 'fetched', attempts });
  // dockerd pulls a single-platform image whatever platform was asked for: check what arrived.
  const pulled = await inspect(runner, item.ref);
  if (!isPlatform(pulled, item.arch)) {
    const found = pulled ? `${pulled.os}/${pulled.architecture}` : 'nothing';
    const error = new VerificationError(
      `asked for ${ociPlatform(item.arch)}, the registry gave ${found}: ${item.ref} has no ${item.arch} image`,
    );
    const failure: Classification = { class: 'permanent', kind: 'no-matching-platform', evidence: error.message };
    onAttempt({ attempt: attempts, error, failure, item, argv: [DOCKER, ...argv] });
    return done({ status: 'failed', attempts, failure, message: error.message });
  }
  return done({ status: 'fetched', attempts, imageId: pulled?.id });
}

function warmUp(item: PrefetchItem, settings: PrefetchSettings): string[] {
  const target = settings.target as Extract<WarmTarget, { kind: 'builder' }>;
  const dir = join(settings.workDir, createHash('sha256').update(item.ref).digest('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), warmDockerfile(item.ref));
  return warmBuildArgs(target.builder, item.arch, dir);
}

/** The failure log's line for a failed attempt. */
export function attemptRecord(report: AttemptReport, project: string, now: Date = new Date()): FailureRecord {
  const error = report.error;
  return {
    time: now.toISOString(),
    operation: 'prefetch',
    project,
    neededBy: report.item.projects,
    image: report.item.ref,
    platform: ociPlatform(report.item.arch),
    ...attemptFields(report),
    argv: report.argv,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Every item, `concurrency` images at a time; one image's platforms in turn (in the daemon they share a tag). */
export async function prefetchItems(
  items: readonly PrefetchItem[],
  settings: PrefetchSettings,
  concurrency: number,
  onAttempt: (report: AttemptReport) => void,
  runner: Docker = docker,
): Promise<PrefetchOutcome[]> {
  const groups = await mapBounded(byImage(items), concurrency, async (group) => {
    const done: PrefetchOutcome[] = [];
    for (const item of group) done.push(await prefetchItem(item, settings, onAttempt, runner));
    return done;
  });
  return groups.flat();
}
