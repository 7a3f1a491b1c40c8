import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ID_FILE = 'workspace-id';

/**
 * A random id for this state directory, made the first time it is asked for. Nx's cache keys carry it: a cache
 * shared with another machine, or kept after the state directory was removed, never vouches for images recorded here.
 */
export function workspaceId(stateDir: string): string {
  const file = join(stateDir, ID_FILE);
  const read = () => (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  const found = read();
  if (found) return found;
  mkdirSync(stateDir, { recursive: true });
  // `wx`: when two processes race, the first one's id stands and the other reads it; an empty file is replaced.
  const id = randomUUID();
  try {
    writeFileSync(file, `${id}\n`, { flag: found === '' ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return read() || id;
}
