import { setAsideTorn } from '../../infra/state/torn-file';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Arch } from '../../core/platform';
import { writeFileAtomic } from '../../infra/state/atomic-file';
import { withLock } from '../../infra/state/lock';

/**
 * The image id each (image, platform) resolved to when prefetch last fetched it. A tag in the daemon's classic
 * store names one platform only: after `pull --platform linux/arm64`, the amd64 image is still there but untagged,
 * and BuildKit still uses it (it resolves the tag to that id). Only the id finds it again.
 */
const recordSchema = z.object({ version: z.literal(1), images: z.record(z.string(), z.string()) });

export type PrefetchRecord = Record<string, string>;

export const recordPath = (stateDir: string) => `${stateDir}/prefetch.json`;
export const recordKey = (ref: string, arch: Arch) => `${ref}|linux/${arch}`;

/** What earlier runs recorded; an unreadable or foreign file counts as empty (it is only a shortcut). */
export function readPrefetchRecord(stateDir: string): PrefetchRecord {
  const file = recordPath(stateDir);
  if (!existsSync(file)) return {};
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data.images : {};
  } catch (error) {
    setAsideTorn(file, `not JSON: ${(error as Error).message}`);
    return {};
  }
}

/** Merges `updates` into the record; parallel runs serialize on a lock so none loses another's entries. */
export async function updatePrefetchRecord(stateDir: string, updates: PrefetchRecord): Promise<void> {
  if (Object.keys(updates).length === 0) return;
  await withLock(
    `${stateDir}/prefetch.lock`,
    async () => {
      const images = { ...readPrefetchRecord(stateDir), ...updates };
      writeFileAtomic(recordPath(stateDir), `${JSON.stringify({ version: 1, images }, null, 2)}\n`);
    },
    { timeoutMs: 30_000 },
  );
}
