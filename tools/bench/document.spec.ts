import type { Measurement } from './builds';
import {
  type BenchResults,
  benchmarksMarkdown,
  buildsTable,
  inferenceTable,
  overheadTable,
  prefetchTable,
} from './document';
import type { InferenceBench } from './inference';

const m = (
  platform: string,
  contender: Measurement['contender'],
  scenario: Measurement['scenario'],
  wallMs: number,
  workMs: number,
  builds: number,
  images = 9,
  emulatedMs?: number,
): Measurement => ({
  platform,
  contender,
  scenario,
  wallMs,
  workMs,
  builds,
  images,
  ...(emulatedMs !== undefined && { emulatedMs }),
});

// Given out of order: the tables follow the platforms as first seen, and cold, warm, leaf, foundation.
const BUILDS: Measurement[] = [
  m('demo', 'nx', 'warm', 2000, 0, 0),
  m('demo', 'nx', 'cold', 10000, 7500, 8, 9, 6000),
  m('demo', 'nx-ec2', 'cold', 7500, 6000, 8),
  m('demo', 'nx-ec2', 'warm', 2500, 0, 0),
  m('demo', 'bake', 'cold', 15000, 12000, 9),
  m('demo', 'loop', 'cold', 30000, 29400, 9),
  m('demo', 'bake', 'warm', 5000, 4000, 9),
  m('demo', 'loop', 'warm', 7000, 6900, 9),
  // leaf: the loop's and nx-ec2's measurements are missing.
  m('demo', 'nx', 'leaf', 4000, 3000, 1),
  m('demo', 'bake', 'leaf', 6000, 5000, 9),
  m('generated 4/2', 'loop', 'cold', 12340, 12000, 4, 4),
  m('generated 4/2', 'bake', 'cold', 8000, 6000, 4, 4),
  m('generated 4/2', 'nx', 'cold', 6000, 5000, 4, 4),
  m('generated 4/2', 'nx-ec2', 'cold', 5000, 4000, 4, 4),
];

const PREFETCH: BenchResults['prefetch'] = [
  {
    platform: 'demo',
    components: 7,
    pairs: 8,
    naive: { fetches: 14, ms: 42000 },
    cold: { fetches: 8, ms: 21000 },
    warm: { fetches: 0, ms: 1500 },
    failed: [],
  },
  {
    platform: 'generated 4/2',
    components: 4,
    pairs: 2,
    naive: { fetches: 4, ms: 3000 },
    cold: { fetches: 2, ms: 2400 },
    warm: { fetches: 0, ms: 0 },
    failed: ['alpine:3.20 linux/arm64: manifest unknown', 'alpine:3.20 linux/amd64: timeout'],
  },
];

const INFERENCE: InferenceBench[] = [
  {
    components: 40,
    projects: 42,
    edges: 55,
    createNodesMs: 120,
    createDependenciesMs: 36,
    nxShowProjectsMs: 1500,
    emptyWorkspaceMs: 1200,
  },
  {
    components: 200,
    projects: 210,
    edges: 300,
    createNodesMs: 450.6,
    createDependenciesMs: 8.4,
    nxShowProjectsMs: 2500,
    emptyWorkspaceMs: 1000,
  },
];

const BUILDS_HEAD =
  '| platform | scenario | nx-multiarch | nx, 2 emulated | bake | loop | bake / nx | loop / nx | bake / nx, 2 emulated | images nx built |\n' +
  '|---|---|---|---|---|---|---|---|---|---|';

describe('buildsTable', () => {
  test('one row per platform and scenario every contender ran, with the ratios to nx-multiarch', () => {
    expect(buildsTable(BUILDS)).toBe(
      [
        BUILDS_HEAD,
        '| demo | cold: no images, empty BuildKit cache, fresh workspace | 10.0 s | 7.5 s | 15.0 s | 30.0 s | 1.50x | 3.00x | 2.00x | 8/9 |',
        '| demo | warm: again, nothing changed | 2.0 s | 2.5 s | 5.0 s | 7.0 s | 2.50x | 3.50x | 2.00x | 0/9 |',
        '| generated 4/2 | cold: no images, empty BuildKit cache, fresh workspace | 6.0 s | 5.0 s | 8.0 s | 12.3 s | 1.33x | 2.06x | 1.60x | 4/4 |',
      ].join('\n'),
    );
  });

  test.each<[string, Measurement[], string]>([
    ['no measurements', [], ''],
    [
      'bake slower than nx-multiarch, nx-multiarch slower than the loop, the foundation scenario',
      [
        m('p', 'nx', 'foundation', 3000, 0, 2, 2),
        m('p', 'nx-ec2', 'foundation', 3300, 0, 2, 2),
        m('p', 'bake', 'foundation', 3300, 0, 2, 2),
        m('p', 'loop', 'foundation', 1500, 0, 2, 2),
      ],
      '\n| p | one foundation changed | 3.0 s | 3.3 s | 3.3 s | 1.5 s | 1.10x | 0.50x | 1.00x | 2/2 |',
    ],
    [
      'nx-multiarch taking no time',
      [
        m('p', 'nx', 'leaf', 0, 0, 0, 2),
        m('p', 'nx-ec2', 'leaf', 0, 0, 0, 2),
        m('p', 'bake', 'leaf', 1000, 0, 2, 2),
        m('p', 'loop', 'leaf', 900, 0, 2, 2),
      ],
      '\n| p | one leaf component changed | 0.0 s | 0.0 s | 1.0 s | 0.9 s | n/a | n/a | n/a | 0/2 |',
    ],
  ])('%s', (_, builds, rows) => {
    expect(buildsTable(builds)).toBe(`${BUILDS_HEAD}${rows}`);
  });
});

const OVERHEAD_HEAD =
  '| platform | scenario | nx-multiarch | nx, 2 emulated | bake | loop | nx: emulated builds, summed |\n' +
  '|---|---|---|---|---|---|---|';

describe('overheadTable', () => {
  test('every scenario of every platform, wall minus work in seconds and share of the wall time, n/a if missing', () => {
    expect(overheadTable(BUILDS)).toBe(
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

  test('no measurements: the head alone', () => {
    expect(overheadTable([])).toBe(OVERHEAD_HEAD);
  });
});

describe('prefetchTable', () => {
  test('fetches and times of naive, cold and warm, ratios to naive, failures joined', () => {
    expect(prefetchTable(PREFETCH)).toBe(
      [
        '| platform | components | (image, platform) pairs | fetches naive / cold / warm | time naive | cold | warm | naive / cold | naive / warm | failed |',
        '|---|---|---|---|---|---|---|---|---|---|',
        '| demo | 7 | 8 | 14 / 8 / 0 | 42.0 s | 21.0 s | 1.5 s | 2.00x | 28.00x | none |',
        '| generated 4/2 | 4 | 2 | 4 / 2 / 0 | 3.0 s | 2.4 s | 0.0 s | 1.25x | n/a | alpine:3.20 linux/arm64: manifest unknown; alpine:3.20 linux/amd64: timeout |',
      ].join('\n'),
    );
  });
});

describe('inferenceTable', () => {
  test('times in ms (one decimal below 10 ms), per component, and nx show projects against an empty workspace', () => {
    expect(inferenceTable(INFERENCE)).toBe(
      [
        '| components | projects | edges | createNodes | createDependencies | per component | `nx show projects` | empty workspace | ratio |',
        '|---|---|---|---|---|---|---|---|---|',
        '| 40 | 42 | 55 | 120 ms | 36 ms | 3.9 ms | 1500 ms | 1200 ms | 1.25x |',
        '| 200 | 210 | 300 | 451 ms | 8.4 ms | 2.3 ms | 2500 ms | 1000 ms | 2.50x |',
      ].join('\n'),
    );
  });
});

describe('benchmarksMarkdown', () => {
  const results: BenchResults = {
    date: '2026-11-25',
    machine: {
      cpu: 'AMD EPYC 7B13',
      cores: 2,
      memoryGiB: 8,
      os: 'Debian 12.8',
      kernel: '6.1.0-27-cloud-amd64',
      versions: { node: 'v20.20.2', nx: '21.1.2', docker: '27.3.1', buildx: 'github.com/docker/buildx v0.19.2' },
    },
    builds: BUILDS,
    prefetch: PREFETCH,
    inference: INFERENCE,
  };
  const markdown = benchmarksMarkdown(results);

  test('names the date, the machine and the tool versions', () => {
    expect(markdown).toContain(
      '\nMeasured 2026-11-25 on AMD EPYC 7B13, 2 cores, 8 GiB, Debian 12.8, kernel 6.1.0-27-cloud-amd64.\n' +
        'Versions: node v20.20.2, nx 21.1.2, docker 27.3.1, buildx github.com/docker/buildx v0.19.2. ',
    );
  });

  test('has every section, in order', () => {
    expect(markdown.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '# Benchmarks',
      '## Builds: nx-multiarch, `docker buildx bake`, a `docker buildx build` loop',
      '## Orchestration overhead',
      '## Prefetch',
      '## Project graph inference',
    ]);
  });

  test.each([
    ['builds', () => buildsTable(BUILDS)],
    ['overhead', () => overheadTable(BUILDS)],
    ['prefetch', () => prefetchTable(PREFETCH)],
    ['inference', () => inferenceTable(INFERENCE)],
  ])('holds the %s table as a paragraph of its own', (_, table) => {
    expect(markdown).toContain(`\n\n${table()}\n`);
  });

  test('ends with the inference table and one newline', () => {
    expect(markdown.endsWith('|\n')).toBe(true);
  });
});
