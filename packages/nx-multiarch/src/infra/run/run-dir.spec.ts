import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import { thrown } from '../../../test/thrown';
import {
  ABANDONED_AFTER_MS,
  claimedRunId,
  claimRun,
  contextTaskId,
  findRun,
  KEEP_RUNS,
  LAST_RUN_FILE,
  pruneRuns,
  readRunGraph,
  readTaskReports,
  recordedRuns,
  RUN_DIR_ENV,
  RUN_ID_ENV,
  runDir,
  runHtmlPath,
  runRecordPath,
  runsDir,
  type TaskReport,
  taskId,
  writeRunGraph,
  writeTaskReport,
} from './run-dir';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const report = (task: string, fields: Partial<TaskReport> = {}): TaskReport => ({
  task,
  project: task.split(':')[0],
  target: task.split(':')[1],
  outcomes: [
    {
      image: 'api',
      platform: 'linux/arm64',
      status: 'built',
      startedAt: 1_795_600_800_000,
      endedAt: 1_795_600_812_000,
      emulated: true,
      attempts: 1,
    },
  ],
  ...fields,
});

describe('paths', () => {
  it('keeps runs under <stateDir>/runs/<id>', () => {
    expect({
      runs: runsDir('/ws/.nx-multiarch'),
      run: runDir('/ws/.nx-multiarch', 'abc'),
      record: runRecordPath('/ws/.nx-multiarch/runs/abc'),
      html: runHtmlPath('/ws/.nx-multiarch/runs/abc'),
    }).toEqual({
      runs: '/ws/.nx-multiarch/runs',
      run: '/ws/.nx-multiarch/runs/abc',
      record: '/ws/.nx-multiarch/runs/abc/run.json',
      html: '/ws/.nx-multiarch/runs/abc/report.html',
    });
  });
});

describe('writeTaskReport', () => {
  it('writes nothing without a run directory in the env it is given, whatever process.env says', () => {
    const dir = tempDir('run-record-');
    const saved = process.env[RUN_DIR_ENV];
    process.env[RUN_DIR_ENV] = dir;
    try {
      expect(writeTaskReport(report('api:build-image'), {})).toBeUndefined();
      expect(writeTaskReport(report('api:build-image'), { [RUN_DIR_ENV]: '' })).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env[RUN_DIR_ENV];
      else process.env[RUN_DIR_ENV] = saved;
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  test.each([
    ['api:build-image', 'api_build-image.json'],
    ['api:build-image:ci', 'api_build-image_ci.json'],
    ['@shop/api:push-image', '_shop_api_push-image.json'],
    ['shop/web.v2:manifest', 'shop_web.v2_manifest.json'],
  ])('writes %s to tasks/%s, as indented JSON', (task, file) => {
    const dir = tempDir('run-record-');
    const written = writeTaskReport(report(task), { [RUN_DIR_ENV]: dir });
    expect(written).toBe(join(dir, 'tasks', file));
    expect(readFileSync(join(dir, 'tasks', file), 'utf8')).toBe(`${JSON.stringify(report(task), null, 2)}\n`);
  });

  it('replaces an earlier report of the same task', () => {
    const dir = tempDir('run-record-');
    writeTaskReport(report('api:build-image'), { [RUN_DIR_ENV]: dir });
    writeTaskReport(report('api:build-image', { outcomes: [] }), { [RUN_DIR_ENV]: dir });
    expect(readTaskReports(dir)).toEqual([report('api:build-image', { outcomes: [] })]);
  });
});

describe('readTaskReports', () => {
  it('is empty when no task reported', () => {
    expect(readTaskReports(tempDir('run-record-'))).toEqual([]);
  });

  it('reads every report and skips torn ones and other files', () => {
    const dir = tempDir('run-record-');
    const env = { [RUN_DIR_ENV]: dir };
    writeTaskReport(report('api:build-image'), env);
    writeTaskReport(report('@shop/web:manifest'), env);
    writeFileSync(join(dir, 'tasks', 'torn_build-image.json'), '{"task": "torn:build-image", "outc');
    writeFileSync(join(dir, 'tasks', 'api_push-image.json.4242.tmp'), JSON.stringify(report('api:push-image')));
    const reports = readTaskReports(dir).sort((a, b) => a.task.localeCompare(b.task));
    expect(reports).toEqual([report('@shop/web:manifest'), report('api:build-image')]);
  });
});

describe('taskId and contextTaskId', () => {
  it('joins project and target', () => {
    expect(taskId('api', 'push-image')).toBe('api:push-image');
  });

  test.each([
    [{ projectName: 'api', targetName: 'build-image' }, 'api:build-image'],
    [{ projectName: 'api', targetName: 'build-image', configurationName: 'ci' }, 'api:build-image:ci'],
    [{ projectName: '@shop/api', targetName: 'manifest', configurationName: '' }, '@shop/api:manifest'],
    [{ targetName: 'build-image' }, 'unknown:build-image'],
    [{}, 'unknown:unknown'],
  ])('%j -> %s', (context, expected) => {
    expect(contextTaskId(context)).toBe(expected);
  });
});

/** Run directories with a run.json each, the first the oldest; `last` is what the last-run file says. */
function stateWithRuns(ids: readonly string[], last?: string): string {
  const stateDir = tempDir('run-state-');
  ids.forEach((id, i) => {
    const file = runRecordPath(runDir(stateDir, id));
    mkdirSync(runDir(stateDir, id), { recursive: true });
    writeFileSync(file, '{}\n');
    const time = new Date(Date.parse('2026-11-25T10:00:00.000Z') + i * 60_000);
    utimesSync(file, time, time);
  });
  if (last !== undefined) writeFileSync(join(runsDir(stateDir), LAST_RUN_FILE), `${last}\n`);
  return stateDir;
}

const RUNS = ['4f1c2a', '9b7d33', '9b0e12', 'c3a5e0'];

describe('recordedRuns', () => {
  it('is empty when nothing was recorded', () => {
    expect(recordedRuns(tempDir('run-state-'))).toEqual([]);
  });

  it('lists the runs with a record, newest first', () => {
    const stateDir = stateWithRuns(RUNS, '9b0e12');
    // A run still going (its tasks reported, no record yet).
    mkdirSync(join(runDir(stateDir, 'ffffff'), 'tasks'), { recursive: true });
    expect(recordedRuns(stateDir)).toEqual(['c3a5e0', '9b0e12', '9b7d33', '4f1c2a']);
  });

  it('orders by when the record was written, not by name', () => {
    expect(recordedRuns(stateWithRuns(['zzz', 'aaa', 'mmm']))).toEqual(['mmm', 'aaa', 'zzz']);
  });
});

describe('findRun', () => {
  test.each<[string, string | undefined, string, string]>([
    ['last: the last-run file', '9b7d33', 'last', '9b7d33'],
    ['last: the newest when the last-run file names a run that was pruned', 'dead00', 'last', 'c3a5e0'],
    ['last: the newest without a last-run file', undefined, 'last', 'c3a5e0'],
    ['last: the newest when the last-run file is empty', '', 'last', 'c3a5e0'],
    ['a whole id', undefined, '4f1c2a', '4f1c2a'],
    ['a unique prefix', undefined, '9b7', '9b7d33'],
    ['a one-character prefix', undefined, 'c', 'c3a5e0'],
  ])('%s', (_name, last, wanted, expected) => {
    expect(findRun(stateWithRuns(RUNS, last), wanted)).toBe(expected);
  });

  test.each<[string, string[], string, (runs: string) => string]>([
    [
      'an unknown id lists the recorded runs, newest first',
      RUNS,
      'abc',
      (runs) => `run abc is not recorded in ${runs}. Recorded (newest first): c3a5e0, 9b0e12, 9b7d33, 4f1c2a`,
    ],
    [
      'an unknown id lists at most five',
      ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      'x',
      (runs) => `run x is not recorded in ${runs}. Recorded (newest first): r7, r6, r5, r4, r3`,
    ],
    [
      'an ambiguous prefix names the runs it matches',
      RUNS,
      '9b',
      () => 'run 9b is ambiguous: 9b0e12, 9b7d33; give more of the id',
    ],
  ])('%s', (_name, ids, wanted, message) => {
    const stateDir = stateWithRuns(ids);
    const error = thrown(() => findRun(stateDir, wanted));
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toBe(message(runsDir(stateDir)));
  });

  test.each(['last', 'abc'])('with no run recorded, %s says how runs get recorded', (wanted) => {
    const stateDir = tempDir('run-state-');
    const error = thrown(() => findRun(stateDir, wanted));
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toBe(
      `no run is recorded in ${runsDir(stateDir)}: runs are recorded when nx-multiarch is listed in nx.json plugins ` +
        'and a build-image, push-image or manifest task ran',
    );
  });
});

describe('writeRunGraph and readRunGraph', () => {
  const taskGraph = {
    roots: ['acme:builder-setup'],
    tasks: {
      'acme:builder-setup': { id: 'acme:builder-setup', target: { project: 'acme', target: 'builder-setup' } },
      'api:build-image': {
        id: 'api:build-image',
        target: { project: 'api', target: 'build-image' },
        overrides: { platform: 'arm64', __overrides_unparsed__: ['--platform=arm64'] },
      },
    },
    dependencies: { 'acme:builder-setup': [], 'api:build-image': ['acme:builder-setup'] },
  };
  const recorded = {
    tasks: {
      'acme:builder-setup': { project: 'acme', target: 'builder-setup' },
      'api:build-image': {
        project: 'api',
        target: 'build-image',
        overrides: { platform: 'arm64', __overrides_unparsed__: ['--platform=arm64'] },
      },
    },
    dependencies: { 'acme:builder-setup': [], 'api:build-image': ['acme:builder-setup'] },
  };

  it('keeps project, target and overrides of every task, and the dependencies', () => {
    const dir = tempDir('run-graph-');
    writeRunGraph(taskGraph, { [RUN_DIR_ENV]: dir });
    expect(readRunGraph(dir)).toEqual(recorded);
  });

  it('leaves the graph the first executor of the run wrote', () => {
    const dir = tempDir('run-graph-');
    writeRunGraph(taskGraph, { [RUN_DIR_ENV]: dir });
    writeRunGraph({ tasks: {}, dependencies: {} }, { [RUN_DIR_ENV]: dir });
    expect(readRunGraph(dir)).toEqual(recorded);
  });

  it('writes nothing without a run directory or a task graph', () => {
    const dir = tempDir('run-graph-');
    writeRunGraph(taskGraph, {});
    writeRunGraph(undefined, { [RUN_DIR_ENV]: dir });
    expect(readdirSync(dir)).toEqual([]);
    expect(readRunGraph(dir)).toBeUndefined();
  });

  it('reads a torn graph as none', () => {
    const dir = tempDir('run-graph-');
    writeFileSync(join(dir, 'graph.json'), '{"tasks": {"api:bui');
    expect(existsSync(join(dir, 'graph.json'))).toBe(true);
    expect(readRunGraph(dir)).toBeUndefined();
  });
});

describe('claimRun and claimedRunId', () => {
  it('gives two runs that Nx gave one id (same argv, same millisecond) a directory each', () => {
    const state = tempDir('claim-');
    const first = claimRun(state, '1929770716683569726');
    const second = claimRun(state, '1929770716683569726');
    const third = claimRun(state, '1929770716683569726');
    expect([first.id, second.id, third.id]).toEqual([
      '1929770716683569726',
      '1929770716683569726-2',
      '1929770716683569726-3',
    ]);
    expect(second.dir).toBe(runDir(state, '1929770716683569726-2'));
    expect(readdirSync(runsDir(state)).sort()).toEqual([first.id, second.id, third.id]);
  });

  test.each<[string, string | undefined, string]>([
    ['the id the hook claimed', '42-2', '42-2'],
    ['the id itself', '42', '42'],
    ["another run's claim (the daemon ran its pre hook since)", '77-2', '42'],
    ['an id that merely starts with the same digits', '421', '42'],
    ['no claim in this process', undefined, '42'],
  ])('for Nx run 42 and %s, answers', (_, claimed, expected) => {
    expect(claimedRunId('42', claimed === undefined ? {} : { [RUN_ID_ENV]: claimed })).toBe(expected);
  });
});

describe('pruneRuns', () => {
  const NOW = Date.parse('2026-11-25T12:00:00.000Z');
  /** A run directory last changed `hoursAgo`, with or without its record. */
  function run(stateDir: string, id: string, hoursAgo: number, recorded: boolean): void {
    const dir = runDir(stateDir, id);
    mkdirSync(join(dir, 'tasks'), { recursive: true });
    if (recorded) writeFileSync(runRecordPath(dir), '{}\n');
    const time = new Date(NOW - hoursAgo * 3600_000);
    for (const path of [join(dir, 'tasks'), dir]) utimesSync(path, time, time);
  }

  it(`keeps the newest ${KEEP_RUNS} records, the current one among them`, () => {
    const stateDir = tempDir('run-prune-');
    for (let i = 0; i < KEEP_RUNS + 3; i++) run(stateDir, `run-${String(i).padStart(2, '0')}`, i, true);
    run(stateDir, 'current', 0, true);
    expect(pruneRuns(stateDir, 'current', NOW)).toEqual(['run-19', 'run-20', 'run-21', 'run-22']);
    expect(readdirSync(runsDir(stateDir))).toHaveLength(KEEP_RUNS);
  });

  it('removes a claimed directory left without a record for a day (a killed run), not a run still going', () => {
    const stateDir = tempDir('run-prune-');
    run(stateDir, 'killed', ABANDONED_AFTER_MS / 3600_000 + 1, false);
    run(stateDir, 'going', 2, false);
    run(stateDir, 'old-but-recorded', 48, true);
    run(stateDir, 'current', 0, true);
    expect(pruneRuns(stateDir, 'current', NOW)).toEqual(['killed']);
    expect(readdirSync(runsDir(stateDir)).sort()).toEqual(['current', 'going', 'old-but-recorded']);
  });

  it('takes a task report written lately as a sign of life', () => {
    const stateDir = tempDir('run-prune-');
    run(stateDir, 'long-build', 30, false);
    const recent = new Date(NOW - 3600_000);
    utimesSync(join(runDir(stateDir, 'long-build'), 'tasks'), recent, recent);
    expect(pruneRuns(stateDir, 'current', NOW)).toEqual([]);
  });

  it('leaves last-run and other files alone, and does nothing without a runs directory', () => {
    const stateDir = tempDir('run-prune-');
    expect(pruneRuns(stateDir, 'current', NOW)).toEqual([]);
    run(stateDir, 'current', 0, true);
    writeFileSync(join(runsDir(stateDir), LAST_RUN_FILE), 'current\n');
    expect(pruneRuns(stateDir, 'current', NOW)).toEqual([]);
    expect(existsSync(join(runsDir(stateDir), LAST_RUN_FILE))).toBe(true);
  });
});
