// What bake and the build loop replay: the builds and base images build-image's --dryRun prints, as argv and bake files.

/** One `docker buildx build` of one component for one platform, exactly as build-image would run it. */
export interface PlannedBuild {
  project: string;
  platform: string;
  /** Arguments after `docker`. */
  argv: string[];
}

export interface BakeTarget {
  context: string;
  dockerfile: string;
  platforms: string[];
  tags: string[];
  target?: string;
  args: Record<string, string>;
  output: string[];
}

export interface BakeFile {
  group: { default: { targets: string[] } };
  target: Record<string, BakeTarget>;
}

// nx-multiarch: dry run: <image> <platform>: docker buildx build ... <context>
const DRY_RUN_LINE = /^nx-multiarch: dry run: (\S+) (\S+): docker (buildx build .*)$/;

const VALUELESS = new Set(['--no-cache', '--load', '--push']);

/** Flags with their values, then one context, as buildx/build.ts emits them: a stray token means a value split. */
function splitsRight(argv: readonly string[]): boolean {
  let i = 2; // after `buildx build`
  while (i < argv.length - 1) {
    if (!argv[i].startsWith('--')) return false;
    i += VALUELESS.has(argv[i]) ? 1 : 2;
  }
  return i === argv.length - 1;
}

/**
 * The builds of a `--dryRun` output. The argv is printed space-joined, so this only serves workspaces whose paths and
 * build-arg values hold no spaces: it throws on one that would split wrong.
 */
export function plannedBuilds(output: string, projectOfContext: (context: string) => string): PlannedBuild[] {
  const builds: PlannedBuild[] = [];
  for (const line of output.split('\n')) {
    const match = DRY_RUN_LINE.exec(line.trimEnd());
    if (!match) continue;
    const argv = match[3].split(' ');
    if (argv.some((arg) => arg === '' || arg.startsWith('"')) || !splitsRight(argv)) {
      throw new Error(`a dry-run argv with spaces cannot be replayed: ${line}`);
    }
    builds.push({ project: projectOfContext(argv.at(-1) as string), platform: match[2], argv });
  }
  return builds;
}

//   would fetch  alpine:3.20 linux/arm64       for gateway, api, hub
const WOULD_FETCH_LINE = /^\s+would fetch\s+(\S+) linux\/\S+\s/;

/** The base images prefetch would fetch (each once, whatever the platforms). */
export function baseImages(output: string): string[] {
  const refs = output.split('\n').map((line) => WOULD_FETCH_LINE.exec(line)?.[1]);
  return [...new Set(refs.filter((ref): ref is string => ref !== undefined))];
}

/** A bake target doing what one build-image argv does (same context, Dockerfile, stage, tags, args; loaded). */
export function bakeTarget(argv: readonly string[]): BakeTarget {
  const target: BakeTarget = {
    context: argv.at(-1) as string,
    dockerfile: 'Dockerfile',
    platforms: [],
    tags: [],
    args: {},
    output: ['type=docker'],
  };
  for (let i = 0; i < argv.length - 1; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--file') target.dockerfile = value;
    else if (argv[i] === '--platform') target.platforms.push(value);
    else if (argv[i] === '--tag') target.tags.push(value);
    else if (argv[i] === '--target') target.target = value;
    else if (argv[i] === '--build-arg') {
      const eq = value.indexOf('=');
      if (eq < 0) continue;
      target.args[value.slice(0, eq)] = value.slice(eq + 1);
    }
  }
  return target;
}

/** Bake target names are identifiers: `portal-linux-arm64`, `api-linux-amd64-2` for a project's second image. */
export function bakeTargetName(build: PlannedBuild, taken: ReadonlySet<string>): string {
  const base = `${build.project}-${build.platform}`.replace(/[^A-Za-z0-9_-]/g, '-');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

/** A level's builds by bake target name, named as bakeTargetName does, in the order of `builds`. */
function levelTargets(builds: readonly PlannedBuild[], projects: readonly string[]): Map<string, PlannedBuild> {
  const named = new Map<string, PlannedBuild>();
  for (const build of builds.filter((b) => projects.includes(b.project))) {
    named.set(bakeTargetName(build, new Set(named.keys())), build);
  }
  return named;
}

/**
 * One bake file per dependency level: bake on the docker driver cannot order builds by the images they are FROM, so
 * a level's builds run together once the level before has finished, as a user would script it.
 */
export function bakeFiles(builds: readonly PlannedBuild[], levels: readonly string[][]): BakeFile[] {
  return levels
    .map((projects) => {
      const target: Record<string, BakeTarget> = {};
      for (const [name, build] of levelTargets(builds, projects)) target[name] = bakeTarget(build.argv);
      return { group: { default: { targets: Object.keys(target) } }, target };
    })
    .filter((file) => file.group.default.targets.length > 0);
}

/** The project of each bake target of bakeFiles, by target name (names are unique within a level's file). */
export function bakeTargetProjects(
  builds: readonly PlannedBuild[],
  levels: readonly string[][],
): Record<string, string> {
  const projects: Record<string, string> = {};
  for (const level of levels) for (const [name, build] of levelTargets(builds, level)) projects[name] = build.project;
  return projects;
}

/** Projects by dependency level (0: depends on none of them), from project-graph edges; throws on a cycle. */
export function dependencyLevels(
  projects: readonly string[],
  dependsOn: Record<string, readonly string[]>,
): string[][] {
  const level = new Map<string, number>();
  const visit = (project: string, path: string[]): number => {
    const known = level.get(project);
    if (known !== undefined) return known;
    if (path.includes(project)) throw new Error(`dependency cycle: ${[...path, project].join(' -> ')}`);
    const deps = (dependsOn[project] ?? []).filter((d) => projects.includes(d));
    const value = Math.max(-1, ...deps.map((d) => visit(d, [...path, project]))) + 1;
    level.set(project, value);
    return value;
  };
  const levels: string[][] = [];
  for (const project of [...projects].sort()) (levels[visit(project, [])] ??= []).push(project);
  return levels.map((names) => names.sort());
}
