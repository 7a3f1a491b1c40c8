import type { PushedImage } from '../../cli/buildx/imagetools';
import { type LocalImage, verifyImagePlatform } from '../../cli/docker/image';
import { VerificationError } from '../../core/failure/errors';
import { type Arch, ociPlatform } from '../../core/platform';
import type { Claim } from './claim';
import type { ImagePlaces } from './lookup';
import type { Found } from './build-record';

/**
 * The registry holds, under the tag, what this build pushed, for this platform. BuildKit pushes either a plain
 * manifest (docker driver) or an index of the image and its attestation manifests (container builders, provenance
 * on by default), and reports either the index digest or the platform manifest inside it: both prove the push.
 */
export function verifyPushed(pushed: PushedImage | undefined, ref: string, arch: Arch, digest?: string): void {
  if (!pushed) throw new VerificationError(`${ref} was pushed, but the registry does not have it`);
  // arm64 configs may carry the variant (`linux/arm64/v8`).
  const want = ociPlatform(arch);
  const isWanted = (platform: string) => platform === want || platform.startsWith(`${want}/`);
  if (digest && pushed.digest !== digest && !pushed.entries.some((e) => e.digest === digest && isWanted(e.platform))) {
    const inside = pushed.entries.length > 0 ? ` (an index of ${pushed.entries.map((e) => e.digest).join(', ')})` : '';
    throw new VerificationError(
      `${ref} in the registry is ${pushed.digest}${inside}, not the ${digest} this build pushed`,
    );
  }
  if (!pushed.platforms.some(isWanted)) {
    throw new VerificationError(
      `${ref} in the registry is for ${pushed.platforms.join(', ') || 'no platform'}, not ${ociPlatform(arch)}`,
    );
  }
}

/** The image the tag names now is the one this build wrote (not an older one with the same tag). */
export function verifyLoaded(local: LocalImage | undefined, ref: string, arch: Arch, imageId?: string): LocalImage {
  if (!local) throw new VerificationError(`${ref} was built, but the daemon does not have it`);
  verifyImagePlatform(local, ref, arch);
  if (imageId && local.id !== imageId) {
    throw new VerificationError(`${ref} in the daemon is ${local.id}, not the ${imageId} this build wrote`);
  }
  return local;
}

/** Every place the build put its image holds what the build claims it wrote; returns the IDs found there. */
export function verifyFound(places: ImagePlaces, found: Found, arch: Arch, claim: Claim): Claim {
  let { imageId, digest } = claim;
  if (places.load) imageId = verifyLoaded(found.local, places.ref, arch, imageId).id;
  if (places.push) {
    verifyPushed(found.pushed, places.ref, arch, digest);
    digest = found.pushed?.digest;
  }
  if (places.layout && !found.layoutDigest) {
    throw new VerificationError(`${places.ref}: buildx wrote no OCI layout at ${places.layout} for its dependents`);
  }
  return { ...(imageId && { imageId }), ...(digest && { digest }) };
}
