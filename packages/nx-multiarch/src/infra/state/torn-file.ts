import { existsSync, renameSync } from 'node:fs';
import { basename } from 'node:path';

// Files this process set aside: until something writes them again, what they recorded is lost, which cache keys heed.
const setAside = new Set<string>();

/** Whether this process set `file` aside and nothing has written it since: its record is lost, not just absent. */
export function lostToTearing(file: string): boolean {
  return setAside.has(file) && !existsSync(file);
}

/**
 * Sets a state file that cannot be read aside (`<file>.torn-<time>`, kept for a look) and says so, once: whichever
 * process finds it first moves it, and every later reader finds no file, as on a first run. Torn files come from a
 * run killed while writing, a full disk or a hand edit; trusting one would skip a build nobody can vouch for.
 */
export function setAsideTorn(
  file: string,
  why: string,
  warn: (message: string) => void = (message) => console.warn(message),
): void {
  const aside = `${file}.torn-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // Another process set it aside first (or it is gone): that one said so.
  }
  setAside.add(file);
  warn(
    `nx-multiarch: ${file} could not be read (${why}); set aside as ${basename(aside)} and ignored: ` +
      'what it recorded is made again',
  );
}
