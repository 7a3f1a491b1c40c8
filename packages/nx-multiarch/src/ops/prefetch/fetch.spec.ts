import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, VerificationError } from '../../core/failure/errors';
import { DOCKER, type Docker } from '../../cli/docker/cli';
import type { RunOptions, RunResult } from '../../cli/exec';
import type { RetryPolicy } from '../../core/options/retry';
import { type AttemptReport, attemptRecord, classifyAttempt, type PrefetchSettings, prefetchItem } from './fetch';
import type { PrefetchItem } from './plan';
import { recordKey } from './prefetch-record';
import { warmBuildArgs } from './warm';

const fixtures = join(__dirname, '../../../test/fixtures');
const fixture = (path: string) => readFileSync(join(fixtures, path), 'utf8');
const errorText = (name: string) => fixture(`errors/${name}`).trimEnd();

const AMD64_ID = 'sha256:0d3dfda4d8997c270238c1bdcf82b64b20950e891b9e439404ebee01aa235196';
const ARM64_ID = 'sha256:988d989340b088fa8e21053fbdcfa7b51e859dca4e2282005197b3edde786afa';
const REF = 'docker.io/library/alpine:3.20';
const item: PrefetchItem = { ref: REF, arch: 'arm64', projects: ['gateway', 'api'] };

const INSPECT = ['docker', 'image', 'inspect', REF];
const PULL = ['docker', 'pull', '--platform', 'linux/arm64', REF];
const inspectTimeout = { timeoutMs: 30_000 };
const attemptTimeout = { timeoutMs: 300_000 };

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2, rateLimitBaseDelayMs: 1 };

const settings = (fields: Partial<PrefetchSettings> = {}): PrefetchSettings => ({
  target: { kind: 'daemon' },
  policy: FAST,
  attemptTimeoutMs: 300_000,
  workDir: join(tmpdir(), 'nx-multiarch-fetch-spec-unused'),
  record: {},
  ...fields,
});

const exited = (argv: readonly string[], outputTail: string) =>
  new CommandError(argv, 1, outputTail, false, 'exited with code 1');
const inspectMissing = (argv: readonly string[] = INSPECT) =>
  exited(argv, fixture('docker/image-inspect-missing.txt').trimEnd());
const inspected = (arch: 'amd64' | 'arm64'): Partial<RunResult> => {
  const stdout = fixture(`docker/image-inspect-${arch}.json`);
  return { stdout, all: stdout };
};
const pullOk: Partial<RunResult> = { stdout: fixture('docker/pull-ok.txt'), all: fixture('docker/pull-ok.txt') };
const pullFailed = (name: string) => exited(PULL, errorText(name));

type Reply = Partial<RunResult> | CommandError;

interface Call {
  argv: string[];
  options: RunOptions;
}

/**
 * A Docker that answers by argv from a queue per argv (the last reply repeats) and records every call; an argv
 * nobody scripted is a test bug, reported as a plain Error.
 */
function scripted(script: Record<string, Reply[]>): { runner: Docker; calls: Call[] } {
  const calls: Call[] = [];
  const runner: Docker = async (args, options) => {
    const file = DOCKER;
    const argv = [file, ...args];
    calls.push({ argv, options });
    const replies = script[argv.join(' ')];
    if (!replies?.length) throw new Error(`unscripted command: ${argv.join(' ')}`);
    const reply = replies.length > 1 ? (replies.shift() as Reply) : replies[0];
    if (reply instanceof CommandError) throw reply;
    return { exitCode: 0, stdout: '', stderr: '', all: '', durationMs: 5, ...reply };
  };
  return { runner, calls };
}

const key = (argv: readonly string[]) => argv.join(' ');

describe('prefetchItem into the daemon', () => {
  it('is present, with no attempt, when the tag is already that platform', async () => {
    const { runner, calls } = scripted({ [key(INSPECT)]: [inspected('arm64')] });
    const onAttempt = jest.fn();
    const outcome = await prefetchItem(item, settings(), onAttempt, runner);
    expect(outcome).toEqual({
      ...item,
      status: 'present',
      attempts: 0,
      imageId: ARM64_ID,
      durationMs: expect.any(Number),
    });
    expect(calls).toEqual([{ argv: INSPECT, options: inspectTimeout }]);
    expect(onAttempt).not.toHaveBeenCalled();
  });

  it('is present when the tag is the other platform but the recorded id is this one', async () => {
    const byId = ['docker', 'image', 'inspect', ARM64_ID];
    const { runner, calls } = scripted({ [key(INSPECT)]: [inspected('amd64')], [key(byId)]: [inspected('arm64')] });
    const onAttempt = jest.fn();
    const record = { [recordKey(REF, 'amd64')]: AMD64_ID, [recordKey(REF, 'arm64')]: ARM64_ID };
    const outcome = await prefetchItem(item, settings({ record }), onAttempt, runner);
    expect(outcome).toEqual({
      ...item,
      status: 'present',
      attempts: 0,
      imageId: ARM64_ID,
      durationMs: expect.any(Number),
    });
    expect(calls).toEqual([
      { argv: INSPECT, options: inspectTimeout },
      { argv: byId, options: inspectTimeout },
    ]);
    expect(onAttempt).not.toHaveBeenCalled();
  });

  it('pulls when the recorded id is gone from the daemon', async () => {
    const byId = ['docker', 'image', 'inspect', ARM64_ID];
    const { runner, calls } = scripted({
      [key(INSPECT)]: [inspected('amd64'), inspected('arm64')],
      [key(byId)]: [inspectMissing(byId)],
      [key(PULL)]: [pullOk],
    });
    const record = { [recordKey(REF, 'arm64')]: ARM64_ID };
    const outcome = await prefetchItem(item, settings({ record }), jest.fn(), runner);
    expect(outcome).toMatchObject({ status: 'fetched', attempts: 1, imageId: ARM64_ID });
    expect(calls.map((call) => call.argv)).toEqual([INSPECT, byId, PULL, INSPECT]);
  });

  it('pulls a missing image for its platform, then checks what arrived', async () => {
    const { runner, calls } = scripted({
      [key(INSPECT)]: [inspectMissing(), inspected('arm64')],
      [key(PULL)]: [pullOk],
    });
    const onAttempt = jest.fn();
    const outcome = await prefetchItem(item, settings(), onAttempt, runner);
    expect(outcome).toEqual({
      ...item,
      status: 'fetched',
      attempts: 1,
      imageId: ARM64_ID,
      durationMs: expect.any(Number),
    });
    expect(calls).toEqual([
      { argv: INSPECT, options: inspectTimeout },
      {
        argv: ['docker', 'pull', '--platform', 'linux/arm64', 'docker.io/library/alpine:3.20'],
        options: attemptTimeout,
      },
      { argv: INSPECT, options: inspectTimeout },
    ]);
    expect(onAttempt).not.toHaveBeenCalled();
  });

  it('pulls even when the docker driver builder is named', async () => {
    const { runner, calls } = scripted({
      [key(INSPECT)]: [inspectMissing(), inspected('arm64')],
      [key(PULL)]: [pullOk],
    });
    const outcome = await prefetchItem(
      item,
      settings({ target: { kind: 'daemon', builder: 'default' } }),
      jest.fn(),
      runner,
    );
    expect(outcome.status).toBe('fetched');
    expect(calls.map((call) => call.argv)).toEqual([INSPECT, PULL, INSPECT]);
  });

  it('stops after one attempt on a permanent failure (manifest unknown)', async () => {
    const error = pullFailed('dockerd-pull-manifest-unknown.txt');
    const { runner, calls } = scripted({ [key(INSPECT)]: [inspectMissing()], [key(PULL)]: [error] });
    const onAttempt = jest.fn<void, [AttemptReport]>();
    const outcome = await prefetchItem(item, settings(), onAttempt, runner);
    const failure = { class: 'permanent', kind: 'not-found', evidence: 'manifest unknown' };
    expect(outcome).toEqual({
      ...item,
      status: 'failed',
      attempts: 1,
      failure,
      message: 'docker pull --platform exited with code 1:\nmanifest unknown',
      durationMs: expect.any(Number),
    });
    expect(onAttempt).toHaveBeenCalledTimes(1);
    expect(onAttempt.mock.calls[0][0]).toStrictEqual({ attempt: 1, error, failure, item, argv: PULL });
    expect(calls.map((call) => call.argv)).toEqual([INSPECT, PULL]);
  });

  it('retries transient failures and succeeds on the third attempt', async () => {
    const { runner, calls } = scripted({
      [key(INSPECT)]: [inspectMissing(), inspected('arm64')],
      [key(PULL)]: [pullFailed('dockerd-pull-503.txt'), pullFailed('dockerd-pull-503.txt'), pullOk],
    });
    const onAttempt = jest.fn<void, [AttemptReport]>();
    const outcome = await prefetchItem(item, settings(), onAttempt, runner);
    expect(outcome).toEqual({
      ...item,
      status: 'fetched',
      attempts: 3,
      imageId: ARM64_ID,
      durationMs: expect.any(Number),
    });
    expect(onAttempt).toHaveBeenCalledTimes(2);
    const reports = onAttempt.mock.calls.map(([report]) => report);
    expect(reports.map((r) => [r.attempt, r.failure.class, r.failure.kind])).toEqual([
      [1, 'transient', 'server-error'],
      [2, 'transient', 'server-error'],
    ]);
    for (const report of reports) {
      expect(report.nextDelayMs).toBeGreaterThanOrEqual(1);
      expect(report.nextDelayMs).toBeLessThanOrEqual(2);
      expect(report.argv).toEqual(PULL);
    }
    expect(calls.map((call) => call.argv)).toEqual([INSPECT, PULL, PULL, PULL, INSPECT]);
  });

  it('gives up when a transient failure uses up the attempts', async () => {
    const { runner, calls } = scripted({
      [key(INSPECT)]: [inspectMissing()],
      [key(PULL)]: [pullFailed('dockerd-pull-503.txt')],
    });
    const onAttempt = jest.fn<void, [AttemptReport]>();
    const outcome = await prefetchItem(item, settings(), onAttempt, runner);
    expect(outcome).toMatchObject({
      status: 'failed',
      attempts: FAST.attempts,
      failure: {
        class: 'transient',
        kind: 'server-error',
        evidence: 'received unexpected HTTP status: 503 Service Unavailable',
      },
      message: 'docker pull --platform exited with code 1:\nreceived unexpected HTTP status: 503 Service Unavailable',
    });
    expect(onAttempt.mock.calls.map(([r]) => [r.attempt, r.nextDelayMs !== undefined])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
    expect(calls.filter((call) => key(call.argv) === key(PULL))).toHaveLength(FAST.attempts);
  });

  it('fails as no-matching-platform when the pull brings the other platform', async () => {
    const { runner } = scripted({
      [key(INSPECT)]: [inspectMissing(), inspected('amd64')],
      [key(PULL)]: [pullOk],
    });
    const onAttempt = jest.fn<void, [AttemptReport]>();
    const outcome = await prefetchItem(item, settings(), onAttempt, runner);
    const message =
      'asked for linux/arm64, the registry gave linux/amd64: docker.io/library/alpine:3.20 has no arm64 image';
    const failure = { class: 'permanent', kind: 'no-matching-platform', evidence: message };
    expect(outcome).toEqual({
      ...item,
      status: 'failed',
      attempts: 1,
      failure,
      message,
      durationMs: expect.any(Number),
    });
    expect(onAttempt).toHaveBeenCalledTimes(1);
    const report = onAttempt.mock.calls[0][0];
    expect(report).toMatchObject({ attempt: 1, failure, item, argv: PULL });
    expect(report.error).toBeInstanceOf(VerificationError);
    expect((report.error as Error).message).toBe(message);
    expect(report).not.toHaveProperty('nextDelayMs');
  });

  it('fails when nothing can be inspected after a pull that succeeded', async () => {
    const { runner } = scripted({ [key(INSPECT)]: [inspectMissing()], [key(PULL)]: [pullOk] });
    const outcome = await prefetchItem(item, settings(), jest.fn(), runner);
    expect(outcome).toMatchObject({
      status: 'failed',
      failure: {
        class: 'permanent',
        kind: 'no-matching-platform',
        evidence: 'asked for linux/arm64, the registry gave nothing: docker.io/library/alpine:3.20 has no arm64 image',
      },
      message: 'asked for linux/arm64, the registry gave nothing: docker.io/library/alpine:3.20 has no arm64 image',
    });
  });

  it('retries an attempt killed by its timeout as transient', async () => {
    const partial = fixture('docker/pull-ok.txt').split('\n')[0];
    const timedOut = new CommandError(PULL, undefined, partial, true, 'timed out after 300 s');
    const { runner } = scripted({
      [key(INSPECT)]: [inspectMissing(), inspected('arm64')],
      [key(PULL)]: [timedOut, pullOk],
    });
    const onAttempt = jest.fn<void, [AttemptReport]>();
    const outcome = await prefetchItem(item, settings(), onAttempt, runner);
    expect(outcome).toMatchObject({ status: 'fetched', attempts: 2 });
    expect(onAttempt).toHaveBeenCalledTimes(1);
    expect(onAttempt.mock.calls[0][0]).toMatchObject({
      attempt: 1,
      error: timedOut,
      failure: { class: 'transient', kind: 'timeout', evidence: '3.20: Pulling from library/alpine' },
    });
  });
});

describe('prefetchItem into a container builder', () => {
  const builderSettings = (workDir: string) =>
    settings({ target: { kind: 'builder', builder: 'nx-multiarch' }, workDir });
  const contextDir = (workDir: string) => join(workDir, createHash('sha256').update(REF).digest('hex').slice(0, 16));

  test.each([
    ['fetched', 'warm-cacheonly-fetched.txt'],
    ['present', 'warm-cacheonly-cached.txt'],
  ])('is %s after a cache-only build printing %s', async (status, progress) => {
    const workDir = mkdtempSync(join(tmpdir(), 'prefetch-warm-'));
    const dir = contextDir(workDir);
    const argv = ['docker', ...warmBuildArgs('nx-multiarch', 'arm64', dir)];
    const { runner, calls } = scripted({ [key(argv)]: [{ all: fixture(`buildx/${progress}`) }] });
    const onAttempt = jest.fn();
    const outcome = await prefetchItem(item, builderSettings(workDir), onAttempt, runner);
    expect(outcome).toEqual({ ...item, status, attempts: 1, durationMs: expect.any(Number) });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM docker.io/library/alpine:3.20\n');
    // prettier-ignore
    expect(calls).toEqual([{
      argv: [
        'docker', 'buildx', 'build', '--builder', 'nx-multiarch', '--platform', 'linux/arm64', '--output',
        'type=cacheonly', '--progress', 'plain', '--file', `${dir}/Dockerfile`, dir,
      ],
      options: attemptTimeout,
    }]);
    expect(onAttempt).not.toHaveBeenCalled();
  });

  it('counts a build whose output shows no FROM step as fetched', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'prefetch-warm-'));
    const argv = ['docker', ...warmBuildArgs('nx-multiarch', 'arm64', contextDir(workDir))];
    const { runner } = scripted({ [key(argv)]: [{ all: '' }] });
    const outcome = await prefetchItem(item, builderSettings(workDir), jest.fn(), runner);
    expect(outcome).toMatchObject({ status: 'fetched', attempts: 1 });
  });

  it('retries a transient builder failure with the same argv', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'prefetch-warm-'));
    const argv = ['docker', ...warmBuildArgs('nx-multiarch', 'arm64', contextDir(workDir))];
    const error = exited(argv, errorText('buildkit-manifest-503.txt'));
    const { runner, calls } = scripted({
      [key(argv)]: [error, { all: fixture('buildx/warm-cacheonly-fetched.txt') }],
    });
    const onAttempt = jest.fn<void, [AttemptReport]>();
    const outcome = await prefetchItem(item, builderSettings(workDir), onAttempt, runner);
    expect(outcome).toMatchObject({ status: 'fetched', attempts: 2 });
    expect(onAttempt.mock.calls[0][0]).toMatchObject({
      attempt: 1,
      argv,
      failure: { class: 'transient', kind: 'server-error' },
    });
    expect(calls.map((call) => call.argv)).toEqual([argv, argv]);
  });
});

describe('classifyAttempt', () => {
  test.each<[string, unknown, object]>([
    [
      'a failed pull, from its output',
      pullFailed('dockerd-pull-503.txt'),
      {
        class: 'transient',
        kind: 'server-error',
        evidence: 'received unexpected HTTP status: 503 Service Unavailable',
      },
    ],
    [
      'a pull killed by our timeout',
      new CommandError(PULL, undefined, 'Pulling fs layer', true, 'timed out after 300 s'),
      { class: 'transient', kind: 'timeout', evidence: 'Pulling fs layer' },
    ],
    [
      'an error that is not a process failing',
      new VerificationError('amd64 bytes'),
      { class: 'permanent', kind: 'unknown', evidence: 'amd64 bytes' },
    ],
    ['a thrown string', 'boom', { class: 'permanent', kind: 'unknown', evidence: 'boom' }],
  ])('%s', (_name, error, expected) => {
    expect(classifyAttempt(error)).toEqual(expected);
  });
});

describe('attemptRecord', () => {
  const now = new Date('2024-05-01T12:34:56.789Z');

  it('records a failed command with its exit code, output and the wait before the next attempt', () => {
    const error = pullFailed('dockerd-pull-503.txt');
    const report: AttemptReport = {
      attempt: 2,
      error,
      failure: classifyAttempt(error),
      nextDelayMs: 1_500,
      item,
      argv: PULL,
    };
    expect(attemptRecord(report, 'ws', now)).toStrictEqual({
      time: '2024-05-01T12:34:56.789Z',
      operation: 'prefetch',
      project: 'ws',
      neededBy: ['gateway', 'api'],
      image: 'docker.io/library/alpine:3.20',
      platform: 'linux/arm64',
      attempt: 2,
      retryInMs: 1_500,
      class: 'transient',
      kind: 'server-error',
      evidence: 'received unexpected HTTP status: 503 Service Unavailable',
      exitCode: 1,
      timedOut: false,
      outputTail: 'received unexpected HTTP status: 503 Service Unavailable',
      argv: PULL,
      message: 'docker pull --platform exited with code 1:\nreceived unexpected HTTP status: 503 Service Unavailable',
    });
  });

  it('records a timed-out command without an exit code, and no retry after the last attempt', () => {
    const error = new CommandError(PULL, undefined, '3.20: Pulling from library/alpine', true, 'timed out after 300 s');
    const report: AttemptReport = { attempt: 4, error, failure: classifyAttempt(error), item, argv: PULL };
    expect(attemptRecord(report, 'ws', now)).toStrictEqual({
      time: '2024-05-01T12:34:56.789Z',
      operation: 'prefetch',
      project: 'ws',
      neededBy: ['gateway', 'api'],
      image: 'docker.io/library/alpine:3.20',
      platform: 'linux/arm64',
      attempt: 4,
      class: 'transient',
      kind: 'timeout',
      evidence: '3.20: Pulling from library/alpine',
      timedOut: true,
      outputTail: '3.20: Pulling from library/alpine',
      argv: PULL,
      message: 'docker pull --platform timed out after 300 s:\n3.20: Pulling from library/alpine',
    });
  });

  it('records an error that is not a command without process fields', () => {
    const error = new VerificationError('asked for linux/arm64, the registry gave linux/amd64');
    const report: AttemptReport = {
      attempt: 1,
      error,
      failure: { class: 'permanent', kind: 'no-matching-platform', evidence: error.message },
      item,
      argv: PULL,
    };
    expect(attemptRecord(report, 'ws', now)).toStrictEqual({
      time: '2024-05-01T12:34:56.789Z',
      operation: 'prefetch',
      project: 'ws',
      neededBy: ['gateway', 'api'],
      image: 'docker.io/library/alpine:3.20',
      platform: 'linux/arm64',
      attempt: 1,
      class: 'permanent',
      kind: 'no-matching-platform',
      evidence: 'asked for linux/arm64, the registry gave linux/amd64',
      argv: PULL,
      message: 'asked for linux/arm64, the registry gave linux/amd64',
    });
  });
});
