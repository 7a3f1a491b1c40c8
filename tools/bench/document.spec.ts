import type { Measurement } from './builds';
import {
  type BenchResults,
  benchmarksMarkdown,
  containerStartLine,
  inferenceTable,
  mergePages,
  prefetchTable,
} from './document';
import type { InferenceBench } from './inference';
import { aggregate } from './stats';
import { buildsTable, goalsTable, overheadTable, workTable } from './tables';

const m = (contender: Measurement['contender'], scenario: Measurement['scenario'], wallMs: number): Measurement => ({
  platform: 'demo',
  contender,
  scenario,
  repeat: 0,
  wallMs,
  workMs: wallMs / 2,
  images: 14,
  imagesBuilt: 0,
  builtProjects: [],
  stepsRan: 0,
  stepsCached: 12,
  processes: { 'buildx bake': 3 },
});

const BUILDS = ['nx', 'nx-ec2', 'bake', 'loop'].flatMap((c, i) =>
  (['cold', 'warm'] as const).map((scenario) => m(c as Measurement['contender'], scenario, (i + 1) * 1000)),
);

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

describe('prefetchTable', () => {
  test('fetches and times of naive, cold and warm, as shares of naive, failures joined', () => {
    expect(prefetchTable(PREFETCH)).toBe(
      [
        '| platform | components | (image, platform) pairs | fetches naive / cold / warm | time naive | cold | warm | cold / naive | warm / naive | failed |',
        '|---|---|---|---|---|---|---|---|---|---|',
        '| demo | 7 | 8 | 14 / 8 / 0 | 42.0 s | 21.0 s | 1.5 s | 0.50x | 0.04x | none |',
        '| generated 4/2 | 4 | 2 | 4 / 2 / 0 | 3.0 s | 2.4 s | 0.0 s | 0.80x | 0.00x | alpine:3.20 linux/arm64: manifest unknown; alpine:3.20 linux/amd64: timeout |',
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
      containerStart: { image: 'alpine:3.20', samplesMs: [700, 500, 600] },
    },
    repeat: 1,
    builds: BUILDS,
    prefetch: PREFETCH,
    inference: INFERENCE,
  };
  const markdown = benchmarksMarkdown(results, 'plot.svg');
  const aggregates = aggregate(BUILDS);

  test('names the date, the machine and the tool versions', () => {
    expect(markdown).toContain(
      '\nMeasured 2026-11-25 on AMD EPYC 7B13, 2 cores, 8 GiB, Debian 12.8, kernel 6.1.0-27-cloud-amd64.\n' +
        'Versions: node v20.20.2, nx 21.1.2, docker 27.3.1, buildx github.com/docker/buildx v0.19.2. ',
    );
  });

  test('has every section, in order', () => {
    expect(markdown.split('\n').filter((line) => line.startsWith('#'))).toEqual([
      '# Benchmarks',
      '## Goals',
      '## Builds: nx-multiarch, `docker buildx bake`, a `docker buildx build` loop',
      '## What each contender did',
      '## Orchestration overhead',
      '## Prefetch',
      '## Project graph inference',
    ]);
  });

  test.each([
    ['goals', () => goalsTable(aggregates)],
    ['builds', () => buildsTable(aggregates)],
    ['work', () => workTable(aggregates)],
    ['overhead', () => overheadTable(aggregates)],
    ['prefetch', () => prefetchTable(PREFETCH)],
    ['inference', () => inferenceTable(INFERENCE)],
  ])('holds the %s table as a paragraph of its own', (_, table) => {
    expect(markdown).toContain(`\n\n${table()}\n`);
  });

  test('links the plot, says how often each was measured, the ratio convention and the container start-up', () => {
    expect(markdown).toContain('\n\n![Median wall time per scenario and contender](plot.svg)\n\n');
    expect(markdown).toContain('was measured once (`--repeat=1`');
    expect(markdown).toContain("**Ratios are nx-multiarch's time ÷ the other's**");
    expect(markdown).toContain(`\n${containerStartLine(results.machine.containerStart)}\n`);
  });

  test('with repeats, says how many', () => {
    expect(benchmarksMarkdown({ ...results, repeat: 5 })).toContain('was measured 5 times (`--repeat=5`)');
  });

  test('ends with the inference table and one newline', () => {
    expect(markdown.endsWith('|\n')).toBe(true);
  });
});

describe('containerStartLine', () => {
  test.each<[string, { image: string; samplesMs: number[] } | undefined, string]>([
    ['not measured', undefined, 'Container start-up: not measured (`docker run` failed).'],
    ['failed', { image: 'alpine:3.20', samplesMs: [] }, 'Container start-up: not measured (`docker run` failed).'],
    [
      'normal: the median of the samples, their spread',
      { image: 'alpine:3.20', samplesMs: [700, 400, 650, 1200, 500] },
      'Container start-up: `docker run --rm alpine:3.20 true` took 0.7 s (median of 5, 0.4 s – 1.2 s): not slow (at most 0.8 s counts as normal here).',
    ],
    [
      'at the limit: not slow',
      { image: 'alpine:3.20', samplesMs: [800] },
      'Container start-up: `docker run --rm alpine:3.20 true` took 0.8 s (median of 1, 0.8 s – 0.8 s): not slow (at most 0.8 s counts as normal here).',
    ],
    [
      'slow: over 0.8 s',
      { image: 'alpine:3.20', samplesMs: [2500, 3100, 2900] },
      "Container start-up: `docker run --rm alpine:3.20 true` took 2.9 s (median of 3, 2.5 s – 3.1 s): **slow** (over 0.8 s): every contender's times are inflated by it, BuildKit starting a container per RUN step too.",
    ],
  ])('%s', (_, start, expected) => {
    expect(containerStartLine(start)).toBe(expected);
  });
});

describe('mergePages', () => {
  const page = (tag: string) =>
    [
      `# Benchmarks\n\nMeasured ${tag}.\n`,
      `## Goals\n\ngoals ${tag}\n`,
      `## Builds: nx-multiarch\n\nbuilds ${tag}\n`,
      `## What each contender did\n\nwork ${tag}\n`,
      `## Orchestration overhead\n\noverhead ${tag}\n`,
      `## Prefetch\n\nprefetch ${tag}\n`,
      `## Project graph inference\n\ninference ${tag}\n`,
    ].join('\n');
  const sections = (text: string) => text.match(/(Measured|goals|builds|work|overhead|prefetch|inference) \w+/g);

  test.each<[string, Array<'builds' | 'prefetch' | 'inference'>, string[]]>([
    [
      'everything measured: the fresh page',
      ['builds', 'prefetch', 'inference'],
      ['Measured new', 'goals new', 'builds new', 'work new', 'overhead new', 'prefetch new', 'inference new'],
    ],
    [
      'builds alone: prefetch and inference kept',
      ['builds'],
      ['Measured new', 'goals new', 'builds new', 'work new', 'overhead new', 'prefetch old', 'inference old'],
    ],
    [
      'prefetch alone: the builds sections and inference kept',
      ['prefetch'],
      ['Measured new', 'goals old', 'builds old', 'work old', 'overhead old', 'prefetch new', 'inference old'],
    ],
  ])('%s', (_, measured, expected) => {
    expect(sections(mergePages(page('old'), page('new'), measured))).toEqual(expected);
  });

  test('a section the previous page lacks comes from the fresh page; one newline at the end', () => {
    const previous = '# Benchmarks\n\n## Prefetch\n\nprefetch old\n';
    const merged = mergePages(previous, page('new'), ['prefetch']);
    expect(sections(merged)).toEqual(sections(page('new')));
    expect(merged.endsWith('inference new\n')).toBe(true);
  });
});
