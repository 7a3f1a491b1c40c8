// docs/benchmarks.md from one run's measurements: goals, tables of times and ratios, the machine, how it was measured.
import type { Measurement } from './builds';
import type { InferenceBench } from './inference';
import type { Machine } from './machine';
import type { PrefetchBench } from './prefetch';
import { aggregate, summary } from './stats';
import { buildsTable, goalsTable, overheadTable, ratio, s, table, workTable } from './tables';

export const SECTIONS = ['builds', 'prefetch', 'inference'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchResults {
  date: string;
  machine: Machine;
  /** How many times each (platform, contender, scenario) was measured. */
  repeat: number;
  builds: Measurement[];
  prefetch: Array<{ platform: string } & PrefetchBench>;
  inference: InferenceBench[];
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

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
      'cold / naive',
      'warm / naive',
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
      ratio(p.cold.ms, p.naive.ms),
      ratio(p.warm.ms, p.naive.ms),
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

/** Container starts slower than this (median) are flagged: they inflate every contender. */
export const SLOW_CONTAINER_START_MS = 800;

export function containerStartLine(start: Machine['containerStart']): string {
  if (!start || start.samplesMs.length === 0) return 'Container start-up: not measured (`docker run` failed).';
  const { median, min, max, n } = summary(start.samplesMs);
  const verdict =
    median > SLOW_CONTAINER_START_MS
      ? `**slow** (over ${s(SLOW_CONTAINER_START_MS)}): every contender's times are inflated by it, BuildKit starting a container per RUN step too`
      : `not slow (at most ${s(SLOW_CONTAINER_START_MS)} counts as normal here)`;
  return `Container start-up: \`docker run --rm ${start.image} true\` took ${s(median)} (median of ${n}, ${s(min)} – ${s(max)}): ${verdict}.`;
}

/** The page; `plot` is the SVG file's name beside it. */
export function benchmarksMarkdown(results: BenchResults, plot = 'benchmarks.svg'): string {
  const { machine: m } = results;
  const versions = Object.entries(m.versions)
    .map(([tool, version]) => `${tool} ${version}`)
    .join(', ');
  const aggregates = aggregate(results.builds);
  const runs =
    results.repeat === 1
      ? 'once (`--repeat=1`, for time: min, median and max are that one run; rerun with `--repeat=5` for spreads)'
      : `${results.repeat} times (\`--repeat=${results.repeat}\`), the contenders taking turns`;
  return `# Benchmarks

Written by \`npm run bench\` (needs the lab: \`npm run lab -- up\`); rerun it rather than edit this page. Every
contender is measured in the same run on the same machine: compare the ratios, not the absolute times. Each
(platform, contender, scenario) was measured ${runs}; the tables show medians.

**Ratios are nx-multiarch's time ÷ the other's**, from medians: below 1, nx-multiarch was faster (0.50x: it took half
as long).

Measured ${results.date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, kernel ${m.kernel}.
Versions: ${versions}. Base images come from the lab's loopback registry mirror; arm64 RUN steps run under QEMU.
${containerStartLine(m.containerStart)}

## Goals

nx-multiarch against bake (nx / bake, medians): nothing changed ≤ 0.20x on the 40-component platform and ≤ 0.50x on
the demo; one leaf changed ≤ 0.35x on the 40-component platform, building that component's images and nothing else;
cold ≤ 1.00x on both.

${goalsTable(aggregates)}

- **Warm and one leaf**: build-image, builder-setup and prefetch are restored from Nx's cache when their hashers find
  what they recorded still in the daemon (one \`docker inspect\` per run), so a run where nothing changed starts no
  task, and a changed leaf starts its own task and nothing else ([build.md](build.md#caching-the-rule)).
- **Cold** is where bake keeps its lead: it runs a whole level in one process with no emulation limit, pulling base
  images as it builds. nx-multiarch starts a process per task (Nx's parallelism, 3 at a time), fetches every base
  image first (prefetch: one fetch per image and platform, classified retries, so a flaky mirror costs a retry, not
  a failed build), and runs at most \`emulatedConcurrency\` QEMU builds at once across the run (1 by default: on our
  users' machines parallel emulated builds time out). What it does instead of matching bake there: the platforms of a
  component build side by side, prefetch and builder-setup run side by side on the docker driver, and every run
  after the first restores what stands instead of building it.

## Builds: nx-multiarch, \`docker buildx bake\`, a \`docker buildx build\` loop

Median wall time of each contender building every image for amd64 and arm64.

${buildsTable(aggregates)}

![Median wall time per scenario and contender](${plot})

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
  With repeats, each repeat starts again from cold, every contender in turn.

## What each contender did

Wall time spread, and the work each contender really did, read from BuildKit's own progress output rather than from
what the contender reports. When repeats disagree, each repeat's value is shown, separated by \`|\`.

${workTable(aggregates)}

- **images built**: (image, platform) builds in which BuildKit ran at least one Dockerfile step, of the images the
  scenario asked for (upstream images pulled and tagged count as asked for, never as built). In brackets, the
  components they belong to. A build whose every step came from BuildKit's cache, or that did not run, is not built.
- **steps ran / cached**: Dockerfile steps other than FROM (RUN, COPY, ADD, WORKDIR...) over all builds, which BuildKit
  ran, and which it took from its cache. bake: from \`--progress rawjson\`, per target (a vertex reported
  \`cached: true\` was cached; one that completed and never was, ran). The loop: from each build's \`--progress
  plain\` output (\`#n CACHED\` against \`#n DONE\`). nx-multiarch: from the same plain output in the build logs its
  \`docker buildx build\` processes wrote during the run (\`.nx-multiarch/logs/<project>/<image>-<arch>.attempt-<n>.log\`,
  an image's last attempt); an image nx-multiarch reused ran no build and wrote no log.
- **processes started**: nx-multiarch: one process per task Nx ran (run.json's tasks that were not Nx cache hits:
  render, prefetch, builder-setup, build-image; Nx forks each), plus one \`docker buildx build\` (or \`docker pull\`
  of an upstream image) per log written in the run, retries included. The plugin's short docker calls (image inspect, buildx ls, pulls by prefetch) are not
  recorded, so not counted: nx-multiarch's count is a floor. bake: one \`docker buildx bake\` per dependency level;
  the loop: one \`docker buildx build\` per image; both plus a \`docker pull\` and a \`docker tag\` per upstream image.

## Orchestration overhead

Wall time minus the builds' own time on the critical path (median over repeats), and its share of the median wall time.

${overheadTable(aggregates)}

- nx-multiarch: the critical path is run.json's \`criticalPath\`; a build-image task's own time is the time its
  \`docker buildx build\` processes ran (overlaps once), prefetch's is its fetching; render, builder-setup, Nx's
  graph, hashing, caching and task scheduling are overhead.
- bake: each level's longest target, by BuildKit's own timestamps (\`--progress rawjson\`), so bake's CLI start-up
  and level barriers are overhead. The loop: every build's process time, back to back.
- Waiting for a slot is overhead too: Nx's parallelism (3 tasks) and the emulated-build limit. When the last
  column comes close to nx-multiarch's wall time, the run was waiting on one QEMU build after another.
- build-image, builder-setup and prefetch are Nx-cacheable, their hashers asking the daemon once per run whether
  what they recorded is still there ([build.md](build.md#caching-the-rule)): a warm nx-multiarch run restores every
  task and starts none (see "processes started"), so nearly all of it is Nx starting, hashing and restoring.

## Prefetch

Base images fetched before building, against build.sh's \`docker pull\` per component, per platform, per image.

${prefetchTable(results.prefetch)}

- naive and cold start with the images removed; warm runs with everything present and prefetch's record of it.

## Project graph inference

createNodes and createDependencies in process (median of 5) on a generated workspace (a tenth foundations, the rest
FROM them, a third templated, some with services), and \`nx show projects\` end to end (median of 3) against an empty
workspace (ratio: \`nx show projects\` ÷ empty workspace).

${inferenceTable(results.inference)}
`;
}

const SECTION_HEADINGS: Record<Section, RegExp> = {
  builds: /^## (Goals|Builds|What each contender did|Orchestration overhead)\b/,
  prefetch: /^## Prefetch\b/,
  inference: /^## Project graph inference\b/,
};

/** A page's `## ` sections by heading line; what precedes the first is under ''. */
function sectionsOf(page: string): Map<string, string> {
  const sections = new Map<string, string>();
  let heading = '';
  for (const line of page.split('\n')) {
    if (line.startsWith('## ')) heading = line;
    sections.set(heading, `${sections.get(heading) ?? ''}${line}\n`);
  }
  return sections;
}

/**
 * The fresh page with the sections of the bench sections not measured this time (`--only`) taken from the previous
 * page, so rerunning one section keeps the others' results.
 */
export function mergePages(previous: string, fresh: string, measured: readonly Section[]): string {
  const old = sectionsOf(previous);
  const keep = (heading: string) =>
    SECTIONS.some((section) => !measured.includes(section) && SECTION_HEADINGS[section].test(heading));
  const merged = [...sectionsOf(fresh)].map(([heading, text]) =>
    keep(heading) && old.has(heading) ? (old.get(heading) as string) : text,
  );
  return merged.join('').replace(/\n+$/, '\n');
}
