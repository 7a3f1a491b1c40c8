import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../../core/failure/errors';
import { classifyFailure } from '../../core/failure/classify';
import { DOCKER, type Docker } from '../../cli/docker/cli';
import type { RunOptions, RunResult } from '../../cli/exec';
import type { RetryPolicy } from '../../core/options/retry';
import { type BuildAttemptReport, type BuildAttemptSettings, classifyBuildAttempt, runBuild } from './attempts';

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2, rateLimitBaseDelayMs: 1 };

const BUILD = ['buildx', 'build', '--platform', 'linux/amd64', '.'];
const argvOf = (noCache: boolean) => (noCache ? [...BUILD.slice(0, -1), '--no-cache', '.'] : [...BUILD]);

const RUN_FAILED = 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2';

/** A failed RUN step as BuildKit's plain progress prints it, with its error excerpt. */
const runStepLog = (stepOutput: string) =>
  [
    '#5 [1/2] FROM docker.io/library/alpine:3.20',
    '#5 DONE 0.1s',
    '#6 [2/2] RUN make',
    `#6 0.412 ${stepOutput}`,
    '#6 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
    '------',
    ' > [2/2] RUN make:',
    `0.412 ${stepOutput}`,
    '------',
    'Dockerfile:2',
    '--------------------',
    '   1 |     FROM alpine:3.20',
    '   2 | >>> RUN make',
    '--------------------',
    RUN_FAILED,
    '',
  ].join('\n');

const COMPILE_ERROR = 'make: *** [Makefile:3: all] Error 1';
const IO_TIMEOUT = 'dial tcp 10.0.0.7:443: i/o timeout';
const POISONED =
  'ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref abc::xyz: ' +
  'failed to walk /var/lib/docker/tmp: lstat : no such file or directory';

const exited = (outputTail = '') => new CommandError(['docker', ...BUILD], 1, outputTail, false, 'exited with code 1');

describe('classifyBuildAttempt', () => {
  it('a failed RUN step is permanent', () => {
    expect(classifyBuildAttempt(exited(), runStepLog(COMPILE_ERROR))).toEqual({
      class: 'permanent',
      kind: 'run-step',
      evidence: RUN_FAILED,
    });
  });

  it('a RUN step that failed on the network is transient, from a line far above the tail', () => {
    expect(classifyBuildAttempt(exited(RUN_FAILED), runStepLog(IO_TIMEOUT))).toEqual({
      class: 'transient',
      kind: 'timeout',
      evidence: `0.412 ${IO_TIMEOUT}`,
    });
  });

  it("falls back to the error's tail when the log is empty", () => {
    expect(classifyBuildAttempt(exited(POISONED), '')).toEqual({
      class: 'transient',
      kind: 'poisoned-cache',
      evidence: POISONED,
      noCacheOnRetry: true,
    });
  });

  it('a stalled process is "stalled", whatever its output says', () => {
    const error = new CommandError(['docker', ...BUILD], undefined, '', true, 'printed nothing for 300 s', true);
    expect(classifyBuildAttempt(error, runStepLog(COMPILE_ERROR))).toEqual({
      class: 'transient',
      kind: 'stalled',
      evidence: RUN_FAILED,
    });
  });

  it('a process killed by the overall timeout is "timeout"', () => {
    const error = new CommandError(['docker', ...BUILD], undefined, '', true, 'timed out after 3600 s');
    expect(classifyBuildAttempt(error, '#7 [2/3] RUN npm ci\n#7 12.5 npm http fetch GET 200')).toEqual({
      class: 'transient',
      kind: 'timeout',
      evidence: '#7 12.5 npm http fetch GET 200',
    });
  });

  test.each<[string, unknown, string]>([
    ['an Error', new TypeError('spawn docker ENOENT'), 'spawn docker ENOENT'],
    ['a string', 'something odd', 'something odd'],
  ])('anything but a CommandError (%s) is permanent and unknown', (_name, error, evidence) => {
    expect(classifyBuildAttempt(error, 'connection reset by peer')).toEqual({
      class: 'permanent',
      kind: 'unknown',
      evidence,
    });
  });

  test.each([
    ['pull', 'transient'],
    ['build', 'permanent'],
  ] as const)('an unexplained %s failure is %s', (operation, expected) => {
    expect(classifyBuildAttempt(exited(), 'the daemon said something new', operation)).toEqual({
      class: expected,
      kind: 'unknown',
      evidence: 'the daemon said something new',
    });
  });

  it('defaults to the build operation', () => {
    expect(classifyBuildAttempt(exited(), 'the daemon said something new')).toMatchObject({ class: 'permanent' });
  });
});

describe('the poisoned cache text these specs use', () => {
  it('is a poisoned cache, retried without cache', () => {
    expect(classifyFailure(POISONED, { operation: 'build' })).toMatchObject({
      class: 'transient',
      kind: 'poisoned-cache',
      noCacheOnRetry: true,
    });
  });
});

/** An attempt of the fake runner: succeed, or fail with this log and error. */
type Reply = { log: string; error?: CommandError };

interface Call {
  file: string;
  args: readonly string[];
  options: RunOptions;
  /** Which of the settings' outputs existed when the attempt started. */
  outputsPresent: string[];
  /** Whether the attempt's log file existed when it started. */
  logPresent: boolean;
}

const OK: RunResult = { exitCode: 0, stdout: '', stderr: '', all: 'done', durationMs: 5 };

describe('runBuild', () => {
  let dir: string;
  let run = 0;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-multiarch-attempts-spec-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each test gets its own directory: logs of one never leak into another. */
  const fresh = () => {
    const sub = join(dir, `run-${++run}`);
    rmSync(sub, { recursive: true, force: true });
    return sub;
  };

  const settingsIn = (sub: string, fields: Partial<BuildAttemptSettings> = {}): BuildAttemptSettings => ({
    argv: jest.fn(argvOf),
    operation: 'build',
    policy: FAST,
    timeoutMs: 3_600_000,
    stallTimeoutMs: 300_000,
    logFile: (attempt) => `${sub}-attempt-${attempt}.log`,
    outputs: [],
    echo: false,
    prefix: '[api linux/amd64] ',
    mask: (text) => text,
    env: { DOCKER_BUILDKIT: '1' },
    ...fields,
  });

  /**
   * A Docker that plays `replies` in order (the last one repeats), writing each reply's log to the file the attempt
   * was given, and writing the settings' outputs when it succeeds or fails (as a build writes its metadata).
   */
  function scripted(replies: Reply[], outputs: readonly string[] = []): { runner: Docker; calls: Call[] } {
    const calls: Call[] = [];
    const runner: Docker = async (args, options) => {
      const file = DOCKER;
      if (!options.logFile) throw new Error('the attempt was given no log file');
      const outputsPresent = outputs.filter((output) => existsSync(output));
      calls.push({ file, args, options, outputsPresent, logPresent: existsSync(options.logFile) });
      const reply = replies[Math.min(calls.length - 1, replies.length - 1)];
      writeFileSync(options.logFile, reply.log);
      for (const output of outputs) writeFileSync(output, '{}');
      if (reply.error) throw reply.error;
      return OK;
    };
    return { runner, calls };
  }

  it('retries a transient failure and succeeds on the second attempt', async () => {
    const sub = fresh();
    const settings = settingsIn(sub);
    const { runner, calls } = scripted([
      { log: runStepLog(IO_TIMEOUT), error: exited(RUN_FAILED) },
      { log: '#6 [2/2] RUN make\n#6 DONE 3.0s\n' },
    ]);
    const onFailure = jest.fn<void, [BuildAttemptReport]>();

    const outcome = await runBuild(settings, onFailure, runner);

    expect(outcome).toEqual({ result: OK, attempts: 2, noCache: false, logFile: `${sub}-attempt-2.log` });
    expect(calls.map((call) => [call.file, call.args])).toEqual([
      ['docker', BUILD],
      ['docker', BUILD],
    ]);
    expect(calls.map((call) => call.options)).toEqual(
      [1, 2].map((attempt) => ({
        timeoutMs: 3_600_000,
        stallTimeoutMs: 300_000,
        echo: false,
        prefix: '[api linux/amd64] ',
        logFile: `${sub}-attempt-${attempt}.log`,
        mask: settings.mask,
        env: { DOCKER_BUILDKIT: '1' },
      })),
    );
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0][0]).toEqual({
      attempt: 1,
      error: expect.any(CommandError),
      failure: { class: 'transient', kind: 'timeout', evidence: `0.412 ${IO_TIMEOUT}` },
      nextDelayMs: expect.any(Number),
      argv: ['docker', ...BUILD],
      logFile: `${sub}-attempt-1.log`,
      step: '[2/2] RUN make',
    });
    const { nextDelayMs } = onFailure.mock.calls[0][0];
    expect(nextDelayMs).toBeGreaterThanOrEqual(1);
    expect(nextDelayMs).toBeLessThanOrEqual(2);
    // Each attempt keeps its own log.
    expect(readFileSync(`${sub}-attempt-1.log`, 'utf8')).toBe(runStepLog(IO_TIMEOUT));
    expect(readFileSync(`${sub}-attempt-2.log`, 'utf8')).toBe('#6 [2/2] RUN make\n#6 DONE 3.0s\n');
  });

  it('retries a poisoned cache without the cache', async () => {
    const sub = fresh();
    const settings = settingsIn(sub);
    const { runner, calls } = scripted([
      { log: `#8 exporting cache\n${POISONED}\n`, error: exited(POISONED) },
      { log: '' },
    ]);
    const onFailure = jest.fn<void, [BuildAttemptReport]>();

    const outcome = await runBuild(settings, onFailure, runner);

    expect(outcome).toEqual({ result: OK, attempts: 2, noCache: true, logFile: `${sub}-attempt-2.log` });
    // Attempt 1, its failure report, attempt 2.
    expect(jest.mocked(settings.argv).mock.calls).toEqual([[false], [false], [true]]);
    expect(calls.map((call) => call.args)).toEqual([argvOf(false), argvOf(true)]);
    expect(calls[1].args).toContain('--no-cache');
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0][0]).toEqual({
      attempt: 1,
      error: expect.any(CommandError),
      failure: { class: 'transient', kind: 'poisoned-cache', evidence: POISONED, noCacheOnRetry: true },
      nextDelayMs: expect.any(Number),
      argv: ['docker', ...argvOf(false)],
      logFile: `${sub}-attempt-1.log`,
    });
  });

  it('never retries a failed RUN step, and names the step', async () => {
    const sub = fresh();
    const settings = settingsIn(sub);
    const error = exited(RUN_FAILED);
    const { runner, calls } = scripted([{ log: runStepLog(COMPILE_ERROR), error }, { log: '' }]);
    const onFailure = jest.fn<void, [BuildAttemptReport]>();

    await expect(runBuild(settings, onFailure, runner)).rejects.toBe(error);

    expect(calls).toHaveLength(1);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0][0]).toEqual({
      attempt: 1,
      error,
      failure: { class: 'permanent', kind: 'run-step', evidence: RUN_FAILED },
      argv: ['docker', ...BUILD],
      logFile: `${sub}-attempt-1.log`,
      step: '[2/2] RUN make',
    });
    expect(onFailure.mock.calls[0][0]).not.toHaveProperty('nextDelayMs');
  });

  it("gives up after the policy's attempts and rethrows the last error", async () => {
    const sub = fresh();
    const errors = [1, 2].map(() => exited(IO_TIMEOUT));
    const { runner, calls } = scripted(errors.map((error) => ({ log: `${IO_TIMEOUT}\n`, error })));
    const onFailure = jest.fn<void, [BuildAttemptReport]>();

    await expect(runBuild(settingsIn(sub, { policy: { ...FAST, attempts: 2 } }), onFailure, runner)).rejects.toBe(
      errors[1],
    );

    expect(calls).toHaveLength(2);
    expect(onFailure.mock.calls.map(([report]) => [report.attempt, report.failure.kind, report.nextDelayMs])).toEqual([
      [1, 'timeout', expect.any(Number)],
      [2, 'timeout', undefined],
    ]);
  });

  it("removes the outputs and the attempt's log before every attempt", async () => {
    const sub = fresh();
    const outputs = [`${sub}-metadata.json`, `${sub}-iidfile`];
    for (const output of outputs) writeFileSync(output, '{"stale":true}');
    writeFileSync(`${sub}-attempt-1.log`, 'a log from an earlier run\n');
    const { runner, calls } = scripted(
      [{ log: `${IO_TIMEOUT}\n`, error: exited(IO_TIMEOUT) }, { log: 'done\n' }],
      outputs,
    );

    const outcome = await runBuild(settingsIn(sub, { outputs }), jest.fn(), runner);

    expect(outcome.attempts).toBe(2);
    // The runner wrote them during attempt 1; they were gone again when attempt 2 started.
    expect(calls.map((call) => call.outputsPresent)).toEqual([[], []]);
    expect(calls.map((call) => call.logPresent)).toEqual([false, false]);
    expect(readFileSync(`${sub}-attempt-1.log`, 'utf8')).toBe(`${IO_TIMEOUT}\n`);
  });
});
