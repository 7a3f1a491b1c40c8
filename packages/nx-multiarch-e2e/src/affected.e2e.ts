import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, lastRunCells, nx, tempWorkspace } from './workspace';

// A repository: a foundation, two components FROM it, one unrelated, and a shared/ folder outside every project.
const FILES = {
  '.gitignore': 'node_modules\n.nx\ndist\n.nx-multiarch\n.env\n',
  // The repository root is api's build context: what none of its images needs.
  '.dockerignore': '.git\nnode_modules\ndist\n.nx\n.nx-multiarch\n**/*.md\ndocs\n',
  'README.md': '# platform\n',
  'docs/guide.md': 'how to\n',
  'shared/config.txt': 'mode=1\n',
  'images/base/Dockerfile': 'FROM alpine:3.20\nRUN echo 1 > /base\n',
  'images/api/Dockerfile': 'FROM e2e-affected/base:latest-${TARGETARCH}\nCOPY shared/config.txt /etc/api.conf\n',
  'images/api/multiarch.json': JSON.stringify({ context: '../..' }),
  // Its own directory is its context, all of it copied but the README its .dockerignore leaves out.
  'images/worker/Dockerfile':
    'FROM e2e-affected/base:latest-${TARGETARCH}\nCOPY . /srv/worker\nRUN test -f /srv/worker/run.sh && test ! -e /srv/worker/README.md\n',
  'images/worker/.dockerignore': 'README.md\n',
  'images/worker/run.sh': '#!/bin/sh\necho worker\n',
  'images/worker/README.md': '# worker\n',
  'images/leaf/Dockerfile': 'FROM alpine:3.20\nRUN echo leaf > /leaf\n',
};

const OPTIONS = { components: ['images/*'], imagePrefix: 'e2e-affected/', platforms: ['amd64'] };
const RANGE = ['--base=HEAD~1', '--head=HEAD'];

function git(root: string, args: string[]): string {
  const { status, output } = exec('git', args, root, 30_000);
  if (status !== 0) throw new Error(`git ${args.join(' ')} failed: ${output}`);
  return output;
}

/** Writes the files and commits them on top: HEAD~1..HEAD is exactly this change. */
function commit(root: string, files: Record<string, string>, message: string): void {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', message]);
  expect(git(root, ['status', '--porcelain'])).toBe('');
}

/** `nx show projects --affected` for the last commit: with `-t build-image`, what `nx affected` would build. */
function affected(root: string, target?: string): string[] {
  const args = ['show', 'projects', '--affected', ...RANGE, ...(target ? ['-t', target] : []), '--json'];
  const { status, output } = nx(args, root);
  const json = /^\[.*\]$/m.exec(output);
  if (status !== 0 || !json) throw new Error(`nx ${args.join(' ')} failed: ${output}`);
  return (JSON.parse(json[0]) as string[]).sort();
}

// `nx show target inputs` declines a target with a custom hasher; Nx's hash plan says the same for the inputs part.
const HASH_PLAN = `
const load = require('node:module').createRequire(process.cwd() + '/');
const { createProjectGraphAsync } = load('nx/src/devkit-exports');
const { HashPlanInspector } = load('nx/src/hasher/hash-plan-inspector');
(async () => {
  const [project, target] = process.argv[1].split(':');
  const inspector = new HashPlanInspector(await createProjectGraphAsync({ exitOnError: true }), process.cwd());
  await inspector.init();
  console.log(JSON.stringify(inspector.inspectTaskInputs({ project, target })[process.argv[1]].files));
})();
`;

/** The files Nx hashes for a task: its hash plan, which build-image's hasher starts from. */
function hashedFiles(root: string, task: string): string[] {
  const { status, output } = exec(process.execPath, ['-e', HASH_PLAN, task], root, 60_000, { NX_DAEMON: 'false' });
  const json = /^\[.*\]$/m.exec(output);
  if (status !== 0 || !json) throw new Error(`the hash plan of ${task} failed: ${output}`);
  return JSON.parse(json[0]) as string[];
}

const taskHash = (root: string, project: string) =>
  (JSON.parse(readFileSync(join(root, `dist/images/${project}/${project}-amd64.json`), 'utf8')) as { taskHash: string })
    .taskHash;

describe('nx affected: a component is affected by the files its build reads, and by nothing else', () => {
  let root: string;

  beforeAll(() => {
    root = tempWorkspace(FILES, OPTIONS);
    git(root, ['init', '-q']);
    git(root, ['config', 'user.email', 'e2e@example.com']);
    git(root, ['config', 'user.name', 'e2e']);
    git(root, ['config', 'commit.gpgsign', 'false']);
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', 'the platform']);
  });

  it('what each build reads, as Nx hashes it', () => {
    const api = hashedFiles(root, 'api:build-image');
    expect(api).toEqual(expect.arrayContaining(['shared/config.txt', 'images/api/Dockerfile', '.dockerignore']));
    expect(api).not.toContain('README.md');
    expect(api.filter((f) => f.startsWith('docs/') || f.startsWith('images/worker/'))).toEqual([]);
    const worker = hashedFiles(root, 'worker:build-image');
    expect(worker).toEqual(expect.arrayContaining(['images/worker/run.sh', 'images/worker/.dockerignore']));
    expect(worker).not.toContain('images/worker/README.md');
    expect(worker).not.toContain('shared/config.txt');
  });

  it("base's Dockerfile: base, api and worker, built base first, and nothing else", () => {
    commit(root, { 'images/base/Dockerfile': 'FROM alpine:3.20\nRUN echo 2 > /base\n' }, 'base: 2');
    expect(affected(root, 'build-image')).toEqual(['api', 'base', 'worker']);

    const { status, output } = nx(['affected', '-t', 'build-image', ...RANGE, '--platform=amd64'], root);
    expect({ status, tail: output.split('\n').slice(-20).join('\n') }).toMatchObject({ status: 0 });
    const built = [...output.matchAll(/✔ (\S+) linux\/amd64 (built|cached)/g)].map((m) => m[1]);
    expect([...built].sort()).toEqual(['api', 'base', 'worker']);
    expect(built[0]).toBe('base');
    expect(output).not.toContain('leaf:build-image');
    expect(output).toMatch(/Successfully ran target build-image for 3 projects/);
  });

  it('a README inside worker: Nx lists worker (its directory holds the file), but its hash is the same', () => {
    const before = taskHash(root, 'worker');
    commit(root, { 'images/worker/README.md': '# worker\n\nMore words.\n' }, 'worker: README');
    // Nx's file map gives every file under a project's root to that project, whatever its inputs say.
    expect(affected(root, 'build-image')).toEqual(['worker']);
    expect(hashedFiles(root, 'worker:build-image')).not.toContain('images/worker/README.md');
    // Same hash, and its image is still there: Nx restores the task from its cache, nothing is built again.
    const { status, output } = nx(['run', 'worker:build-image', '--platform=amd64'], root);
    expect({ status, tail: output.split('\n').slice(-20).join('\n') }).toMatchObject({ status: 0 });
    expect(lastRunCells(root)).toContain('worker linux/amd64: Nx cache');
    expect(lastRunCells(root).filter((cell) => !cell.endsWith(': Nx cache'))).toEqual([]);
    expect(taskHash(root, 'worker')).toBe(before);
  });

  it('a README at the root and a page in docs/: no component (only the workspace project, which owns them)', () => {
    commit(root, { 'README.md': '# platform\n\nMore words.\n', 'docs/guide.md': 'how to, again\n' }, 'docs');
    expect(affected(root, 'build-image')).toEqual([]);
    expect(affected(root)).toEqual(['e2e-workspace']);
  });

  it('shared/config.txt: api, which copies it from the repository root; not worker, not base', () => {
    commit(root, { 'shared/config.txt': 'mode=2\n' }, 'shared: mode 2');
    expect(affected(root, 'build-image')).toEqual(['api']);
    // The file is outside every component: the workspace project owns it; api is touched through its inputs.
    expect(affected(root)).toEqual(['api', 'e2e-workspace']);
  });
});
