import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { CommandError } from '../core/failure/errors';

export interface RunOptions {
  /** Hard limit for the whole process; BuildKit can wait forever on a registry that never answers. */
  timeoutMs: number;
  /** Kill the process when it prints nothing for this long (a build stuck on a dead registry stays silent). */
  stallTimeoutMs?: number;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Echo output to this process's stdout/stderr while capturing it (for Nx task logs). */
  echo?: boolean;
  /** Where echoed lines go; the process's own stdout/stderr unless given. */
  echoTo?: { stdout: LineWriter; stderr: LineWriter };
  /** Put before every echoed line, e.g. `[api linux/arm64] `, so parallel builds stay readable. */
  prefix?: string;
  /** Append the whole output here as it arrives (one file per build attempt). */
  logFile?: string;
  /** Applied to every echoed and logged line, and to the output a CommandError carries (redaction). */
  mask?: (text: string) => string;
  /**
   * Not stopped when this process gets SIGINT, SIGTERM or SIGHUP (every other child is, see `track`): for a cleanup
   * the signal itself started, which must finish (removing a build-time service on Ctrl-C).
   */
  keepOnSignal?: boolean;
  /** Exit codes besides 0 that still answer (`docker inspect` exits 1 when one of several names is missing). */
  answeringExitCodes?: readonly number[];
}

export interface LineWriter {
  write(text: string): unknown;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, as a user would have seen them. */
  all: string;
  durationMs: number;
}

/** `run`'s shape: the seam tests replace (prefetch, builds). */
export const OUTPUT_TAIL_LINES = 30;

export function tail(text: string, lines = OUTPUT_TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Splits chunks into whole lines for `write`; a partial line waits for its end (or `flush`). */
export function lineSplitter(write: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) write(part);
    },
    flush() {
      if (pending) write(pending);
      pending = '';
    },
  };
}

const KILL_GRACE_MS = 5000;

// Children run in their own process group, so a kill reaches what they started too (`docker buildx` runs the buildx
// plugin as a child, which keeps the output pipes open when only the CLI dies). Our own death is passed on to them.
const groups = new Set<number>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const pid of groups) killGroup(pid, signal);
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  process.kill(process.pid, signal);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function track(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  if (groups.size === 0) for (const name of SIGNALS) process.on(name, onSignal);
  groups.add(pid);
  return () => {
    groups.delete(pid);
    if (groups.size === 0) for (const name of SIGNALS) process.removeListener(name, onSignal);
  };
}

// The only place that spawns processes: argv arrays only, never a shell, always a timeout.
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const mask = options.mask ?? ((text: string) => text);
  const subprocess = execa(file, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: true,
    cwd: options.cwd,
    env: options.env,
    stripFinalNewline: true,
  });
  const untrack = options.keepOnSignal ? () => undefined : track(subprocess.pid);

  let ended: 'timeout' | 'stall' | undefined;
  const timers: NodeJS.Timeout[] = [];
  const stop = (why: 'timeout' | 'stall') => {
    if (ended) return;
    ended = why;
    killGroup(subprocess.pid as number, 'SIGTERM');
    timers.push(setTimeout(() => killGroup(subprocess.pid as number, 'SIGKILL'), KILL_GRACE_MS));
  };
  timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));
  let stallTimer: NodeJS.Timeout | undefined;
  const rearm = () => {
    if (!options.stallTimeoutMs || ended) return;
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => stop('stall'), options.stallTimeoutMs);
  };
  rearm();
  if (options.logFile) mkdirSync(dirname(options.logFile), { recursive: true });
  const sinks = (['stdout', 'stderr'] as const).map((name) => {
    const target = (options.echoTo ?? process)[name];
    const splitter = lineSplitter((line) => {
      const safe = mask(line);
      if (options.echo) target.write(`${options.prefix ?? ''}${safe}\n`);
      if (options.logFile) appendFileSync(options.logFile, `${safe}\n`);
    });
    subprocess[name]?.on('data', (chunk: Buffer) => {
      rearm();
      splitter.push(chunk.toString());
    });
    return splitter;
  });
  const result = await subprocess;
  for (const timer of [...timers, stallTimer]) clearTimeout(timer);
  untrack();
  for (const sink of sinks) sink.flush();

  const argv = [file, ...args];
  const all = mask(result.all ?? '');
  if (ended === 'stall') {
    const seconds = (options.stallTimeoutMs as number) / 1000;
    throw new CommandError(argv, result.exitCode, tail(all), true, `stalled: no output for ${seconds} s`, true);
  }
  if (ended === 'timeout') {
    throw new CommandError(argv, result.exitCode, tail(all), true, `timed out after ${options.timeoutMs / 1000} s`);
  }
  const answered = result.exitCode !== undefined && options.answeringExitCodes?.includes(result.exitCode);
  if (result.failed && !answered) {
    const reason =
      result.exitCode === undefined
        ? `could not run (${result.originalMessage || result.shortMessage})`
        : `exited with code ${result.exitCode}`;
    throw new CommandError(argv, result.exitCode, tail(all), false, reason);
  }
  return {
    exitCode: result.exitCode ?? 0,
    stdout: mask(String(result.stdout)),
    stderr: mask(String(result.stderr)),
    all,
    durationMs: Date.now() - started,
  };
}
