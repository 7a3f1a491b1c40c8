import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PluginError } from '../errors';

export interface LockOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Test seam: whether a pid is alive. */
  isAlive?: (pid: number) => boolean;
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
 * Runs `fn` holding an exclusive lock: a directory (mkdir is atomic) with the owner's pid inside.
 * A lock whose owner died is taken over, so a killed run never blocks the next one.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const isAlive = options.isAlive ?? processAlive;
  const deadline = Date.now() + options.timeoutMs;
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir, { recursive: false });
      writeFileSync(`${lockDir}/pid`, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(`${lockDir}/pid`, 'utf8'));
      } catch {
        // The owner is between mkdir and writing its pid: wait.
      }
      if (Number.isInteger(owner) && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new PluginError(
          `timed out after ${options.timeoutMs / 1000} s waiting for ${lockDir} (held by pid ${owner})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
