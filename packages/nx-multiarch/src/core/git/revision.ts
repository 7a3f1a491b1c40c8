import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { GitFiles } from './files';
import { commitTime } from './objects';
import { webUrl } from './remote';

/** What a build states about the checkout it came from; every field may be missing. */
export interface GitFacts {
  /** HEAD's commit id. */
  revision?: string;
  /** HEAD's committer time, RFC 3339. */
  committedAt?: string;
  /** The `origin` remote as a web URL, credentials stripped; the raw URL never leaves this module. */
  source?: string;
}

interface GitDirs {
  /** HEAD lives here (a worktree's own directory). */
  gitDir: string;
  /** refs, packed-refs, config and objects live here (the main repository's, for a worktree). */
  commonDir: string;
}

const text = (files: GitFiles, path: string) => files.read(path)?.toString('utf8');
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The repository `start` is in: `.git` a directory, or a file `gitdir: <path>` (worktrees, submodules). */
export function findGitDirs(start: string, files: GitFiles): GitDirs | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (files.read(join(dotGit, 'HEAD'))) return { gitDir: dotGit, commonDir: dotGit };
    const pointer = /^gitdir: (.+)$/m.exec(text(files, dotGit) ?? '')?.[1].trim();
    if (pointer) {
      const gitDir = isAbsolute(pointer) ? pointer : resolve(dir, pointer);
      const common = text(files, join(gitDir, 'commondir'))?.trim();
      return { gitDir, commonDir: common ? resolve(gitDir, common) : gitDir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function refCommit(commonDir: string, ref: string, files: GitFiles): string | undefined {
  const loose = text(files, join(commonDir, ref))?.trim();
  if (loose && OBJECT_ID.test(loose)) return loose;
  for (const line of (text(files, join(commonDir, 'packed-refs')) ?? '').split('\n')) {
    const [id, name] = line.trim().split(' ');
    if (name === ref && OBJECT_ID.test(id)) return id;
  }
  return undefined;
}

/** HEAD's commit: detached (an id) or through its branch, loose or packed; undefined before the first commit. */
export function headCommit(dirs: GitDirs, files: GitFiles): string | undefined {
  const head = text(files, join(dirs.gitDir, 'HEAD'))?.trim() ?? '';
  if (OBJECT_ID.test(head)) return head;
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  // A worktree keeps its own HEAD but shares the branches.
  return refCommit(dirs.gitDir, ref, files) ?? refCommit(dirs.commonDir, ref, files);
}

/** `url` of `[remote "origin"]` in a git config file's text. */
export function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split('\n')) {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    const section = /^\[\s*([^\]]+?)\s*\]$/.exec(line)?.[1];
    if (section !== undefined) inOrigin = /^remote\s+"origin"$/.test(section);
    const url = inOrigin ? /^url\s*=\s*(.+)$/.exec(line)?.[1] : undefined;
    if (url) return url.replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** Commit, its time and the origin of the checkout `start` is in, read from `.git` without running git. */
export function readGitFacts(start: string, files: GitFiles): GitFacts {
  const dirs = findGitDirs(start, files);
  if (!dirs) return {};
  const revision = headCommit(dirs, files);
  const committedAt = revision ? commitTime(join(dirs.commonDir, 'objects'), revision, files) : undefined;
  const remote = originUrl(text(files, join(dirs.commonDir, 'config')) ?? '');
  const source = remote ? webUrl(remote) : undefined;
  return { ...(revision && { revision }), ...(committedAt && { committedAt }), ...(source && { source }) };
}
