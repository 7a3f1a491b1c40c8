import { hostIn } from '../../core/failure/classify';
import type { FailureRecord } from '../../infra/run/failure-log';
import { remedyCommands, remedyFor } from '../../core/failure/remedy';
import { type CellStatus, INDEX_COLUMN, type Outcome, type OutcomeFailure, type TaskReport } from '../../infra/run/record';

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
}

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
}

const CACHED_BY_NX: ReadonlySet<NxTaskStatus> = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);

const rowName = (project: string, image: string) => (project === image ? project : `${project}/${image}`);

// The failure log's operation of each task that is no cell; build and manifest tasks have cells.
const OPERATIONS: Readonly<Record<string, FailureRecord['operation']>> = {
  'nx-multiarch:prefetch': 'prefetch',
  'nx-multiarch:builder-setup': 'builder-setup',
  'nx-multiarch:render': 'render',
};

/** The run as a matrix of cells, with every task's Nx status, timings, remedies and the critical path. */
export function assembleRun(input: RunInput): RunRecord {
  const reports = new Map(input.reports.map((r) => [r.task, r]));
  const commands = remedyCommands(input.workspaceProject);
  const failedTasks = new Set(input.tasks.filter((t) => t.status === 'failure').map((t) => t.id));
  const after = predecessors(input.tasks);
  const cells: Cell[] = [];
  for (const task of input.tasks) {
    const report = reports.get(task.id);
    const base = { project: task.project, task: task.id, target: task.target };
    if (report) {
      for (const outcome of report.outcomes) {
        cells.push(withRemedy(fromOutcome(base, outcome), commands));
      }
      continue;
    }
    // Succeeded without reporting: a --dryRun, or an agent elsewhere; it built nothing here to show.
    if (task.status === 'success') continue;
    const blockedBy = transitiveFailures(task.id, after, failedTasks);
    for (const image of task.images) {
      for (const platform of task.platforms) {
        const cell: Cell = { ...base, row: rowName(task.project, image), image, platform, status: 'skipped' };
        if (CACHED_BY_NX.has(task.status)) Object.assign(cell, { status: 'cached', detail: 'Nx cache' });
        else if (task.status === 'failure' || task.status === 'stopped') {
          Object.assign(cell, {
            status: 'failed',
            failure: {
              class: 'permanent',
              kind: 'unknown',
              evidence: task.status === 'stopped' ? 'the task was stopped' : 'the task failed before it reported',
            },
          });
        } else if (task.status === 'skipped' && blockedBy.length > 0) cell.blockedBy = blockedBy;
        cells.push(withRemedy(cell, commands));
      }
    }
  }
  const matrixCells = dedupe(cells).sort((a, b) => a.row.localeCompare(b.row) || a.platform.localeCompare(b.platform));
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
  for (const cell of matrixCells) totals[cell.status]++;
  return {
    version: 1,
    id: input.id,
    command: commandLine(input.argv),
    startedAt: input.startTime,
    endedAt: input.endTime,
    durationMs: input.endTime - input.startTime,
    workspaceProject: input.workspaceProject,
    columns: columns(matrixCells),
    tasks,
    cells: matrixCells,
    taskProblems: taskProblems(input, new Set(matrixCells.map((c) => c.task)), commands),
    totals,
    criticalPath: criticalPath(tasks),
    attemptsFailed: {
      transient: input.failures.filter((f) => f.class === 'transient').length,
      permanent: input.failures.filter((f) => f.class === 'permanent').length,
    },
    success: input.tasks.every((t) => t.status !== 'failure' && t.status !== 'skipped' && t.status !== 'stopped'),
  };
}

/**
 * What failed in each failed task that has no cell: the final attempts it logged (one per image and platform for
 * prefetch), or, when it logged none, that it failed.
 */
function taskProblems(
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
    const remedy = (kind: OutcomeFailure['kind'], host?: string, platform?: string) =>
      remedyFor(kind, { ...commands, project: task.project, ...(host && { host }), ...(platform && { platform }) });
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
        failure: { class: f.class, kind: f.kind, evidence: f.evidence },
        remedy: remedy(f.kind, hostIn(f.evidence), f.platform),
      });
    }
  }
  return problems;
}

function fromOutcome(base: Pick<Cell, 'project' | 'task' | 'target'>, o: Outcome): Cell {
  return {
    ...base,
    row: rowName(base.project, o.image),
    image: o.image,
    platform: o.platform,
    status: o.status,
    ...(o.detail && { detail: o.detail }),
    startedAt: o.startedAt,
    endedAt: o.endedAt,
    durationMs: o.endedAt - o.startedAt,
    ...(o.emulated && { emulated: true }),
    ...(o.ref && { ref: o.ref }),
    ...(o.digest && { digest: o.digest }),
    ...(o.attempts !== undefined && { attempts: o.attempts }),
    ...(o.failure && { failure: o.failure }),
  };
}

function withRemedy(cell: Cell, commands: ReturnType<typeof remedyCommands>): Cell {
  if (!cell.failure) return cell;
  // An index cell is about every platform; a missing one is named in the evidence.
  const platform =
    cell.platform === INDEX_COLUMN ? /\blinux\/(?:amd64|arm64)\b/.exec(cell.failure.evidence)?.[0] : cell.platform;
  const host = hostIn(cell.failure.evidence);
  const remedy = remedyFor(cell.failure.kind, {
    ...commands,
    project: cell.project,
    ...(platform && { platform }),
    ...(host && { host }),
    ...(cell.failure.logFile && { logFile: cell.failure.logFile }),
  });
  return { ...cell, remedy };
}

// push-image builds what build-image does: when one run has both for a cell, the push is what counts.
function dedupe(cells: Cell[]): Cell[] {
  const byKey = new Map<string, Cell>();
  for (const cell of cells) {
    const key = `${cell.row}\0${cell.platform}`;
    const seen = byKey.get(key);
    if (!seen || rank(cell) > rank(seen)) byKey.set(key, cell);
  }
  return [...byKey.values()];
}

// A failure always shows; otherwise the later stage (push over build) wins.
const rank = (cell: Cell) => (cell.status === 'failed' ? 10 : 0) + (cell.target.includes('push') ? 1 : 0);

function columns(cells: readonly Cell[]): string[] {
  const platforms = [...new Set(cells.map((c) => c.platform))].filter((p) => p !== INDEX_COLUMN).sort();
  return cells.some((c) => c.platform === INDEX_COLUMN) ? [...platforms, INDEX_COLUMN] : platforms;
}

/**
 * For each task, the tasks of the run it waited for: its task graph dependencies when known; else those of the
 * projects its project depends on, the earlier
 * targets of its own project (render, build-image before push-image before manifest), and the workspace-level tasks
 * (builder-setup, prefetch) every build waits for.
 */
export function predecessors(tasks: readonly RunTaskInput[]): Map<string, string[]> {
  const workspaceTasks = tasks.filter((t) => t.scope === 'workspace');
  const byProject = new Map<string, RunTaskInput[]>();
  for (const t of tasks) byProject.set(t.project, [...(byProject.get(t.project) ?? []), t]);
  const result = new Map<string, string[]>();
  for (const task of tasks) {
    if (task.after) {
      result.set(task.id, [...task.after]);
      continue;
    }
    // prefetch warms images where the builder looks: it waits for builder-setup.
    if (task.executor === 'nx-multiarch:prefetch') {
      result.set(
        task.id,
        workspaceTasks.filter((w) => w.executor === 'nx-multiarch:builder-setup').map((w) => w.id),
      );
      continue;
    }
    const preds = new Set<string>();
    if (task.scope === 'component') {
      // render runs before the builder exists; what builds waits for builder-setup and prefetch.
      if (task.images.length > 0) for (const w of workspaceTasks) preds.add(w.id);
      for (const dep of task.dependsOnProjects) {
        for (const t of byProject.get(dep) ?? []) if (t.target === task.target) preds.add(t.id);
      }
      for (const t of byProject.get(task.project) ?? []) {
        if (STAGE_ORDER(t.target) < STAGE_ORDER(task.target)) preds.add(t.id);
      }
    }
    result.set(task.id, [...preds]);
  }
  return result;
}

// The order of a component's targets within a run.
function STAGE_ORDER(target: string): number {
  if (target === 'render') return 0;
  if (target.includes('manifest')) return 3;
  if (target.includes('push')) return 2;
  return 1;
}

function transitiveFailures(id: string, after: Map<string, string[]>, failed: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (task: string) => {
    for (const pred of after.get(task) ?? []) {
      if (seen.has(pred)) continue;
      seen.add(pred);
      if (failed.has(pred)) found.add(pred);
      else walk(pred);
    }
  };
  walk(id);
  return [...found].sort();
}

/**
 * The chain that decided the run's length: from the task that ended last, back through the predecessor that ended
 * last before it started, to a task that waited for nothing.
 */
export function criticalPath(tasks: readonly RunTask[]): string[] {
  const timed = new Map(
    tasks.filter((t) => t.startedAt !== undefined && t.endedAt !== undefined).map((t) => [t.id, t] as const),
  );
  let current = [...timed.values()].sort((a, b) => b.endedAt! - a.endedAt!)[0];
  const chain: string[] = [];
  while (current && !chain.includes(current.id)) {
    chain.unshift(current.id);
    const start = current.startedAt!;
    current = current.after
      .map((id) => timed.get(id))
      .filter((t): t is RunTask => t !== undefined && t.endedAt! <= start + 50)
      .sort((a, b) => b.endedAt! - a.endedAt!)[0];
  }
  return chain;
}

// The command as typed, without the node binary and the nx script path.
function commandLine(argv: readonly string[]): string {
  const at = argv.findIndex((a) => /(^|\/)nx(\.js)?$/.test(a));
  return ['nx', ...argv.slice(at >= 0 ? at + 1 : 2)].join(' ');
}
