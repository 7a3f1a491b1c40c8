import type { Cell, RunRecord, RunTask } from '../../packages/nx-multiarch/src/ops/report/run-record';
import { levelsCriticalWork, nxCriticalWork, sequentialWork } from './overhead';
import type { Span } from './progress';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (seconds: number) => T0 + seconds * 1000;

const task = (id: string, durationMs?: number): RunTask => {
  const [project, target] = id.split(':');
  return {
    id,
    project,
    target,
    executor: `nx-multiarch:${target}`,
    scope: project === 'ws' ? 'workspace' : 'component',
    status: 'success',
    after: [],
    ...(durationMs !== undefined && { durationMs }),
  };
};

const cell = (id: string, arch: string, from?: number, to?: number): Cell => {
  const [project, target] = id.split(':');
  return {
    row: project,
    project,
    image: project,
    platform: `linux/${arch}`,
    task: id,
    target,
    status: from === undefined ? 'cached' : 'built',
    ...(from !== undefined && { startedAt: at(from) }),
    ...(to !== undefined && { endedAt: at(to) }),
  };
};

// ws:prefetch fetched for 3 s; gateway built amd64 from 1 s to 5 s and arm64 from 2 s to 7 s (6 s busy); api's
// image came from the BuildKit cache with no timings; portal built off the critical path.
const RECORD: Pick<RunRecord, 'criticalPath' | 'cells' | 'tasks'> = {
  criticalPath: [],
  tasks: [
    task('ws:builder-setup', 500),
    task('ws:prefetch', 3000),
    task('gateway:render', 200),
    task('gateway:build-image', 9000),
    task('api:build-image', 1200),
    task('portal:build-image', 20000),
    task('hub:build-image', 4000),
  ],
  cells: [
    cell('gateway:build-image', 'amd64', 1, 5),
    cell('gateway:build-image', 'arm64', 2, 7),
    cell('api:build-image', 'amd64'),
    cell('portal:build-image', 'amd64', 0, 20),
    cell('portal:build-image', 'arm64', 3, 19),
    // Started, never ended (the run was stopped): no interval.
    cell('hub:build-image', 'amd64', 8),
  ],
};

describe('nxCriticalWork', () => {
  test.each<[string, string[], number]>([
    ['an empty critical path', [], 0],
    ['prefetch: its duration', ['ws:prefetch'], 3000],
    ['builder-setup: overhead', ['ws:builder-setup'], 0],
    ['render: overhead', ['gateway:render'], 0],
    ['build-image: its cells overlapping once, not the task duration', ['gateway:build-image'], 6000],
    ['build-image whose cell came from a cache without timings', ['api:build-image'], 0],
    ['build-image whose cell has no end', ['hub:build-image'], 0],
    ['a task the record does not hold', ['ghost:build-image'], 0],
    [
      'the whole chain, portal off it',
      ['ws:builder-setup', 'ws:prefetch', 'gateway:render', 'gateway:build-image', 'api:build-image'],
      9000,
    ],
  ])('%s', (_, criticalPath, expected) => {
    expect(nxCriticalWork({ ...RECORD, criticalPath })).toBe(expected);
  });

  test('a prefetch without a duration counts 0', () => {
    expect(nxCriticalWork({ criticalPath: ['ws:prefetch'], tasks: [task('ws:prefetch')], cells: [] })).toBe(0);
  });
});

describe('levelsCriticalWork', () => {
  const span = (start: number, end: number): Span => ({ start, end });

  test.each<[string, Span[][], number]>([
    ['no levels', [], 0],
    ['an empty level', [[]], 0],
    ['one level: its longest build', [[span(0, 10), span(2, 30), span(5, 8)]], 28],
    ['levels summed, an empty one counting 0', [[span(0, 10), span(0, 30)], [], [span(40, 45)]], 35],
    ['overlapping levels still summed', [[span(0, 10)], [span(5, 25)]], 30],
  ])('%s', (_, levels, expected) => {
    expect(levelsCriticalWork(levels)).toBe(expected);
  });
});

describe('sequentialWork', () => {
  test.each<[number[], number]>([
    [[], 0],
    [[1500], 1500],
    [[1000, 250.5, 3000], 4250.5],
  ])('%j: %d', (durations, expected) => {
    expect(sequentialWork(durations)).toBe(expected);
  });
});
