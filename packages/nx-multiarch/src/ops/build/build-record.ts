import { setAsideTorn } from '../../infra/state/torn-file';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PushedImage } from '../../cli/buildx/imagetools';
import type { LocalImage } from '../../cli/docker/image';
import { type Arch, ociPlatform } from '../../core/platform';

export type BuildStatus = 'built' | 'cached' | 'reused';

/**
 * What one (image, platform) build left: the task's Nx output, and the proof a later run checks before it
 * reuses the build instead of running it.
 */
export interface BuildRecord {
  project: string;
  image: string;
  ref: string;
  platform: string;
  source: 'dockerfile' | 'upstream';
  /** built: steps ran; cached: BuildKit reused every step; reused: nothing ran, the earlier result was still there. */
  status: BuildStatus;
  /** Local image ID (config digest) as the daemon reports it, when loaded. */
  imageId?: string;
  /** Manifest digest in the registry, when pushed. */
  digest?: string;
  /** The OCI layout written for dependents on a container builder, and the digest of the image in it. */
  layout?: { dir: string; digest: string };
  /** The images of other components it was built from (`--build-context` values, pinned by digest). */
  contexts?: string[];
  loaded: boolean;
  pushed: boolean;
  /** Nx's hash of the task's inputs when it was built (NX_TASK_HASH). */
  taskHash?: string;
  /** Reused from the registry, where another machine pushed it with the same inputs; no build ran here. */
  fromRegistry?: boolean;
  attempts: number;
  noCache: boolean;
  durationMs: number;
  finishedAt: string;
}

export const recordPath = (outputDir: string, image: string, arch: Arch) => `${outputDir}/${image}-${arch}.json`;

/**
 * Where later runs read a build's record: the state directory, which a restore from Nx's cache never writes over
 * (the Nx output may hold an older build's record). Keyed by the output's last two segments, `images/<project>`.
 */
export const ledgerDir = (stateDir: string, outputDir: string) =>
  join(stateDir, 'records', basename(dirname(outputDir)), basename(outputDir));

/** The records of one build target's output in the ledger, for these images and platforms. */
export function readLedger(dir: string, images: readonly string[], arches: readonly Arch[]): BuildRecord[] {
  if (!existsSync(dir)) return [];
  const wanted = new Set(images.flatMap((image) => arches.map((arch) => basename(recordPath(dir, image, arch)))));
  return readdirSync(dir)
    .filter((file) => wanted.has(file))
    .sort()
    .map((file) => readRecord(join(dir, file)))
    .filter((record): record is BuildRecord => record !== undefined);
}

/** Every image ID the ledger says a build loaded into the daemon: what one `docker inspect` checks per run. */
export function ledgerImageIds(stateDir: string): string[] {
  const root = join(stateDir, 'records');
  if (!existsSync(root)) return [];
  const entries = (dir: string, directories: boolean) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() === directories)
      .map((entry) => join(dir, entry.name));
  return entries(root, true)
    .flatMap((kind) => entries(kind, true))
    .flatMap((project) => entries(project, false).filter((file) => file.endsWith('.json')))
    .map(readRecord)
    .flatMap((record) => (record?.loaded && record.imageId ? [record.imageId] : []));
}

export function readRecord(file: string): BuildRecord | undefined {
  if (!existsSync(file)) return undefined;
  let record: Partial<BuildRecord> | null;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as Partial<BuildRecord> | null;
  } catch (error) {
    // A torn or hand-edited file: build again.
    setAsideTorn(file, `not JSON: ${(error as Error).message}`);
    return undefined;
  }
  if (typeof record?.ref === 'string' && typeof record.platform === 'string') return record as BuildRecord;
  setAsideTorn(file, 'not a build record: no ref or platform');
  return undefined;
}

export interface Wanted {
  ref: string;
  arch: Arch;
  taskHash?: string;
  load: boolean;
  push: boolean;
  /** Where an OCI layout for dependents is wanted. */
  layout?: string;
  /** The `--build-context` values this build would get. */
  contexts?: readonly string[];
}

/**
 * Why the image in the registry cannot stand in for this build, when this machine has no record of it (another CI
 * runner pushed it): it must be there, of this platform, labelled with the same inputs.
 */
export function registryRefusal(
  found: Found,
  wanted: { ref: string; arch: Arch; taskHash: string },
  label: string,
): string | undefined {
  const platform = ociPlatform(wanted.arch);
  if (!found.pushed) return `${wanted.ref} is not in the registry`;
  // The registry may add a variant (`linux/arm64/v8`).
  const key = found.pushed.platforms.find((p) => p === platform || p.startsWith(`${platform}/`));
  if (!key) return `${wanted.ref} in the registry is not ${platform}`;
  const inputs = found.pushed.labels?.[key]?.[label];
  if (inputs !== wanted.taskHash) return `${wanted.ref} in the registry was built from other inputs`;
  return undefined;
}

/** What is there now, looked up where the earlier build put it. */
export interface Found {
  local?: LocalImage;
  pushed?: PushedImage;
  /** Digest of the image in the OCI layout, when one is there. */
  layoutDigest?: string;
}

/**
 * Why the earlier build cannot stand in for this one, or undefined when it can. The rule: same Nx task hash, and
 * the very image it produced still where it was put (same image ID in the daemon, same digest in the registry).
 */
export function reuseRefusal(previous: BuildRecord | undefined, wanted: Wanted, found: Found): string | undefined {
  if (!previous) return 'no earlier build';
  if (!wanted.taskHash) return 'Nx gave no task hash';
  if (previous.taskHash !== wanted.taskHash) return 'inputs changed';
  if (previous.ref !== wanted.ref || previous.platform !== ociPlatform(wanted.arch)) return 'another image';
  if (wanted.load) {
    if (!previous.loaded || !previous.imageId) return 'it was not loaded';
    if (!found.local) return `${wanted.ref} is no longer in the daemon`;
    if (found.local.id !== previous.imageId) return `${wanted.ref} now names another image`;
  }
  if (wanted.push) {
    if (!previous.pushed || !previous.digest) return 'it was not pushed';
    if (!found.pushed) return `${wanted.ref} is no longer in the registry`;
    if (found.pushed.digest !== previous.digest) return `${wanted.ref} in the registry now names another image`;
  }
  if (wanted.layout) {
    if (!previous.layout || !found.layoutDigest) return `its image for dependents is not at ${wanted.layout}`;
    if (found.layoutDigest !== previous.layout.digest) return `${wanted.layout} now holds another image`;
  }
  if ((previous.contexts ?? []).join('\n') !== (wanted.contexts ?? []).join('\n')) {
    return 'the images of other components it is built from changed';
  }
  return undefined;
}
