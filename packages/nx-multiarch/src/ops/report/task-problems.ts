import { hostIn } from '../../core/failure/classify';
import { type remedyCommands, remedyFor } from '../../core/failure/remedy';
import type { FailureRecord } from '../../infra/run/failure-log';
import type { OutcomeFailure } from '../../infra/run/run-dir';
import type { RunInput } from './run-input';
import type { TaskProblem } from './run-record';

// The failure log's operation of each task that is no cell; build and manifest tasks have cells.
const OPERATIONS: Readonly<Record<string, FailureRecord['operation']>> = {
  'nx-multiarch:prefetch': 'prefetch',
  'nx-multiarch:builder-setup': 'builder-setup',
  'nx-multiarch:render': 'render',
};

/**
 * What failed in each failed task that has no cell: the final attempts it logged (one per image and platform for
 * prefetch), or, when it logged none, that it failed.
 */
export function taskProblems(
  input: RunInput,
  withCells: ReadonlySet<string>,
  commands: ReturnType<typeof remedyCommands>,
): TaskProblem[] {
  const problems: TaskProblem[] = [];
  for (const task of input.tasks) {
    if (withCells.has(task.id) || (task.status !== 'failure' && task.status !== 'stopped')) continue;
    const operation = OPERATIONS[task.executor] ?? 'build';
    const final = input.failures.filter(
      (f) => f.project === task.project && f.operation === operation && f.retryInMs === undefined,
    );
    // A prefetch failure is about the components that needed the image: the remedy names the one, if one.
    const remedy = (
      kind: OutcomeFailure['kind'],
      host?: string,
      platform?: string,
      proxy?: string,
      neededBy?: string[],
    ) =>
      remedyFor(kind, {
        ...commands,
        project: neededBy?.length === 1 ? neededBy[0] : task.project,
        ...(host && { host }),
        ...(platform && { platform }),
        ...(proxy && { proxy }),
      });
    if (final.length === 0) {
      const evidence = task.status === 'stopped' ? 'the task was stopped' : 'the task failed; its output says why';
      problems.push({
        task: task.id,
        failure: { class: 'permanent', kind: 'unknown', evidence },
        remedy: remedy('unknown'),
      });
      continue;
    }
    for (const f of final) {
      problems.push({
        task: task.id,
        ...(f.image && { image: f.image }),
        ...(f.platform && { platform: f.platform }),
        ...(f.neededBy && { neededBy: f.neededBy }),
        failure: { class: f.class, kind: f.kind, evidence: f.evidence, ...(f.proxy && { proxy: f.proxy }) },
        remedy: remedy(f.kind, hostIn(f.evidence), f.platform, f.proxy, f.neededBy),
      });
    }
  }
  return problems;
}
