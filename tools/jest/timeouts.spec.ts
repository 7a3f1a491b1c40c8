import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readConfigs } from 'jest-config';

// The e2e tests run nx and docker on a busy machine (CI has 2 cores): each needs minutes, never jest's default 5 s.
const MIN_E2E_TIMEOUT_MS = 60_000;
const ROOT = join(__dirname, '../..');

interface ProbeRow {
  file: string;
  kind: 'test' | 'beforeAll' | 'afterAll' | 'beforeEach' | 'afterEach' | 'file';
  name: string;
  timeout: number;
}

/** The e2e project's configuration as `npx jest` from the repository root resolves it (the root's "projects"). */
async function e2eProject() {
  const { configs } = await readConfigs({ $0: 'jest', _: [] }, [ROOT]);
  const e2e = configs.find((config) => config.displayName?.name === 'e2e');
  if (!e2e) throw new Error(`no e2e project among ${configs.map((c) => c.displayName?.name).join(', ')}`);
  return e2e;
}

describe('the e2e suite configuration', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'timeout-probe-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every e2e test and hook a long timeout, as jest really applies it when it runs from the root', async () => {
    const e2e = await e2eProject();
    // The probe listens to jest-circus's events.
    expect(e2e.testRunner).toMatch(/jest-circus/);

    // Jest itself, from the root, on the e2e project: the real files, setupFilesAfterEnv and global configuration;
    // only the environment is wrapped (it records and skips every test), and nothing is built (globalSetup) or
    // left behind (a file that makes a temp workspace while jest collects its tests does it under `dir`).
    const out = join(dir, 'timeouts.jsonl');
    const results = join(dir, 'results.json');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TMPDIR: dir,
      TIMEOUT_PROBE_OUT: out,
      TIMEOUT_PROBE_BASE_ENVIRONMENT: e2e.testEnvironment,
    };
    delete env.JEST_WORKER_ID;
    const noop = join(__dirname, 'noop-global-setup.js');
    const run = spawnSync(
      process.execPath,
      [
        require.resolve('jest/bin/jest'),
        '--selectProjects=e2e',
        '--runInBand',
        '--ci',
        `--testEnvironment=${join(__dirname, 'timeout-probe-environment.js')}`,
        `--globalSetup=${noop}`,
        `--globalTeardown=${noop}`,
        `--cacheDirectory=${e2e.cacheDirectory}`,
        '--json',
        `--outputFile=${results}`,
      ],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 },
    );
    expect({ status: run.status, stderr: run.stderr.split('\n').slice(-40).join('\n') }).toMatchObject({ status: 0 });

    const ran: string[] = JSON.parse(readFileSync(results, 'utf8')).testResults.map((r: { name: string }) =>
      relative(e2e.rootDir, r.name),
    );
    const rows: ProbeRow[] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Every e2e file jest runs was probed, and has tests.
    expect(ran.length).toBeGreaterThan(0);
    expect([...new Set(rows.map((r) => r.file))].sort()).toEqual([...ran].sort());
    for (const file of ran) expect(rows.filter((r) => r.file === file && r.kind === 'test').length).toBeGreaterThan(0);

    const short = rows
      .filter((r) => r.kind !== 'file' && r.timeout < MIN_E2E_TIMEOUT_MS)
      .map((r) => `${r.file}: ${r.kind} ${JSON.stringify(r.name)} would time out after ${r.timeout} ms`);
    expect(short).toEqual([]);
  }, 120_000);
});
