import { criticalPath } from './critical-path';
import type { RunTask } from './run-record';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (seconds: number) => T0 + Math.round(seconds * 1000);

describe('criticalPath', () => {
  const runTask = (id: string, after: string[], from?: number, to?: number): RunTask => ({
    id,
    project: id.split(':')[0],
    target: id.split(':')[1] ?? 'build-image',
    executor: 'nx-multiarch:build-image',
    scope: 'component',
    status: 'success',
    ...(from !== undefined && { startedAt: at(from) }),
    ...(to !== undefined && { endedAt: at(to) }),
    ...(from !== undefined && to !== undefined && { durationMs: (to - from) * 1000 }),
    after,
  });

  // prettier-ignore
  test.each<[string, RunTask[], string[]]>([
    ['no task', [], []],
    ['one task', [runTask('a', [], 0, 1)], ['a']],
    ['from the task that ended last, through the predecessor that ended last before it started', [
      runTask('a', [], 0, 1),
      runTask('b', [], 0, 2),
      runTask('c', ['a', 'b'], 2, 10),
      runTask('d', ['a'], 1, 5),
    ], ['b', 'c']],
    ['a predecessor that ended after the task started did not hold it up', [
      runTask('a', [], 0, 1),
      runTask('late', [], 0, 3),
      runTask('c', ['a', 'late'], 2, 10),
    ], ['a', 'c']],
    ['within 50 ms of the start counts as before it', [
      runTask('a', [], 0, 1),
      runTask('close', [], 0, 2.05),
      runTask('c', ['a', 'close'], 2, 10),
    ], ['close', 'c']],
    ['a chain of three', [
      runTask('x', [], 0, 1),
      runTask('y', ['x'], 1, 4),
      runTask('z', ['y'], 4, 9),
      runTask('other', ['x'], 1, 8),
    ], ['x', 'y', 'z']],
    ['untimed tasks are neither the end nor on the way', [
      runTask('a', [], 0, 1),
      runTask('untimed', []),
      runTask('half', [], 0),
      runTask('c', ['untimed', 'half', 'a'], 1, 4),
    ], ['a', 'c']],
    ['a predecessor that is no task of the run', [runTask('c', ['gone'], 1, 4)], ['c']],
    ['stops on a cycle', [
      runTask('a', ['b'], 0, 0.04),
      runTask('b', ['a'], 0, 0.04),
    ], ['b', 'a']],
  ])('%s', (_name, tasks, expected) => {
    expect(criticalPath(tasks)).toEqual(expected);
  });
});
