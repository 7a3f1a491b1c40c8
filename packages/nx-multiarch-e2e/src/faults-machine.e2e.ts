import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerSnapshot, failureKinds, fault, filesUnder, lastRunRecord, lostChecks, stepRuns } from './fault-matrix';
import { ownDockerd, type OwnDockerd } from './own-dockerd';
import { processAlive } from '../../nx-multiarch/src/infra/state/lock';
import { docker, imagePlatform, nxAsync, startNx, tempWorkspace, waitFor } from './workspace';

// The fault matrix, part three: the machine under the builds (a dockerd of the case's own that dies or fills up,
// QEMU gone, the BuildKit container killed) and the run itself (SIGKILL, Ctrl-C under load, torn state files).

/** A RUN step that prints `nonce` and then takes `seconds`: the window a fault is injected in. */
const slowStep = (nonce: string, seconds: number) => `FROM alpine:3.20\nRUN echo ${nonce} && sleep ${seconds}\n`;
/**
 * Whether the RUN step that prints `nonce` runs now, from BuildKit's progress line of its output in the attempt logs:
 * Nx shows a task's output only when the task ends, the logs as it is written.
 */
const locksLeft = (root: string) => filesUnder(join(root, '.nx-multiarch')).filter((file) => /\.lock\//.test(file));

describe("fault matrix: the machine under the builds (a dockerd of the case's own)", () => {
  let daemon: OwnDockerd;
  beforeAll(async () => {
    daemon = await ownDockerd(192);
  }, 120_000);
  afterAll(() => daemon?.remove(), 120_000);

  const ownImage = (ref: string) =>
    docker(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', ref], daemon.env);

  fault(
    'dockerd killed (SIGKILL) in the middle of a build, then restarted',
    'the run fails classified daemon; after a restart the next run builds, with no stale lock, record or container',
    async () => {
      const nonce = `dkill-${Date.now()}`;
      const root = tempWorkspace(
        { 'images/fm-dkill/Dockerfile': slowStep(nonce, 30) },
        { imagePrefix: 'e2e-faults/', build: { attempts: 3, retryDelay: 1 } },
      );
      const run = startNx(['run', 'fm-dkill:build-image', '--platform=amd64'], root, daemon.env);
      await waitFor('the RUN step', () => stepRuns(root, 'fm-dkill', nonce));
      await daemon.kill();
      const killed = await run.exited;
      expect(killed.status).not.toBe(0);
      const kinds = failureKinds(root);
      expect(kinds.at(-1)).toBe('permanent/daemon');
      expect(killed.output).toContain('-> no Docker daemon answers at DOCKER_HOST');
      expect(ownImage('e2e-faults/fm-dkill:latest-amd64').status).not.toBe(0);
      const lost = lostChecks(root, killed);
      await daemon.start();
      const again = await nxAsync(['run', 'fm-dkill:build-image', '--platform=amd64'], root, daemon.env);
      expect({ status: again.status, tail: again.output.slice(-2000) }).toMatchObject({ status: 0 });
      expect(ownImage('e2e-faults/fm-dkill:latest-amd64').output.trim()).toBe('linux/amd64');
      expect(locksLeft(root)).toEqual([]);
      return {
        outcome: `failed: ${kinds.join(' then ')}; after the restart the next run built it (no hand work)`,
        lost: [...lost, ...lostChecks(root, again, { failed: false })],
      };
    },
    300_000,
  );

  fault(
    'the disk fills during a build (data-root on a 192 MB tmpfs)',
    'permanent disk-full, 1 attempt; the remedy says what to prune; nothing reported as built',
    async () => {
      const root = tempWorkspace(
        {
          'images/fm-full/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} && dd if=/dev/zero of=/fill bs=1M count=400\n`,
        },
        { imagePrefix: 'e2e-faults/', build: { attempts: 3, retryDelay: 0.2 } },
      );
      const run = await nxAsync(['run', 'fm-full:build-image', '--platform=amd64'], root, daemon.env);
      expect(run.status).not.toBe(0);
      expect(failureKinds(root)).toEqual(['permanent/disk-full']);
      expect(run.output).toMatch(
        /fm-full linux\/amd64 FAILED in [\d.]+ s at \[2\/2\] RUN .*: disk-full \(permanent\): .*No space left on device/,
      );
      expect(run.output).toContain("-> the disk under Docker's data-root (or the builder's state) is full");
      expect(run.output).toContain('docker builder prune');
      expect(existsSync(join(root, 'dist/images/fm-full/fm-full-amd64.json'))).toBe(false);
      expect(ownImage('e2e-faults/fm-full:latest-amd64').status).not.toBe(0);
      docker(['builder', 'prune', '--all', '--force'], daemon.env);
      return {
        outcome: 'failed: permanent disk-full, 1 attempt; remedy: docker system df, docker builder prune, image prune',
        lost: lostChecks(root, run),
      };
    },
  );
});

describe('fault matrix: emulation and the BuildKit container', () => {
  const BINFMT = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

  fault(
    'QEMU not registered for arm64 (the binfmt entry disabled for this case)',
    'arm64 builds fail fast, permanent qemu with the remedy, 1 attempt each; the amd64 builds go on and succeed',
    async () => {
      const nonce = Date.now();
      const dockerfile = (name: string) => `FROM alpine:3.20\nRUN echo ${name}-${nonce} && uname -m > /arch\n`;
      const root = tempWorkspace(
        { 'images/fm-qa/Dockerfile': dockerfile('qa'), 'images/fm-qb/Dockerfile': dockerfile('qb') },
        { imagePrefix: 'e2e-faults/', build: { attempts: 3, retryDelay: 0.2 } },
      );
      const before = dockerSnapshot();
      writeFileSync(BINFMT, '0');
      let run;
      try {
        run = await nxAsync(['run-many', '-t', 'build-image', '--platform=amd64,arm64'], root);
      } finally {
        writeFileSync(BINFMT, '1');
      }
      expect(readFileSync(BINFMT, 'utf8')).toMatch(/^enabled/);
      expect(run.status).not.toBe(0);
      const cells = lastRunRecord(root)?.cells.map((c) =>
        `${c.row} ${c.platform} ${c.status} ${c.failure?.kind ?? ''}`.trim(),
      );
      expect(cells?.sort()).toEqual([
        'fm-qa linux/amd64 built',
        'fm-qa linux/arm64 failed qemu',
        'fm-qb linux/amd64 built',
        'fm-qb linux/arm64 failed qemu',
      ]);
      expect(failureKinds(root)).toEqual(['permanent/qemu', 'permanent/qemu']);
      expect(run.output).toContain('QEMU binfmt is not registered');
      const seconds = [...run.output.matchAll(/fm-q[ab] linux\/arm64 FAILED in ([\d.]+) s/g)].map((m) => Number(m[1]));
      expect(seconds).toHaveLength(2);
      expect(Math.max(...seconds)).toBeLessThan(30);
      expect(imagePlatform('e2e-faults/fm-qa:latest-amd64')).toBe('linux/amd64');
      return {
        outcome: `arm64: permanent qemu, 1 attempt each, failed in ${seconds.join(' s and ')} s; amd64: both built`,
        lost: lostChecks(root, run, { before }),
      };
    },
  );

  const builder = 'e2e-fault-bk';
  const container = `buildx_buildkit_${builder}0`;
  let bkRoot: string;
  afterAll(() => docker(['buildx', 'rm', builder]));

  fault(
    'the BuildKit container of a docker-container builder killed mid-build',
    'the attempt fails transient; the retry boots the builder again and builds (attempt 2)',
    async () => {
      const nonce = `bkill-${Date.now()}`;
      bkRoot = tempWorkspace(
        { 'images/fm-bk/Dockerfile': slowStep(nonce, 20) },
        {
          imagePrefix: 'e2e-faults/',
          builder: { driver: 'docker-container', name: builder },
          build: { attempts: 3, retryDelay: 1 },
        },
      );
      const run = startNx(['run', 'fm-bk:build-image', '--platform=amd64'], bkRoot);
      await waitFor('the RUN step', () => stepRuns(bkRoot, 'fm-bk', nonce), 240_000);
      expect(docker(['kill', container]).status).toBe(0);
      const result = await run.exited;
      expect({ status: result.status, tail: result.output.slice(-2000) }).toMatchObject({ status: 0 });
      const kinds = failureKinds(bkRoot);
      expect(kinds).toHaveLength(1);
      expect(kinds[0]).toMatch(/^transient\//);
      expect(result.output).toMatch(/✔ fm-bk linux\/amd64 built in [\d.]+ s \(attempt 2\)/);
      return {
        outcome: `attempt 1 failed ${kinds[0]}; attempt 2 booted the stopped container and built`,
        lost: lostChecks(bkRoot, result, { failed: false }),
      };
    },
    300_000,
  );

  fault(
    'the BuildKit container removed between runs',
    'builder-setup notices, recreates the builder; the run succeeds without hand work',
    async () => {
      expect(docker(['rm', '--force', container]).status).toBe(0);
      const run = await nxAsync(['run', 'fm-bk:build-image', '--platform=amd64'], bkRoot);
      expect({ status: run.status, tail: run.output.slice(-2000) }).toMatchObject({ status: 0 });
      expect(run.output).toMatch(/> nx run e2e-workspace:builder-setup\s/);
      expect(docker(['inspect', '--format', '{{.State.Running}}', container]).output.trim()).toBe('true');
      return {
        outcome: 'builder-setup ran again and recreated the builder; the build succeeded',
        lost: lostChecks(bkRoot, run, { failed: false }),
      };
    },
    300_000,
  );
});

const SERVICE_FILES = (nonce: string, seconds: number): Record<string, string> => ({
  'images/svc/Dockerfile':
    'FROM alpine:3.20\nRUN mkdir -p /srv && echo ok > /srv/health\nCMD ["httpd", "-f", "-p", "8080", "-h", "/srv"]\n',
  'images/app/Dockerfile':
    'FROM alpine:3.20\nARG SVC\n' +
    'RUN printf "GET /health HTTP/1.0\\r\\n\\r\\n" | nc -w 5 ${SVC%:*} ${SVC##*:} | grep " 200 "\n' +
    `RUN echo ${nonce} && sleep ${seconds}\n`,
  'images/app/multiarch.json': JSON.stringify({
    phase: 'dependent',
    services: [{ project: 'svc', port: 8080, health: '/health', timeout: 60, buildArgs: { SVC: '{ip}:{port}' } }],
  }),
});

const serviceContainers = () =>
  docker(['ps', '-a', '--filter', 'label=nx-multiarch.service=svc', '--format', '{{.Names}}'])
    .output.split('\n')
    .filter(Boolean);

/** Busy loops on every core, as a CI machine running other jobs: what Ctrl-C has to cope with. */
function cpuLoad(): { stop(): void } {
  const burners: ChildProcess[] = Array.from({ length: 2 }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  return { stop: () => burners.forEach((burner) => burner.kill('SIGKILL')) };
}

describe('fault matrix: the run itself', () => {
  fault(
    'nx killed with SIGKILL mid-run (a build and its service running), then run again',
    'the rerun records the killed run, takes its locks over, removes its service container, builds only what is missing',
    async () => {
      const nonce = `nxkill-${Date.now()}`;
      const root = tempWorkspace(
        { ...SERVICE_FILES(nonce, 30), 'images/leaf/Dockerfile': `FROM alpine:3.20\nRUN echo ${nonce}-leaf\n` },
        { imagePrefix: 'e2e-faults-kill/' },
      );
      const before = serviceContainers();
      const run = startNx(['run-many', '-t', 'build-image', '--platform=amd64'], root);
      await waitFor("app's RUN step, with its service", () => stepRuns(root, 'app', nonce), 240_000);
      process.kill(-run.pid, 'SIGKILL');
      const killed = await run.exited;
      const orphans = serviceContainers().filter((name) => !before.includes(name));
      const again = await nxAsync(['run-many', '-t', 'build-image', '--platform=amd64'], root);
      expect({ status: again.status, tail: again.output.slice(-2000) }).toMatchObject({ status: 0 });
      expect(again.output).toMatch(/nx-multiarch: run \S+ \(.*run-many.*\) ended before it could record itself/);
      // The owner is the Nx CLI that was killed, not the plugin worker that runs the hooks (and outlives it a while).
      expect(again.output).toContain(`pid ${run.pid} is gone`);
      const runs = join(root, '.nx-multiarch/runs');
      const records = readdirSync(runs)
        .filter((id) => existsSync(join(runs, id, 'run.json')))
        .map((id) => JSON.parse(readFileSync(join(runs, id, 'run.json'), 'utf8')));
      expect(records.filter((r) => r.killed)).toHaveLength(1);
      expect(records.every((r) => existsSync(join(runs, r.id, 'run.json')))).toBe(true);
      expect(serviceContainers().filter((name) => !before.includes(name))).toEqual([]);
      expect(locksLeft(root)).toEqual([]);
      const cells = lastRunRecord(root)
        ?.cells.map((c) => `${c.row} ${c.status}`)
        .sort();
      expect(cells).toContain('app built');
      expect(cells).not.toContain('svc built');
      expect(cells).not.toContain('leaf built');
      return {
        outcome:
          `killed (exit ${killed.status}) with ${orphans.length} service container left; the rerun recorded the killed ` +
          `run, removed the container, built: ${cells?.join(', ')}`,
        lost: lostChecks(root, again, { failed: false }),
      };
    },
    400_000,
  );

  fault(
    'Ctrl-C in the middle of a run with several builds and a service, both cores busy',
    'nx exits non-zero; the service container is removed before it exits; no lock, no container left; the next run records it',
    async () => {
      const nonce = `ctrlc-${Date.now()}`;
      const root = tempWorkspace(
        {
          ...SERVICE_FILES(nonce, 60),
          // Dependents, like app: they build beside it once svc (a foundation) is built.
          'images/leaf-a/Dockerfile': slowStep(`${nonce}-a`, 90),
          'images/leaf-a/multiarch.json': JSON.stringify({ phase: 'dependent' }),
          'images/leaf-b/Dockerfile': slowStep(`${nonce}-b`, 90),
          'images/leaf-b/multiarch.json': JSON.stringify({ phase: 'dependent' }),
        },
        { imagePrefix: 'e2e-faults-ctrlc/' },
      );
      const before = dockerSnapshot();
      const run = startNx(['run-many', '-t', 'build-image', '--platform=amd64', '--parallel=4'], root);
      await waitFor(
        'the RUN steps of app (with its service) and both leaves',
        () =>
          [
            ['app', nonce],
            ['leaf-a', `${nonce}-a`],
            ['leaf-b', `${nonce}-b`],
          ].every(([project, text]) => stepRuns(root, project, text)),
        240_000,
      );
      const load = cpuLoad();
      let interrupted;
      const started = Date.now();
      try {
        process.kill(-run.pid, 'SIGINT');
        interrupted = await run.exited;
      } finally {
        load.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      const left = serviceContainers();
      expect(interrupted.status).not.toBe(0);
      expect(left).toEqual([]);
      // A task process Ctrl-C ended holding an image lock leaves it to the next run, which takes it over (its pid is gone).
      const held = locksLeft(root).map((file) => Number(readFileSync(file, 'utf8')));
      expect(held.filter((pid) => processAlive(pid))).toEqual([]);
      // Nx runs its end-of-run hook on Ctrl-C: the run is recorded, the interrupted tasks as stopped.
      const record = lastRunRecord(root);
      // Nx records a task its Ctrl-C ended as stopped; one that caught the signal and reported first, as failed.
      const ended = (record?.tasks ?? []).filter((task) => ['app', 'leaf-a', 'leaf-b'].includes(task.id.split(':')[0]));
      expect(ended.map((task) => `${task.id} ${task.status === 'failure' ? 'stopped' : task.status}`).sort()).toEqual([
        'app:build-image stopped',
        'leaf-a:build-image stopped',
        'leaf-b:build-image stopped',
      ]);
      return {
        outcome:
          `exit ${interrupted.status} ${seconds.toFixed(1)} s after Ctrl-C under load; service removed before nx exited; ` +
          `the 3 builds recorded (${ended.map((task) => task.status).join(', ')}); ` +
          `${held.length} image lock(s) of ended tasks left for the next run to take over`,
        lost: lostChecks(root, interrupted, { logged: false, before }),
      };
    },
    400_000,
  );

  fault(
    'torn state files (.nx-multiarch/*.json cut in half)',
    'the next run says once which file it could not read, and builds instead of trusting it',
    async () => {
      const root = tempWorkspace(
        { 'images/fm-torn/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()}\n` },
        { imagePrefix: 'e2e-faults/' },
      );
      const first = await nxAsync(['run', 'fm-torn:build-image', '--platform=amd64'], root);
      expect(first.status).toBe(0);
      const state = join(root, '.nx-multiarch');
      const torn = filesUnder(state).filter((file) => file.endsWith('.json') && !file.includes('/runs/'));
      for (const file of torn) writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
      const run = await nxAsync(['run', 'fm-torn:build-image', '--platform=amd64'], root);
      expect({ status: run.status, tail: run.output.slice(-2000) }).toMatchObject({ status: 0 });
      // Said once per file, whoever read it first (a hasher, an executor); each set aside, none trusted.
      const said = torn.map((file) => run.output.split(`${file} could not be read`).length - 1);
      expect(said).toEqual(torn.map(() => 1));
      for (const task of ['e2e-workspace:builder-setup', 'e2e-workspace:prefetch', 'fm-torn:build-image'])
        expect(run.output).not.toMatch(new RegExp(`> nx run ${task}.*(local cache|existing outputs match)`));
      // Made again, readable; the torn copies kept beside them.
      for (const file of torn) expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
      const kept = filesUnder(state).filter((file) => /\.json\.torn-\d+$/.test(file));
      expect(kept).toHaveLength(torn.length);
      const third = await nxAsync(['run', 'fm-torn:build-image', '--platform=amd64'], root);
      expect(third.status).toBe(0);
      expect(third.output).not.toContain('could not be read');
      return {
        outcome:
          `${torn.length} files torn (builder.json, prefetch.json, the build record): each named once, set aside, ` +
          'its task run again and the file rewritten; the run after is all Nx cache',
        lost: [...lostChecks(root, run, { failed: false }), ...lostChecks(root, third, { failed: false })],
      };
    },
  );

  fault(
    'a build record pointing at an image that was deleted',
    'the next run notices the image is gone, says so, and builds it again',
    async () => {
      const root = tempWorkspace(
        { 'images/fm-gone/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()}\n` },
        { imagePrefix: 'e2e-faults/' },
      );
      const first = await nxAsync(['run', 'fm-gone:build-image', '--platform=amd64'], root);
      expect(first.status).toBe(0);
      expect(docker(['image', 'rm', 'e2e-faults/fm-gone:latest-amd64']).status).toBe(0);
      const run = await nxAsync(['run', 'fm-gone:build-image', '--platform=amd64'], root);
      expect({ status: run.status, tail: run.output.slice(-2000) }).toMatchObject({ status: 0 });
      expect(run.output).toContain(
        '[fm-gone linux/amd64] building again: e2e-faults/fm-gone:latest-amd64 is no longer in the daemon',
      );
      expect(imagePlatform('e2e-faults/fm-gone:latest-amd64')).toBe('linux/amd64');
      return {
        outcome:
          'the hasher saw the image gone (no cache hit); the build said "is no longer in the daemon" and built it',
        lost: lostChecks(root, run, { failed: false }),
      };
    },
  );
});
