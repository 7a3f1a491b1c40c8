import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { labEnv } from './lab';

export const REPO_ROOT = resolve(__dirname, '../../..');
/**
 * A workspace where global-setup npm-installed the packed plugin, nx and @nx/devkit: one per checkout, so the suite
 * of another checkout (a clean clone beside a working copy) does not replace it under this one.
 */
export const INSTALLED_PLUGIN_WORKSPACE = join(
  tmpdir(),
  `nx-multiarch-e2e-installed-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 8)}`,
);

export interface CommandOutput {
  status: number | null;
  /** stdout and stderr, as a user reading the terminal would see them. */
  output: string;
}

/** Runs a command with the lab's environment, a hard timeout and no Nx daemon or cloud. */
export function exec(
  file: string,
  args: string[],
  cwd: string,
  timeoutMs = 600_000,
  extraEnv: Record<string, string> = {},
): CommandOutput {
  const result = spawnSync(file, args, {
    cwd,
    env: commandEnv(extraEnv),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, output: plain(`${result.stdout}${result.stderr}`) };
}

// Nx colours its output under CI=true whatever the terminal; tests read the text.
function plain(output: string): string {
  return output.replace(/\x1b\[[0-9;]*m/g, '');
}

function commandEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...labEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...extra };
}

/** Like nx() but without blocking, so several runs can race each other. */
export function nxAsync(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<CommandOutput> {
  return new Promise((resolve) => {
    const child = spawn(join(cwd, 'node_modules/.bin/nx'), [...args, '--output-style=static'], {
      cwd,
      env: commandEnv(extraEnv),
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output: plain(output) });
    });
  });
}

export interface StartedNx {
  /** The process group's leader: signal `-pid` to reach every process of the run, as a terminal does. */
  pid: number;
  /** What it printed so far. */
  output(): string;
  /** Resolves when nx has exited. */
  exited: Promise<CommandOutput>;
}

/** Starts nx in a process group of its own and returns at once: for faults injected while it runs (kill, Ctrl-C). */
export function startNx(args: string[], cwd: string, extraEnv: Record<string, string> = {}): StartedNx {
  const child = spawn(join(cwd, 'node_modules/.bin/nx'), [...args, '--output-style=static'], {
    cwd,
    env: commandEnv(extraEnv),
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 600_000);
  const exited = new Promise<CommandOutput>((resolve) =>
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status: status ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 2) : null), output: plain(output) });
    }),
  );
  return { pid: child.pid as number, output: () => plain(output), exited };
}

/** Waits until `ready()` holds, checking every 100 ms; throws after `timeoutMs` naming `what`. */
export async function waitFor(what: string, ready: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function nx(args: string[], cwd = REPO_ROOT, extraEnv: Record<string, string> = {}): CommandOutput {
  return exec(join(cwd, 'node_modules/.bin/nx'), [...args, '--output-style=static'], cwd, 600_000, extraEnv);
}

/** Like nx(), with stdout and stderr on one file descriptor: the output in the order a terminal shows it. */
export function nxInterleaved(args: string[], cwd: string): CommandOutput {
  const file = join(mkdtempSync(join(tmpdir(), 'nx-output-')), 'output.txt');
  const fd = openSync(file, 'w');
  try {
    const result = spawnSync(join(cwd, 'node_modules/.bin/nx'), [...args, '--output-style=static'], {
      cwd,
      env: commandEnv({}),
      stdio: ['ignore', fd, fd],
      timeout: 600_000,
    });
    return { status: result.status, output: plain(readFileSync(file, 'utf8')) };
  } finally {
    closeSync(fd);
  }
}

export function docker(args: string[], extraEnv: Record<string, string> = {}): CommandOutput {
  return exec('docker', args, REPO_ROOT, 300_000, extraEnv);
}

/** Runs a command in a local image for an arch, offline (`docker run --rm --network none`). */
export function runImage(ref: string, arch: string, command: string[] = []): CommandOutput {
  return docker(['run', '--rm', '--network', 'none', '--platform', `linux/${arch}`, ref, ...command]);
}

/** What `uname -m` prints for an arch. */
export const unameMachine = (arch: string) => (arch === 'arm64' ? 'aarch64' : 'x86_64');

/** The platform string (`linux/arm64`) of a local image, or the error text. */
export function imagePlatform(ref: string): string {
  const { status, output } = docker(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', ref]);
  return status === 0 ? output.trim() : `missing: ${output.trim()}`;
}

/** A new Nx workspace in a temp directory, with the installed plugin, the given files and plugin options. */
export function tempWorkspace(files: Record<string, string>, pluginOptions: Record<string, unknown> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-multiarch-e2e-'));
  symlinkSync(join(INSTALLED_PLUGIN_WORKSPACE, 'node_modules'), join(root, 'node_modules'));
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'e2e-workspace', private: true }),
    // The docker driver unless a test asks otherwise: container-builder.e2e.ts runs the default driver's path.
    'nx.json': JSON.stringify({
      plugins: [{ plugin: 'nx-multiarch', options: { builder: { driver: 'docker' }, ...pluginOptions } }],
    }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The demo platform's committed files (packages/demo and .env.example), as a clean checkout has them. */
export function demoWorkspaceFiles(): Record<string, string> {
  const listed = spawnSync('git', ['ls-files', '-z', '--', 'packages/demo', '.env.example'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const paths = listed.stdout.split('\0').filter(Boolean);
  return Object.fromEntries(paths.map((path) => [path, readFileSync(join(REPO_ROOT, path), 'utf8')]));
}

export interface RunCell {
  row: string;
  platform: string;
  status: string;
  detail?: string;
}

/** The workspace's last run record (what its report target shows): Nx's status per task, a cell per image. */
export function lastRunRecord(root: string): { tasks: Array<{ id: string; status: string }>; cells: RunCell[] } {
  const runs = join(root, '.nx-multiarch/runs');
  const id = readFileSync(join(runs, 'last-run'), 'utf8').trim();
  return JSON.parse(readFileSync(join(runs, id, 'run.json'), 'utf8'));
}

/** Each cell of the last run as `row platform: how` (`Nx cache`, `reused`, `built`, `BuildKit cache`...). */
export function lastRunCells(root: string): string[] {
  return lastRunRecord(root)
    .cells.map((c) => `${c.row} ${c.platform}: ${c.status === 'cached' ? c.detail : c.status}`)
    .sort();
}
