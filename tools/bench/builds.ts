// Builds one platform with each contender (nx-multiarch, buildx bake, a sequential loop of `docker buildx build`) in
// four scenarios, each contender in a workspace of its own, starting from the same cold daemon and BuildKit cache.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { RunRecord } from '../../packages/nx-multiarch/src/ops/report/run-record';
import { exec, tempWorkspace } from '../../packages/nx-multiarch-e2e/src/workspace';
import {
  bakeFiles,
  bakeTargetProjects,
  baseImages,
  dependencyLevels,
  type PlannedBuild,
  plannedBuilds,
} from './replay';
import { levelsCriticalWork, nxCriticalWork, sequentialWork } from './overhead';
import type { Edit, Platform } from './platform';
import { type Evidence, evidenceOf, nxBuildLogs, type StepsOf } from './evidence';
import { plainSteps, targetSpans, targetSteps } from './progress';

/** `nx-ec2`: nx-multiarch with `build.emulatedConcurrency: 2` (the default, 1, runs emulated builds one at a time). */
export const CONTENDERS = ['nx', 'nx-ec2', 'bake', 'loop'] as const;
export type Contender = (typeof CONTENDERS)[number];
export const SCENARIOS = ['cold', 'warm', 'leaf', 'foundation'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Measurement extends Evidence {
  platform: string;
  contender: Contender;
  scenario: Scenario;
  /** Which repeat (0-based). */
  repeat: number;
  wallMs: number;
  /** The builds' own time on the critical path. */
  workMs: number;
  /** Images the scenario asked for. */
  images: number;
  /** The project the scenario changed (leaf, foundation). */
  changed?: string;
  /** nx-multiarch: the time its emulated (QEMU) builds took, summed. */
  emulatedMs?: number;
}

const TIMEOUT_MS = 1_800_000;

function must(file: string, args: string[], cwd: string): string {
  const { status, output } = exec(file, args, cwd, TIMEOUT_MS);
  if (status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${status}:\n${output.slice(-4000)}`);
  return output;
}

const nxBin = (root: string) => join(root, 'node_modules/.bin/nx');

function timed<T>(fn: () => T): [T, number] {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
}

function applyEdit(root: string, edit: Edit): void {
  for (const [path, change] of Object.entries(edit)) {
    writeFileSync(join(root, path), change(readFileSync(join(root, path), 'utf8')));
  }
}

interface Plan {
  builds: PlannedBuild[];
  levels: string[][];
  bases: string[];
}

const ARCHES = ['amd64', 'arm64'];

/** What build-image would run in this workspace, from its --dryRun, with the projects in dependency levels. */
function plan(root: string, platform: Platform): Plan {
  must(nxBin(root), ['run-many', '-t', 'render', '--output-style=static'], root);
  const dry = must(
    nxBin(root),
    ['run-many', ...runManyArgs(platform), '--dryRun', '--skip-nx-cache', '--output-style=static'],
    root,
  );
  const builds = plannedBuilds(dry, (context) => basename(context));
  const graphFile = join(mkdtempSync(join(tmpdir(), 'bench-graph-')), 'graph.json');
  must(nxBin(root), ['graph', `--file=${graphFile}`], root);
  const edges: Record<string, Array<{ target: string }>> = JSON.parse(readFileSync(graphFile, 'utf8')).graph
    .dependencies;
  const projects = [...new Set([...builds.map((b) => b.project), ...Object.keys(platform.upstreams)])];
  const dependsOn = Object.fromEntries(projects.map((p) => [p, (edges[p] ?? []).map((e) => e.target)]));
  return { builds, levels: dependencyLevels(projects, dependsOn), bases: baseImages(dry) };
}

const runManyArgs = (platform: Platform) => [
  '-t',
  'build-image',
  '--platform=amd64,arm64',
  ...(platform.exclude.length > 0 ? [`--exclude=${platform.exclude.join(',')}`] : []),
];

/** Tags of everything the platform builds, and the base images it starts from. */
function imagesOf(platform: Platform, { builds, bases }: Plan): string[] {
  const tags = builds.flatMap((b) => b.argv.filter((_, i) => b.argv[i - 1] === '--tag'));
  const prefix = String(platform.options.imagePrefix);
  const upstreams = Object.keys(platform.upstreams).flatMap((p) => ARCHES.map((a) => `${prefix}${p}:latest-${a}`));
  return [...tags, ...upstreams, ...bases];
}

/** Cold: none of the platform's images or base images in the daemon, and an empty BuildKit cache. */
function coldDaemon(root: string, images: readonly string[]): void {
  spawnSync('docker', ['image', 'rm', '-f', ...images], { stdio: 'ignore', timeout: 300_000 });
  must('docker', ['builder', 'prune', '-af'], root);
}

/** Upstream components as build.sh made them: pull each platform, tag it. */
function pullUpstreams(root: string, platform: Platform): number[] {
  const durations: number[] = [];
  const prefix = String(platform.options.imagePrefix);
  for (const [project, ref] of Object.entries(platform.upstreams)) {
    for (const arch of ARCHES) {
      const [, ms] = timed(() => {
        must('docker', ['pull', '--platform', `linux/${arch}`, ref], root);
        must('docker', ['tag', ref, `${prefix}${project}:latest-${arch}`], root);
      });
      durations.push(ms);
    }
  }
  return durations;
}

interface Run extends Evidence {
  workMs: number;
  emulatedMs?: number;
}

const NX_CACHE_HITS = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);

function nxRun(root: string, platform: Platform): Run {
  const since = Date.now();
  must(nxBin(root), ['run-many', ...runManyArgs(platform), '--output-style=static'], root);
  const state = join(root, '.nx-multiarch/runs');
  const id = readFileSync(join(state, 'last-run'), 'utf8').trim();
  const record = JSON.parse(readFileSync(join(state, id, 'run.json'), 'utf8')) as RunRecord;
  const emulated = record.cells.filter((c) => c.emulated && c.status === 'built');
  const cacheHits = record.tasks.filter((t) => NX_CACHE_HITS.has(t.status)).length;
  const logs = nxBuildLogs(root, since);
  return {
    workMs: nxCriticalWork(record),
    emulatedMs: emulated.reduce((sum, c) => sum + (c.durationMs ?? 0), 0),
    ...evidenceOf(logs.builds, { 'Nx task': record.tasks.length - cacheHits, 'docker build/pull': logs.processes }),
    cacheHits,
  };
}

const pullProcesses = (platform: Platform) => Object.keys(platform.upstreams).length * ARCHES.length * 2;

const runners: Record<Contender, (root: string, platform: Platform, plan: Plan) => Run> = {
  nx: nxRun,
  'nx-ec2': nxRun,
  bake(root, platform, { builds, levels }) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-bake-'));
    const upstream = sequentialWork(pullUpstreams(root, platform));
    const projectOf = bakeTargetProjects(builds, levels);
    const steps: StepsOf = [];
    const files = bakeFiles(builds, levels);
    const spans = files.map((file, index) => {
      const path = join(dir, `level-${index}.json`);
      writeFileSync(path, JSON.stringify(file, null, 2));
      const progress = must('docker', ['buildx', 'bake', '--progress', 'rawjson', '-f', path], root);
      const byTarget = targetSpans(progress);
      const tallies = targetSteps(progress);
      for (const t of Object.keys(file.target)) {
        steps.push({ project: projectOf[t], ...(tallies.get(t) ?? { ran: 0, cached: 0 }) });
      }
      return Object.keys(file.target).flatMap((t) => (byTarget.has(t) ? [byTarget.get(t)!] : []));
    });
    return {
      workMs: upstream + levelsCriticalWork(spans),
      ...evidenceOf(steps, { 'buildx bake': files.length, 'docker pull/tag': pullProcesses(platform) }),
    };
  },
  loop(root, platform, { builds, levels }) {
    const durations = pullUpstreams(root, platform);
    const steps: StepsOf = [];
    for (const project of levels.flat()) {
      for (const build of builds.filter((b) => b.project === project)) {
        const metadata = build.argv[build.argv.indexOf('--metadata-file') + 1];
        if (build.argv.includes('--metadata-file')) mkdirSync(dirname(metadata), { recursive: true });
        const [output, ms] = timed(() => must('docker', build.argv, root));
        durations.push(ms);
        steps.push({ project, ...plainSteps(output) });
      }
    }
    return {
      workMs: sequentialWork(durations),
      ...evidenceOf(steps, { 'buildx build': steps.length, 'docker pull/tag': pullProcesses(platform) }),
    };
  },
};

/** Every contender through cold, warm, one leaf changed and one foundation changed, on one platform, `repeat` times. */
export function benchBuilds(platform: Platform, log: (line: string) => void, repeat = 1): Measurement[] {
  const measurements: Measurement[] = [];
  // Repeats outermost: each contender's runs spread over the whole bench, not bunched in one stretch of it.
  for (let r = 0; r < repeat; r++) {
    for (const contender of CONTENDERS) measurements.push(...contenderRuns(platform, contender, r, log));
  }
  return measurements;
}

function contenderRuns(platform: Platform, contender: Contender, repeat: number, log: (line: string) => void) {
  const measurements: Measurement[] = [];
  const options =
    contender === 'nx-ec2' ? { ...platform.options, build: { emulatedConcurrency: 2 } } : platform.options;
  const root = tempWorkspace(platform.files, options);
  const planned = plan(root, platform);
  // Planning ran Nx here: nx-multiarch starts without Nx's cache, graph or its own state, like a fresh clone.
  if (contender.startsWith('nx'))
    for (const dir of ['.nx', '.nx-multiarch', 'dist']) rmSync(join(root, dir), { recursive: true, force: true });
  coldDaemon(root, imagesOf(platform, planned));
  const images = planned.builds.length + Object.keys(platform.upstreams).length * 2;
  for (const scenario of SCENARIOS) {
    if (scenario === 'leaf') applyEdit(root, platform.leaf.edit);
    if (scenario === 'foundation') applyEdit(root, platform.foundation.edit);
    const changed = scenario === 'leaf' || scenario === 'foundation' ? platform[scenario].project : undefined;
    const [run, wallMs] = timed(() => runners[contender](root, platform, planned));
    measurements.push({
      platform: platform.name,
      contender,
      scenario,
      repeat,
      wallMs,
      ...run,
      images,
      ...(changed && { changed }),
    });
    const processes = Object.values(run.processes).reduce((a, b) => a + b, 0);
    log(
      `  ${platform.name} #${repeat + 1} ${contender.padEnd(6)} ${scenario.padEnd(10)} ${(wallMs / 1000).toFixed(1).padStart(7)} s` +
        `  critical work ${(run.workMs / 1000).toFixed(1).padStart(6)} s  built ${run.imagesBuilt}/${images}` +
        `  steps ran ${run.stepsRan} cached ${run.stepsCached}  processes ${processes}`,
    );
  }
  return measurements;
}
