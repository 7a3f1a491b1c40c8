// docs/benchmarks.md from one run's measurements: tables of times and ratios, the machine, how it was measured.
import { CONTENDERS, type Measurement, SCENARIOS } from './builds';
import type { InferenceBench } from './inference';
import type { Machine } from './machine';
import type { PrefetchBench } from './prefetch';

export interface BenchResults {
  date: string;
  machine: Machine;
  builds: Measurement[];
  prefetch: Array<{ platform: string } & PrefetchBench>;
  inference: InferenceBench[];
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
/** How many times longer `other` took than `ours`: above 1, ours is faster. */
const ratio = (other: number, ours: number) => (ours > 0 ? `${(other / ours).toFixed(2)}x` : 'n/a');
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

const SCENARIO_TEXT: Record<(typeof SCENARIOS)[number], string> = {
  cold: 'cold: no images, empty BuildKit cache, fresh workspace',
  warm: 'warm: again, nothing changed',
  leaf: 'one leaf component changed',
  foundation: 'one foundation changed',
};

function platforms(builds: readonly Measurement[]): string[] {
  return [...new Set(builds.map((m) => m.platform))];
}

const find = (builds: readonly Measurement[], platform: string, contender: string, scenario: string) =>
  builds.find((m) => m.platform === platform && m.contender === contender && m.scenario === scenario);

export function buildsTable(builds: readonly Measurement[]): string {
  const rows: string[][] = [];
  for (const platform of platforms(builds)) {
    for (const scenario of SCENARIOS) {
      const [nx, nx2, bake, loop] = CONTENDERS.map((c) => find(builds, platform, c, scenario));
      if (!nx || !nx2 || !bake || !loop) continue;
      rows.push([
        platform,
        SCENARIO_TEXT[scenario],
        s(nx.wallMs),
        s(nx2.wallMs),
        s(bake.wallMs),
        s(loop.wallMs),
        ratio(bake.wallMs, nx.wallMs),
        ratio(loop.wallMs, nx.wallMs),
        ratio(bake.wallMs, nx2.wallMs),
        `${nx.builds}/${nx.images}`,
      ]);
    }
  }
  return table(
    [
      'platform',
      'scenario',
      'nx-multiarch',
      'nx, 2 emulated',
      'bake',
      'loop',
      'bake / nx',
      'loop / nx',
      'bake / nx, 2 emulated',
      'images nx built',
    ],
    rows,
  );
}

export function overheadTable(builds: readonly Measurement[]): string {
  const cell = (m: Measurement | undefined) =>
    m ? `${s(m.wallMs - m.workMs)} (${Math.round(((m.wallMs - m.workMs) / m.wallMs) * 100)}%)` : 'n/a';
  const rows: string[][] = [];
  for (const platform of platforms(builds)) {
    for (const scenario of SCENARIOS) {
      const emulated = find(builds, platform, 'nx', scenario)?.emulatedMs;
      rows.push([
        platform,
        scenario,
        ...CONTENDERS.map((c) => cell(find(builds, platform, c, scenario))),
        emulated === undefined ? 'n/a' : s(emulated),
      ]);
    }
  }
  return table(
    ['platform', 'scenario', 'nx-multiarch', 'nx, 2 emulated', 'bake', 'loop', 'nx: emulated builds, summed'],
    rows,
  );
}

export function prefetchTable(prefetch: BenchResults['prefetch']): string {
  return table(
    [
      'platform',
      'components',
      '(image, platform) pairs',
      'fetches naive / cold / warm',
      'time naive',
      'cold',
      'warm',
      'naive / cold',
      'naive / warm',
      'failed',
    ],
    prefetch.map((p) => [
      p.platform,
      String(p.components),
      String(p.pairs),
      `${p.naive.fetches} / ${p.cold.fetches} / ${p.warm.fetches}`,
      s(p.naive.ms),
      s(p.cold.ms),
      s(p.warm.ms),
      ratio(p.naive.ms, p.cold.ms),
      ratio(p.naive.ms, p.warm.ms),
      p.failed.length === 0 ? 'none' : p.failed.join('; '),
    ]),
  );
}

export function inferenceTable(inference: readonly InferenceBench[]): string {
  return table(
    [
      'components',
      'projects',
      'edges',
      'createNodes',
      'createDependencies',
      'per component',
      '`nx show projects`',
      'empty workspace',
      'ratio',
    ],
    inference.map((r) => [
      String(r.components),
      String(r.projects),
      String(r.edges),
      ms(r.createNodesMs),
      ms(r.createDependenciesMs),
      ms((r.createNodesMs + r.createDependenciesMs) / r.components),
      ms(r.nxShowProjectsMs),
      ms(r.emptyWorkspaceMs),
      ratio(r.nxShowProjectsMs, r.emptyWorkspaceMs),
    ]),
  );
}

export function benchmarksMarkdown(results: BenchResults): string {
  const { machine: m } = results;
  const versions = Object.entries(m.versions)
    .map(([tool, version]) => `${tool} ${version}`)
    .join(', ');
  return `# Benchmarks

Written by \`npm run bench\` (needs the lab: \`npm run lab -- up\`); rerun it rather than edit this page. One run,
every contender measured in the same run on the same machine: compare the ratios, not the absolute times.

Measured ${results.date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, kernel ${m.kernel}.
Versions: ${versions}. Base images come from the lab's loopback registry mirror; arm64 RUN steps run under QEMU.

## Builds: nx-multiarch, \`docker buildx bake\`, a \`docker buildx build\` loop

Wall time of each contender building every image for amd64 and arm64. A ratio above 1 means nx-multiarch was faster.

${buildsTable(results.builds)}

- **nx-multiarch**: \`nx run-many -t build-image --platform=amd64,arm64\`, Nx's default parallelism, prefetch and
  builder-setup included, timed from the command's start to its exit.
- **bake**: one bake file per dependency level, made from build-image's \`--dryRun\` argv (same contexts,
  Dockerfiles, stages, tags, build args), \`docker buildx bake\` once per level: bake on the docker driver cannot wait
  for an image a target is FROM.
- **nx, 2 emulated**: the same with the plugin option \`build.emulatedConcurrency: 2\`. The default, 1, runs one
  QEMU build at a time across the run (emulated builds are CPU-heavy, and on our users' machines parallel ones time
  out); bake and the loop set no such limit.
- **loop**: the same argv, one \`docker buildx build\` after another in dependency order, like build.sh.
- Upstream components (the demo's cache) are pulled and tagged by bake and the loop as build.sh did; the demo's worker
  is left out of all three (its build needs the hub running as a service, which bake and a loop cannot provide).
- Each contender starts from the same cold state: its own fresh workspace, its images and base images removed,
  \`docker builder prune -af\`. Then the scenarios run in order: warm repeats the cold run unchanged, leaf appends
  or changes a RUN step of a component nothing is built FROM, foundation does the same to one others are FROM.
- "images nx built" counts the images nx-multiarch built, neither reused nor wholly from the BuildKit cache, of those asked for.

## Orchestration overhead

Wall time minus the builds' own time on the critical path, and its share of the wall time.

${overheadTable(results.builds)}

- nx-multiarch: the critical path is run.json's \`criticalPath\`; a build-image task's own time is the time its
  \`docker buildx build\` processes ran (overlaps once), prefetch's is its fetching; render, builder-setup, Nx's
  graph, hashing, caching and task scheduling are overhead.
- bake: each level's longest target, by BuildKit's own timestamps (\`--progress rawjson\`), so bake's CLI start-up
  and level barriers are overhead. The loop: every build's process time, back to back.
- Waiting for a slot is overhead too: Nx's parallelism (3 tasks) and the emulated-build limit. When the last
  column comes close to nx-multiarch's wall time, the run was waiting on one QEMU build after another.
- build-image is \`cache: false\` in Nx ([graph.md](graph.md#hashes)): every task runs, and reuses its image only
  after checking the daemon still has it. A warm nx-multiarch run is those checks, one task process per component
  (about half a second each on this machine), with no build on the critical path: nearly all of it counts as overhead.

## Prefetch

Base images fetched before building, against build.sh's \`docker pull\` per component, per platform, per image.

${prefetchTable(results.prefetch)}

- naive and cold start with the images removed; warm runs with everything present and prefetch's record of it.

## Project graph inference

createNodes and createDependencies in process (median of 5) on a generated workspace (a tenth foundations, the rest
FROM them, a third templated, some with services), and \`nx show projects\` end to end (median of 3) against an empty
workspace.

${inferenceTable(results.inference)}
`;
}
