import type { Cell, RunRecord } from './run-record';
import { INDEX_COLUMN } from '../../infra/run/run-dir';

const MARK: Record<Cell['status'], string> = { built: '✔', cached: '✔', failed: '✖', skipped: '-' };

/** `4.2 s`, `2 m 05 s`. */
export function duration(ms: number): string {
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
}

function cellText(cell: Cell | undefined): string {
  if (!cell) return '';
  const time = cell.durationMs !== undefined && cell.status !== 'skipped' ? ` ${duration(cell.durationMs)}` : '';
  const qemu = cell.emulated && cell.status !== 'skipped' ? ' (QEMU)' : '';
  const what = cell.status === 'failed' && cell.failure ? `failed: ${cell.failure.kind}` : cell.status;
  return `${MARK[cell.status]} ${what}${time}${qemu}`;
}

const columnTitle = (column: string) => (column === INDEX_COLUMN ? 'multi-arch index' : column);

/** Component x platform: one line per row, cells padded to a column each. */
export function matrixLines(record: RunRecord): string[] {
  const rows = [...new Set(record.cells.map((c) => c.row))].sort();
  const at = new Map(record.cells.map((c) => [`${c.row}\0${c.platform}`, c]));
  const table = [
    ['', ...record.columns.map(columnTitle)],
    ...rows.map((row) => [row, ...record.columns.map((col) => cellText(at.get(`${row}\0${col}`)))]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((line) => line[i].length)));
  return table.map((line) =>
    `  ${line.map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i]))).join('   ')}`.trimEnd(),
  );
}

export function totalsLine(record: RunRecord): string {
  const { totals } = record;
  const cells = totals.built + totals.cached + totals.failed + totals.skipped;
  const counts = (['built', 'cached', 'failed', 'skipped'] as const).map((s) => `${totals[s]} ${s}`).join(', ');
  const retried = record.attemptsFailed.transient;
  return `totals: ${counts} (${cells} cells)${retried > 0 ? `; ${retried} transient failure(s) retried` : ''}`;
}

/** Where QEMU time went: the emulated builds' share of the time spent building. */
export function emulationLine(record: RunRecord): string | undefined {
  const ran = record.cells.filter((c) => c.durationMs !== undefined && c.platform !== INDEX_COLUMN);
  const emulated = ran.filter((c) => c.emulated);
  if (emulated.length === 0) return undefined;
  const sum = (cells: Cell[]) => cells.reduce((total, c) => total + c.durationMs!, 0);
  const share = Math.round((100 * sum(emulated)) / Math.max(sum(ran), 1));
  return `emulated (QEMU): ${emulated.length} of ${ran.length} builds, ${duration(sum(emulated))} of ${duration(sum(ran))} building (${share}%)`;
}

export function slowest(record: RunRecord, count = 3): Cell[] {
  return record.cells
    .filter((c) => c.durationMs !== undefined && c.status !== 'skipped')
    .sort((a, b) => b.durationMs! - a.durationMs!)
    .slice(0, count);
}

/** The lines a failed or skipped cell adds: what happened, and the remedy. */
export function problemLines(record: RunRecord): string[] {
  const lines: string[] = [];
  const byRow = (a: Cell, b: Cell) => a.row.localeCompare(b.row) || a.platform.localeCompare(b.platform);
  for (const cell of record.cells.filter((c) => c.status === 'failed').sort(byRow)) {
    const f = cell.failure!;
    const step = f.step ? ` at ${f.step}` : '';
    const tries = cell.attempts && cell.attempts > 1 ? ` after ${cell.attempts} attempts` : '';
    lines.push(`  ✖ ${cell.row} ${columnTitle(cell.platform)}: ${f.kind} (${f.class})${tries}${step}: ${f.evidence}`);
    if (cell.remedy) lines.push(`    -> ${cell.remedy}`);
    if (f.logFile) lines.push(`    log: ${f.logFile}`);
  }
  for (const p of record.taskProblems ?? []) {
    const what = [p.task, p.image, p.platform].filter(Boolean).join(' ');
    const needed = p.neededBy?.length ? ` (needed by ${p.neededBy.join(', ')})` : '';
    lines.push(`  ✖ ${what}${needed}: ${p.failure.kind} (${p.failure.class}): ${p.failure.evidence}`);
    lines.push(`    -> ${p.remedy}`);
  }
  const skipped = new Map<string, string[]>();
  for (const cell of record.cells.filter((c) => c.status === 'skipped')) {
    const why = cell.blockedBy?.length ? `waited for ${cell.blockedBy.join(', ')}, which failed` : 'not run';
    skipped.set(why, [...new Set([...(skipped.get(why) ?? []), cell.row])]);
  }
  for (const [why, rows] of skipped) lines.push(`  - skipped ${rows.sort().join(', ')}: ${why}`);
  return lines;
}

export function criticalPathLine(record: RunRecord): string | undefined {
  if (record.criticalPath.length === 0) return undefined;
  const tasks = new Map(record.tasks.map((t) => [t.id, t]));
  const parts = record.criticalPath.map((id) => {
    const ms = tasks.get(id)?.durationMs;
    return ms === undefined ? id : `${id} ${duration(ms)}`;
  });
  return `critical path: ${parts.join(' -> ')}`;
}

const optional = (line: string | undefined) => (line ? [line] : []);

/** What a person reads after a run: the verdict, the matrix, totals, the slowest cells, problems with remedies. */
export function reportText(record: RunRecord, htmlFile?: string): string {
  const verdict = record.success ? 'succeeded' : 'FAILED';
  const slow = slowest(record).map(
    (c) => `${c.row} ${columnTitle(c.platform)} ${duration(c.durationMs!)}${c.emulated ? ' (QEMU)' : ''}`,
  );
  const problems = problemLines(record);
  const path = criticalPathLine(record);
  return [
    `nx-multiarch run ${record.id.slice(0, 12)}: ${record.command}: ${verdict} in ${duration(record.durationMs)}`,
    ...matrixLines(record),
    totalsLine(record),
    ...(record.otherFailed?.length ? [`other tasks failed: ${record.otherFailed.join(', ')}`] : []),
    ...optional(emulationLine(record)),
    ...(slow.length > 0 ? [`slowest: ${slow.join(', ')}`] : []),
    ...optional(path),
    ...(problems.length > 0 ? ['problems:', ...problems] : []),
    ...(htmlFile ? [`report: ${htmlFile}`] : []),
  ].join('\n');
}

/** One run in `report --list`. */
export function runListLine(record: RunRecord): string {
  const { built, cached, failed, skipped } = record.totals;
  return (
    `${record.id.slice(0, 12)}  ${new Date(record.startedAt).toISOString()}  ${record.success ? 'ok    ' : 'FAILED'}  ` +
    `${duration(record.durationMs).padStart(9)}  ${built} built, ${cached} cached, ${failed} failed, ${skipped} skipped  ` +
    record.command
  );
}
