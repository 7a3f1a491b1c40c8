import { escapeMarkdown, reportMarkdown } from './markdown';
import { AMD64, ARM64, cell, runRecord } from '../../../test/run-records';
import type { Cell, RunRecord } from './run-record';

const RUN_STEP = 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2';
// This spec's runs name their platforms on the command line.
const record = (cells: Cell[], fields: Partial<RunRecord> = {}): RunRecord =>
  runRecord(cells, { command: 'nx run-many -t build-image --platform=amd64,arm64', ...fields });

const HEAD = (verdict: string) => [
  `### nx-multiarch run f3a9c1d2e4b5: ${verdict} in 1 m 23 s`,
  '',
  '`nx run-many -t build-image --platform=amd64,arm64`',
  '',
];

describe('reportMarkdown', () => {
  test.each<[string, RunRecord, string | undefined, string[]]>([
    [
      'a run that built and reused everything',
      record([
        cell('api', AMD64, { durationMs: 4_200 }),
        cell('api', ARM64, { status: 'cached', durationMs: 800, emulated: true }),
        cell('web', AMD64, { status: 'cached', detail: 'Nx cache' }),
      ]),
      '.nx-multiarch/runs/f3a9/report.html',
      [
        ...HEAD('succeeded'),
        '| image | linux/amd64 | linux/arm64 |',
        '| --- | --- | --- |',
        '| api | ✅ built 4.2 s | ♻️ cached 0.8 s (QEMU) |',
        '| web | ♻️ cached |  |',
        '',
        'totals: 1 built, 2 cached, 0 failed, 0 skipped \\(3 cells\\)',
        '',
        'report: `.nx-multiarch/runs/f3a9/report.html`',
        '',
      ],
    ],
    [
      'a failed run: the kind in the cell, the problems as printed, skipped cells without times',
      record(
        [
          cell('base', AMD64, { durationMs: 1_000 }),
          cell('base', ARM64, {
            status: 'failed',
            durationMs: 33_000,
            emulated: true,
            failure: { class: 'permanent', kind: 'run-step', evidence: RUN_STEP, step: '[2/3] RUN make' },
            remedy: 'a RUN step exited non-zero',
          }),
          cell('app/app-worker', AMD64, { status: 'skipped', durationMs: 5, blockedBy: ['base:build-image'] }),
          cell('app/app-worker', ARM64, { status: 'skipped', blockedBy: ['base:build-image'] }),
          cell('api', 'index', { durationMs: 1_200 }),
        ],
        { columns: [AMD64, ARM64, 'index'], attemptsFailed: { transient: 2, permanent: 1 } },
      ),
      undefined,
      [
        ...HEAD('FAILED'),
        '| image | linux/amd64 | linux/arm64 | multi-arch index |',
        '| --- | --- | --- | --- |',
        '| api |  |  | ✅ built 1.2 s |',
        '| app/app-worker | ⏭️ skipped | ⏭️ skipped |  |',
        '| base | ✅ built 1.0 s | ❌ **failed**: run-step 33.0 s (QEMU) |  |',
        '',
        'totals: 2 built, 0 cached, 1 failed, 2 skipped \\(5 cells\\); 2 transient failure\\(s\\) retried',
        '',
        '```text',
        'problems:',
        `  ✖ base linux/arm64: run-step (permanent) at [2/3] RUN make: ${RUN_STEP}`,
        '    -> a RUN step exited non-zero',
        '  - skipped app/app-worker: waited for base:build-image, which failed',
        '```',
        '',
      ],
    ],
    [
      'names and evidence that would be markup stay text',
      record(
        [
          cell('a|b', AMD64, {
            status: 'failed',
            failure: { class: 'transient', kind: 'dns', evidence: 'see ```fenced``` text' },
          }),
        ],
        { columns: [AMD64], command: 'nx run `a|b`:build-image', durationMs: 900 },
      ),
      undefined,
      [
        '### nx-multiarch run f3a9c1d2e4b5: FAILED in 0.9 s',
        '',
        "`nx run 'a|b':build-image`",
        '',
        '| image | linux/amd64 |',
        '| --- | --- |',
        '| a\\|b | ❌ **failed**: dns |',
        '',
        'totals: 0 built, 0 cached, 1 failed, 0 skipped \\(1 cells\\)',
        '',
        '````text',
        'problems:',
        '  ✖ a|b linux/amd64: dns (transient): see ```fenced``` text',
        '````',
        '',
      ],
    ],
    [
      'a run with no cells (a prefetch that failed alone)',
      record([], { columns: [], success: false }),
      undefined,
      [
        ...HEAD('FAILED'),
        '| image |',
        '| --- |',
        '',
        'totals: 0 built, 0 cached, 0 failed, 0 skipped \\(0 cells\\)',
        '',
      ],
    ],
  ])('%s', (_, run, htmlFile, expected) => {
    expect(reportMarkdown(run, htmlFile).split('\n')).toEqual(expected);
  });
});

describe('escapeMarkdown', () => {
  test.each([
    ['api', 'api'],
    ['a|b', 'a\\|b'],
    ['*bold* _it_', '\\*bold\\* \\_it\\_'],
    ['<script>', '\\<script\\>'],
    ['[link](x)', '\\[link\\]\\(x\\)'],
    ['two\nlines', 'two lines'],
    ['back\\slash', 'back\\\\slash'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});
