import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { hostname } from 'node:os';
import {
  type PostTasksExecution,
  type PreTasksExecution,
  type ProjectGraph,
  readCachedProjectGraph,
  type TaskResults,
} from '@nx/devkit';
import { processAlive } from '../../infra/state/lock';
import { readRunFailures } from '../../infra/run/failure-log';
import { reportHtml } from '../../ops/report/html';
import { reportMarkdown } from '../../ops/report/markdown';
import type { RunRecord } from '../../ops/report/run-record';
import { reportText } from '../../ops/report/text';
import { assembleRun } from '../../ops/report/assemble';
import {
  claimedRunId,
  claimRun,
  LAST_RUN_FILE,
  pruneRuns,
  RUN_DIR_ENV,
  RUN_ID_ENV,
  readRunGraph,
  readTaskReports,
  runDir,
  runHtmlPath,
  runRecordPath,
  runsDir,
} from '../../infra/run/run-dir';
import { killedRuns, runOwnerPid, writeRunOwner } from '../../infra/run/run-owner';
import { runTasks, workspaceProjectOf } from './tasks';
import { DEFAULT_STATE_DIR } from '../../core/options/state-dir';
import { writeFileAtomic } from '../../infra/state/atomic-file';
import type { PluginOptions } from '../../core/options/plugin';

const stateDirOf = (options: PluginOptions | undefined, root: string) =>
  resolve(root, options?.builder?.stateDir ?? DEFAULT_STATE_DIR);

/** Tells every task of the run which run it belongs to and where to leave its report. */
export const preTasksExecution: PreTasksExecution<PluginOptions> = (options, context) => {
  const stateDir = stateDirOf(options, context.workspaceRoot);
  recordKilledRuns(stateDir);
  const run = claimRun(stateDir, context.id);
  writeRunOwner(run.dir, {
    pid: runOwnerPid(process.argv, process.pid, process.ppid),
    host: hostname(),
    argv: context.argv,
    startTime: Date.now(),
  });
  // Nx records what the hook sets in process.env and sets it in the CLI process too, whose env every task inherits.
  process.env[RUN_ID_ENV] = run.id;
  process.env[RUN_DIR_ENV] = run.dir;
};

/**
 * Joins Nx's task results with the executors' reports into the run record and its HTML page, and prints the summary
 * as the last thing of the run (when Nx runs the hook in the CLI process: no daemon, always the case in CI).
 */
export const postTasksExecution: PostTasksExecution<PluginOptions> = (options, context) => {
  const stateDir = stateDirOf(options, context.workspaceRoot);
  // The id the pre hook claimed, unless another run's pre hook ran since in this process (the daemon): then Nx's own.
  const id = claimedRunId(context.id);
  const dir = runDir(stateDir, id);
  const graph = readCachedProjectGraph();
  const tasks = runTasks(context.taskResults, graph, readRunGraph(dir));
  const record = assembleRun({
    id,
    argv: context.argv,
    startTime: context.startTime,
    endTime: context.endTime,
    workspaceProject: workspaceProjectOf(graph),
    tasks,
    reports: readTaskReports(dir),
    failures: readRunFailures(stateDir, id),
    otherFailed: otherFailed(context.taskResults, tasks),
  });
  // builder-setup or prefetch alone, or a --dryRun, succeeding: no build worth becoming "the last run".
  if (record.success && record.cells.length === 0) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  writeFileAtomic(runRecordPath(dir), `${JSON.stringify(record, null, 2)}\n`);
  writeFileAtomic(runHtmlPath(dir), reportHtml(record));
  writeFileSync(join(runsDir(stateDir), LAST_RUN_FILE), `${id}\n`);
  pruneRuns(stateDir, id);
  const htmlFile = relative(context.workspaceRoot, runHtmlPath(dir));
  console.log(`\n${reportText(record, htmlFile)}`);
  appendStepSummary(record, htmlFile, process.env.GITHUB_STEP_SUMMARY);
};

// A run is a success only when every task is: the workspace's own targets count too (Nx says "failed" for them).
function otherFailed(results: TaskResults, ours: readonly { id: string }[]): string[] {
  const recorded = new Set(ours.map((t) => t.id));
  return Object.entries(results)
    .filter(([id, r]) => !recorded.has(id) && (r.status === 'failure' || r.status === 'stopped'))
    .map(([id]) => id)
    .sort();
}

/**
 * Records the runs that were killed before they could (nothing else would ever say they failed): what their tasks
 * reported, tasks without a report as stopped. Says so once; the next run finds them recorded.
 */
function recordKilledRuns(stateDir: string): void {
  const killed = killedRuns(stateDir, hostname(), processAlive);
  if (killed.length === 0) return;
  let graph: ProjectGraph;
  try {
    graph = readCachedProjectGraph();
  } catch {
    return; // No graph to read the tasks from: the next run tries again (pruneRuns drops them after a day).
  }
  for (const { id, dir, owner } of killed) {
    const reports = readTaskReports(dir);
    const results: TaskResults = {};
    for (const [taskId, task] of Object.entries(readRunGraph(dir)?.tasks ?? {})) {
      const report = reports.find((r) => r.task === taskId);
      const failed = !report || report.outcomes.some((o) => o.status === 'failed');
      const status = !report ? 'stopped' : failed ? 'failure' : 'success';
      results[taskId] = {
        task: { id: taskId, target: { project: task.project, target: task.target }, overrides: task.overrides ?? {} },
        status,
      } as TaskResults[string];
    }
    const endTime = Math.max(owner.startTime, ...reports.flatMap((r) => r.outcomes.map((o) => o.endedAt)));
    const record: RunRecord = {
      ...assembleRun({
        id,
        argv: owner.argv,
        startTime: owner.startTime,
        endTime,
        workspaceProject: workspaceProjectOf(graph),
        tasks: runTasks(results, graph, readRunGraph(dir)),
        reports,
        failures: readRunFailures(stateDir, id),
      }),
      success: false,
      killed: true,
    };
    writeFileAtomic(runRecordPath(dir), `${JSON.stringify(record, null, 2)}\n`);
    writeFileAtomic(runHtmlPath(dir), reportHtml(record));
    console.warn(
      `nx-multiarch: run ${id} (${record.command}) ended before it could record itself (interrupted or killed: ` +
        `pid ${owner.pid} is gone); recorded what it did in ${runRecordPath(dir)}`,
    );
  }
}

/** The run's table on GitHub's job page; a summary file that cannot be written is worth a warning, not a failed run. */
function appendStepSummary(record: RunRecord, htmlFile: string, file: string | undefined): void {
  if (!file) return;
  try {
    appendFileSync(file, reportMarkdown(record, htmlFile));
  } catch (error) {
    console.warn(`nx-multiarch: could not append the run summary to ${file}: ${(error as Error).message}`);
  }
}
