import type { Cell, RunRecord } from '../src/ops/report/run-record';

// The run records the report specs (text, markdown) render: one run of `acme`, 83.4 s, amd64 and arm64.
export const T0 = Date.parse('2026-11-25T10:00:00.000Z');
export const AMD64 = 'linux/amd64';
export const ARM64 = 'linux/arm64';

/** A cell of row `project` or `project/image`; built by build-image unless told otherwise. */
export function cell(row: string, platform: string, fields: Partial<Cell> = {}): Cell {
  const [project, image = project] = row.split('/');
  const target = platform === 'index' ? 'manifest' : 'build-image';
  return { row, project, image, platform, task: `${project}:${target}`, target, status: 'built', ...fields };
}

/** A record of `cells`, with totals counted from them. */
export function runRecord(cells: Cell[], fields: Partial<RunRecord> = {}): RunRecord {
  const totals = { built: 0, cached: 0, failed: 0, skipped: 0 };
  for (const c of cells) totals[c.status]++;
  return {
    version: 1,
    id: 'f3a9c1d2e4b5a6978877',
    command: 'nx run-many -t build-image',
    startedAt: T0,
    endedAt: T0 + 83_400,
    durationMs: 83_400,
    workspaceProject: 'acme',
    columns: [AMD64, ARM64],
    tasks: [],
    cells,
    taskProblems: [],
    totals,
    criticalPath: [],
    attemptsFailed: { transient: 0, permanent: 0 },
    success: cells.every((c) => c.status === 'built' || c.status === 'cached'),
    ...fields,
  };
}
