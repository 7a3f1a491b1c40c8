import type { Cell, RunRecord } from './run-record';
import { INDEX_COLUMN } from '../../infra/run/run-dir';
import { criticalPathLine, duration, emulationLine, problemLines, totalsLine } from './text';

/** Matrix cell backgrounds: each status its own colour, used nowhere else on the page (a screenshot can count them). */
export const CELL_COLORS: Record<Cell['status'], string> = {
  built: '#2e7d32',
  cached: '#7cb342',
  failed: '#c62828',
  skipped: '#9e9e9e',
};

// Timeline bars: the same hues, lighter, so they never pass for matrix cells.
const BAR_COLORS: Record<Cell['status'], string> = {
  built: '#66bb6a',
  cached: '#c5e1a5',
  failed: '#ef9a9a',
  skipped: '#e0e0e0',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const columnTitle = (column: string) => (column === INDEX_COLUMN ? 'multi-arch index' : column);

function cellHtml(cell: Cell | undefined): string {
  if (!cell) return '<td class="none"></td>';
  const lines = [`<b>${cell.status}</b>${cell.detail ? ` <span>(${escapeHtml(cell.detail)})</span>` : ''}`];
  if (cell.durationMs !== undefined && cell.status !== 'skipped') {
    lines.push(`${duration(cell.durationMs)}${cell.emulated ? ' · QEMU' : ''}`);
  }
  if (cell.digest) lines.push(`<code>${escapeHtml(cell.digest.slice(0, 19))}…</code>`);
  if (cell.failure) {
    lines.push(`<span class="class">${cell.failure.kind} (${cell.failure.class})</span>`);
    if (cell.remedy) lines.push(`<span class="remedy">${escapeHtml(cell.remedy)}</span>`);
  }
  if (cell.blockedBy?.length) lines.push(`waited for ${escapeHtml(cell.blockedBy.join(', '))}`);
  const title = cell.failure ? ` title="${escapeHtml(cell.failure.evidence)}"` : '';
  return `<td class="cell ${cell.status}" data-status="${cell.status}"${title}>${lines.join('<br>')}</td>`;
}

function matrixHtml(record: RunRecord): string {
  const rows = [...new Set(record.cells.map((c) => c.row))].sort();
  const at = new Map(record.cells.map((c) => [`${c.row}\0${c.platform}`, c]));
  const head = `<tr><th>component</th>${record.columns.map((c) => `<th>${escapeHtml(columnTitle(c))}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr><th class="row">${escapeHtml(row)}</th>${record.columns.map((col) => cellHtml(at.get(`${row}\0${col}`))).join('')}</tr>`,
    )
    .join('\n');
  return `<table class="matrix" id="matrix">\n${head}\n${body}\n</table>`;
}

type Timed = Pick<Cell, 'row' | 'startedAt' | 'endedAt'>;

interface Bar<T extends Timed> {
  cell: T;
  start: number;
  end: number;
  track: number;
}

/**
 * Bars of one lane packed into tracks so that none overlaps another, nor another's label: `reach` is where a bar's
 * drawing ends (its label may run past the bar).
 */
export function packBars<T extends Timed>(
  cells: readonly T[],
  reach: (cell: T) => number = (c) => c.endedAt!,
): Bar<T>[] {
  const ends: number[] = [];
  return [...cells]
    .filter((c) => c.startedAt !== undefined && c.endedAt !== undefined)
    .sort((a, b) => a.startedAt! - b.startedAt! || a.row.localeCompare(b.row))
    .map((cell) => {
      let track = ends.findIndex((end) => end <= cell.startedAt!);
      if (track < 0) track = ends.push(0) - 1;
      ends[track] = Math.max(cell.endedAt!, reach(cell));
      return { cell, start: cell.startedAt!, end: cell.endedAt!, track };
    });
}

/** A task that is no cell, drawn like one: its status from Nx's. */
function taskBar(task: RunRecord['tasks'][number]): {
  cell: Pick<Cell, 'task' | 'row' | 'status'>;
  start: number;
  end: number;
} {
  const status: Cell['status'] =
    task.status === 'failure' || task.status === 'stopped'
      ? 'failed'
      : task.status === 'skipped'
        ? 'skipped'
        : task.status === 'success'
          ? 'built'
          : 'cached';
  return {
    cell: { task: task.id, row: `${task.project}:${task.target}`, status },
    start: task.startedAt!,
    end: task.endedAt!,
  };
}

const WIDTH = 1000;
const LABEL = 120;
const TRACK = 22;

interface LaneBar {
  start: number;
  end: number;
  track: number;
  status: Cell['status'];
  task: string;
  label: string;
  tip: string;
  emulated?: boolean;
}

// An 11px DejaVu Sans character is about 6.5px wide: enough to keep labels apart.
const labelWidth = (label: string) => label.length * 6.5 + 6;

/** One timeline lane at height `y`: its title, then each bar on its track; returns the lane's height. */
function laneSvg(
  title: string,
  bars: readonly LaneBar[],
  at: { y: number; x: (t: number) => number; critical: ReadonlySet<string> },
  parts: string[],
): number {
  const tracks = Math.max(1, ...bars.map((b) => b.track + 1));
  parts.push(`<text x="4" y="${at.y + 15}" class="lane">${escapeHtml(title)}</text>`);
  for (const bar of bars) {
    const left = at.x(bar.start);
    const width = Math.max(2, at.x(bar.end) - left);
    const top = at.y + bar.track * TRACK;
    const onPath = at.critical.has(bar.task) ? ' critical' : '';
    parts.push(
      `<g class="bar${onPath}"><title>${escapeHtml(bar.tip)}</title>` +
        `<rect x="${left.toFixed(1)}" y="${top}" width="${width.toFixed(1)}" height="${TRACK - 4}" rx="3" fill="${BAR_COLORS[bar.status]}"${bar.emulated ? ' stroke-dasharray="4 2"' : ''}/>` +
        `<text x="${(left + 3).toFixed(1)}" y="${top + 13}">${escapeHtml(bar.label)}</text></g>`,
    );
  }
  const height = tracks * TRACK + 12;
  parts.push(`<line x1="0" x2="${WIDTH}" y1="${at.y + height - 6}" y2="${at.y + height - 6}" class="sep"/>`);
  return height;
}

/** One lane per platform, a bar per cell from its start to its end; critical-path tasks outlined. */
function timelineSvg(record: RunRecord): string {
  const span = Math.max(record.durationMs, 1);
  const msPerPx = span / (WIDTH - LABEL - 10);
  const x = (t: number) => LABEL + (t - record.startedAt) / msPerPx;
  const labelEnd = (start: number, label: string) => start + labelWidth(label) * msPerPx;
  const critical = new Set(record.criticalPath);
  let y = 24;
  const parts: string[] = [];
  // Tasks that are no cell of the matrix (builder-setup, prefetch, render) get a lane of their own.
  const inCells = new Set(record.cells.map((c) => c.task));
  const setupTasks = record.tasks
    .filter((t) => !inCells.has(t.id) && t.startedAt !== undefined && t.endedAt !== undefined)
    .map(taskBar)
    .map(({ cell, start, end }) => ({ ...cell, startedAt: start, endedAt: end }));
  const setup = packBars(setupTasks, (t) => labelEnd(t.startedAt, t.row)).map(
    ({ cell, start, end, track }): LaneBar => {
      const tip = `${cell.task}: ${duration(end - start)}`;
      return { start, end, track, status: cell.status, task: cell.task, label: cell.row, tip };
    },
  );
  const drawn: LaneBar[] = [...setup];
  if (setup.length > 0) y += laneSvg('setup', setup, { y, x, critical }, parts);
  for (const lane of record.columns) {
    const label = (cell: Cell) => `${cell.row}${cell.emulated ? ' (QEMU)' : ''}`;
    const cells = record.cells.filter((c) => c.platform === lane);
    const bars = packBars(cells, (c) => labelEnd(c.startedAt!, label(c))).map(
      ({ cell, start, end, track }): LaneBar => ({
        start,
        end,
        track,
        status: cell.status,
        task: cell.task,
        label: label(cell),
        tip: `${cell.row} ${cell.platform}: ${cell.status}, ${duration(end - start)}`,
        ...(cell.emulated && { emulated: true }),
      }),
    );
    drawn.push(...bars);
    y += laneSvg(columnTitle(lane), bars, { y, x, critical }, parts);
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = record.startedAt + f * span;
    const anchor = f === 1 ? ' text-anchor="end"' : '';
    return `<text x="${x(t).toFixed(1)}" y="14" class="tick"${anchor}>${duration(t - record.startedAt)}</text>`;
  });
  // A label of a bar near the end runs past it: the drawing widens rather than cut it off.
  const width = Math.ceil(Math.max(WIDTH, ...drawn.map((b) => x(b.start) + labelWidth(b.label))));
  return `<svg class="timeline" id="timeline" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">${ticks.join('')}${parts.join('')}</svg>`;
}

const STYLE = `
body { font: 13px/1.4 'DejaVu Sans', sans-serif; margin: 16px; color: #212121; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 20px 0 6px; }
.verdict.ok { color: #1b5e20; } .verdict.failed { color: #b71c1c; }
table.matrix { border-collapse: separate; border-spacing: 4px; }
table.matrix th { text-align: left; padding: 4px 8px; }
td.cell { color: #fff; padding: 8px 10px; min-width: 150px; max-width: 340px; vertical-align: top; border-radius: 3px; }
td.cell.cached, td.cell.skipped { color: #111; }
${Object.entries(CELL_COLORS)
  .map(([status, color]) => `td.cell.${status} { background: ${color}; }`)
  .join('\n')}
td.cell code { font-size: 11px; } td.cell .remedy { font-size: 11px; display: block; margin-top: 4px; }
td.cell .class { font-weight: bold; }
svg.timeline text { font-size: 11px; fill: #212121; } svg.timeline .lane { font-weight: bold; }
svg.timeline .tick { fill: #757575; } svg.timeline .sep { stroke: #eeeeee; }
svg.timeline .critical rect { stroke: #212121; stroke-width: 2; }
ul.problems li { margin-bottom: 6px; } pre { background: #f5f5f5; padding: 8px; white-space: pre-wrap; }
`;

/** A self-contained page (no script, no link, no network): the matrix, the timeline and the problems. */
export function reportHtml(record: RunRecord): string {
  const verdict = record.success ? 'succeeded' : 'FAILED';
  const path = criticalPathLine(record);
  const emulation = emulationLine(record);
  const problems = problemLines(record).map((l) => l.trim());
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nx-multiarch run ${escapeHtml(record.id.slice(0, 12))}: ${verdict}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>nx-multiarch run <code>${escapeHtml(record.id.slice(0, 12))}</code>: <span class="verdict ${record.success ? 'ok' : 'failed'}">${verdict}</span> in ${duration(record.durationMs)}</h1>
<p><code>${escapeHtml(record.command)}</code>, started ${new Date(record.startedAt).toISOString()}</p>
<h2>Components x platforms</h2>
${matrixHtml(record)}
<p id="totals">${escapeHtml(totalsLine(record))}${emulation ? `<br>${escapeHtml(emulation)}` : ''}</p>
<h2>Timeline</h2>
<p>One lane per platform; dashed bars ran under QEMU emulation; outlined bars are the critical path.${path ? ` ${escapeHtml(path)}` : ''}</p>
${timelineSvg(record)}
${problems.length > 0 ? `<h2>Problems</h2>\n<pre id="problems">${escapeHtml(problems.join('\n'))}</pre>` : ''}
</body>
</html>
`;
}
