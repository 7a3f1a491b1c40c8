import type { FailureRecord } from '../../infra/run/failure-log';
import { assembleRun } from './assemble';
import type { RunInput, RunTaskInput } from './run-input';
import type { Cell, RunRecord } from './run-record';
import type { Outcome, TaskReport } from '../../infra/run/run-dir';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (seconds: number) => T0 + Math.round(seconds * 1000);

const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';
const BOTH = [AMD64, ARM64];

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;
const DIGEST_C = `sha256:${'c'.repeat(64)}`;
const DIGEST_I = `sha256:${'1'.repeat(64)}`;

const DIAGNOSE = 'nx run acme:diagnose';
const RUN_STEP_EVIDENCE =
  'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2';
const BASE_LOG = '/ws/dist/images/base/logs/base-arm64-1.log';
const NO_REPORT_REMEDY =
  'not a failure nx-multiarch recognises. Check: read the task output; ' + `${DIAGNOSE} checks the environment`;
const HUB_REMEDY =
  'the pull went to Docker Hub (registry-1.docker.io), which is unreachable from here: the builder has no mirror ' +
  '(a docker-container builder does not read daemon.json), or the mirror does not have this image. Check: ' +
  "nx run acme:diagnose shows the mirrors the builder uses; nx run acme:builder-setup writes daemon.json's into it";

function task(id: string, fields: Partial<RunTaskInput> = {}): RunTaskInput {
  const [project, target] = id.split(':');
  const workspace = target === 'builder-setup' || target === 'prefetch';
  return {
    id,
    project,
    target,
    executor: `nx-multiarch:${target === 'push-image' ? 'build-image' : target}`,
    scope: workspace ? 'workspace' : 'component',
    status: 'success',
    images: workspace || target === 'render' ? [] : [project],
    platforms: workspace || target === 'render' ? [] : target === 'manifest' ? ['index'] : BOTH,
    dependsOnProjects: [],
    ...fields,
  };
}

const timed = (from: number, to: number) => ({ startTime: at(from), endTime: at(to) });

const outcome = (fields: Partial<Outcome> & Pick<Outcome, 'image' | 'platform'>): Outcome => ({
  status: 'built',
  startedAt: T0,
  endedAt: T0,
  ...fields,
});

const report = (id: string, outcomes: Outcome[]): TaskReport => {
  const [project, target] = id.split(':');
  return { task: id, project, target, outcomes };
};

const failure = (fields: Partial<FailureRecord>): FailureRecord => ({
  time: '2026-11-25T10:00:05.000Z',
  run: 'run-1',
  operation: 'prefetch',
  project: 'acme',
  attempt: 1,
  class: 'transient',
  kind: 'dns',
  evidence: 'dial tcp: lookup registry.corp on 10.0.0.53:53: server misbehaving',
  message: 'docker pull exited with code 1',
  ...fields,
});

const input = (fields: Partial<RunInput>): RunInput => ({
  id: 'run-1',
  argv: ['/usr/bin/node', '/ws/node_modules/.bin/nx', 'run-many', '-t', 'build-image'],
  startTime: T0,
  endTime: at(41),
  workspaceProject: 'acme',
  tasks: [],
  reports: [],
  failures: [],
  ...fields,
});

describe('assembleRun on a demo-like run', () => {
  // builder-setup and prefetch, then the components: base fails on arm64 (a RUN step), mid and app wait for it and
  // are skipped, web comes from the Nx cache, tool dies before it reports, api is built, pushed and published.
  const tasks: RunTaskInput[] = [
    task('acme:builder-setup', timed(0, 2)),
    task('acme:prefetch', timed(2, 7)),
    task('base:build-image', { status: 'failure', ...timed(7, 40) }),
    task('mid:build-image', { status: 'skipped', dependsOnProjects: ['base'] }),
    task('app:build-image', { status: 'skipped', dependsOnProjects: ['mid'], images: ['app', 'app-worker'] }),
    task('web:build-image', { status: 'local-cache', ...timed(7, 7.05) }),
    task('tool:build-image', { status: 'failure', platforms: [AMD64], ...timed(7, 9) }),
    task('api:build-image', timed(7, 25)),
    task('api:push-image', timed(25, 33)),
    task('api:manifest', timed(33, 35)),
  ];
  const reports: TaskReport[] = [
    report('base:build-image', [
      outcome({
        image: 'base',
        platform: AMD64,
        startedAt: at(7),
        endedAt: at(19),
        attempts: 1,
        ref: 'registry.corp:5000/shop/base:dev',
      }),
      outcome({
        image: 'base',
        platform: ARM64,
        status: 'failed',
        startedAt: at(7),
        endedAt: at(40),
        emulated: true,
        attempts: 1,
        failure: {
          class: 'permanent',
          kind: 'run-step',
          evidence: RUN_STEP_EVIDENCE,
          step: '[2/3] RUN make',
          logFile: BASE_LOG,
        },
      }),
    ]),
    report('api:build-image', [
      outcome({ image: 'api', platform: AMD64, startedAt: at(7), endedAt: at(15), attempts: 1, ref: 'api:dev' }),
      outcome({
        image: 'api',
        platform: ARM64,
        status: 'cached',
        detail: 'BuildKit cache',
        startedAt: at(7),
        endedAt: at(9),
        emulated: true,
        attempts: 1,
        ref: 'api:dev',
      }),
    ]),
    report('api:push-image', [
      outcome({
        image: 'api',
        platform: AMD64,
        startedAt: at(25),
        endedAt: at(28),
        attempts: 1,
        ref: 'registry.corp:5000/shop/api:dev-amd64',
        digest: DIGEST_A,
      }),
      outcome({
        image: 'api',
        platform: ARM64,
        startedAt: at(25),
        endedAt: at(33),
        emulated: true,
        attempts: 2,
        ref: 'registry.corp:5000/shop/api:dev-arm64',
        digest: DIGEST_B,
      }),
    ]),
    report('api:manifest', [
      outcome({
        image: 'api',
        platform: 'index',
        detail: 'created',
        startedAt: at(33),
        endedAt: at(35),
        ref: 'registry.corp:5000/shop/api:dev',
        digest: DIGEST_I,
      }),
    ]),
  ];
  const failures = [
    failure({}),
    failure({ attempt: 2 }),
    failure({
      operation: 'build',
      project: 'base',
      class: 'permanent',
      kind: 'run-step',
      evidence: RUN_STEP_EVIDENCE,
      platform: ARM64,
    }),
  ];
  const record = assembleRun(input({ tasks, reports, failures }));

  const WS = ['acme:builder-setup', 'acme:prefetch'];
  const skipped = (project: string, row: string, image: string, platform: string): Cell => ({
    project,
    task: `${project}:build-image`,
    target: 'build-image',
    row,
    image,
    platform,
    status: 'skipped',
    blockedBy: ['base:build-image'],
  });
  const webCached = (platform: string): Cell => ({
    project: 'web',
    task: 'web:build-image',
    target: 'build-image',
    row: 'web',
    image: 'web',
    platform,
    status: 'cached',
    detail: 'Nx cache',
  });

  it('is the whole record', () => {
    const expected: RunRecord = {
      version: 1,
      id: 'run-1',
      command: 'nx run-many -t build-image',
      startedAt: T0,
      endedAt: at(41),
      durationMs: 41_000,
      workspaceProject: 'acme',
      columns: [AMD64, ARM64, 'index'],
      tasks: [
        {
          id: 'acme:builder-setup',
          project: 'acme',
          target: 'builder-setup',
          executor: 'nx-multiarch:builder-setup',
          scope: 'workspace',
          status: 'success',
          startedAt: at(0),
          endedAt: at(2),
          durationMs: 2_000,
          after: [],
        },
        {
          id: 'acme:prefetch',
          project: 'acme',
          target: 'prefetch',
          executor: 'nx-multiarch:prefetch',
          scope: 'workspace',
          status: 'success',
          startedAt: at(2),
          endedAt: at(7),
          durationMs: 5_000,
          after: ['acme:builder-setup'],
        },
        {
          id: 'base:build-image',
          project: 'base',
          target: 'build-image',
          executor: 'nx-multiarch:build-image',
          scope: 'component',
          status: 'failure',
          startedAt: at(7),
          endedAt: at(40),
          durationMs: 33_000,
          after: WS,
        },
        {
          id: 'mid:build-image',
          project: 'mid',
          target: 'build-image',
          executor: 'nx-multiarch:build-image',
          scope: 'component',
          status: 'skipped',
          after: [...WS, 'base:build-image'],
        },
        {
          id: 'app:build-image',
          project: 'app',
          target: 'build-image',
          executor: 'nx-multiarch:build-image',
          scope: 'component',
          status: 'skipped',
          after: [...WS, 'mid:build-image'],
        },
        {
          id: 'web:build-image',
          project: 'web',
          target: 'build-image',
          executor: 'nx-multiarch:build-image',
          scope: 'component',
          status: 'local-cache',
          startedAt: at(7),
          endedAt: at(7.05),
          durationMs: 50,
          after: WS,
        },
        {
          id: 'tool:build-image',
          project: 'tool',
          target: 'build-image',
          executor: 'nx-multiarch:build-image',
          scope: 'component',
          status: 'failure',
          startedAt: at(7),
          endedAt: at(9),
          durationMs: 2_000,
          after: WS,
        },
        {
          id: 'api:build-image',
          project: 'api',
          target: 'build-image',
          executor: 'nx-multiarch:build-image',
          scope: 'component',
          status: 'success',
          startedAt: at(7),
          endedAt: at(25),
          durationMs: 18_000,
          after: WS,
        },
        {
          id: 'api:push-image',
          project: 'api',
          target: 'push-image',
          executor: 'nx-multiarch:build-image',
          scope: 'component',
          status: 'success',
          startedAt: at(25),
          endedAt: at(33),
          durationMs: 8_000,
          after: [...WS, 'api:build-image'],
        },
        {
          id: 'api:manifest',
          project: 'api',
          target: 'manifest',
          executor: 'nx-multiarch:manifest',
          scope: 'component',
          status: 'success',
          startedAt: at(33),
          endedAt: at(35),
          durationMs: 2_000,
          after: [...WS, 'api:build-image', 'api:push-image'],
        },
      ],
      cells: [
        // Sorted by row, then column; build-image and push-image made the same api cells: the push counts.
        {
          project: 'api',
          task: 'api:manifest',
          target: 'manifest',
          row: 'api',
          image: 'api',
          platform: 'index',
          status: 'built',
          detail: 'created',
          startedAt: at(33),
          endedAt: at(35),
          durationMs: 2_000,
          ref: 'registry.corp:5000/shop/api:dev',
          digest: DIGEST_I,
        },
        {
          project: 'api',
          task: 'api:push-image',
          target: 'push-image',
          row: 'api',
          image: 'api',
          platform: AMD64,
          status: 'built',
          startedAt: at(25),
          endedAt: at(28),
          durationMs: 3_000,
          ref: 'registry.corp:5000/shop/api:dev-amd64',
          digest: DIGEST_A,
          attempts: 1,
        },
        {
          project: 'api',
          task: 'api:push-image',
          target: 'push-image',
          row: 'api',
          image: 'api',
          platform: ARM64,
          status: 'built',
          startedAt: at(25),
          endedAt: at(33),
          durationMs: 8_000,
          emulated: true,
          ref: 'registry.corp:5000/shop/api:dev-arm64',
          digest: DIGEST_B,
          attempts: 2,
        },
        // The middle task was skipped, not failed: the app waited for base through it.
        skipped('app', 'app', 'app', AMD64),
        skipped('app', 'app', 'app', ARM64),
        skipped('app', 'app/app-worker', 'app-worker', AMD64),
        skipped('app', 'app/app-worker', 'app-worker', ARM64),
        {
          project: 'base',
          task: 'base:build-image',
          target: 'build-image',
          row: 'base',
          image: 'base',
          platform: AMD64,
          status: 'built',
          startedAt: at(7),
          endedAt: at(19),
          durationMs: 12_000,
          ref: 'registry.corp:5000/shop/base:dev',
          attempts: 1,
        },
        {
          project: 'base',
          task: 'base:build-image',
          target: 'build-image',
          row: 'base',
          image: 'base',
          platform: ARM64,
          status: 'failed',
          startedAt: at(7),
          endedAt: at(40),
          durationMs: 33_000,
          emulated: true,
          attempts: 1,
          failure: {
            class: 'permanent',
            kind: 'run-step',
            evidence: RUN_STEP_EVIDENCE,
            step: '[2/3] RUN make',
            logFile: BASE_LOG,
          },
          remedy:
            'a RUN step exited non-zero: the build itself failed, not the network. Check: read ' +
            `${BASE_LOG}; rerun alone: nx run base:build-image --platform=arm64`,
        },
        skipped('mid', 'mid', 'mid', AMD64),
        skipped('mid', 'mid', 'mid', ARM64),
        {
          project: 'tool',
          task: 'tool:build-image',
          target: 'build-image',
          row: 'tool',
          image: 'tool',
          platform: AMD64,
          status: 'failed',
          failure: { class: 'permanent', kind: 'unknown', evidence: 'the task failed before it reported' },
          remedy: NO_REPORT_REMEDY,
        },
        webCached(AMD64),
        webCached(ARM64),
      ],
      taskProblems: [],
      totals: { built: 4, cached: 2, failed: 2, skipped: 6 },
      // No task graph recorded: prefetch still waits for builder-setup.
      criticalPath: ['acme:builder-setup', 'acme:prefetch', 'base:build-image'],
      attemptsFailed: { transient: 2, permanent: 1 },
      success: false,
    };
    expect(record).toEqual(expected);
  });

  it('counts every cell once in the totals', () => {
    const { built, cached, failed, skipped: skippedCount } = record.totals;
    expect(built + cached + failed + skippedCount).toBe(record.cells.length);
  });
});

describe('assembleRun: cells from Nx statuses alone', () => {
  const cellOf = (status: RunTaskInput['status']) =>
    assembleRun(input({ tasks: [task('web:build-image', { status, platforms: [AMD64] })] })).cells;

  test.each<[RunTaskInput['status'], Partial<Cell>]>([
    ['local-cache', { status: 'cached', detail: 'Nx cache' }],
    ['local-cache-kept-existing', { status: 'cached', detail: 'Nx cache' }],
    ['remote-cache', { status: 'cached', detail: 'Nx cache' }],
    [
      'failure',
      {
        status: 'failed',
        failure: { class: 'permanent', kind: 'unknown', evidence: 'the task failed before it reported' },
        remedy: NO_REPORT_REMEDY,
      },
    ],
    [
      'stopped',
      {
        status: 'failed',
        failure: { class: 'permanent', kind: 'unknown', evidence: 'the task was stopped' },
        remedy: NO_REPORT_REMEDY,
      },
    ],
    // Skipped with nothing failed before it (e.g. the run was cut short): no blockedBy.
    ['skipped', { status: 'skipped' }],
  ])('%s', (status, fields) => {
    expect(cellOf(status)).toEqual([
      {
        project: 'web',
        task: 'web:build-image',
        target: 'build-image',
        row: 'web',
        image: 'web',
        platform: AMD64,
        ...fields,
      },
    ]);
  });

  it('success without a report (a --dryRun, a task run by an agent elsewhere): no cell, it built nothing here', () => {
    expect(cellOf('success')).toEqual([]);
  });

  it('has no cells for a workspace task, nor for render', () => {
    const record = assembleRun(
      input({ tasks: [task('acme:builder-setup'), task('acme:prefetch'), task('api:render')] }),
    );
    expect({ cells: record.cells, columns: record.columns, totals: record.totals }).toEqual({
      cells: [],
      columns: [],
      totals: { built: 0, cached: 0, failed: 0, skipped: 0 },
    });
  });

  it('names every failed task a skipped one waited for, sorted, and not those behind a failed one', () => {
    const record = assembleRun(
      input({
        tasks: [
          task('acme:prefetch', { status: 'failure' }),
          task('omega:build-image', { status: 'failure', platforms: [] }),
          task('zeta:build-image', { status: 'failure', platforms: [], dependsOnProjects: ['omega'] }),
          task('alpha:build-image', { status: 'failure', platforms: [] }),
          task('app:build-image', {
            status: 'skipped',
            platforms: [AMD64],
            dependsOnProjects: ['zeta', 'alpha'],
          }),
        ],
      }),
    );
    expect(record.cells.find((c) => c.project === 'app')?.blockedBy).toEqual([
      'acme:prefetch',
      'alpha:build-image',
      'zeta:build-image',
    ]);
  });
});

describe('assembleRun: build-image and push-image of one project', () => {
  const build = task('api:build-image', { platforms: [ARM64] });
  const push = task('api:push-image', { platforms: [ARM64] });
  const built = (id: string, digest?: string) =>
    report(id, [
      outcome({ image: 'api', platform: ARM64, startedAt: at(1), endedAt: at(3), ...(digest && { digest }) }),
    ]);
  const cellFrom = (id: string, fields: Partial<Cell> = {}): Cell => ({
    project: 'api',
    task: id,
    target: id.split(':')[1],
    row: 'api',
    image: 'api',
    platform: ARM64,
    status: 'built',
    startedAt: at(1),
    endedAt: at(3),
    durationMs: 2_000,
    ...fields,
  });

  test.each([
    ['build first', [build, push]],
    ['push first', [push, build]],
  ])('the push wins (%s)', (_name, tasks) => {
    const record = assembleRun(
      input({ tasks, reports: [built('api:build-image', DIGEST_A), built('api:push-image', DIGEST_C)] }),
    );
    expect(record.cells).toEqual([cellFrom('api:push-image', { digest: DIGEST_C })]);
    expect(record.totals).toEqual({ built: 1, cached: 0, failed: 0, skipped: 0 });
  });

  it('a failure always shows, with a remedy about the host in its evidence URL', () => {
    const evidence =
      'failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/3.20": ' +
      'dial tcp 192.0.2.10:443: i/o timeout';
    const failedBuild = report('api:build-image', [
      outcome({
        image: 'api',
        platform: ARM64,
        status: 'failed',
        startedAt: at(1),
        endedAt: at(3),
        attempts: 3,
        failure: { class: 'transient', kind: 'timeout', evidence },
      }),
    ]);
    const record = assembleRun(
      input({
        tasks: [{ ...build, status: 'failure' }, push],
        reports: [failedBuild, built('api:push-image', DIGEST_C)],
      }),
    );
    expect(record.cells).toEqual([
      cellFrom('api:build-image', {
        status: 'failed',
        attempts: 3,
        failure: { class: 'transient', kind: 'timeout', evidence },
        remedy: HUB_REMEDY,
      }),
    ]);
    expect(record.success).toBe(false);
  });
});

describe('assembleRun: remedies', () => {
  const failedCell = (platform: string, failure: NonNullable<Outcome['failure']>) => {
    const id = platform === 'index' ? 'api:manifest' : 'api:build-image';
    return assembleRun(
      input({
        tasks: [task(id, { status: 'failure' })],
        reports: [report(id, [outcome({ image: 'api', platform, status: 'failed', failure })])],
      }),
    ).cells[0].remedy;
  };

  test.each<[string, string, NonNullable<Outcome['failure']>, string]>([
    [
      'a private registry refusing credentials: docker login names its host (from the URL, lower case)',
      AMD64,
      {
        class: 'permanent',
        kind: 'unauthorized',
        evidence: 'unexpected status from HEAD request to https://Registry.Corp:5000/v2/shop/base/manifests/1: 401',
      },
      'registry.corp:5000 refused the credentials (or there were none). Check: docker login registry.corp:5000 ' +
        '(buildx reads ~/.docker/config.json)',
    ],
    [
      'a private registry timing out: the diagnose target, not the mirror',
      ARM64,
      {
        class: 'transient',
        kind: 'timeout',
        evidence: 'failed to do request: Head "https://registry.corp/v2/base/manifests/1": dial tcp: i/o timeout',
      },
      'registry.corp did not answer in time (slow link, dead proxy or a route that drops packets); it was retried. ' +
        'Check: nx run acme:diagnose (checks mirrors, proxies, DNS and the token endpoint from here)',
    ],
    [
      'no URL in the evidence: no host',
      AMD64,
      { class: 'permanent', kind: 'not-found', evidence: 'manifest unknown' },
      'an image or tag does not exist at the registry (or it is private: Docker Hub answers both alike). Check: ' +
        'docker buildx imagetools inspect <image>; a mirror only serves what it has cached or can fetch',
    ],
    [
      'an index cell is about no single platform',
      'index',
      { class: 'permanent', kind: 'verification', evidence: 'the index lists linux/amd64 twice' },
      'the image that came out is not what was asked for (wrong architecture or digest). Check: ' +
        'nx run acme:diagnose --probe (runs uname -m per platform); a base image may mislabel its platform',
    ],
  ])('%s', (_name, platform, failure, expected) => {
    expect(failedCell(platform, failure)).toBe(expected);
  });
});

describe('assembleRun: failures of tasks that are no cell', () => {
  const HUB_EVIDENCE =
    'failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/3.20": ' +
    'dial tcp: lookup registry-1.docker.io: no such host';

  it("lists a failed prefetch's final attempts, a stopped render and a failed task that logged nothing", () => {
    const record = assembleRun(
      input({
        tasks: [
          task('acme:builder-setup'),
          task('acme:prefetch', { status: 'failure' }),
          task('web:render', { status: 'stopped' }),
          task('tool:render', { status: 'failure' }),
          task('api:build-image', { status: 'skipped', platforms: [AMD64] }),
        ],
        failures: [
          // Retried: not what the task ended with.
          failure({ image: 'alpine:3.20', platform: ARM64, retryInMs: 1_500, evidence: HUB_EVIDENCE }),
          failure({ image: 'alpine:3.20', platform: ARM64, attempt: 2, neededBy: ['api'], evidence: HUB_EVIDENCE }),
          failure({
            image: 'registry.corp/node:20',
            attempt: 3,
            class: 'permanent',
            kind: 'unauthorized',
            evidence: 'unexpected status from GET request to https://registry.corp/v2/node/manifests/20: 401',
          }),
          // Another project's build: not the render's.
          failure({ operation: 'build', project: 'api', class: 'permanent', kind: 'run-step' }),
        ],
      }),
    );
    expect(record.taskProblems).toEqual([
      {
        task: 'acme:prefetch',
        image: 'alpine:3.20',
        platform: ARM64,
        neededBy: ['api'],
        failure: { class: 'transient', kind: 'dns', evidence: HUB_EVIDENCE },
        remedy: HUB_REMEDY,
      },
      {
        task: 'acme:prefetch',
        image: 'registry.corp/node:20',
        failure: {
          class: 'permanent',
          kind: 'unauthorized',
          evidence: 'unexpected status from GET request to https://registry.corp/v2/node/manifests/20: 401',
        },
        remedy:
          'registry.corp refused the credentials (or there were none). Check: docker login registry.corp ' +
          '(buildx reads ~/.docker/config.json)',
      },
      {
        task: 'web:render',
        failure: { class: 'permanent', kind: 'unknown', evidence: 'the task was stopped' },
        remedy: NO_REPORT_REMEDY,
      },
      {
        task: 'tool:render',
        failure: { class: 'permanent', kind: 'unknown', evidence: 'the task failed; its output says why' },
        remedy: NO_REPORT_REMEDY,
      },
    ]);
    expect(record.cells).toEqual([
      {
        project: 'api',
        task: 'api:build-image',
        target: 'build-image',
        row: 'api',
        image: 'api',
        platform: AMD64,
        status: 'skipped',
        blockedBy: ['acme:prefetch'],
      },
    ]);
  });

  it('explains a failed builder-setup and render from what they logged', () => {
    const record = assembleRun(
      input({
        tasks: [
          task('acme:builder-setup', { status: 'failure' }),
          task('web:render', { status: 'failure' }),
          task('api:build-image', { status: 'skipped', platforms: [AMD64] }),
        ],
        failures: [
          failure({
            operation: 'builder-setup',
            project: 'acme',
            class: 'permanent',
            kind: 'builder',
            evidence: 'ERROR: invalid duplicate endpoint unix:///var/run/docker.sock',
          }),
          failure({
            operation: 'render',
            project: 'web',
            class: 'permanent',
            kind: 'config',
            evidence: 'web/nginx.conf.tpl: {{UPSTREAM}} (line 3) is set nowhere',
          }),
        ],
      }),
    );
    expect(record.taskProblems).toEqual([
      {
        task: 'acme:builder-setup',
        failure: {
          class: 'permanent',
          kind: 'builder',
          evidence: 'ERROR: invalid duplicate endpoint unix:///var/run/docker.sock',
        },
        remedy:
          'the buildx builder is missing or could not start. Check: nx run acme:builder-setup recreates it; ' +
          'docker buildx ls shows what exists',
      },
      {
        task: 'web:render',
        failure: {
          class: 'permanent',
          kind: 'config',
          evidence: 'web/nginx.conf.tpl: {{UPSTREAM}} (line 3) is set nowhere',
        },
        remedy:
          'bad configuration: the message names the file, the field and the fix. Check: nx show project web --json ' +
          'shows the options the target got; docs/configuration.md lists them',
      },
    ]);
  });

  it('has none when every failed task has a cell', () => {
    const record = assembleRun(input({ tasks: [task('api:build-image', { status: 'failure', platforms: [AMD64] })] }));
    expect(record.taskProblems).toEqual([]);
  });
});

describe('assembleRun: the run as a whole', () => {
  test.each<[string, readonly string[], string]>([
    [
      'the nx bin link',
      ['/usr/bin/node', '/ws/node_modules/.bin/nx', 'run-many', '-t', 'build-image'],
      'nx run-many -t build-image',
    ],
    [
      'nx.js',
      ['/usr/bin/node', '/ws/node_modules/nx/bin/nx.js', 'run', 'api:push-image', '--platform=arm64'],
      'nx run api:push-image --platform=arm64',
    ],
    [
      'no nx script: past node and the script',
      ['node', '/ws/tools/ci.js', 'affected', '-t', 'manifest'],
      'nx affected -t manifest',
    ],
  ])('command from argv (%s)', (_name, argv, expected) => {
    expect(assembleRun(input({ argv })).command).toBe(expected);
  });

  test.each<[string, RunTaskInput['status'][], boolean]>([
    ['built and cached', ['success', 'local-cache', 'remote-cache', 'local-cache-kept-existing'], true],
    ['a failure', ['success', 'failure'], false],
    ['a skipped task', ['success', 'skipped'], false],
    ['a stopped task', ['success', 'stopped'], false],
  ])('success: %s -> %p', (_name, statuses, expected) => {
    const tasks = statuses.map((status, i) => task(`p${i}:build-image`, { status, platforms: [AMD64] }));
    expect(assembleRun(input({ tasks })).success).toBe(expected);
  });

  it("fails when one of the workspace's own tasks failed, naming it (no cell shows it)", () => {
    const tasks = [task('hub:build-image', { status: 'success', platforms: [AMD64] })];
    const record = assembleRun(input({ tasks, otherFailed: ['tools:check'] }));
    expect(record).toMatchObject({ success: false, otherFailed: ['tools:check'] });
    expect(assembleRun(input({ tasks, otherFailed: [] }))).not.toHaveProperty('otherFailed');
  });

  it('counts failed attempts by class, retried or not', () => {
    const failures = [
      failure({ class: 'transient', kind: 'dns' }),
      failure({ class: 'transient', kind: 'rate-limit' }),
      failure({ class: 'transient', kind: 'timeout' }),
      failure({ class: 'permanent', kind: 'unauthorized' }),
    ];
    expect(assembleRun(input({ failures })).attemptsFailed).toEqual({ transient: 3, permanent: 1 });
  });

  it('orders the platform columns and puts index last', () => {
    const tasks = [
      task('api:manifest', { status: 'skipped' }),
      task('api:build-image', { status: 'skipped', platforms: [ARM64, AMD64] }),
    ];
    expect(assembleRun(input({ tasks })).columns).toEqual([AMD64, ARM64, 'index']);
  });
});

describe('assembleRun: the recorded task graph', () => {
  it('gives the critical path from builder-setup on, and blockedBy through the recorded edges', () => {
    const record = assembleRun(
      input({
        tasks: [
          task('acme:builder-setup', { ...timed(0, 2), after: [] }),
          task('acme:prefetch', { ...timed(2, 7), after: ['acme:builder-setup'] }),
          task('base:build-image', { status: 'failure', platforms: [], ...timed(7, 20), after: ['acme:prefetch'] }),
          task('api:build-image', { status: 'skipped', platforms: [AMD64], after: ['base:build-image'] }),
        ],
      }),
    );
    expect({ criticalPath: record.criticalPath, blockedBy: record.cells[0].blockedBy }).toEqual({
      criticalPath: ['acme:builder-setup', 'acme:prefetch', 'base:build-image'],
      blockedBy: ['base:build-image'],
    });
  });
});
