import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, imagePlatform, lastRunCells, lastRunRecord, nx, tempWorkspace } from './workspace';

jest.setTimeout(600_000);

// Nx's cache may restore a task only when what the task made is still there: these runs change the daemon and the
// builder between runs and read, from the run record, which tasks Nx restored and which ran.

const PREFIX = `cache${Date.now().toString(36)}`;
const tail = (output: string, lines = 25) => output.split('\n').slice(-lines).join('\n');

/** Nx's status of each task of the last run, `project:target status`, sorted. */
const taskStatuses = (root: string) =>
  lastRunRecord(root)
    .tasks.map((t) => `${t.id} ${t.status.startsWith('local-cache') ? 'cache' : t.status}`)
    .sort();

/** A `docker` first on PATH that logs each call's arguments to `log` and runs the real one. */
function countingDocker(): { env: Record<string, string>; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'docker-shim-'));
  const log = join(dir, 'calls.log');
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`, {
    mode: 0o755,
  });
  return {
    env: { PATH: `${dir}:${process.env.PATH}` },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []),
  };
}

function build(root: string, platforms = 'amd64,arm64', env: Record<string, string> = {}) {
  const run = nx(['run-many', '-t', 'build-image', `--platform=${platforms}`], root, env);
  expect({ status: run.status, tail: tail(run.output) }).toMatchObject({ status: 0 });
  return run;
}

describe.each([
  ['docker', {}],
  ['docker-container', { name: `e2e-cache-${Date.now().toString(36)}` }],
])('on the %s driver', (driver, builder) => {
  const prefix = `${PREFIX}-${driver}/`;
  // A fresh RUN step per test run: BuildKit's cache outlives the temp workspace.
  const stamp = Date.now();
  const root = tempWorkspace(
    {
      'images/base/Dockerfile': `FROM alpine:3.20\nRUN echo base ${stamp} > /base\n`,
      'images/app/Dockerfile': `FROM ${prefix}base:latest-\${TARGETARCH}\nRUN echo app ${stamp} > /app\n`,
      'images/tool/Dockerfile': `FROM alpine:3.20\nRUN echo tool ${stamp} > /tool\n`,
    },
    { imagePrefix: prefix, builder: { driver, ...builder } },
  );
  afterAll(() => {
    if ('name' in builder) docker(['buildx', 'rm', builder.name]);
  });
  const workspace = 'e2e-workspace';

  it('a second run with nothing changed restores every task from Nx cache, builder-setup and prefetch too', () => {
    build(root);
    expect(lastRunCells(root).every((cell) => /: built$/.test(cell))).toBe(true);
    const shim = countingDocker();
    build(root, 'amd64,arm64', shim.env);
    expect(taskStatuses(root)).toEqual([
      'app:build-image cache',
      'base:build-image cache',
      `${workspace}:builder-setup cache`,
      `${workspace}:prefetch cache`,
      'tool:build-image cache',
    ]);
    // What the run asked the daemon: one inspect of every recorded image (and the builder's container), nothing else.
    const calls = shim.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^inspect -- (\S+ )*sha256:[0-9a-f]{64}/);
    // 3 components x 2 platforms, and on the docker driver the base images prefetch fetched into the daemon.
    expect(calls[0].split(' ').filter((word) => word.startsWith('sha256:')).length).toBeGreaterThanOrEqual(6);
    if ('name' in builder) expect(calls[0]).toContain(`buildx_buildkit_${builder.name}0`);
  });

  it('an image removed from the daemon is built again, alone; its other platform is reused', () => {
    docker(['image', 'rm', `${prefix}tool:latest-arm64`]);
    build(root);
    expect(lastRunCells(root)).toEqual([
      'app linux/amd64: Nx cache',
      'app linux/arm64: Nx cache',
      'base linux/amd64: Nx cache',
      'base linux/arm64: Nx cache',
      'tool linux/amd64: reused',
      expect.stringMatching(/^tool linux\/arm64: (built|BuildKit cache)$/),
    ]);
    expect(imagePlatform(`${prefix}tool:latest-arm64`)).toBe('linux/arm64');
    build(root);
    expect(lastRunCells(root).filter((cell) => !cell.endsWith(': Nx cache'))).toEqual([]);
  });

  it('a foundation rebuilt as another image: its dependents are built again from it, nothing else', () => {
    // Without BuildKit's cache a RUN step makes new bytes, so base's record now names another image.
    const before = docker(['image', 'inspect', '--format', '{{.Id}}', `${prefix}base:latest-amd64`]).output.trim();
    const noCache = nx(['run', 'base:build-image', '--platform=amd64', '--noCache'], root);
    expect({ status: noCache.status, tail: tail(noCache.output) }).toMatchObject({ status: 0 });
    const after = docker(['image', 'inspect', '--format', '{{.Id}}', `${prefix}base:latest-amd64`]).output.trim();
    expect(after).not.toBe(before);
    // A first amd64-only run: Nx has no entry for it, the tasks reuse what stands, and app is built from the new base.
    build(root, 'amd64');
    expect(lastRunCells(root)).toEqual([
      'app linux/amd64: built',
      'base linux/amd64: reused',
      'tool linux/amd64: reused',
    ]);
    build(root, 'amd64');
    expect(lastRunCells(root).filter((cell) => !cell.endsWith(': Nx cache'))).toEqual([]);
  });

  it('a state directory removed: nothing recorded is vouched for, every build task runs', () => {
    rmSync(join(root, '.nx-multiarch'), { recursive: true, force: true });
    build(root, 'amd64');
    const statuses = taskStatuses(root).filter((s) => s.includes(':build-image'));
    expect(statuses).toEqual(['app:build-image success', 'base:build-image success', 'tool:build-image success']);
  });
});

describe('the container builder: builder-setup and prefetch notice what changed under them', () => {
  const prefix = `${PREFIX}-builder/`;
  const name = `e2e-cache-b${Date.now().toString(36)}`;
  const container = `buildx_buildkit_${name}0`;
  const root = tempWorkspace(
    {
      'images/app/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} > /app\n`,
      'ops/daemon.json': JSON.stringify({
        'registry-mirrors': [`http://${process.env.LAB_REGISTRY ?? '127.0.0.1:5000'}`],
      }),
    },
    { imagePrefix: prefix, builder: { driver: 'docker-container', name, daemonConfig: 'ops/daemon.json' } },
  );
  afterAll(() => docker(['buildx', 'rm', name]));
  const workspace = 'e2e-workspace';
  const statusOf = (target: string) => taskStatuses(root).find((s) => s.startsWith(`${workspace}:${target} `));

  it('restored from cache while the builder is as it was left', () => {
    build(root, 'amd64');
    build(root, 'amd64');
    expect(statusOf('builder-setup')).toBe(`${workspace}:builder-setup cache`);
    expect(statusOf('prefetch')).toBe(`${workspace}:prefetch cache`);
  });

  it('its BuildKit container removed: builder-setup runs and prefetch fetches into the new one; builds stay cached', () => {
    docker(['rm', '--force', container]);
    const run = build(root, 'amd64');
    expect(statusOf('builder-setup')).toBe(`${workspace}:builder-setup success`);
    expect(statusOf('prefetch')).toBe(`${workspace}:prefetch success`);
    expect(docker(['container', 'inspect', '--format', '{{.State.Running}}', container]).output.trim()).toBe('true');
    expect(lastRunCells(root)).toEqual(['app linux/amd64: Nx cache']);
    expect(run.output).toContain(`builder ${name}`);
  });

  it('daemon.json changed: builder-setup recreates the builder with the new config', () => {
    const mirror = `http://${process.env.LAB_REGISTRY ?? '127.0.0.1:5000'}`;
    writeFileSync(
      join(root, 'ops/daemon.json'),
      JSON.stringify({ 'registry-mirrors': [mirror], 'insecure-registries': ['registry.cache.test:5000'] }),
    );
    const run = build(root, 'amd64');
    expect(statusOf('builder-setup')).toBe(`${workspace}:builder-setup success`);
    expect(run.output).toMatch(new RegExp(`builder ${name} \\(docker-container, buildx [\\d.]+\\S*\\): recreated`));
  });

  it('the builder removed with `docker buildx rm`: builder-setup creates it again', () => {
    docker(['buildx', 'rm', name]);
    const run = build(root, 'amd64');
    expect(statusOf('builder-setup')).toBe(`${workspace}:builder-setup success`);
    expect(run.output).toMatch(new RegExp(`builder ${name} \\(docker-container, buildx [\\d.]+\\S*\\): created`));
  });
});
