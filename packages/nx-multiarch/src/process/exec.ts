import { execa } from 'execa';
import { CommandError } from '../errors';

export interface RunOptions {
  /** Hard limit for the whole process; BuildKit can wait forever on a registry that never answers. */
  timeoutMs: number;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Echo output to this process's stdout/stderr while capturing it (for Nx task logs). */
  echo?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, as a user would have seen them. */
  all: string;
  durationMs: number;
}

export const OUTPUT_TAIL_LINES = 30;

export function tail(text: string, lines = OUTPUT_TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

// The only place that spawns processes: argv arrays only, never a shell, always a timeout.
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const echo = options.echo ?? false;
  const result = await execa(file, args, {
    reject: false,
    all: true,
    stdin: 'ignore',
    stdout: echo ? ['pipe', 'inherit'] : 'pipe',
    stderr: echo ? ['pipe', 'inherit'] : 'pipe',
    timeout: options.timeoutMs,
    forceKillAfterDelay: 5000,
    cwd: options.cwd,
    env: options.env,
    stripFinalNewline: true,
  });
  const argv = [file, ...args];
  const all = result.all ?? '';
  if (result.timedOut) {
    throw new CommandError(argv, result.exitCode, tail(all), true, `timed out after ${options.timeoutMs / 1000} s`);
  }
  if (result.failed) {
    const reason =
      result.exitCode === undefined
        ? `could not run (${result.originalMessage || result.shortMessage})`
        : `exited with code ${result.exitCode}`;
    throw new CommandError(argv, result.exitCode, tail(all), false, reason);
  }
  return {
    exitCode: result.exitCode ?? 0,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    all,
    durationMs: Date.now() - started,
  };
}
