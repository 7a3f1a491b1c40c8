import { remedyCommands } from '../../core/failure/remedy';
import type { CellStatus } from '../../infra/run/run-dir';
import { columns, matrixCells } from './cells';
import { criticalPath } from './critical-path';
import { predecessors } from './predecessors';
import type { RunInput } from './run-input';
import type { RunRecord, RunTask } from './run-record';
import { taskProblems } from './task-problems';

/** The run as a matrix of cells, with every task's Nx status, timings, remedies and the critical path. */
export function assembleRun(input: RunInput): RunRecord {
  const commands = remedyCommands(input.workspaceProject);
  const after = predecessors(input.tasks);
  const matrix = matrixCells(input, after, commands);
  const tasks: RunTask[] = input.tasks.map((t) => ({
    id: t.id,
    project: t.project,
    target: t.target,
    executor: t.executor,
    scope: t.scope,
    status: t.status,
    ...(t.startTime !== undefined && { startedAt: t.startTime }),
    ...(t.endTime !== undefined && { endedAt: t.endTime }),
    ...(t.startTime !== undefined && t.endTime !== undefined && { durationMs: t.endTime - t.startTime }),
    after: after.get(t.id) ?? [],
  }));
  const totals: Record<CellStatus, number> = { built: 0, cached: 0, failed: 0, skipped: 0 };
  for (const cell of matrix) totals[cell.status]++;
  return {
    version: 1,
    id: input.id,
    command: commandLine(input.argv),
    startedAt: input.startTime,
    endedAt: input.endTime,
    durationMs: input.endTime - input.startTime,
    workspaceProject: input.workspaceProject,
    columns: columns(matrix),
    tasks,
    cells: matrix,
    taskProblems: taskProblems(input, new Set(matrix.map((c) => c.task)), commands),
    totals,
    criticalPath: criticalPath(tasks),
    attemptsFailed: {
      transient: input.failures.filter((f) => f.class === 'transient').length,
      permanent: input.failures.filter((f) => f.class === 'permanent').length,
    },
    success:
      !input.otherFailed?.length &&
      input.tasks.every((t) => t.status !== 'failure' && t.status !== 'skipped' && t.status !== 'stopped'),
    ...(input.otherFailed?.length && { otherFailed: input.otherFailed }),
  };
}

// The command as typed, without the node binary and the nx script path.
function commandLine(argv: readonly string[]): string {
  const at = argv.findIndex((a) => /(^|\/)nx(\.js)?$/.test(a));
  return ['nx', ...argv.slice(at >= 0 ? at + 1 : 2)].join(' ');
}
