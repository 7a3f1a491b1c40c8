import type { Measurement } from './builds';
import { aggregate } from './stats';
import { buildsTable, goalsTable, overheadTable, workTable } from './tables';

const m = (
  platform: string,
  contender: Measurement['contender'],
  scenario: Measurement['scenario'],
  wallMs: number,
  workMs: number,
  imagesBuilt: number,
  more: Partial<Measurement> = {},
): Measurement => ({
  platform,
  contender,
  scenario,
  repeat: 0,
  wallMs,
  workMs,
  images: 9,
  imagesBuilt,
  builtProjects: [],
  stepsRan: 0,
  stepsCached: 0,
  processes: {},
  ...more,
});

// Given out of order: the tables follow the platforms as first seen, and cold, warm, leaf, foundation.
const BUILDS: Measurement[] = [
  m('demo', 'nx', 'warm', 2000, 0, 0),
  m('demo', 'nx', 'cold', 10000, 7500, 8, { emulatedMs: 6000 }),
  m('demo', 'nx-ec2', 'cold', 7500, 6000, 8),
  m('demo', 'nx-ec2', 'warm', 2500, 0, 0),
  m('demo', 'bake', 'cold', 15000, 12000, 9),
  m('demo', 'loop', 'cold', 30000, 29400, 9),
  m('demo', 'bake', 'warm', 5000, 4000, 0),
  m('demo', 'loop', 'warm', 7000, 6900, 0),
  // leaf: the loop's and nx-ec2's measurements are missing.
  m('demo', 'nx', 'leaf', 4000, 3000, 1),
  m('demo', 'bake', 'leaf', 6000, 5000, 1),
  m('generated 4/2', 'loop', 'cold', 12340, 12000, 4, { images: 4 }),
  m('generated 4/2', 'bake', 'cold', 8000, 6000, 4, { images: 4 }),
  m('generated 4/2', 'nx', 'cold', 6000, 5000, 4, { images: 4 }),
  m('generated 4/2', 'nx-ec2', 'cold', 5000, 4000, 4, { images: 4 }),
];

const BUILDS_HEAD =
  '| platform | scenario | nx-multiarch | nx, 2 emulated | bake | loop | nx / bake | nx, 2 emulated / bake | nx / loop |\n' +
  '|---|---|---|---|---|---|---|---|---|';

describe('buildsTable', () => {
  test('one row per platform and scenario every contender ran, nx-multiarch as a share of the others', () => {
    expect(buildsTable(aggregate(BUILDS))).toBe(
      [
        BUILDS_HEAD,
        '| demo | cold: no images, empty BuildKit cache, fresh workspace | 10.0 s | 7.5 s | 15.0 s | 30.0 s | 0.67x | 0.50x | 0.33x |',
        '| demo | warm: again, nothing changed | 2.0 s | 2.5 s | 5.0 s | 7.0 s | 0.40x | 0.50x | 0.29x |',
        '| generated 4/2 | cold: no images, empty BuildKit cache, fresh workspace | 6.0 s | 5.0 s | 8.0 s | 12.3 s | 0.75x | 0.63x | 0.49x |',
      ].join('\n'),
    );
  });

  test.each<[string, Measurement[], string]>([
    ['no measurements', [], ''],
    [
      'repeats: the medians (of three, and of two: their mean) and ratios of medians',
      [
        m('p', 'nx', 'warm', 1000, 0, 0),
        m('p', 'nx', 'warm', 9000, 0, 0, { repeat: 1 }),
        m('p', 'nx', 'warm', 2000, 0, 0, { repeat: 2 }),
        m('p', 'nx-ec2', 'warm', 3000, 0, 0),
        m('p', 'nx-ec2', 'warm', 4000, 0, 0, { repeat: 1 }),
        m('p', 'bake', 'warm', 4000, 0, 0),
        m('p', 'loop', 'warm', 8000, 0, 0),
      ],
      '\n| p | warm: again, nothing changed | 2.0 s | 3.5 s | 4.0 s | 8.0 s | 0.50x | 0.88x | 0.25x |',
    ],
    [
      'bake taking no time',
      [
        m('p', 'nx', 'leaf', 1000, 0, 0),
        m('p', 'nx-ec2', 'leaf', 1000, 0, 0),
        m('p', 'bake', 'leaf', 0, 0, 2),
        m('p', 'loop', 'leaf', 900, 0, 2),
      ],
      '\n| p | one leaf component changed | 1.0 s | 1.0 s | 0.0 s | 0.9 s | n/a | n/a | 1.11x |',
    ],
  ])('%s', (_, builds, rows) => {
    expect(buildsTable(aggregate(builds))).toBe(`${BUILDS_HEAD}${rows}`);
  });
});

const WORK_HEAD =
  '| platform | scenario | contender | median | min – max | runs | images built | steps ran / cached | processes started |\n' +
  '|---|---|---|---|---|---|---|---|---|';

describe('workTable', () => {
  test.each<[string, Measurement[], string[]]>([
    ['no measurements', [], []],
    [
      'nx-multiarch: tasks and builds, Nx cache hits; bake: one process per level and pulls; components named up to 3',
      [
        m('p', 'nx', 'leaf', 3000, 0, 2, {
          builtProjects: ['l3-c0'],
          stepsRan: 2,
          stepsCached: 6,
          processes: { 'Nx task': 12, 'buildx build': 8 },
          cacheHits: 3,
        }),
        m('p', 'bake', 'leaf', 2000, 0, 6, {
          builtProjects: ['a', 'b', 'c', 'd'],
          stepsRan: 6,
          stepsCached: 2,
          processes: { 'buildx bake': 4, 'docker pull/tag': 0 },
        }),
        m('p', 'loop', 'leaf', 2500, 0, 3, {
          builtProjects: ['a', 'b'],
          stepsRan: 3,
          stepsCached: 5,
          processes: { 'buildx build': 8, 'docker pull/tag': 4 },
        }),
      ],
      [
        '| p | leaf | nx-multiarch | 3.0 s | 3.0 s – 3.0 s | 1 | 2/9 (l3-c0) | 2 / 6 | 20 (12 Nx task + 8 buildx build); Nx cache hits: 3 |',
        '| p | leaf | bake | 2.0 s | 2.0 s – 2.0 s | 1 | 6/9 (4 components) | 6 / 2 | 4 buildx bake |',
        '| p | leaf | loop | 2.5 s | 2.5 s – 2.5 s | 1 | 3/9 (a, b) | 3 / 5 | 12 (8 buildx build + 4 docker pull/tag) |',
      ],
    ],
    [
      'repeats: the spread of the wall times; counts each shown when the repeats disagree',
      [
        m('p', 'bake', 'warm', 3000, 0, 0, { stepsCached: 4, processes: { 'buildx bake': 2 } }),
        m('p', 'bake', 'warm', 1000, 0, 1, { repeat: 1, stepsRan: 1, stepsCached: 3, processes: { 'buildx bake': 2 } }),
        m('p', 'bake', 'warm', 2000, 0, 0, { repeat: 2, stepsCached: 4, processes: { 'buildx bake': 2 } }),
      ],
      ['| p | warm | bake | 2.0 s | 1.0 s – 3.0 s | 3 | 0/9 \\| 1/9 | 0 / 4 \\| 1 / 3 | 2 buildx bake |'],
    ],
  ])('%s', (_, builds, rows) => {
    expect(workTable(aggregate(builds))).toBe([WORK_HEAD, ...rows].join('\n'));
  });
});

const OVERHEAD_HEAD =
  '| platform | scenario | nx-multiarch | nx, 2 emulated | bake | loop | nx: emulated builds, summed |\n' +
  '|---|---|---|---|---|---|---|';

describe('overheadTable', () => {
  test('every scenario of every platform, wall minus work in seconds and share of the wall time, n/a if missing', () => {
    expect(overheadTable(aggregate(BUILDS))).toBe(
      [
        OVERHEAD_HEAD,
        '| demo | cold | 2.5 s (25%) | 1.5 s (20%) | 3.0 s (20%) | 0.6 s (2%) | 6.0 s |',
        '| demo | warm | 2.0 s (100%) | 2.5 s (100%) | 1.0 s (20%) | 0.1 s (1%) | n/a |',
        '| demo | leaf | 1.0 s (25%) | n/a | 1.0 s (17%) | n/a | n/a |',
        '| demo | foundation | n/a | n/a | n/a | n/a | n/a |',
        '| generated 4/2 | cold | 1.0 s (17%) | 1.0 s (20%) | 2.0 s (25%) | 0.3 s (3%) | n/a |',
        '| generated 4/2 | warm | n/a | n/a | n/a | n/a | n/a |',
        '| generated 4/2 | leaf | n/a | n/a | n/a | n/a | n/a |',
        '| generated 4/2 | foundation | n/a | n/a | n/a | n/a | n/a |',
      ].join('\n'),
    );
  });

  test('repeats: the median of each run`s overhead', () => {
    const runs = [
      m('p', 'bake', 'cold', 10000, 9000, 2),
      m('p', 'bake', 'cold', 20000, 15000, 2, { repeat: 1 }),
      m('p', 'bake', 'cold', 12000, 10000, 2, { repeat: 2 }),
    ];
    expect(overheadTable(aggregate(runs)).split('\n')[2]).toBe('| p | cold | n/a | n/a | 2.0 s (17%) | n/a | n/a |');
  });

  test('no measurements: the head alone', () => {
    expect(overheadTable([])).toBe(OVERHEAD_HEAD);
  });
});

const GOALS_HEAD = '| scenario | platform | goal: nx / bake | measured | result |\n|---|---|---|---|---|';

describe('goalsTable', () => {
  const leaf = (built: string[], wallMs: number) =>
    m('generated 40/4', 'nx', 'leaf', wallMs, 0, built.length * 2, { builtProjects: built, changed: 'l3-c0' });

  test.each<[string, Measurement[], string[]]>([
    ['no measurements', [], []],
    [
      'warm and cold on both platforms, met and not met, in the goals` order',
      [
        m('demo', 'nx', 'cold', 9000, 0, 0),
        m('demo', 'bake', 'cold', 10000, 0, 0),
        m('demo', 'nx', 'warm', 2000, 0, 0),
        m('demo', 'bake', 'warm', 3000, 0, 0),
        m('generated 40/4', 'nx', 'warm', 2000, 0, 0),
        m('generated 40/4', 'bake', 'warm', 10000, 0, 0),
        m('generated 40/4', 'nx', 'cold', 30000, 0, 0),
        m('generated 40/4', 'bake', 'cold', 20000, 0, 0),
      ],
      [
        '| warm: again, nothing changed | generated 40/4 | ≤ 0.20x | 0.20x | met |',
        '| warm: again, nothing changed | demo | ≤ 0.50x | 0.67x | not met |',
        '| cold: no images, empty BuildKit cache, fresh workspace | generated 40/4 | ≤ 1.00x | 1.50x | not met |',
        '| cold: no images, empty BuildKit cache, fresh workspace | demo | ≤ 1.00x | 0.90x | met |',
      ],
    ],
    [
      'leaf: fast enough and only the changed component built',
      [leaf(['l3-c0'], 3000), m('generated 40/4', 'bake', 'leaf', 10000, 0, 2)],
      [
        "| one leaf component changed | generated 40/4 | ≤ 0.35x and built only l3-c0's images | 0.30x, built: l3-c0 | met |",
      ],
    ],
    [
      'leaf: fast enough but another component built too',
      [leaf(['l2-c0', 'l3-c0'], 3000), m('generated 40/4', 'bake', 'leaf', 10000, 0, 2)],
      [
        "| one leaf component changed | generated 40/4 | ≤ 0.35x and built only l3-c0's images | 0.30x, built: l2-c0, l3-c0 | not met |",
      ],
    ],
    [
      'leaf: nothing built, and a repeat that built it',
      [leaf([], 3000), { ...leaf(['l3-c0'], 3000), repeat: 1 }, m('generated 40/4', 'bake', 'leaf', 10000, 0, 2)],
      [
        "| one leaf component changed | generated 40/4 | ≤ 0.35x and built only l3-c0's images | 0.30x, built: nothing \\| l3-c0 | not met |",
      ],
    ],
    ['a goal without bake`s measurement is left out', [m('demo', 'nx', 'warm', 2000, 0, 0)], []],
  ])('%s', (_, builds, rows) => {
    expect(goalsTable(aggregate(builds))).toBe([GOALS_HEAD, ...rows].join('\n'));
  });
});
