import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import type { FailureClass, FailureKind } from '../../core/failure/classify';
import { writeFileAtomic } from '../state/atomic-file';

/** Set for every task by the plugin's preTasksExecution hook: which run the task belongs to, and where it reports. */
export const RUN_ID_ENV = 'NX_MULTIARCH_RUN_ID';
export const RUN_DIR_ENV = 'NX_MULTIARCH_RUN_DIR';

/** The matrix column of multi-arch indexes (the manifest target). */
export const INDEX_COLUMN = 'index';

export type CellStatus = 'built' | 'cached' | 'failed' | 'skipped';

export interface OutcomeFailure {
  class: FailureClass;
  kind: FailureKind;
  evidence: string;
  step?: string;
  logFile?: string;
  /** The proxy the builder sent registry requests through (credentials out), for the remedy. */
  proxy?: string;
  /** The builder node on another machine the platform was sent to (`armnode (tcp://arm:1234)`). */
  node?: string;
  /** The registry pushed to, when the failure's text names no host (`unauthorized: authentication required`). */
  host?: string;
}

/** One image of a task on one platform (or, for a manifest task, one index), as the executor saw it. */
export interface Outcome {
  image: string;
  /** `linux/arm64`, or `index` for a multi-arch index. */
  platform: string;
  status: Exclude<CellStatus, 'skipped'>;
  /** How it was built or why it counts as cached: `BuildKit cache`, `reused`, `unchanged`, `created`... */
  detail?: string;
  startedAt: number;
  endedAt: number;
  /** Built under QEMU. */
  emulated?: boolean;
  ref?: string;
  digest?: string;
  attempts?: number;
  failure?: OutcomeFailure;
}

/** What one executor run leaves in the run directory; the postTasksExecution hook joins them into the run record. */
export interface TaskReport {
  task: string;
  project: string;
  target: string;
  outcomes: Outcome[];
}

export const RUNS_DIR = 'runs';
export const LAST_RUN_FILE = 'last-run';

export const runsDir = (stateDir: string) => join(stateDir, RUNS_DIR);
export const runDir = (stateDir: string, id: string) => join(runsDir(stateDir), id);
export const runRecordPath = (dir: string) => join(dir, 'run.json');
export const runHtmlPath = (dir: string) => join(dir, 'report.html');
const taskReportsDir = (dir: string) => join(dir, 'tasks');

/**
 * Claims a directory of its own for the run. Nx's run id hashes argv and the millisecond, so two identical commands
 * started together share it; the second gets `<id>-2`, and so on.
 */
export function claimRun(stateDir: string, nxRunId: string): { id: string; dir: string } {
  mkdirSync(runsDir(stateDir), { recursive: true });
  for (let n = 1; ; n++) {
    const id = n === 1 ? nxRunId : `${nxRunId}-${n}`;
    try {
      mkdirSync(runDir(stateDir, id));
      return { id, dir: runDir(stateDir, id) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The run id preTasksExecution claimed, when this process is the one it told (the CLI without a daemon). */
export const claimedRunId = (nxRunId: string, env: NodeJS.ProcessEnv = process.env): string => {
  const claimed = env[RUN_ID_ENV];
  return claimed !== undefined && (claimed === nxRunId || claimed.startsWith(`${nxRunId}-`)) ? claimed : nxRunId;
};

// Task ids hold ':' (and project names '/' or '@'): one flat, portable file name per task.
const taskFile = (task: string) => `${task.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

/**
 * Writes the task's report into the current run's directory; a no-op outside an Nx run that the plugin's hook set up
 * (e.g. the executor called from another tool).
 */
export function writeTaskReport(report: TaskReport, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[RUN_DIR_ENV];
  if (!dir) return undefined;
  const file = join(taskReportsDir(dir), taskFile(report.task));
  writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function readTaskReports(dir: string): TaskReport[] {
  const reports = taskReportsDir(dir);
  if (!existsSync(reports)) return [];
  return readdirSync(reports)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(reports, f), 'utf8')) as TaskReport];
      } catch {
        // A report torn by a killed task: the task's Nx status still counts.
        return [];
      }
    });
}

/** `project:target`, the id Nx gives a task without a configuration. */
export const taskId = (project: string, target: string) => `${project}:${target}`;

/** The Nx task id of the executor's own task. */
export function contextTaskId(context: { projectName?: string; targetName?: string; configurationName?: string }) {
  return [context.projectName ?? 'unknown', context.targetName ?? 'unknown', context.configurationName]
    .filter(Boolean)
    .join(':');
}

/** The run directories holding a run record, newest first. */
export function recordedRuns(stateDir: string): string[] {
  const dir = runsDir(stateDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(runRecordPath(join(dir, name))))
    .map((name) => ({ name, time: statSync(runRecordPath(join(dir, name))).mtimeMs }))
    .sort((a, b) => b.time - a.time)
    .map((r) => r.name);
}

/** Runs kept in the state directory; older ones are removed after each run. */
export const KEEP_RUNS = 20;

/** A claimed run directory with no record this long after its last change belongs to a run that was killed. */
export const ABANDONED_AFTER_MS = 24 * 3600_000;

/**
 * Keeps the newest KEEP_RUNS records (the current one among them) and removes the directories of runs killed before
 * they were recorded (SIGKILL, a lost CI agent), once nothing has changed in them for a day. Returns what it removed.
 */
export function pruneRuns(stateDir: string, current: string, now = Date.now()): string[] {
  const dir = runsDir(stateDir);
  if (!existsSync(dir)) return [];
  const others = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== current)
    .map((entry) => join(dir, entry.name));
  const changed = (path: string) =>
    Math.max(...[path, taskReportsDir(path)].filter((p) => existsSync(p)).map((p) => statSync(p).mtimeMs));
  const recorded = others
    .filter((path) => existsSync(runRecordPath(path)))
    .map((path) => ({ path, time: statSync(path).mtimeMs }))
    .sort((a, b) => b.time - a.time)
    .slice(KEEP_RUNS - 1)
    .map((r) => r.path);
  const abandoned = others.filter(
    (path) => !existsSync(runRecordPath(path)) && now - changed(path) > ABANDONED_AFTER_MS,
  );
  const removed = [...recorded, ...abandoned];
  for (const path of removed) rmSync(path, { recursive: true, force: true });
  return removed.map((path) => path.slice(dir.length + 1)).sort();
}

/** The run `wanted` names: `last`, a whole id or a unique prefix of one. */
export function findRun(stateDir: string, wanted: string): string {
  const runs = recordedRuns(stateDir);
  if (runs.length === 0) {
    throw new PluginError(
      `no run is recorded in ${runsDir(stateDir)}: runs are recorded when nx-multiarch is listed in nx.json plugins ` +
        'and a build-image, push-image or manifest task ran',
    );
  }
  if (wanted === 'last') {
    const last = join(runsDir(stateDir), LAST_RUN_FILE);
    const id = existsSync(last) ? readFileSync(last, 'utf8').trim() : '';
    return runs.includes(id) ? id : runs[0];
  }
  if (runs.includes(wanted)) return wanted;
  const matches = runs.filter((id) => id.startsWith(wanted));
  if (matches.length === 1) return matches[0];
  const listed = runs.slice(0, 5).join(', ');
  throw new PluginError(
    matches.length === 0
      ? `run ${wanted} is not recorded in ${runsDir(stateDir)}. Recorded (newest first): ${listed}`
      : `run ${wanted} is ambiguous: ${matches.join(', ')}; give more of the id`,
  );
}

/** The run's task graph as an executor saw it: Nx leaves the tasks it skipped out of the results the hook gets. */
export interface RunGraph {
  tasks: Record<string, { project: string; target: string; overrides?: Record<string, unknown> }>;
  dependencies: Record<string, string[]>;
}

const runGraphPath = (dir: string) => join(dir, 'graph.json');

/** The first of the run's executors to start writes the graph; the rest find it there. */
export function writeRunGraph(
  taskGraph:
    | {
        tasks: Record<string, { target: { project: string; target: string }; overrides?: object }>;
        dependencies: Record<string, string[]>;
      }
    | undefined,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const dir = env[RUN_DIR_ENV];
  if (!dir || !taskGraph || existsSync(runGraphPath(dir))) return;
  const graph: RunGraph = {
    tasks: Object.fromEntries(
      Object.entries(taskGraph.tasks).map(([id, t]) => [
        id,
        { project: t.target.project, target: t.target.target, ...(t.overrides && { overrides: { ...t.overrides } }) },
      ]),
    ),
    dependencies: taskGraph.dependencies,
  };
  writeFileAtomic(runGraphPath(dir), `${JSON.stringify(graph)}\n`);
}

export function readRunGraph(dir: string): RunGraph | undefined {
  try {
    return JSON.parse(readFileSync(runGraphPath(dir), 'utf8')) as RunGraph;
  } catch {
    return undefined;
  }
}
