import { existsSync, readFileSync, rmSync } from 'node:fs';
import { failedStep } from '../../cli/buildx/progress';
import { CommandError } from '../../core/failure/errors';
import { type Classification, classifyFailure } from '../../core/failure/classify';
import type { RunResult } from '../../cli/exec';
import { DOCKER, docker, type Docker } from '../../cli/docker/cli';
import { type AttemptFailure, withRetries } from '../../infra/retry/policy';
import { type RetryPolicy } from '../../core/options/retry';

export interface BuildAttemptSettings {
  /** docker argv of an attempt; `noCache` once a failure pointed at a corrupt cache. */
  argv: (noCache: boolean) => string[];
  /** A pull (upstream images) fails mostly on the way; an unexplained build failure is most likely the build. */
  operation: 'build' | 'pull';
  policy: RetryPolicy;
  /** Overall limit per attempt. */
  timeoutMs: number;
  /** Limit on silence per attempt (BuildKit waiting on a dead registry prints nothing). */
  stallTimeoutMs: number;
  /** The full output of attempt `n` goes here. */
  logFile: (attempt: number) => string;
  /** Files the attempt writes (metadata): removed first, so a failed attempt never leaves an earlier result. */
  outputs: readonly string[];
  echo: boolean;
  prefix: string;
  mask: (text: string) => string;
  env: Record<string, string | undefined>;
}

export interface BuildAttemptReport extends AttemptFailure {
  argv: readonly string[];
  logFile: string;
  /** The Dockerfile step that failed, as BuildKit names it. */
  step?: string;
}

export interface BuildRun {
  result: RunResult;
  attempts: number;
  noCache: boolean;
  logFile: string;
}

/** A failed build attempt's class, from its whole log (a RUN step's network error can be far above the tail). */
export function classifyBuildAttempt(
  error: unknown,
  output: string,
  operation: 'build' | 'pull' = 'build',
): Classification {
  if (!(error instanceof CommandError)) {
    return { class: 'permanent', kind: 'unknown', evidence: error instanceof Error ? error.message : String(error) };
  }
  return classifyFailure(output || error.outputTail, {
    operation,
    timedOut: error.timedOut && !error.stalled,
    stalled: error.stalled,
  });
}

const readLog = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/**
 * Runs one build until it succeeds or fails for good: transient failures again after a backoff, a poisoned cache
 * again with `--no-cache`, a failed RUN step (not a network error) never. Every failed attempt is reported.
 */
export async function runBuild(
  settings: BuildAttemptSettings,
  onFailure: (report: BuildAttemptReport) => void,
  runner: Docker = docker,
): Promise<BuildRun> {
  let noCache = false;
  let attempts = 0;
  const outputs = new Map<number, string>();
  const result = await withRetries(
    async (attempt) => {
      attempts = attempt;
      for (const file of [...settings.outputs, settings.logFile(attempt)])
        rmSync(file, { force: true, recursive: true });
      return runner(settings.argv(noCache), {
        timeoutMs: settings.timeoutMs,
        stallTimeoutMs: settings.stallTimeoutMs,
        echo: settings.echo,
        prefix: settings.prefix,
        logFile: settings.logFile(attempt),
        mask: settings.mask,
        env: settings.env,
      });
    },
    (error) => {
      const output = readLog(settings.logFile(attempts));
      outputs.set(attempts, output);
      return classifyBuildAttempt(error, output, settings.operation);
    },
    settings.policy,
    (failure) => {
      const step = failedStep(outputs.get(failure.attempt) ?? '');
      onFailure({
        ...failure,
        argv: [DOCKER, ...settings.argv(noCache)],
        logFile: settings.logFile(failure.attempt),
        ...(step && { step }),
      });
      if (failure.failure.noCacheOnRetry) noCache = true;
    },
  );
  return { result, attempts, noCache, logFile: settings.logFile(attempts) };
}
