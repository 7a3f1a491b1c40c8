import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freeFixedPort } from './fault-servers';

// A BuildKit daemon on this host, as a team runs one on a native machine: buildkitd from ../shared/lab/buildkit
// (the lab's image is made of the same binaries) on a TCP port of its own, with a buildkitd.toml the test gives it.

const SHARED = process.env.LAB_SHARED ?? resolve(__dirname, '../../../../shared/lab');

let binaries: { buildkitd: string; buildctl: string } | undefined;

/** buildkitd and buildctl unpacked once per test file. */
function buildkitBinaries(): { buildkitd: string; buildctl: string } {
  if (binaries) return binaries;
  const dir = mkdtempSync(join(tmpdir(), 'nx-buildkit-bin-'));
  const unpack = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, gunzipSync(readFileSync(join(SHARED, 'buildkit', `${name}.gz`))));
    chmodSync(file, 0o755);
    return file;
  };
  binaries = { buildkitd: unpack('buildkitd'), buildctl: unpack('buildctl') };
  return binaries;
}

/** One build as the node itself recorded it (BuildKit's history API: `buildctl debug histories`). */
export interface NodeBuild {
  platform: string;
  /** The image config's history lines, `RUN /bin/sh -c echo ... # buildkit`: the steps that ran for it. */
  steps: string[];
}

export interface BuildkitNode {
  /** `tcp://127.0.0.1:<port>` */
  address: string;
  pid: number;
  log: string;
  /** Starts (again) with this buildkitd.toml; the node keeps its state directory. */
  start(config: string): Promise<void>;
  /** SIGKILL: a node that goes away (its machine lost, OOM-killed). */
  kill(): Promise<void>;
  /** The builds it ran, from its own history. */
  builds(): NodeBuild[];
  remove(): Promise<void>;
}

/** Removes the unpacked binaries (afterAll of a file that started nodes). */
export function removeBuildkitBinaries(): void {
  if (binaries) rmSync(dirname(binaries.buildkitd), { recursive: true, force: true });
  binaries = undefined;
}

export function parseHistories(stdout: string): NodeBuild[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line).record ?? {})
    .map((record) => {
      const platform: string = record.FrontendAttrs?.platform ?? '';
      const config =
        record.ExporterResponse?.[`containerimage.config/${platform}`] ??
        record.ExporterResponse?.['containerimage.config'];
      const history: Array<{ created_by?: string }> = config ? (JSON.parse(config).history ?? []) : [];
      return { platform, steps: history.map((h) => h.created_by ?? '') };
    });
}

export async function buildkitNode(name: string): Promise<BuildkitNode> {
  const { buildkitd, buildctl } = buildkitBinaries();
  const dir = mkdtempSync(join(tmpdir(), `nx-buildkit-${name}-`));
  const port = await freeFixedPort();
  const address = `tcp://127.0.0.1:${port}`;
  const log = join(dir, 'buildkitd.log');
  let child: ChildProcess | undefined;
  const answers = () =>
    spawnSync(buildctl, ['--addr', address, 'debug', 'workers'], { encoding: 'utf8', timeout: 10_000 }).status === 0;
  const stopped = () =>
    new Promise<void>((done) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
    });
  const node: BuildkitNode = {
    address,
    get pid() {
      return child?.pid ?? 0;
    },
    log,
    async start(config: string) {
      const file = join(dir, 'buildkitd.toml');
      writeFileSync(file, config);
      mkdirSync(join(dir, 'root'), { recursive: true });
      const out = openSync(log, 'a');
      child = spawn(buildkitd, ['--addr', address, '--root', join(dir, 'root'), '--config', file], {
        stdio: ['ignore', out, out],
        detached: true,
      });
      closeSync(out);
      const deadline = Date.now() + 60_000;
      while (!answers()) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`buildkitd ${name} did not start on ${address}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async kill() {
      const exited = stopped();
      if (child?.pid) process.kill(child.pid, 'SIGKILL');
      await exited;
    },
    builds() {
      const result = spawnSync(buildctl, ['--addr', address, 'debug', 'histories', '--format', '{{json .}}'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (result.status !== 0) throw new Error(`buildctl debug histories on ${address}: ${result.stderr}`);
      return parseHistories(result.stdout);
    },
    async remove() {
      const exited = stopped();
      if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      await exited;
      // buildkitd leaves its overlay mounts behind only when killed mid-build; umount what is left, then remove.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[1] ?? '');
      for (const mount of mounts.filter((m) => m.startsWith(`${dir}/`))) spawnSync('umount', ['-l', mount]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return node;
}
