import type { Measurement } from './builds';
import { aggregate, agreed, median, summary } from './stats';

describe('median', () => {
  test.each<[string, number[], number]>([
    ['one value', [4], 4],
    ['an odd count, unsorted', [9, 1, 5], 5],
    ['an even count: the mean of the middle two', [4, 1, 3, 10], 3.5],
    ['equal values', [2, 2, 2, 2], 2],
    ['an outlier does not move it', [100, 101, 99, 100_000, 98], 100],
  ])('%s', (_, values, expected) => {
    expect(median(values)).toBe(expected);
  });

  test('no values: an error, not NaN', () => {
    expect(() => median([])).toThrow('median of no values');
  });

  test('leaves its input in order', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('summary', () => {
  test.each<[number[], ReturnType<typeof summary>]>([
    [[5], { median: 5, min: 5, max: 5, n: 1 }],
    [[7, 3, 5], { median: 5, min: 3, max: 7, n: 3 }],
    [[8, 2], { median: 5, min: 2, max: 8, n: 2 }],
  ])('%j', (values, expected) => {
    expect(summary(values)).toEqual(expected);
  });
});

describe('aggregate', () => {
  const m = (platform: string, contender: Measurement['contender'], repeat: number, wallMs: number): Measurement => ({
    platform,
    contender,
    scenario: 'warm',
    repeat,
    wallMs,
    workMs: wallMs / 2,
    images: 2,
    imagesBuilt: 0,
    builtProjects: [],
    stepsRan: 0,
    stepsCached: 2,
    processes: {},
  });

  test('one aggregate per (platform, contender, scenario) in first-measured order, runs in order', () => {
    const runs = [m('a', 'nx', 0, 3000), m('a', 'bake', 0, 1000), m('b', 'nx', 0, 10), m('a', 'nx', 1, 1000)];
    const result = aggregate(runs);
    expect(result.map((a) => [a.platform, a.contender, a.scenario, a.runs.map((r) => r.repeat)])).toEqual([
      ['a', 'nx', 'warm', [0, 1]],
      ['a', 'bake', 'warm', [0]],
      ['b', 'nx', 'warm', [0]],
    ]);
    expect(result[0].wall).toEqual({ median: 2000, min: 1000, max: 3000, n: 2 });
    expect(result[0].work).toEqual({ median: 1000, min: 500, max: 1500, n: 2 });
  });

  test('nothing measured: nothing', () => {
    expect(aggregate([])).toEqual([]);
  });
});

describe('agreed', () => {
  test.each<[string[], string]>([
    [['2/80'], '2/80'],
    [['2/80', '2/80', '2/80'], '2/80'],
    [['2/80', '4/80', '2/80'], '2/80 \\| 4/80'],
  ])('%j', (values, expected) => {
    expect(agreed(values)).toBe(expected);
  });
});
