// Benchmark: the demo built by `nx run-many -t build-image` against `docker buildx bake` with an equivalent bake file,
// cold (demo images and the BuildKit cache gone) and warm (straight after). Both platforms, the docker driver.
// The bake file is made from build-image's own --dryRun argv (same contexts, Dockerfiles, targets, tags, args), one
// bake per dependency level (bake on the docker driver cannot order builds by the images they FROM).
// worker is left out of both: its build needs the hub running as a service, which bake cannot do.
// Needs the lab (npm run lab -- up). Prints times and ratios; asserts nothing.
// Run: npm run bench:bake
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');
const EXCLUDE = 'worker';
const NX = join(REPO, 'node_modules/.bin/nx');
const NX_ENV = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

function run(file: string, args: string[], env = process.env): string {
  const result = spawnSync(file, args, { cwd: REPO, env, encoding: 'utf8', timeout: 1_800_000, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

interface BakeTarget {
  context: string;
  dockerfile: string;
  platforms: string[];
  tags: string[];
  target?: string;
  args: Record<string, string>;
  output: string[];
}

/** A bake target from one `docker buildx build` argv as --dryRun prints it. */
function bakeTarget(argv: string[]): BakeTarget {
  const target: BakeTarget = {
    context: argv.at(-1) as string,
    dockerfile: '',
    platforms: [],
    tags: [],
    args: {},
    output: ['type=docker'],
  };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--file') target.dockerfile = value;
    if (argv[i] === '--platform') target.platforms.push(value);
    if (argv[i] === '--tag') target.tags.push(value);
    if (argv[i] === '--target') target.target = value;
    if (argv[i] === '--build-arg')
      target.args[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
  }
  return target;
}

/** Projects by dependency level (0: depends on no other component) from Nx's project graph. */
function levels(projects: string[]): string[][] {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-graph-')), 'graph.json');
  run(NX, ['graph', `--file=${file}`], NX_ENV);
  const deps: Record<string, Array<{ target: string }>> = JSON.parse(readFileSync(file, 'utf8')).graph.dependencies;
  const level = (p: string): number =>
    Math.max(-1, ...(deps[p] ?? []).filter((d) => projects.includes(d.target)).map((d) => level(d.target))) + 1;
  const result: string[][] = [];
  for (const p of projects) (result[level(p)] ??= []).push(p);
  return result;
}

function clean(images: string[]): void {
  spawnSync('docker', ['image', 'rm', '-f', ...images], { stdio: 'ignore' });
  run('docker', ['builder', 'prune', '-af']);
  rmSync(join(REPO, 'dist/images'), { recursive: true, force: true });
}

function timed(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function main(): void {
  const runMany = [
    'run-many',
    '-t',
    'build-image',
    '--platform=amd64,arm64',
    `--exclude=${EXCLUDE}`,
    '--output-style=static',
  ];
  const dry = run(NX, [...runMany, '--dryRun', '--skip-nx-cache'], NX_ENV);
  const builds = [...dry.matchAll(/dry run: \S+ \S+: docker (buildx build .*)$/gm)].map((m) => m[1].split(' '));
  const byProject = new Map<string, BakeTarget[]>();
  for (const argv of builds) {
    const target = bakeTarget(argv);
    const project = target.context.split('/').pop() as string;
    byProject.set(project, [...(byProject.get(project) ?? []), target]);
  }
  const waves = levels([...byProject.keys()]);
  const dir = mkdtempSync(join(tmpdir(), 'bench-bake-'));
  const files = waves.map((projects, index) => {
    const targets: Record<string, BakeTarget> = {};
    for (const p of projects) (byProject.get(p) ?? []).forEach((t, i) => (targets[`${p}-${i}`] = t));
    const file = join(dir, `level-${index}.json`);
    writeFileSync(
      file,
      JSON.stringify({ group: { default: { targets: Object.keys(targets) } }, target: targets }, null, 2),
    );
    return file;
  });
  const images = builds.flatMap((argv) => bakeTarget(argv).tags);
  const bake = () => files.forEach((file) => run('docker', ['buildx', 'bake', '--progress', 'plain', '-f', file]));
  const nx = () => run(NX, runMany, NX_ENV);

  console.log(
    `${builds.length} builds (${byProject.size} components, 2 platforms) in ${waves.length} levels: ${waves.map((w) => w.join(' ')).join(' | ')}`,
  );
  clean(images);
  const nxCold = timed(nx);
  const nxWarm = timed(nx);
  clean(images);
  const bakeCold = timed(bake);
  const bakeWarm = timed(bake);
  const row = (name: string, cold: number, warm: number) =>
    console.log(
      `${name.padEnd(6)} cold ${cold.toFixed(1).padStart(6)} s   warm ${warm.toFixed(1).padStart(6)} s   cold/warm ${(cold / warm).toFixed(1)}x`,
    );
  row('nx', nxCold, nxWarm);
  row('bake', bakeCold, bakeWarm);
  console.log(
    `nx/bake: cold ${(nxCold / bakeCold).toFixed(2)}x, warm ${(nxWarm / bakeWarm).toFixed(2)}x (below 1: nx is faster)`,
  );
}

main();
