import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

/** The few file operations the git readers need, injected so specs can hand them a fixture directory. */
export interface GitFiles {
  /** The file's bytes (or `length` bytes from `offset`); undefined when it is missing or not a file. */
  read(path: string, range?: { offset: number; length: number }): Buffer | undefined;
  /** Names in a directory; empty when it is missing. */
  list(dir: string): string[];
}

const absent = (error: unknown) =>
  ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

function readRange(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
  } finally {
    closeSync(fd);
  }
}

/** The real file system; a pack is read by ranges, never whole. */
export const diskGitFiles: GitFiles = {
  read(path, range) {
    try {
      return range ? readRange(path, range.offset, range.length) : readFileSync(path);
    } catch (error) {
      if (absent(error)) return undefined;
      throw error;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch (error) {
      if (absent(error)) return [];
      throw error;
    }
  },
};
