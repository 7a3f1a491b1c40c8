import { INDEX_COLUMN } from '../../infra/run/run-dir';
import type { Cell, RunRecord } from './run-record';
import { duration, problemLines, totalsLine } from './text';

const MARK: Record<Cell['status'], string> = { built: '✅', cached: '♻️', failed: '❌', skipped: '⏭️' };

/** Text shown as written inside a table cell: no markup, no row break, no column break. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~]/g, '\\$&');
}

function cellMarkdown(cell: Cell | undefined): string {
  if (!cell) return '';
  const ran = cell.status !== 'skipped';
  const kind = cell.status === 'failed' && cell.failure ? `: ${escapeMarkdown(cell.failure.kind)}` : '';
  const time = ran && cell.durationMs !== undefined ? ` ${duration(cell.durationMs)}` : '';
  const qemu = ran && cell.emulated ? ' (QEMU)' : '';
  const status = cell.status === 'failed' ? '**failed**' : cell.status;
  return `${MARK[cell.status]} ${status}${kind}${time}${qemu}`;
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

// Problems carry Docker's own text (quotes, brackets, paths): a code block shows it as printed.
function codeBlock(lines: string[]): string[] {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, ...lines, fence];
}

/**
 * The run for GitHub's job summary (`$GITHUB_STEP_SUMMARY`): the verdict, the matrix as a table (a row per image, a
 * column per platform), the totals, the problems and where the report page is.
 */
export function reportMarkdown(record: RunRecord, htmlFile?: string): string {
  const verdict = record.success ? 'succeeded' : 'FAILED';
  const rows = [...new Set(record.cells.map((c) => c.row))].sort();
  const at = new Map(record.cells.map((c) => [`${c.row}\0${c.platform}`, c]));
  const titles = record.columns.map((column) => (column === INDEX_COLUMN ? 'multi-arch index' : column));
  const problems = problemLines(record);
  return [
    `### nx-multiarch run ${record.id.slice(0, 12)}: ${verdict} in ${duration(record.durationMs)}`,
    '',
    `\`${record.command.replace(/`/g, "'")}\``,
    '',
    row(['image', ...titles.map(escapeMarkdown)]),
    row(['---', ...titles.map(() => '---')]),
    ...rows.map((name) =>
      row([escapeMarkdown(name), ...record.columns.map((c) => cellMarkdown(at.get(`${name}\0${c}`)))]),
    ),
    '',
    escapeMarkdown(totalsLine(record)),
    ...(problems.length > 0 ? ['', ...codeBlock(['problems:', ...problems])] : []),
    ...(htmlFile ? ['', `report: \`${htmlFile}\``] : []),
    '',
  ].join('\n');
}
