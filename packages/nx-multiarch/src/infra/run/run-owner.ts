import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file';
import { runRecordPath, runsDir } from './run-dir';

/** Who claimed a run directory: how a later run tells a run still going from one that was killed. */
export interface RunOwner {
  pid: number;
  host: string;
  argv: string[];
  startTime: number;
}

/**
 * The pid whose end means the run ended: the Nx CLI's. Hooks run in an isolated plugin worker by default, which Nx
 * spawns detached (its own process group) and which outlives a killed CLI for as long as it takes to notice.
 */
export function runOwnerPid(argv: readonly string[], pid: number, ppid: number): number {
  return argv.slice(1).some((arg) => /^plugin-worker\.[jt]s$/.test(basename(arg))) ? ppid : pid;
}

const ownerPath = (dir: string) => join(dir, 'owner.json');

export function writeRunOwner(dir: string, owner: RunOwner): void {
  writeFileAtomic(ownerPath(dir), `${JSON.stringify(owner)}\n`);
}

/**
 * The run directories of runs killed before they were recorded (SIGKILL, an OOM kill, a lost terminal): no record,
 * and the process that claimed it, on this host, is gone. A torn owner file counts as no owner (left for pruneRuns).
 */
export function killedRuns(
  stateDir: string,
  host: string,
  isAlive: (pid: number) => boolean,
): Array<{ id: string; dir: string; owner: RunOwner }> {
  const dir = runsDir(stateDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !existsSync(runRecordPath(join(dir, entry.name))))
    .flatMap((entry) => {
      try {
        const owner = JSON.parse(readFileSync(ownerPath(join(dir, entry.name)), 'utf8')) as RunOwner;
        if (owner.host !== host || !Number.isInteger(owner.pid) || isAlive(owner.pid)) return [];
        return [{ id: entry.name, dir: join(dir, entry.name), owner }];
      } catch {
        return [];
      }
    });
}
