import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpDom, screenshot } from './browser';
import { colorRegions, decodePng } from './png';
import { demoWorkspaceFiles, nx, nxInterleaved, tempWorkspace } from './workspace';

jest.setTimeout(600_000);

const WORKSPACE = 'e2e-workspace';
const IMAGES = ['gateway', 'vcs', 'api', 'api-init', 'cache', 'hub', 'portal', 'worker'];
const ROW: Record<string, string> = { api: 'api', 'api-init': 'api/api-init' };
const row = (image: string) => ROW[image] ?? image;

// The report's matrix colours (src/report/html.ts CELL_COLORS), each used by matrix cells only.
const COLORS = {
  built: [0x2e, 0x7d, 0x32],
  cached: [0x7c, 0xb3, 0x42],
  failed: [0xc6, 0x28, 0x28],
  skipped: [0x9e, 0x9e, 0x9e],
} as const;

interface Cell {
  row: string;
  platform: string;
  task: string;
  status: 'built' | 'cached' | 'failed' | 'skipped';
  emulated?: boolean;
  failure?: { class: string; kind: string; evidence: string; step?: string; logFile?: string };
  remedy?: string;
  blockedBy?: string[];
}
interface RunRecord {
  id: string;
  command: string;
  success: boolean;
  columns: string[];
  cells: Cell[];
  totals: Record<Cell['status'], number>;
  criticalPath: string[];
}

/** The JSON document an executor printed between Nx's own lines. */
function printedJson<T>(output: string): T {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l === '{' || l === '[');
  const end = lines.length - 1 - [...lines].reverse().findIndex((l) => l === '}' || l === ']');
  return JSON.parse(lines.slice(start, end + 1).join('\n')) as T;
}

// The demo platform with one deliberately failing component: gateway's RUN step fails on arm64 only, so Nx skips
// the dependents that wait for it (api, worker, portal), and the other foundations build for both platforms.
const SKIPPED = ['api', 'api-init', 'portal', 'worker'];
const BUILT = ['cache', 'hub', 'vcs'];
describe('report: what a run built, what failed and why, at a glance', () => {
  let root: string;
  let run: { status: number | null; output: string };
  let record: RunRecord;
  const cell = (image: string, platform: string) =>
    record.cells.find((c) => c.row === row(image) && c.platform === platform);

  beforeAll(() => {
    const files = demoWorkspaceFiles();
    files['packages/demo/gateway/Dockerfile.tpl'] +=
      `RUN echo ${Date.now()} && if [ "$(uname -m)" = aarch64 ]; then echo "no arm64 build of this step" >&2; exit 7; fi\n`;
    root = tempWorkspace(files, { components: ['packages/demo/**'], imagePrefix: 'demo/' });
    run = nxInterleaved(['run-many', '-t', 'build-image', '--platform=amd64,arm64'], root);
    const lastRun = readFileSync(join(root, '.nx-multiarch/runs/last-run'), 'utf8').trim();
    record = JSON.parse(readFileSync(join(root, `.nx-multiarch/runs/${lastRun}/run.json`), 'utf8')) as RunRecord;
  });

  it('fails the run, and prints the report summary as the last thing, after Nx', () => {
    expect(run.status).not.toBe(0);
    const summary = run.output.lastIndexOf(`nx-multiarch run ${record.id.slice(0, 12)}: nx run-many -t build-image`);
    expect(summary).toBeGreaterThan(run.output.lastIndexOf('Failed tasks:'));
    const tail = run.output.slice(summary).trim().split('\n');
    expect(tail[0]).toMatch(/: FAILED in /);
    expect(tail.at(-1)).toBe(`report: .nx-multiarch/runs/${record.id}/report.html`);
    for (const image of SKIPPED) {
      expect(tail).toContainEqual(expect.stringMatching(new RegExp(`^ {2}${row(image)} +- skipped +- skipped$`)));
    }
    expect(tail).toContainEqual(
      expect.stringMatching(/^ {2}gateway +✔ (built|cached) [\d.]+ s +✖ failed: run-step [\d.]+ s \(QEMU\)$/),
    );
  });

  it('records the matrix: every image x platform, the failing cell with its class and remedy, the skipped ones', () => {
    expect(record.columns).toEqual(['linux/amd64', 'linux/arm64']);
    expect(record.cells).toHaveLength(IMAGES.length * 2);
    expect(cell('gateway', 'linux/arm64')).toMatchObject({
      status: 'failed',
      emulated: true,
      task: 'gateway:build-image',
      failure: { class: 'permanent', kind: 'run-step', step: expect.stringContaining('RUN echo') },
      remedy: expect.stringMatching(
        /^a RUN step exited non-zero: the build itself failed, not the network\. Check: read \S+\.log; rerun alone: nx run gateway:build-image --platform=arm64$/,
      ),
    });
    expect(existsSync(cell('gateway', 'linux/arm64')!.failure!.logFile!)).toBe(true);
    expect(readFileSync(cell('gateway', 'linux/arm64')!.failure!.logFile!, 'utf8')).toContain(
      'no arm64 build of this step',
    );
    for (const image of SKIPPED) {
      for (const platform of ['linux/amd64', 'linux/arm64']) {
        expect([image, cell(image, platform)]).toEqual([
          image,
          expect.objectContaining({ status: 'skipped', blockedBy: ['gateway:build-image'] }),
        ]);
      }
    }
    for (const image of [...BUILT, 'gateway']) {
      for (const platform of ['linux/amd64', 'linux/arm64']) {
        if (image === 'gateway' && platform === 'linux/arm64') continue;
        expect([image, platform, cell(image, platform)?.status]).toEqual([
          image,
          platform,
          expect.stringMatching(/^(built|cached)$/),
        ]);
      }
    }
    expect(record.totals).toEqual({
      built: expect.any(Number),
      cached: expect.any(Number),
      failed: 1,
      skipped: SKIPPED.length * 2,
    });
    expect(record.totals.built + record.totals.cached).toBe(BUILT.length * 2 + 1);
    expect(record.success).toBe(false);
    expect(record.criticalPath.at(-1)).toMatch(/:build-image$/);
  });

  it('logs the failure in failures.jsonl under the run', () => {
    const lines = readFileSync(join(root, '.nx-multiarch/failures.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { run?: string; project: string; platform?: string; kind: string });
    expect(lines.filter((l) => l.run === record.id)).toEqual([
      expect.objectContaining({ project: 'gateway', platform: 'linux/arm64', kind: 'run-step' }),
    ]);
  });

  it('`report` prints the same matrix, `--json` the record, and is not itself recorded as a run', () => {
    const text = nx(['run', `${WORKSPACE}:report`, '--outputPath=dist/report.html'], root);
    expect(text.status).toBe(0);
    expect(text.output).toMatch(/^ {2}portal +- skipped +- skipped$/m);
    expect(text.output).toMatch(/^totals: \d+ built, \d+ cached, 1 failed, 8 skipped \(16 cells\)/m);
    expect(text.output).toContain('✖ gateway linux/arm64: run-step (permanent) at ');
    expect(text.output).toContain('-> a RUN step exited non-zero');
    expect(text.output).toContain(
      '- skipped api, api/api-init, portal, worker: waited for gateway:build-image, which failed',
    );
    expect(text.output).toContain('report: dist/report.html');
    const json = nx(['run', `${WORKSPACE}:report`, '--json'], root);
    expect(printedJson<RunRecord>(json.output)).toEqual(record);
    const list = nx(['run', `${WORKSPACE}:report`, '--list', '--json'], root);
    expect(printedJson<RunRecord[]>(list.output).map((r) => r.id)).toEqual([record.id]);
  });

  it('names the recorded runs when asked for one that does not exist', () => {
    const { status, output } = nx(['run', `${WORKSPACE}:report`, '--run=0000nosuch'], root);
    expect(status).not.toBe(0);
    expect(output).toContain(`run 0000nosuch is not recorded in ${join(root, '.nx-multiarch/runs')}`);
    expect(output).toContain(`Recorded (newest first): ${record.id}`);
  });

  it('renders the HTML page in headless chromium: one cell per image x platform, in its status colour', async () => {
    const page = join(root, 'dist/report.html');
    const html = readFileSync(page, 'utf8');
    expect(html).not.toMatch(/https?:\/\/|<script|<link|\bsrc=/i);
    const png = join(root, 'dist/report.png');
    await screenshot(page, png, { width: 1400, height: 2200 });
    const image = decodePng(readFileSync(png));
    const regions = Object.fromEntries(
      Object.entries(COLORS).map(([status, rgb]) => [
        status,
        colorRegions(image, [...rgb] as [number, number, number]),
      ]),
    );
    expect(regions.failed).toHaveLength(1);
    expect(regions.skipped).toHaveLength(SKIPPED.length * 2);
    expect(regions.built).toHaveLength(record.totals.built);
    expect(regions.cached).toHaveLength(record.totals.cached);
    // Two columns: every cell starts at one of two x positions, and the failed cell is in the arm64 one.
    const cells = Object.values(regions).flat();
    const amd64 = Math.min(...cells.map((r) => r.x));
    const arm64 = Math.max(...cells.map((r) => r.x));
    expect(arm64 - amd64).toBeGreaterThan(100);
    expect(cells.every((r) => Math.abs(r.x - amd64) < 3 || Math.abs(r.x - arm64) < 3)).toBe(true);
    expect(Math.abs(regions.failed[0].x - arm64)).toBeLessThan(3);
    // The skipped cells come in rows of two: each row's amd64 and arm64 cell at the same height.
    const skippedRows = new Set(regions.skipped.map((r) => r.y));
    expect(skippedRows.size).toBe(SKIPPED.length);
    const dom = await dumpDom(page);
    expect(dom).toMatch(
      /<td class="cell failed" data-status="failed"[^>]*>.*run-step \(permanent\).*a RUN step exited non-zero/,
    );
    expect(dom).toContain('(QEMU)');
  });
});

describe('report: a failed prefetch explains the builds it held back', () => {
  it('names the base image, the component that needed it, the class and the remedy; the build is skipped', () => {
    const root = tempWorkspace(
      { 'images/orphan/Dockerfile': 'FROM alpine:0.0-missing\n', 'images/fine/Dockerfile': 'FROM alpine:3.20\n' },
      { imagePrefix: 'e2e-report/', prefetch: { attempts: 2, retryDelay: 0.1 } },
    );
    const run = nxInterleaved(['run-many', '-t', 'build-image', '--platform=amd64'], root);
    expect(run.status).not.toBe(0);
    const lastRun = readFileSync(join(root, '.nx-multiarch/runs/last-run'), 'utf8').trim();
    const record = JSON.parse(readFileSync(join(root, `.nx-multiarch/runs/${lastRun}/run.json`), 'utf8'));
    // Nx skips every build behind the failed prefetch task, the fine one too: the report says why.
    expect(record.cells.map((c: Cell) => [c.row, c.status, c.blockedBy])).toEqual([
      ['fine', 'skipped', [`${WORKSPACE}:prefetch`]],
      ['orphan', 'skipped', [`${WORKSPACE}:prefetch`]],
    ]);
    // The mirror (the lab registry) lacks the tag, so dockerd fell through to Docker Hub, as our users' did.
    expect(record.taskProblems).toEqual([
      {
        task: `${WORKSPACE}:prefetch`,
        image: 'docker.io/library/alpine:0.0-missing',
        platform: 'linux/amd64',
        neededBy: ['orphan'],
        failure: {
          class: 'transient',
          kind: 'dns',
          evidence: expect.stringMatching(/registry-1\.docker\.io.*no such host/),
        },
        remedy: expect.stringMatching(
          /^the pull went to Docker Hub \(registry-1\.docker\.io\), which is unreachable from here: .*the mirror does not have this image\. Check: nx run e2e-workspace:diagnose /,
        ),
      },
    ]);
    expect(run.output).toContain(
      `✖ ${WORKSPACE}:prefetch docker.io/library/alpine:0.0-missing linux/amd64 (needed by orphan): dns (transient): `,
    );
    expect(run.output).toMatch(/^ {4}-> .*Check: .*$/m);
    expect(run.output).toContain(`- skipped fine, orphan: waited for ${WORKSPACE}:prefetch, which failed`);
  });
});

describe('report: a template that cannot render explains the build it held back', () => {
  it('names the placeholder set nowhere, as config with its remedy; the build is skipped', () => {
    const root = tempWorkspace(
      {
        'images/site/Dockerfile.tpl': 'FROM alpine:3.20\nLABEL title="{{SITE_TITLE_NOWHERE}}"\n',
        'images/site/multiarch.json': JSON.stringify({ templates: ['Dockerfile.tpl'] }),
      },
      { imagePrefix: 'e2e-report/' },
    );
    const run = nxInterleaved(['run', 'site:build-image', '--platform=amd64'], root);
    expect(run.status).not.toBe(0);
    const lastRun = readFileSync(join(root, '.nx-multiarch/runs/last-run'), 'utf8').trim();
    const record = JSON.parse(readFileSync(join(root, `.nx-multiarch/runs/${lastRun}/run.json`), 'utf8'));
    expect(record.cells.map((c: Cell) => [c.row, c.status, c.blockedBy])).toEqual([
      ['site', 'skipped', ['site:render']],
    ]);
    expect(record.taskProblems).toEqual([
      {
        task: 'site:render',
        failure: { class: 'permanent', kind: 'config', evidence: expect.stringContaining('SITE_TITLE_NOWHERE') },
        remedy: expect.stringMatching(/^bad configuration: the message names the file, the field and the fix\. /),
      },
    ]);
    expect(run.output).toMatch(/✖ site:render: config \(permanent\): .*SITE_TITLE_NOWHERE/);
  });
});
