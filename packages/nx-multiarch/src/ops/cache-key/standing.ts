import type { DaemonObjects } from '../../cli/docker/objects';
import { familiarRef, qualifiedRef } from '../../core/image/reference';
import type { BuilderState } from '../../infra/state/builder-state';
import type { BuildRecord } from '../build/build-record';

/**
 * Whether what earlier runs recorded is still where they put it. Nx's cache may vouch for a task only when it is;
 * nothing recorded (the first run here) stands too, since nothing is claimed.
 */
export type Standing = { ok: true } | { ok: false; why: string };

const STANDS: Standing = { ok: true };
const fallen = (why: string): Standing => ({ ok: false, why });
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** A build's recorded images: each loaded one still in the daemon under its tag, each layout still holding it. */
export function imagesStanding(
  records: readonly BuildRecord[],
  daemon: DaemonObjects | undefined,
  layoutDigest: (dir: string) => string | undefined,
): Standing {
  for (const record of records) {
    // A registry is not asked here (one call per image): the build task checks a pushed image itself.
    if (record.pushed) return fallen(`${record.ref} was pushed; the build checks the registry itself`);
    if (record.loaded) {
      if (!daemon) return fallen('the daemon did not answer');
      const tags = record.imageId ? daemon.images.get(record.imageId) : undefined;
      if (!record.imageId || !tags) return fallen(`${record.ref} (${short(record.imageId ?? '?')}) left the daemon`);
      if (!tags.includes(familiarRef(qualifiedRef(record.ref)))) return fallen(`${record.ref} names another image`);
    }
    if (record.layout && layoutDigest(record.layout.dir) !== record.layout.digest) {
      return fallen(`${record.layout.dir} no longer holds ${record.ref}`);
    }
  }
  return STANDS;
}

/** The container a docker-container builder's first node runs in (buildx names it so). */
export const builderContainer = (name: string) => `buildx_buildkit_${name}0`;

/** The builder builder-setup recorded: still known to buildx and, on docker-container, the very container it made. */
export function builderStanding(
  state: BuilderState | undefined,
  daemon: DaemonObjects | undefined,
  instanceExists: (name: string) => boolean,
): Standing {
  if (!state || state.driver === 'docker') return STANDS;
  if (!instanceExists(state.name)) return fallen(`builder ${state.name} was removed`);
  // Without a recorded container (not bootstrapped) buildx makes one when a build needs it.
  if (state.driver !== 'docker-container' || !state.containerId) return STANDS;
  if (!daemon) return fallen('the daemon did not answer');
  const container = daemon.containers.get(builderContainer(state.name));
  if (!container) return fallen(`the BuildKit container of builder ${state.name} is gone`);
  if (container.id !== state.containerId) {
    return fallen(`the BuildKit container of builder ${state.name} was replaced`);
  }
  return STANDS;
}

/** Base images prefetch recorded in the daemon (by image ID: a tag names one platform only) still there. */
export function prefetchStanding(
  recorded: Readonly<Record<string, string>>,
  keys: readonly string[],
  daemon: DaemonObjects | undefined,
): Standing {
  for (const key of keys) {
    const id = recorded[key];
    if (id === undefined) continue;
    if (!daemon) return fallen('the daemon did not answer');
    if (!daemon.images.has(id)) return fallen(`${key} (${short(id)}) left the daemon`);
  }
  return STANDS;
}
