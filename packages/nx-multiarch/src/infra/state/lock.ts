import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PluginError } from '../../core/failure/errors';

export interface LockOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Test seam: whether a pid is alive. */
  isAlive?: (pid: number) => boolean;
  /** Hears once that this one has to wait. */
  onWait?: () => void;
}

function processAlive(pid: number): boolean {
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` holding an exclusive lock. A lock whose owner died is taken over, so a killed run never blocks the next.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let waited = false; ; waited = true) {
    const { owner } = tryLock(lockDir, options.isAlive);
    if (owner === undefined) break;
    if (Date.now() > deadline) {
      throw new PluginError(
        `timed out after ${options.timeoutMs / 1000} s waiting for ${lockDir} (held by pid ${owner})`,
      );
    }
    if (!waited) options.onWait?.();
    await sleep(options.pollMs ?? 200);
  }
  try {
    return await fn();
  } finally {
    unlock(lockDir);
  }
}

/**
 * Runs `fn` in one of `limit` slots shared by every process using `dir` (parallel Nx tasks are processes):
 * at most `limit` run at once, the others wait. `onWait` hears once that this one has to.
 */
export async function withSlot<T>(dir: string, limit: number, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let waited = false;
  for (;;) {
    for (let slot = 0; slot < limit; slot++) {
      const lockDir = `${dir}/slot-${slot}`;
      if (tryLock(lockDir, options.isAlive).owner !== undefined) continue;
      try {
        return await fn();
      } finally {
        unlock(lockDir);
      }
    }
    if (Date.now() > deadline) {
      throw new PluginError(
        `timed out after ${options.timeoutMs / 1000} s waiting for one of ${limit} slots in ${dir}`,
      );
    }
    if (!waited) options.onWait?.();
    waited = true;
    await sleep(options.pollMs ?? 200);
  }
}
