import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CommandError } from '../../core/failure/errors';
import { redactText } from '../../core/network/proxy';
import { RUN_ID_ENV } from './run-dir';
import { redactArgv } from '../../core/secret/names';
import type { Classification } from '../../core/failure/classify';

/** One failed attempt, as a line of `failures.jsonl` in the state directory. */
export interface FailureRecord {
  time: string;
  /** The Nx run it happened in (set by the plugin's preTasksExecution hook), for the run report. */
  run?: string;
  operation: 'prefetch' | 'build' | 'manifest' | 'builder-setup' | 'render';
  /** The task's project. */
  project: string;
  /** The components that need what failed, when the task serves several (prefetch). */
  neededBy?: string[];
  /** The image (and platform) the attempt was about. */
  image?: string;
  platform?: string;
  attempt: number;
  /** Whether another attempt follows, and after how long. */
  retryInMs?: number;
  class: Classification['class'];
  kind: Classification['kind'];
  evidence: string;
  /** The Dockerfile step that failed (builds). */
  step?: string;
  exitCode?: number;
  timedOut?: boolean;
  /** Killed for printing nothing for too long. */
  stalled?: boolean;
  /** The whole output of the attempt (builds). */
  logFile?: string;
  /** The proxy the builder sent registry requests through, credentials out. */
  proxy?: string;
  /** The builder node on another machine the platform was sent to. */
  node?: string;
  argv?: readonly string[];
  outputTail?: string;
  message: string;
}

/** What a failed process adds to a record: exit code, whether our timeouts killed it, its last lines. */
export function commandFields(error: unknown): Pick<FailureRecord, 'exitCode' | 'timedOut' | 'stalled' | 'outputTail'> {
  if (!(error instanceof CommandError)) return {};
  return {
    ...(error.exitCode !== undefined && { exitCode: error.exitCode }),
    timedOut: error.timedOut,
    ...(error.stalled && { stalled: true }),
    outputTail: error.outputTail,
  };
}

export const failureLogPath = (stateDir: string) => `${stateDir}/failures.jsonl`;

/** The record as it is written: credentials out of the argv, output and message. */
export function failureLine(record: FailureRecord): string {
  const safe: FailureRecord = {
    ...record,
    evidence: redactText(record.evidence),
    message: redactText(record.message),
    ...(record.argv && { argv: redactArgv(record.argv) }),
    ...(record.outputTail !== undefined && { outputTail: redactText(record.outputTail) }),
  };
  return `${JSON.stringify(safe)}\n`;
}

/**
 * Appends one line with a single write to a file opened for appending: parallel tasks never interleave inside a
 * record (O_APPEND writes to a local file are not split).
 */
export function appendFailure(stateDir: string, record: FailureRecord): void {
  const file = failureLogPath(stateDir);
  mkdirSync(dirname(file), { recursive: true });
  const run = process.env[RUN_ID_ENV];
  appendFileSync(file, failureLine(run && !record.run ? { run, ...record } : record), { flag: 'a' });
}

/** The failure log's records of one run; lines that do not parse are skipped (a hand edit, a torn write). */
export function readRunFailures(stateDir: string, run: string): FailureRecord[] {
  const file = failureLogPath(stateDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes(run))
    .flatMap((line) => {
      try {
        const record = JSON.parse(line) as FailureRecord;
        return record.run === run ? [record] : [];
      } catch {
        return [];
      }
    });
}
