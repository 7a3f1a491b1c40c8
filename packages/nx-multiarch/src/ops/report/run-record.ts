import type { CellStatus, OutcomeFailure } from '../../infra/run/run-dir';
import type { NxTaskStatus, RunTaskInput } from './run-input';

export interface Cell {
  /** Matrix row: the project, or `project/image` when a project builds several images. */
  row: string;
  project: string;
  image: string;
  /** Matrix column. */
  platform: string;
  task: string;
  target: string;
  status: CellStatus;
  detail?: string;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  emulated?: boolean;
  ref?: string;
  digest?: string;
  attempts?: number;
  failure?: OutcomeFailure;
  remedy?: string;
  /** For a skipped cell: the failed tasks it waited for. */
  blockedBy?: string[];
}

export interface RunTask {
  id: string;
  project: string;
  target: string;
  executor: string;
  scope: RunTaskInput['scope'];
  status: NxTaskStatus;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  /** Tasks of this run it waited for. */
  after: string[];
}

/** A failure of a task that is no cell of the matrix (prefetch, builder-setup, render), with its remedy. */
export interface TaskProblem {
  task: string;
  image?: string;
  platform?: string;
  /** The components that needed what failed. */
  neededBy?: string[];
  failure: OutcomeFailure;
  remedy: string;
}

export interface RunRecord {
  version: 1;
  id: string;
  command: string;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  workspaceProject: string;
  /** Matrix columns in order: platforms, then `index` when the run published indexes. */
  columns: string[];
  tasks: RunTask[];
  cells: Cell[];
  /** Failures of the tasks that are no cell (a failed prefetch explains the builds it skipped). */
  taskProblems: TaskProblem[];
  totals: Record<CellStatus, number>;
  /** Task ids from the first to the last: the chain of tasks each of which waited for the one before. */
  criticalPath: string[];
  /** Failed attempts logged during the run, including the ones a retry recovered from. */
  attemptsFailed: { transient: number; permanent: number };
  success: boolean;
  /** Failed tasks that are not nx-multiarch's (the workspace's own targets): named, since no cell shows them. */
  otherFailed?: string[];
  /** The run was killed before it could record itself; a later run recorded what it had done. */
  killed?: true;
}
