import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../nx-multiarch/src/infra/state/lock';

// A dockerd of a fault case's own, for faults that would take down or fill the lab's: killed mid-build, a full disk.
// Its data-root is a tmpfs of `sizeMb` (a disk that fills), its bridge one of its own (two daemons cannot share one),
// and the lab registry its Docker Hub mirror, as for the lab's dockerd.

const LAB_REGISTRY = process.env.LAB_REGISTRY ?? '127.0.0.1:5000';
// A /24 nothing else on the lab machine uses; the lab's dockerd keeps docker0.
const BRIDGE = { name: 'nxfault0', cidr: '172.31.250.1/24' };

export interface OwnDockerd {
  /** `unix:///.../docker.sock`, for DOCKER_HOST. */
  host: string;
  /** The env a client of this daemon needs. */
  env: Record<string, string>;
  /** SIGKILL, as the OOM killer or a crash does; its containerd dies with it. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it, unmounts the tmpfs, removes the bridge and the directory. */
  remove(): Promise<void>;
}

// Privileged containers (a BuildKit container) start here only through the lab's runc wrapper, where it installed one.
function labRuntime(): Record<string, unknown> {
  const file = `${process.env.LAB_HOME ?? '/var/lib/nx-multiarch-lab'}/daemon.json`;
  if (!existsSync(file)) return {};
  const lab = JSON.parse(readFileSync(file, 'utf8'));
  return lab['default-runtime'] ? { runtimes: lab.runtimes, 'default-runtime': lab['default-runtime'] } : {};
}

const ip = (args: string[]) => spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });

function answers(host: string): boolean {
  const result = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
    env: { ...process.env, DOCKER_HOST: host },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return result.status === 0;
}

export async function ownDockerd(sizeMb: number): Promise<OwnDockerd> {
  const dir = mkdtempSync(join(tmpdir(), 'nx-fault-dockerd-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  mkdirSync(join(dir, 'exec'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', data], { timeout: 10_000 });
  if (ip(['link', 'show', BRIDGE.name]).status !== 0) {
    ip(['link', 'add', BRIDGE.name, 'type', 'bridge']);
    ip(['addr', 'add', BRIDGE.cidr, 'dev', BRIDGE.name]);
    ip(['link', 'set', BRIDGE.name, 'up']);
  }
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const config = join(dir, 'daemon.json');
  writeFileSync(
    config,
    JSON.stringify({
      hosts: [host],
      'data-root': data,
      'exec-root': join(dir, 'exec'),
      pidfile: join(dir, 'dockerd.pid'),
      'registry-mirrors': [`http://${LAB_REGISTRY}`],
      'insecure-registries': [LAB_REGISTRY],
      bridge: BRIDGE.name,
      ...labRuntime(),
      iptables: false,
      'ip-forward': false,
      'ip-masq': false,
    }),
  );
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    const proc = spawn('dockerd', ['--config-file', config], { stdio: ['ignore', log, log] });
    closeSync(log);
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!answers(host)) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        const tail = readFileSync(join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
        throw new Error(`own dockerd did not start (${config}):\n${tail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };
  const stop = async (signal: NodeJS.Signals) => {
    if (!child || child.exitCode !== null) return;
    child.kill(signal);
    await exited;
  };
  // dockerd's containerd dies with it (parent-death signal), but not at once: a restart must not find it half-gone.
  const containerdGone = async () => {
    const pidFile = join(dir, 'exec/containerd/containerd.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : NaN;
    const deadline = Date.now() + 30_000;
    while (Number.isInteger(pid) && processAlive(pid)) {
      if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  await start();
  return {
    host,
    env: { DOCKER_HOST: host },
    kill: async () => {
      await stop('SIGKILL');
      await containerdGone();
    },
    start,
    remove: async () => {
      await stop('SIGTERM');
      // A daemon killed mid-build leaves its build's rootfs mounted under the data-root: those first, deepest first.
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[1])
        // Under the exec-root too: a container on the host network leaves dockerd's netns mounted there.
        .filter((point) => point?.startsWith(`${data}/`) || point?.startsWith(`${dir}/exec/`))
        .sort((a, b) => b.length - a.length);
      for (const point of [...mounts, data]) spawnSync('umount', [point], { timeout: 30_000 });
      if (!existsSync(join(data, 'overlay2'))) rmSync(dir, { recursive: true, force: true });
      ip(['link', 'delete', BRIDGE.name]);
    },
  };
}
