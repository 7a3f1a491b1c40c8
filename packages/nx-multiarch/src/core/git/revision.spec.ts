import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskGitFiles, type GitFiles } from './files';
import { originUrl, readGitFacts } from './revision';

// Real repositories made by git itself, so loose objects, packs and worktrees are laid out as git lays them out.
const COMMITTED = '2024-05-06T07:08:09Z';
const PASSWORD = 's3cret-pw';

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'CI',
      GIT_AUTHOR_EMAIL: 'ci@example.com',
      GIT_COMMITTER_NAME: 'CI',
      GIT_COMMITTER_EMAIL: 'ci@example.com',
      GIT_AUTHOR_DATE: '2024-05-01T00:00:00+02:00',
      GIT_COMMITTER_DATE: '2024-05-06T09:08:09+02:00',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function repository(origin?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-multiarch-git-'));
  git(root, 'init', '-q', '-b', 'main');
  writeFileSync(join(root, 'README.md'), 'hello\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'first');
  if (origin) git(root, 'remote', 'add', 'origin', origin);
  return root;
}

const roots: string[] = [];
const made = (root: string) => (roots.push(root), root);
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('readGitFacts', () => {
  it('reads a fresh repository: loose branch, loose commit, origin with its credentials stripped', () => {
    const root = made(repository(`https://ci:${PASSWORD}@git.example.com/acme/platform.git`));
    const facts = readGitFacts(root, diskGitFiles);
    expect(facts).toEqual({
      revision: git(root, 'rev-parse', 'HEAD'),
      committedAt: COMMITTED,
      source: 'https://git.example.com/acme/platform',
    });
    expect(JSON.stringify(facts)).not.toContain(PASSWORD);
  });

  it('reads the same after git gc: packed refs, the commit in a pack read by ranges', () => {
    const root = made(repository('git@github.com:acme/platform.git'));
    git(root, 'gc', '-q');
    expect(existsSync(join(root, '.git/refs/heads/main'))).toBe(false);
    const reads: Array<{ path: string; ranged: boolean }> = [];
    const files: GitFiles = {
      read: (path, range) => (reads.push({ path, ranged: !!range }), diskGitFiles.read(path, range)),
      list: diskGitFiles.list,
    };
    expect(readGitFacts(root, files)).toEqual({
      revision: git(root, 'rev-parse', 'HEAD'),
      committedAt: COMMITTED,
      source: 'https://github.com/acme/platform',
    });
    const packReads = reads.filter((r) => /objects\/pack\/.*\.(pack|idx)$/.test(r.path));
    expect(packReads.length).toBeGreaterThan(0);
    expect(packReads.every((r) => r.ranged)).toBe(true);
  });

  it('reads a detached HEAD, from a directory below the repository root', () => {
    const root = made(repository());
    writeFileSync(join(root, 'README.md'), 'again\n');
    git(root, 'commit', '-q', '-am', 'second');
    git(root, 'checkout', '-q', '--detach', 'HEAD~1');
    mkdirSync(join(root, 'tools/workspace'), { recursive: true });
    expect(readGitFacts(join(root, 'tools/workspace'), diskGitFiles)).toEqual({
      revision: git(root, 'rev-parse', 'HEAD'),
      committedAt: COMMITTED,
    });
  });

  it("reads a worktree (.git is a file): its own HEAD, the main repository's objects and origin", () => {
    const root = made(repository('ssh://git@git.example.com:2222/acme/platform.git'));
    const worktree = made(mkdtempSync(join(tmpdir(), 'nx-multiarch-worktree-')));
    rmSync(worktree, { recursive: true });
    git(root, 'worktree', 'add', '-q', '-b', 'feature', worktree);
    writeFileSync(join(worktree, 'README.md'), 'feature\n');
    git(worktree, 'commit', '-q', '-am', 'feature');
    const facts = readGitFacts(worktree, diskGitFiles);
    expect(facts).toEqual({
      revision: git(worktree, 'rev-parse', 'HEAD'),
      committedAt: COMMITTED,
      source: 'https://git.example.com/acme/platform',
    });
    expect(facts.revision).not.toBe(git(root, 'rev-parse', 'HEAD'));
  });

  it('has only the source before the first commit, and nothing outside a repository', () => {
    const root = made(mkdtempSync(join(tmpdir(), 'nx-multiarch-git-')));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'remote', 'add', 'origin', 'https://git.example.com/acme/empty');
    expect(readGitFacts(root, diskGitFiles)).toEqual({ source: 'https://git.example.com/acme/empty' });
    expect(readGitFacts(made(mkdtempSync(join(tmpdir(), 'nx-multiarch-nogit-'))), diskGitFiles)).toEqual({});
  });

  it('leaves the time out when the commit object cannot be read, and keeps the revision', () => {
    const root = made(repository());
    const revision = git(root, 'rev-parse', 'HEAD');
    rmSync(join(root, '.git/objects', revision.slice(0, 2), revision.slice(2)));
    expect(readGitFacts(root, diskGitFiles)).toEqual({ revision });
  });
});

describe('originUrl', () => {
  it('takes url of [remote "origin"] only, past comments, other remotes and quotes', () => {
    const config = [
      '[core]',
      '\tbare = false',
      '[remote "upstream"]',
      '\turl = https://git.example.com/other/platform',
      '# [remote "origin"] in a comment',
      '[remote "origin"]',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
      '\turl = "git@github.com:acme/platform.git" ; the fork',
    ].join('\n');
    expect(originUrl(config)).toBe('git@github.com:acme/platform.git');
    expect(originUrl('[remote "upstream"]\n\turl = https://x/y\n')).toBeUndefined();
  });
});
