import { BuildFailedError, PluginError, type VerificationError } from '../../core/failure/errors';
import { attemptFields } from '../../infra/run/attempt-fields';
import { appendFailure } from '../../infra/run/failure-log';
import { type BuildAttemptReport, type BuildAttemptSettings, type BuildRun, runBuild } from './attempts';

/** Which build a failure belongs to. */
export interface FailedBuild {
  project: string;
  ref: string;
  platform: string;
  proxy?: string;
  /** The builder node this platform is sent to, when it is on another machine: `armnode (tcp://arm:1234)`. */
  node?: string;
}

/** The failure log's line for a failed build attempt. */
export function buildFailureRecord(report: BuildAttemptReport, base: FailedBuild, now: Date = new Date()) {
  return {
    time: now.toISOString(),
    operation: 'build' as const,
    project: base.project,
    image: base.ref,
    platform: base.platform,
    ...attemptFields(report),
    ...(base.proxy && { proxy: base.proxy }),
    ...(base.node && { node: base.node }),
    argv: report.argv,
    logFile: report.logFile,
    message: report.error instanceof Error ? report.error.message : String(report.error),
  };
}

/**
 * Runs the build's attempts, each failed one in the failure log. The build's final failure carries its last
 * attempt (class, step, log), for the task's result line.
 */
export async function loggedBuild(
  settings: BuildAttemptSettings,
  stateDir: string,
  base: FailedBuild,
): Promise<BuildRun> {
  let last: BuildAttemptReport | undefined;
  return runBuild(settings, (report) => {
    last = report;
    appendFailure(stateDir, buildFailureRecord(report, base));
  }).catch((error: unknown) => {
    if (!last || !(error instanceof PluginError)) throw error;
    throw new BuildFailedError(error.message, last);
  });
}

/** A result that is not what the build wrote fails the build for good: logged as its last attempt's failure. */
export function verificationFailed(
  error: VerificationError,
  run: BuildRun,
  argv: string[],
  stateDir: string,
  base: FailedBuild,
): BuildFailedError {
  const failure = { class: 'permanent' as const, kind: 'verification' as const, evidence: error.message };
  const report = { attempt: run.attempts, error, failure, argv, logFile: run.logFile };
  appendFailure(stateDir, buildFailureRecord(report, base));
  return new BuildFailedError(error.message, report);
}
