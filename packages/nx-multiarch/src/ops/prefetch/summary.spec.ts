import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError } from '../../core/failure/errors';
import { type Classification, classifyFailure } from '../../core/failure/classify';
import type { AttemptReport, PrefetchOutcome } from './fetch';
import type { PrefetchItem, PrefetchPlan } from './plan';
import { describeAttempt, describePlan, mirrorHint, summarizePrefetch } from './summary';

const errorText = (name: string) =>
  readFileSync(join(__dirname, '../../../test/fixtures/errors', name), 'utf8').trimEnd();
const pullFailure = (name: string) => classifyFailure(errorText(name), { operation: 'pull' });

const alpineArm: PrefetchItem = { ref: 'docker.io/library/alpine:3.20', arch: 'arm64', projects: ['gateway', 'api'] };
const argv = ['docker', 'pull', '--platform', 'linux/arm64', 'docker.io/library/alpine:3.20'];

const report = (fields: Partial<AttemptReport> & Pick<AttemptReport, 'failure'>): AttemptReport => ({
  attempt: 1,
  error: new CommandError(argv, 1, errorText('dockerd-pull-503.txt'), false, 'exited with code 1'),
  item: alpineArm,
  argv,
  ...fields,
});

describe('describeAttempt', () => {
  test.each<[string, AttemptReport, string]>([
    [
      'a transient failure with another attempt to come',
      report({ attempt: 1, failure: pullFailure('dockerd-pull-503.txt'), nextDelayMs: 2_345 }),
      'prefetch alpine:3.20 linux/arm64: attempt 1/4 failed (transient, server-error: received unexpected HTTP ' +
        'status: 503 Service Unavailable); retrying in 2.3 s',
    ],
    [
      'a permanent failure',
      report({ attempt: 1, failure: pullFailure('dockerd-pull-manifest-unknown.txt') }),
      'prefetch alpine:3.20 linux/arm64: attempt 1/4 failed (permanent, not-found: manifest unknown); ' +
        'not retrying: another attempt cannot fix this',
    ],
    [
      'the attempts used up',
      report({ attempt: 4, failure: pullFailure('dockerd-pull-503.txt') }),
      'prefetch alpine:3.20 linux/arm64: attempt 4/4 failed (transient, server-error: received unexpected HTTP ' +
        'status: 503 Service Unavailable); no attempts left',
    ],
    [
      'a failure without evidence, on a registry of its own',
      report({
        item: { ref: '127.0.0.1:5000/lab/base:1', arch: 'amd64', projects: ['worker'] },
        failure: { class: 'transient', kind: 'timeout', evidence: '' },
        nextDelayMs: 60_000,
      }),
      'prefetch 127.0.0.1:5000/lab/base:1 linux/amd64: attempt 1/4 failed (transient, timeout); retrying in 60.0 s',
    ],
  ])('%s', (_name, attempt, expected) => {
    expect(describeAttempt(attempt, 4)).toBe(expected);
  });
});

describe('mirrorHint', () => {
  const hubFailure = pullFailure('docker-driver-429.txt');

  it('reads the Docker Hub host from the captured failure', () => {
    expect(hubFailure).toMatchObject({ class: 'transient', kind: 'rate-limit', host: 'registry-1.docker.io' });
  });

  it('names the mirrors and the image when Docker Hub was reached despite mirrors', () => {
    expect(mirrorHint('docker.io/library/alpine:3.20', hubFailure, ['https://mirror.corp:5000', 'http://m2'])).toBe(
      'registry-1.docker.io is Docker Hub, reached although registry mirrors are configured ' +
        '(https://mirror.corp:5000, http://m2): the mirror did not carry alpine:3.20. Push it to the mirror ' +
        "(or check the mirror's upstream), then rerun; the diagnose target (nx run <workspace>:diagnose) checks the mirrors",
    );
  });

  it('suggests registry-mirrors when Docker Hub failed and no mirror is configured', () => {
    expect(mirrorHint('docker.io/library/alpine:3.20', hubFailure, [])).toBe(
      'registry-1.docker.io is Docker Hub and no registry mirror is configured: add "registry-mirrors" to ' +
        'daemon.json and rerun builder-setup, so builds fetch from the mirror',
    );
  });

  test.each<[string, Classification | undefined]>([
    ['another host', pullFailure('dockerd-pull-dns-no-such-host.txt')],
    ['no host in the evidence', pullFailure('dockerd-pull-503.txt')],
    ['no failure', undefined],
  ])('is undefined for %s', (_name, failure) => {
    expect(mirrorHint('docker.io/library/alpine:3.20', failure, ['https://mirror.corp:5000'])).toBeUndefined();
  });
});

const plan: PrefetchPlan = {
  items: [
    { ref: 'docker.io/library/alpine:3.20', arch: 'amd64', projects: ['gateway', 'api'] },
    alpineArm,
    { ref: 'docker.io/library/busybox:1.36', arch: 'arm64', projects: ['api'] },
  ],
  skipped: [{ ref: 'demo/gateway:latest', projects: ['portal'], reason: 'built by component gateway' }],
  naiveFetches: 9,
};

describe('describePlan', () => {
  it('lists each pair to fetch, padded, with its components, then what is skipped', () => {
    expect(describePlan(plan)).toEqual([
      '  would fetch  alpine:3.20 linux/amd64   for gateway, api',
      '  would fetch  alpine:3.20 linux/arm64   for gateway, api',
      '  would fetch  busybox:1.36 linux/arm64  for api',
      '  skipped  demo/gateway:latest (portal): built by component gateway',
    ]);
  });

  it('is empty for an empty plan', () => {
    expect(describePlan({ items: [], skipped: [], naiveFetches: 0 })).toEqual([]);
  });
});

describe('summarizePrefetch', () => {
  const present: PrefetchOutcome = { ...plan.items[0], status: 'present', attempts: 0, durationMs: 12 };
  const fetched: PrefetchOutcome = { ...plan.items[1], status: 'fetched', attempts: 2, durationMs: 3_456 };
  const failed: PrefetchOutcome = {
    ...plan.items[2],
    status: 'failed',
    attempts: 4,
    durationMs: 40_000,
    failure: pullFailure('docker-driver-429.txt'),
    message: 'docker pull --platform exited with code 1',
  };

  it('reports each pair, the failure with evidence and hint, the skipped images and the totals', () => {
    expect(
      summarizePrefetch([present, fetched, failed], {
        plan,
        where: "the Docker daemon's image store",
        mirrors: [],
      }),
    ).toEqual([
      '  present  alpine:3.20 linux/amd64   already there',
      '  fetched  alpine:3.20 linux/arm64   2 attempts, 3.5 s',
      '  FAILED   busybox:1.36 linux/arm64  after 4 attempts in 40.0 s (transient, rate-limit), needed by api',
      '           pulling from host registry-1.docker.io failed with status code [manifests 20.10]: 429 Too Many Requests',
      '           hint: registry-1.docker.io is Docker Hub and no registry mirror is configured: add "registry-mirrors" ' +
        'to daemon.json and rerun builder-setup, so builds fetch from the mirror',
      '  skipped  demo/gateway:latest (portal): built by component gateway',
      "nx-multiarch: prefetch into the Docker daemon's image store: 1 fetched, 1 already present, 1 failed; " +
        '6 fetch attempts for 3 (image, platform) pairs, where pulling per component and platform would take 9',
    ]);
  });

  it('says "attempt" for one, and leaves out evidence and hint that are not there', () => {
    const notFound: PrefetchOutcome = {
      ...plan.items[2],
      status: 'failed',
      attempts: 1,
      durationMs: 300,
      failure: { class: 'permanent', kind: 'unknown', evidence: '' },
    };
    const once: PrefetchOutcome = { ...fetched, attempts: 1, durationMs: 800 };
    expect(
      summarizePrefetch([once, notFound], {
        plan: { ...plan, skipped: [] },
        where: 'the build cache of builder nx-multiarch',
        mirrors: [],
      }),
    ).toEqual([
      '  fetched  alpine:3.20 linux/arm64   1 attempt, 0.8 s',
      '  FAILED   busybox:1.36 linux/arm64  after 1 attempt in 0.3 s (permanent, unknown), needed by api',
      'nx-multiarch: prefetch into the build cache of builder nx-multiarch: 1 fetched, 0 already present, 1 failed; ' +
        '2 fetch attempts for 2 (image, platform) pairs, where pulling per component and platform would take 9',
    ]);
  });

  it('counts a single fetch attempt in the singular', () => {
    const lines = summarizePrefetch([{ ...fetched, attempts: 1 }], {
      plan,
      where: 'x',
      mirrors: [],
    });
    expect(lines.at(-1)).toContain('; 1 fetch attempt for 1 (image, platform) pairs,');
  });
});
