import { resolve } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import type { FailureKind } from '../../core/failure/classify';
import { CommandError, PluginError } from '../../core/failure/errors';
import { type ErrorFailure, failureOfError, type FailureReading } from '../../core/failure/of-error';
import { redactText } from '../../core/network/proxy';
import { DEFAULT_STATE_DIR } from '../../core/options/state-dir';
import { appendFailure, commandFields, type FailureRecord } from '../../infra/run/failure-log';
import { writeRunGraph } from '../../infra/run/run-dir';

export interface ExecutorSpec {
  /** The failure log's operation; absent for executors that only read state (diagnose, report). */
  operation?: FailureRecord['operation'];
  /** The kind of a failure whose error names none. */
  otherwise?: FailureKind;
  /** What the error line names: the executor (e.g. `builder-setup`), else the project. */
  label?: string;
  reading?: Pick<FailureReading, 'readCommand'>;
}

/** What every executor gets: its context and project, and hooks for what only some do on a failure. */
export interface ExecutorRun {
  context: ExecutorContext;
  project: string;
  /** Removes secrets from the error line and failure record; a build sets it once it knows its secrets. */
  mask: (text: string) => string;
  /** Records the failure where the task's own results go (e.g. the run report's cells for each platform). */
  onFailure?: (message: string, failure: ErrorFailure) => void;
}

/**
 * The executor around `body`: run graph for the report, an expected error (a PluginError) printed once, classified
 * into the failure log and turned into `success: false`; anything else is a bug and is rethrown.
 */
export function nxExecutor<O extends object>(
  spec: ExecutorSpec,
  body: (options: O, run: ExecutorRun) => Promise<boolean>,
): (options: O, context: ExecutorContext) => Promise<{ success: boolean }> {
  return async (options, context) => {
    // Nx leaves skipped tasks out of what the run report gets; the task graph names them.
    if (spec.operation) writeRunGraph(context.taskGraph);
    const run: ExecutorRun = { context, project: context.projectName ?? 'unknown', mask: redactText };
    try {
      return { success: await body(options, run) };
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
      const message = run.mask(error.message);
      logger.error(`nx-multiarch: ${spec.label ?? run.project}: ${message}`);
      if (!spec.operation) return { success: false };
      const failure = failureOfError(error, spec.otherwise ?? 'unknown', { ...spec.reading, clean: run.mask });
      run.onFailure?.(message, failure);
      const { stateDir } = options as { stateDir?: string };
      appendFailure(resolve(context.root, stateDir ?? DEFAULT_STATE_DIR), {
        time: new Date().toISOString(),
        operation: spec.operation,
        project: run.project,
        attempt: 1,
        ...failure,
        ...commandFields(error),
        ...(error instanceof CommandError && { argv: error.argv }),
        message,
      });
      return { success: false };
    }
  };
}
