import { hostIn } from '../../core/failure/classify';
import { type remedyCommands, remedyFor } from '../../core/failure/remedy';
import { INDEX_COLUMN, type Outcome } from '../../infra/run/run-dir';
import { transitiveFailures } from './predecessors';
import type { NxTaskStatus, RunInput } from './run-input';
import type { Cell } from './run-record';

const CACHED_BY_NX: ReadonlySet<NxTaskStatus> = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);

const rowName = (project: string, image: string) => (project === image ? project : `${project}/${image}`);

/**
 * The matrix's cells, sorted by row and platform: each reported outcome, else one cell per image and platform a task
 * was to produce from its Nx status; each failure with its remedy.
 */
export function matrixCells(
  input: RunInput,
  after: Map<string, string[]>,
  commands: ReturnType<typeof remedyCommands>,
): Cell[] {
  const reports = new Map(input.reports.map((r) => [r.task, r]));
  const failedTasks = new Set(input.tasks.filter((t) => t.status === 'failure').map((t) => t.id));
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
  return dedupe(cells).sort((a, b) => a.row.localeCompare(b.row) || a.platform.localeCompare(b.platform));
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
  const host = hostIn(cell.failure.evidence) ?? cell.failure.host;
  const remedy = remedyFor(cell.failure.kind, {
    ...commands,
    project: cell.project,
    ...(platform && { platform }),
    ...(host && { host }),
    ...(cell.failure.logFile && { logFile: cell.failure.logFile }),
    ...(cell.failure.proxy && { proxy: cell.failure.proxy }),
    ...(cell.failure.node && { node: cell.failure.node }),
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

/** The matrix's columns: its platforms sorted, then `index` when a cell is one. */
export function columns(cells: readonly Cell[]): string[] {
  const platforms = [...new Set(cells.map((c) => c.platform))].filter((p) => p !== INDEX_COLUMN).sort();
  return cells.some((c) => c.platform === INDEX_COLUMN) ? [...platforms, INDEX_COLUMN] : platforms;
}
