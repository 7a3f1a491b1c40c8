import type { BuildRecord } from './build-record';
import { type BuildFailure, notPlatformsLine, progressPrefix, resultLine, runOutcome, taskLine } from './summary';

const REF = 'registry.local:5000/shop/api:dev';
const DIGEST = 'sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd';

const record = (fields: Partial<BuildRecord> = {}): BuildRecord => ({
  project: 'api',
  image: 'api',
  ref: REF,
  platform: 'linux/arm64',
  source: 'dockerfile',
  status: 'built',
  imageId: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
  loaded: true,
  pushed: false,
  taskHash: 'hash-1',
  attempts: 1,
  noCache: false,
  durationMs: 12_300,
  finishedAt: '2025-01-02T03:04:05.000Z',
  ...fields,
});

const failure = (fields: Partial<BuildFailure> = {}): BuildFailure => ({
  project: 'api',
  image: 'api',
  platform: 'linux/amd64',
  attempts: 1,
  failure: {
    class: 'permanent',
    kind: 'run-step',
    evidence: 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
  },
  message: 'docker buildx build exited with code 1',
  durationMs: 42_000,
  finishedAt: '2026-11-25T10:00:42.000Z',
  ...fields,
});

describe('progressPrefix', () => {
  test.each([
    ['api', 'api', 'linux/arm64', '[api linux/arm64] '],
    ['api', 'api-init', 'linux/amd64', '[api/api-init linux/amd64] '],
  ])('%s, %s, %s -> %p', (project, image, platform, expected) => {
    expect(progressPrefix(project, image, platform)).toBe(expected);
  });
});

describe('resultLine for a build that succeeded', () => {
  test.each<[string, BuildRecord, string]>([
    ['built', record(), `✔ api linux/arm64 built in 12.3 s: ${REF}`],
    [
      'cached',
      record({ status: 'cached', durationMs: 800 }),
      `✔ api linux/arm64 cached (every step from the BuildKit cache) in 0.8 s: ${REF}`,
    ],
    [
      'reused',
      record({ status: 'reused', durationMs: 0 }),
      `✔ api linux/arm64 reused (same inputs, image still there) in 0.0 s: ${REF}`,
    ],
    ['after a retry', record({ attempts: 2 }), `✔ api linux/arm64 built in 12.3 s (attempt 2): ${REF}`],
    ['without cache', record({ noCache: true }), `✔ api linux/arm64 built in 12.3 s (without cache): ${REF}`],
    [
      'pushed with its digest',
      record({ pushed: true, digest: DIGEST }),
      `✔ api linux/arm64 built in 12.3 s (pushed ${DIGEST}): ${REF}`,
    ],
    ['pushed without a digest', record({ pushed: true }), `✔ api linux/arm64 built in 12.3 s (pushed): ${REF}`],
    [
      'a retry without cache, pushed',
      record({ attempts: 3, noCache: true, pushed: true, digest: DIGEST, durationMs: 65_000 }),
      `✔ api linux/arm64 built in 65.0 s (attempt 3, without cache, pushed ${DIGEST}): ${REF}`,
    ],
    [
      'one image of a multi-image project',
      record({ image: 'api-init', ref: 'registry.local:5000/shop/api-init:dev', platform: 'linux/amd64' }),
      '✔ api/api-init linux/amd64 built in 12.3 s: registry.local:5000/shop/api-init:dev',
    ],
  ])('%s', (_name, outcome, expected) => {
    expect(resultLine(outcome)).toBe(expected);
  });
});

describe('resultLine for a build that failed', () => {
  test.each<[string, BuildFailure, string]>([
    [
      'at a step, after several attempts, with its log',
      failure({ attempts: 3, step: '[2/2] RUN make', logFile: '/ws/dist/images/api/logs/api-amd64-3.log' }),
      '✖ api linux/amd64 FAILED after 3 attempts in 42.0 s at [2/2] RUN make: run-step (permanent): ' +
        'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2' +
        '; log: /ws/dist/images/api/logs/api-amd64-3.log',
    ],
    [
      'without a step or log, on the first attempt',
      failure({
        failure: { class: 'transient', kind: 'dns', evidence: 'dial tcp: lookup registry.local: no such host' },
      }),
      '✖ api linux/amd64 FAILED in 42.0 s: dns (transient): dial tcp: lookup registry.local: no such host',
    ],
    [
      'with no evidence: the message stands in',
      failure({ image: 'api-init', failure: { class: 'permanent', kind: 'unknown', evidence: '' } }),
      '✖ api/api-init linux/amd64 FAILED in 42.0 s: unknown (permanent): docker buildx build exited with code 1',
    ],
  ])('%s', (_name, outcome, expected) => {
    expect(resultLine(outcome)).toBe(expected);
  });
});

describe('taskLine', () => {
  it('counts each outcome, in a fixed order, leaving out the zeros', () => {
    const outcomes = [
      failure(),
      record({ status: 'reused' }),
      record(),
      record({ status: 'reused', platform: 'linux/amd64' }),
      record({ image: 'api-init' }),
    ];
    expect(taskLine('api', outcomes)).toBe('api: 2 built, 2 reused, 1 failed');
  });

  it('names every kind when there is one of each', () => {
    const outcomes = [record({ status: 'cached' }), failure(), record({ status: 'reused' }), record()];
    expect(taskLine('api', outcomes)).toBe('api: 1 built, 1 cached, 1 reused, 1 failed');
  });

  it('says so when there was nothing to build', () => {
    expect(taskLine('docs', [])).toBe('docs: nothing to build');
  });
});

describe('notPlatformsLine', () => {
  test.each([
    [
      ['arm64'],
      ['amd64'],
      'vendor: not building linux/arm64: not one of its platforms ("platforms" in its multiarch.json, or the ' +
        "plugin's in nx.json); building linux/amd64",
    ],
    [
      ['amd64', 'arm64'],
      [],
      'vendor: not building linux/amd64, linux/arm64: not one of its platforms ("platforms" in its multiarch.json, ' +
        "or the plugin's in nx.json); nothing to build",
    ],
  ] as const)('names what is left out, and what is built: %j left out', (notPlatforms, platforms, line) => {
    expect(notPlatformsLine('vendor', notPlatforms, platforms)).toBe(line);
  });
});

describe('runOutcome', () => {
  const FINISHED = Date.parse('2025-01-02T03:04:05.000Z');
  const FAILED_AT = Date.parse('2026-11-25T10:00:42.000Z');
  const RUN_STEP = 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2';

  // prettier-ignore
  test.each<[string, BuildRecord | BuildFailure, string, ReturnType<typeof runOutcome>]>([
    ['built, natively', record(), 'linux/arm64', {
      image: 'api', platform: 'linux/arm64', status: 'built', startedAt: FINISHED - 12_300, endedAt: FINISHED,
      attempts: 1, ref: REF,
    }],
    ['built under QEMU: the platform is not the native one', record(), 'linux/amd64', {
      image: 'api', platform: 'linux/arm64', status: 'built', startedAt: FINISHED - 12_300, endedAt: FINISHED,
      emulated: true, attempts: 1, ref: REF,
    }],
    ['every step from the BuildKit cache', record({ status: 'cached', durationMs: 800 }), 'linux/arm64', {
      image: 'api', platform: 'linux/arm64', status: 'cached', detail: 'BuildKit cache', startedAt: FINISHED - 800,
      endedAt: FINISHED, attempts: 1, ref: REF,
    }],
    ['reused: nothing ran', record({ status: 'reused', durationMs: 0 }), 'linux/arm64', {
      image: 'api', platform: 'linux/arm64', status: 'cached', detail: 'reused', startedAt: FINISHED,
      endedAt: FINISHED, attempts: 1, ref: REF,
    }],
    ['pushed, after a retry, one image of several', record({
      image: 'api-init', ref: 'registry.local:5000/shop/api-init:dev', pushed: true, digest: DIGEST, attempts: 2,
    }), 'linux/arm64', {
      image: 'api-init', platform: 'linux/arm64', status: 'built', startedAt: FINISHED - 12_300, endedAt: FINISHED,
      attempts: 2, ref: 'registry.local:5000/shop/api-init:dev', digest: DIGEST,
    }],
    ['failed at a step, with its log', failure({
      attempts: 3, step: '[2/2] RUN make', logFile: '/ws/dist/images/api/logs/api-amd64-3.log',
    }), 'linux/amd64', {
      image: 'api', platform: 'linux/amd64', status: 'failed', startedAt: FAILED_AT - 42_000, endedAt: FAILED_AT,
      attempts: 3,
      failure: {
        class: 'permanent', kind: 'run-step', evidence: RUN_STEP, step: '[2/2] RUN make',
        logFile: '/ws/dist/images/api/logs/api-amd64-3.log',
      },
    }],
    ['failed under QEMU, no step or log; the host stays in the evidence', failure({
      failure: {
        class: 'transient', kind: 'dns', evidence: 'lookup registry.local: no such host', host: 'registry.local',
      },
    }), 'linux/arm64', {
      image: 'api', platform: 'linux/amd64', status: 'failed', startedAt: FAILED_AT - 42_000, endedAt: FAILED_AT,
      emulated: true, attempts: 1,
      failure: { class: 'transient', kind: 'dns', evidence: 'lookup registry.local: no such host' },
    }],
  ])('%s', (_name, outcome, native, expected) => {
    expect(runOutcome(outcome, [native])).toEqual(expected);
  });

  it('is not emulated on a builder with a native node for the platform', () => {
    const arm = record({ platform: 'linux/arm64' });
    expect(runOutcome(arm, ['linux/amd64', 'linux/arm64'])).not.toHaveProperty('emulated');
    expect(runOutcome(arm, ['linux/amd64'])).toHaveProperty('emulated', true);
  });
});
