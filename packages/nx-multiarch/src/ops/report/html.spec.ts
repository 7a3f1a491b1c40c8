import type { Cell, RunRecord, RunTask } from './run-record';
import { CELL_COLORS, escapeHtml, packBars, reportHtml } from './html';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';
const DIGEST = 'sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789';
const EVIDENCE = 'unexpected status from HEAD request to registry.corp/v2/base/manifests/dev: 401 Unauthorized';
// What a remedy can hold that HTML must not take as markup.
const REMEDY =
  'registry.corp refused the credentials (or there were none). Check: docker login <registry> ' +
  '(buildx reads "~/.docker/config.json")';
const REMEDY_HTML =
  'registry.corp refused the credentials (or there were none). Check: docker login &lt;registry&gt; ' +
  '(buildx reads &quot;~/.docker/config.json&quot;)';

function cell(row: string, platform: string, fields: Partial<Cell> = {}): Cell {
  const [project, image = project] = row.split('/');
  return {
    row,
    project,
    image,
    platform,
    task: `${project}:build-image`,
    target: 'build-image',
    status: 'built',
    ...fields,
  };
}

/** Seconds after the run started to a cell's timing fields. */
const ran = (from: number, to: number): Partial<Cell> => ({
  startedAt: T0 + from * 1000,
  endedAt: T0 + to * 1000,
  durationMs: (to - from) * 1000,
});

const runTask = (id: string, from?: number, to?: number, status: RunTask['status'] = 'success'): RunTask => ({
  id,
  project: id.split(':')[0],
  target: id.split(':')[1],
  executor: `nx-multiarch:${id.split(':')[1]}`,
  scope: id.startsWith('acme:') ? 'workspace' : 'component',
  status,
  ...(from !== undefined &&
    to !== undefined && {
      startedAt: T0 + from * 1000,
      endedAt: T0 + to * 1000,
      durationMs: (to - from) * 1000,
    }),
  after: [],
});

function record(cells: Cell[], fields: Partial<RunRecord> = {}): RunRecord {
  const totals = { built: 0, cached: 0, failed: 0, skipped: 0 };
  for (const c of cells) totals[c.status]++;
  return {
    version: 1,
    id: 'f3a9c1d2e4b5a6978877',
    command: 'nx run-many -t build-image',
    startedAt: T0,
    endedAt: T0 + 87_000,
    // 87 s over the 870 px of the timeline: 10 px a second, bars start at x = 120.
    durationMs: 87_000,
    workspaceProject: 'acme',
    columns: [AMD64, ARM64],
    tasks: [],
    cells,
    taskProblems: [],
    totals,
    criticalPath: [],
    attemptsFailed: { transient: 0, permanent: 0 },
    success: false,
    ...fields,
  };
}

// One cell of every status: api built and cached, base failed (with a remedy to escape), web skipped.
const run = record(
  [
    cell('api', AMD64, { ...ran(7, 19), digest: DIGEST }),
    cell('api', ARM64, { ...ran(7, 7.8), status: 'cached', detail: 'BuildKit cache', emulated: true }),
    cell('base', AMD64, {
      ...ran(7, 10),
      status: 'failed',
      attempts: 1,
      failure: { class: 'permanent', kind: 'unauthorized', evidence: EVIDENCE },
      remedy: REMEDY,
    }),
    cell('web', AMD64, { status: 'skipped', blockedBy: ['base:build-image'] }),
    cell('web', ARM64, { status: 'skipped', blockedBy: ['base:build-image'] }),
  ],
  {
    tasks: [
      runTask('acme:builder-setup', 0, 2),
      runTask('acme:prefetch', 2, 7),
      runTask('api:build-image', 7, 19),
      runTask('base:build-image', 7, 10, 'failure'),
      runTask('web:build-image'),
    ],
    criticalPath: ['acme:builder-setup', 'acme:prefetch', 'api:build-image'],
  },
);
const page = reportHtml(run);

const FAILED_TD =
  `<td class="cell failed" data-status="failed" title="${EVIDENCE}"><b>failed</b><br>3.0 s<br>` +
  `<span class="class">unauthorized (permanent)</span><br><span class="remedy">${REMEDY_HTML}</span></td>`;
const WEB_TD = '<td class="cell skipped" data-status="skipped"><b>skipped</b><br>waited for base:build-image</td>';

const count = (text: string, part: string) => text.split(part).length - 1;
const styleOf = (html: string) => /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';

describe('reportHtml: the matrix', () => {
  it('is a table of the cells, each with its status class, a blank where there is none', () => {
    expect(/<table class="matrix"[\s\S]*?<\/table>/.exec(page)?.[0]).toBe(
      [
        '<table class="matrix" id="matrix">',
        '<tr><th>component</th><th>linux/amd64</th><th>linux/arm64</th></tr>',
        '<tr><th class="row">api</th>' +
          '<td class="cell built" data-status="built"><b>built</b><br>12.0 s<br>' +
          '<code>sha256:abcdef012345…</code></td>' +
          '<td class="cell cached" data-status="cached"><b>cached</b> <span>(BuildKit cache)</span><br>' +
          '0.8 s · QEMU</td>' +
          '</tr>',
        `<tr><th class="row">base</th>${FAILED_TD}<td class="none"></td></tr>`,
        `<tr><th class="row">web</th>${WEB_TD}${WEB_TD}</tr>`,
        '</table>',
      ].join('\n'),
    );
  });

  it('has one failed cell, carrying the kind, the class and the escaped remedy', () => {
    expect(count(page, '<td class="cell failed"')).toBe(1);
    expect(page).toContain(FAILED_TD);
    expect(page).not.toContain('<registry>');
  });

  it('calls the index column by its name', () => {
    const html = reportHtml(
      record([cell('api', 'index', { ...ran(1, 2), target: 'manifest', detail: 'created' })], { columns: ['index'] }),
    );
    expect(html).toContain('<tr><th>component</th><th>multi-arch index</th></tr>');
  });
});

describe('reportHtml: the page', () => {
  it('has the verdict, the command, the totals and the problems, escaped', () => {
    expect(page).toContain(
      '<h1>nx-multiarch run <code>f3a9c1d2e4b5</code>: <span class="verdict failed">FAILED</span> in 1 m 27 s</h1>',
    );
    expect(page).toContain('<p><code>nx run-many -t build-image</code>, started 2026-11-25T10:00:00.000Z</p>');
    expect(page).toContain(
      '<p id="totals">totals: 1 built, 1 cached, 1 failed, 2 skipped (5 cells)<br>' +
        'emulated (QEMU): 1 of 3 builds, 0.8 s of 15.8 s building (5%)</p>',
    );
    expect(page).toContain(
      [
        `<pre id="problems">✖ base linux/amd64: unauthorized (permanent): ${EVIDENCE}`,
        `-&gt; ${REMEDY_HTML}`,
        '- skipped web: waited for base:build-image, which failed</pre>',
      ].join('\n'),
    );
  });

  it('says succeeded, without a problems section, for a clean run', () => {
    const html = reportHtml(record([cell('api', AMD64, ran(0, 4))], { success: true }));
    expect(html).toContain('<title>nx-multiarch run f3a9c1d2e4b5: succeeded</title>');
    expect(html).toContain('<span class="verdict ok">succeeded</span>');
    expect(html).not.toContain('id="problems"');
  });

  it('escapes what the user controls: command, rows, details, evidence', () => {
    const html = reportHtml(
      record(
        [
          cell('<img onerror=x>', AMD64, {
            detail: '"quoted" & <b>',
            status: 'failed',
            failure: { class: 'permanent', kind: 'unknown', evidence: '</td><script>alert(1)</script>' },
          }),
        ],
        { command: "nx run-many -t build-image --args='<script>'" },
      ),
    );
    expect(html).not.toMatch(/<script|<img|<\/td><script/);
    expect(html).toContain('<code>nx run-many -t build-image --args=&#39;&lt;script&gt;&#39;</code>');
    expect(html).toContain('<th class="row">&lt;img onerror=x&gt;</th>');
    expect(html).toContain('<span>(&quot;quoted&quot; &amp; &lt;b&gt;)</span>');
    expect(html).toContain('title="&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('is self-contained: no script, no stylesheet link, nothing fetched', () => {
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<link/i);
    expect(page).not.toMatch(/\bsrc=/i);
    expect(page).not.toMatch(/url\(|@import/i);
  });
});

describe('reportHtml: cell colours', () => {
  it('gives each status its own colour', () => {
    expect(new Set(Object.values(CELL_COLORS)).size).toBe(4);
  });

  test.each(['cached', 'failed', 'skipped'] as const)(
    '%s: its colour appears once, in its rule of the CSS, and nowhere else in the page',
    (status) => {
      const color = CELL_COLORS[status];
      expect(count(page, color)).toBe(1);
      expect(count(styleOf(page), `td.cell.${status} { background: ${color}; }`)).toBe(1);
    },
  );

  // Reported: `.verdict.ok { color: #2e7d32; }` reuses the built cell colour, so a screenshot counting that colour
  // counts the verdict too. Flip into the table above with the fix.
  test('built: its colour appears once, in its rule of the CSS, and nowhere else in the page', () => {
    expect(count(page, CELL_COLORS.built)).toBe(1);
  });

  it('built: its rule is in the CSS', () => {
    expect(count(styleOf(page), `td.cell.built { background: ${CELL_COLORS.built}; }`)).toBe(1);
  });
});

describe('escapeHtml', () => {
  test.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"double" and 'single'`, '&quot;double&quot; and &#39;single&#39;'],
    ['a & b', 'a &amp; b'],
    ['&amp; stays text', '&amp;amp; stays text'],
    ['plain · text…', 'plain · text…'],
    ['', ''],
  ])('%p -> %p', (text, expected) => {
    expect(escapeHtml(text)).toBe(expected);
  });
});

describe('packBars', () => {
  const bar = (c: Cell, track: number) => ({ cell: c, start: c.startedAt, end: c.endedAt, track });

  it('puts overlapping bars on separate tracks and reuses a track once it is free', () => {
    const a = cell('a', AMD64, ran(0, 10));
    const b = cell('b', AMD64, ran(5, 15));
    const c = cell('c', AMD64, ran(10, 20));
    const d = cell('d', AMD64, ran(12, 14));
    const e = cell('e', AMD64, ran(16, 18));
    const untimed = cell('u', AMD64, { status: 'skipped' });
    expect(packBars([e, untimed, d, c, b, a])).toEqual([
      bar(a, 0),
      bar(b, 1),
      // a ended as c started: its track is free.
      bar(c, 0),
      bar(d, 2),
      // b's track is the first free one.
      bar(e, 1),
    ]);
  });

  it('orders bars that start together by row', () => {
    const y = cell('y', ARM64, ran(0, 5));
    const x = cell('x', ARM64, ran(0, 5));
    expect(packBars([y, x])).toEqual([bar(x, 0), bar(y, 1)]);
  });

  it("keeps a bar off a track while the previous bar's label still runs there", () => {
    const a = cell('a-long-label', AMD64, ran(0, 2));
    const b = cell('b', AMD64, ran(3, 5));
    // a's label reaches t=8: b, starting at 3, goes to the next track; without labels it would share a's.
    expect(packBars([a, b], (c) => (c.row === 'a-long-label' ? T0 + 8_000 : c.endedAt!))).toEqual([
      bar(a, 0),
      bar(b, 1),
    ]);
    expect(packBars([a, b])).toEqual([bar(a, 0), bar(b, 0)]);
  });

  it('is empty without timed cells', () => {
    expect(packBars([cell('u', AMD64, { status: 'skipped' })])).toEqual([]);
  });
});

describe('reportHtml: the timeline', () => {
  it("has a setup lane for the tasks that are no cell, critical ones outlined, in Nx's status colour", () => {
    expect(page).toContain(
      '<text x="4" y="39" class="lane">setup</text>' +
        '<g class="bar critical"><title>acme:builder-setup: 2.0 s</title>' +
        '<rect x="120.0" y="24" width="20.0" height="18" rx="3" fill="#66bb6a"/>' +
        '<text x="123.0" y="37">acme:builder-setup</text></g>' +
        '<g class="bar critical"><title>acme:prefetch: 5.0 s</title>' +
        '<rect x="140.0" y="46" width="50.0" height="18" rx="3" fill="#66bb6a"/>' +
        '<text x="143.0" y="59">acme:prefetch</text></g>' +
        '<line x1="0" x2="1000" y1="74" y2="74" class="sep"/>',
    );
    // Tasks with cells, and untimed ones, are not in it.
    expect(page).not.toContain('<title>api:build-image');
    expect(page).not.toContain('<title>web:build-image');
  });

  it('has a lane per column, with a bar per timed cell, dashed under QEMU', () => {
    expect(page).toContain(
      '<text x="4" y="95" class="lane">linux/amd64</text>' +
        '<g class="bar critical"><title>api linux/amd64: built, 12.0 s</title>' +
        '<rect x="190.0" y="80" width="120.0" height="18" rx="3" fill="#66bb6a"/>' +
        '<text x="193.0" y="93">api</text></g>' +
        '<g class="bar"><title>base linux/amd64: failed, 3.0 s</title>' +
        '<rect x="190.0" y="102" width="30.0" height="18" rx="3" fill="#ef9a9a"/>' +
        '<text x="193.0" y="115">base</text></g>',
    );
    expect(page).toContain(
      '<text x="4" y="151" class="lane">linux/arm64</text>' +
        // On the critical path by its task, api:build-image.
        '<g class="bar critical"><title>api linux/arm64: cached, 0.8 s</title>' +
        '<rect x="190.0" y="136" width="8.0" height="18" rx="3" fill="#c5e1a5" stroke-dasharray="4 2"/>' +
        '<text x="193.0" y="149">api (QEMU)</text></g>',
    );
  });

  it('has no setup lane when every task is a cell', () => {
    const html = reportHtml(record([cell('api', AMD64, ran(0, 4))], { tasks: [runTask('api:build-image', 0, 4)] }));
    expect(html).not.toContain('class="lane">setup<');
    expect(html).toContain('class="lane">linux/amd64<');
  });
});
