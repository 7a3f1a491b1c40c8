import { imagetoolsInspectArgs, parsePushedImage } from '../../cli/buildx/imagetools';
import { docker } from '../../cli/docker/cli';
import { inspectImageArgs, parseImageInspect } from '../../cli/docker/image';
import { CommandError } from '../../core/failure/errors';
import type { Found } from './build-record';
import { readLayoutDigest } from './produced';

/** Limit for quick daemon and registry commands (inspect, tag): they move no layers. */
export const LOOKUP_TIMEOUT_MS = 60_000;

/** Where a build puts its image: the daemon, the registry, an OCI layout. */
export interface ImagePlaces {
  ref: string;
  load: boolean;
  push: boolean;
  layout?: string;
}

async function lookUp(args: string[], env: Record<string, string | undefined>): Promise<string | undefined> {
  try {
    return (await docker(args, { timeoutMs: LOOKUP_TIMEOUT_MS, env })).stdout;
  } catch (error) {
    if (error instanceof CommandError) return undefined;
    throw error;
  }
}

/** What is there now in each place the build puts its image; a place that does not answer has nothing. */
export async function findImage(
  places: ImagePlaces,
  builder: string | undefined,
  env: Record<string, string | undefined>,
): Promise<Found> {
  const local = places.load ? await lookUp(inspectImageArgs(places.ref), env) : undefined;
  const pushed = places.push ? await lookUp(imagetoolsInspectArgs(places.ref, builder), env) : undefined;
  const layoutDigest = places.layout ? readLayoutDigest(places.layout) : undefined;
  return {
    ...(local !== undefined && { local: parseImageInspect(local) }),
    ...(pushed !== undefined && { pushed: parsePushedImage(pushed, places.ref) }),
    ...(layoutDigest && { layoutDigest }),
  };
}
