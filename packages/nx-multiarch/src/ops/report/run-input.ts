import type { FailureRecord } from '../../infra/run/failure-log';
import type { TaskReport } from '../../infra/run/run-dir';

/** Nx's status of a task at the end of a run (tasks-runner `TaskStatus`). */
export type NxTaskStatus =
  'success' | 'failure' | 'skipped' | 'stopped' | 'local-cache-kept-existing' | 'local-cache' | 'remote-cache';

/** A task of the run as Nx and the project graph describe it. */
export interface RunTaskInput {
  id: string;
  project: string;
  target: string;
  /** `nx-multiarch:build-image`... */
  executor: string;
  /** builder-setup and prefetch serve every build of the run; the rest belong to one component. */
  scope: 'workspace' | 'component';
  status: NxTaskStatus;
  startTime?: number;
  endTime?: number;
  /** What the task was to produce: its images and platforms (`linux/arm64`, or `index`). */
  images: string[];
  platforms: string[];
  /** Projects this task's project depends on (the project graph's edges). */
  dependsOnProjects: string[];
  /** The tasks of the run it waited for, from the task graph, when an executor recorded it. */
  after?: string[];
}

export interface RunInput {
  id: string;
  argv: readonly string[];
  startTime: number;
  endTime: number;
  workspaceProject: string;
  tasks: RunTaskInput[];
  reports: TaskReport[];
  /** failures.jsonl lines written during this run (every attempt, retried or not). */
  failures: FailureRecord[];
  /** Tasks of other executors (the workspace's own targets) that failed or were stopped: the run did not succeed. */
  otherFailed?: string[];
}
