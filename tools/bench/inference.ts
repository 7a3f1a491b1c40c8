// Benchmark: project inference for a generated workspace (createNodes + createDependencies in process, and
// `nx show projects` end to end against an empty workspace). Prints times and ratios; asserts nothing.
// Run: npm run bench:inference [-- <components>] (200 by default); npm run bench runs it for 40 and 200.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CreateDependenciesContext, ProjectConfiguration } from '@nx/devkit';
import { createDependencies, createNodes } from '../../packages/nx-multiarch/src';

const REPO = resolve(__dirname, '../..');
const RUNS = 5;

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** A platform like our users': a tenth foundations, the rest dependents FROM them, a third templated, some services. */
function components(count: number): Record<string, string> {
  const files: Record<string, string> = { '.env.example': 'ALPINE_VERSION=3.20\nAPP_VERSION=1.0\n' };
  const foundations = Math.max(1, Math.floor(count / 10));
  for (let i = 0; i < count; i++) {
    const dir = `src/c${i}`;
    const foundation = i < foundations;
    const base = foundation ? 'alpine:${ALPINE_VERSION}' : `acme/c${i % foundations}:latest-\${TARGETARCH}`;
    const body = [
      'ARG ALPINE_VERSION=3.20',
      'ARG APP_VERSION=dev',
      `FROM ${base} AS build`,
      'RUN echo build > /out',
      'FROM alpine:${ALPINE_VERSION}',
      'COPY --from=build /out /out',
      `LABEL version=${i % 3 === 0 ? '{{APP_VERSION}}' : '${APP_VERSION}'}`,
    ].join('\n');
    files[`${dir}/${i % 3 === 0 ? 'Dockerfile.tpl' : 'Dockerfile'}`] = `${body}\n`;
    const config: Record<string, unknown> = { phase: foundation ? 'foundation' : 'dependent' };
    if (!foundation && i % 25 === 0) config.services = [{ project: 'c0', port: 8080, health: '/health' }];
    if (!foundation && i % 7 === 0) config.after = [`c${i % foundations}`];
    files[`${dir}/multiarch.json`] = JSON.stringify(config);
  }
  return files;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function timeInProcess(root: string, files: string[]) {
  const options = { imagePrefix: 'acme/', components: ['src/*'] };
  const [, infer] = createNodes;
  const nodeTimes: number[] = [];
  const depTimes: number[] = [];
  let edges = 0;
  let projects: Record<string, ProjectConfiguration> = {};
  for (let run = 0; run < RUNS; run++) {
    let started = performance.now();
    const results = await infer(files, options, { workspaceRoot: root, nxJsonConfiguration: {} });
    nodeTimes.push(performance.now() - started);
    projects = {};
    for (const [, result] of results) {
      for (const [projectRoot, project] of Object.entries(result.projects ?? {})) {
        projects[project.name as string] = { ...project, root: projectRoot } as ProjectConfiguration;
      }
    }
    const projectFileMap: Record<string, Array<{ file: string; hash: string }>> = {};
    for (const [name, project] of Object.entries(projects)) {
      projectFileMap[name] = files.filter((f) => dirname(f) === project.root).map((file) => ({ file, hash: '1' }));
    }
    const fileMap = { projectFileMap, nonProjectFiles: [] };
    const context: CreateDependenciesContext = {
      workspaceRoot: root,
      projects,
      externalNodes: {},
      fileMap,
      filesToProcess: fileMap,
      nxJsonConfiguration: {},
    };
    started = performance.now();
    edges = (await createDependencies(options, context)).length;
    depTimes.push(performance.now() - started);
  }
  return { nodes: median(nodeTimes), deps: median(depTimes), projects: Object.keys(projects).length, edges };
}

function nxShowProjects(root: string): number {
  const started = performance.now();
  const result = spawnSync(join(root, 'node_modules/.bin/nx'), ['show', 'projects'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`nx show projects failed:\n${result.stdout}${result.stderr}`);
  return performance.now() - started;
}

// The built plugin, as users install it (the repo's own link points at TS sources only this repo can load).
function linkNodeModules(root: string): void {
  mkdirSync(join(root, 'node_modules'));
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry === 'nx-multiarch') continue;
    symlinkSync(join(REPO, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  symlinkSync(join(REPO, 'dist/packages/nx-multiarch'), join(root, 'node_modules/nx-multiarch'));
}

function workspace(files: Record<string, string>, plugin: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-multiarch-bench-'));
  linkNodeModules(root);
  const plugins = plugin ? [{ plugin: 'nx-multiarch', options: { imagePrefix: 'acme/', components: ['src/*'] } }] : [];
  write(root, { 'package.json': '{"name":"bench","private":true}', 'nx.json': JSON.stringify({ plugins }), ...files });
  spawnSync('git', ['init', '-q'], { cwd: root });
  return root;
}

export interface InferenceBench {
  components: number;
  projects: number;
  edges: number;
  createNodesMs: number;
  createDependenciesMs: number;
  nxShowProjectsMs: number;
  emptyWorkspaceMs: number;
}

export async function benchInference(count: number): Promise<InferenceBench> {
  spawnSync(process.execPath, [join(REPO, 'tools/build-plugin.js')], { stdio: 'ignore' });
  const files = components(count);
  const withPlugin = workspace(files, true);
  const empty = workspace({}, false);
  try {
    const matched = Object.keys(files).filter((f) => !f.startsWith('.'));
    const inProcess = await timeInProcess(withPlugin, matched);
    return {
      components: count,
      projects: inProcess.projects,
      edges: inProcess.edges,
      createNodesMs: inProcess.nodes,
      createDependenciesMs: inProcess.deps,
      nxShowProjectsMs: median(Array.from({ length: 3 }, () => nxShowProjects(withPlugin))),
      emptyWorkspaceMs: median(Array.from({ length: 3 }, () => nxShowProjects(empty))),
    };
  } finally {
    rmSync(withPlugin, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const r = await benchInference(Number(process.argv[2] ?? 200));
  console.log(`inference benchmark: ${r.components} components (${r.projects} projects, ${r.edges} edges)`);
  console.log(`  createNodes          ${r.createNodesMs.toFixed(1)} ms (median of ${RUNS})`);
  console.log(`  createDependencies   ${r.createDependenciesMs.toFixed(1)} ms (median of ${RUNS})`);
  console.log(`  both, per component  ${((r.createNodesMs + r.createDependenciesMs) / r.components).toFixed(3)} ms`);
  console.log(
    `  nx show projects     ${r.nxShowProjectsMs.toFixed(0)} ms, empty workspace ${r.emptyWorkspaceMs.toFixed(0)} ms`,
  );
  console.log(
    `  ratio                ${(r.nxShowProjectsMs / r.emptyWorkspaceMs).toFixed(2)}x the empty workspace (+${(r.nxShowProjectsMs - r.emptyWorkspaceMs).toFixed(0)} ms)`,
  );
}

if (require.main === module) void main();
