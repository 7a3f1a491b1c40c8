import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import { type Look, poll } from '../retry/poll';

export interface LockOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Test seam: whether a pid is alive. */
  isAlive?: (pid: number) => boolean;
  /** Hears once that this one has to wait. */
  onWait?: () => void;
}

/** Whether `pid` still runs (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock if it is free (or its owner died): a directory (mkdir is atomic) with the owner's pid inside.
 * Returns the pid of a live owner when it is taken.
 */
export function tryLock(lockDir: string, isAlive: (pid: number) => boolean = processAlive): { owner?: number } {
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir, { recursive: false });
      writeFileSync(`${lockDir}/pid`, String(process.pid));
      return {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(`${lockDir}/pid`, 'utf8'));
      } catch {
        // The owner is between mkdir and writing its pid: taken.
      }
      if (Number.isInteger(owner) && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      return { owner };
    }
  }
}

export function unlock(lockDir: string): void {
  rmSync(lockDir, { recursive: true, force: true });
}

/** Runs `fn` in the lock it was given, and lets go of it however `fn` ends. */
async function holding<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    unlock(lockDir);
  }
}

const pollOptions = (options: LockOptions) => ({
  timeoutMs: options.timeoutMs,
  intervalMs: options.pollMs ?? 200,
  onWait: options.onWait,
});

/**
 * Runs `fn` holding an exclusive lock. A lock whose owner died is taken over, so a killed run never blocks the next.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const held = await poll(
    (): Look<string, number> => {
      const { owner } = tryLock(lockDir, options.isAlive);
      return owner === undefined ? { ready: true, value: lockDir } : { ready: false, pending: owner };
    },
    (owner) =>
      new PluginError(`timed out after ${options.timeoutMs / 1000} s waiting for ${lockDir} (held by pid ${owner})`),
    pollOptions(options),
  );
  return holding(held, fn);
}

/**
 * Runs `fn` in one of `limit` slots shared by every process using `dir` (parallel Nx tasks are processes):
 * at most `limit` run at once, the others wait. `onWait` hears once that this one has to.
 */
export async function withSlot<T>(dir: string, limit: number, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const held = await poll(
    (): Look<string, undefined> => {
      for (let slot = 0; slot < limit; slot++) {
        const lockDir = `${dir}/slot-${slot}`;
        if (tryLock(lockDir, options.isAlive).owner === undefined) return { ready: true, value: lockDir };
      }
      return { ready: false, pending: undefined };
    },
    () => new PluginError(`timed out after ${options.timeoutMs / 1000} s waiting for one of ${limit} slots in ${dir}`),
    pollOptions(options),
  );
  return holding(held, fn);
}
