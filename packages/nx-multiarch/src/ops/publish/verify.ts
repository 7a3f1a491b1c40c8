import type { IndexEntry, PushedImage } from '../../cli/buildx/imagetools';
import { VerificationError } from '../../core/failure/errors';
import { type Arch, ociPlatform } from '../../core/platform';

const INDEX_TYPES = [
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
];

/** arm64 images may declare their variant (`linux/arm64/v8`). */
export function isPlatformOf(platform: string, arch: Arch): boolean {
  const want = ociPlatform(arch);
  return platform === want || platform.startsWith(`${want}/`);
}

/** One platform the index must list, and the image manifest it must point at. */
export interface ExpectedEntry {
  arch: Arch;
  digest: string;
}

/**
 * The image manifest a pushed per-arch tag stands for in an index: the tag's own manifest, or the one image of the
 * index buildx pushes with provenance. Anything that is not exactly one `arch` image is refused: an index must never
 * point arm64 users at amd64 bytes.
 */
export function platformManifest(pushed: PushedImage, ref: string, arch: Arch): string {
  const want = ociPlatform(arch);
  const wrong = pushed.platforms.filter((platform) => !isPlatformOf(platform, arch));
  if (pushed.platforms.length === 0 || wrong.length > 0) {
    const found = pushed.platforms.join(', ') || 'no platform';
    throw new VerificationError(`${ref} in the registry is ${found}, not ${want}`);
  }
  if (pushed.entries.length === 0) return pushed.digest;
  const others = pushed.entries.filter((entry) => !isPlatformOf(entry.platform, arch));
  if (others.length > 0 || pushed.entries.length !== 1) {
    const listed = pushed.entries.map((entry) => entry.platform).join(', ');
    throw new VerificationError(`${ref} in the registry is an index of ${listed}, not one ${want} image`);
  }
  return pushed.entries[0].digest;
}

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

/** `linux/amd64 2ee5d689801d, linux/arm64 9a7180c8897c` */
export function describeEntries(entries: readonly IndexEntry[]): string {
  return entries.map((entry) => `${entry.platform} ${short(entry.digest)}`).join(', ') || 'no images';
}

/**
 * What keeps `pushed` from being exactly the index of `expected`: one entry per platform, each pointing at the image
 * manifest that was pushed for it, and nothing else (attestation manifests are not images and do not count).
 * Empty when it is that index.
 */
export function indexProblems(pushed: PushedImage | undefined, expected: readonly ExpectedEntry[]): string[] {
  if (!pushed) return ['it is not in the registry'];
  if (!INDEX_TYPES.includes(pushed.mediaType)) {
    return [`it is a single image (${pushed.platforms.join(', ') || pushed.mediaType}), not an index`];
  }
  const problems: string[] = [];
  for (const { arch, digest } of expected) {
    const listed = pushed.entries.filter((entry) => isPlatformOf(entry.platform, arch));
    if (listed.length === 0) problems.push(`it has no ${ociPlatform(arch)} image`);
    else if (listed.length > 1) problems.push(`it lists ${listed.length} ${ociPlatform(arch)} images`);
    else if (listed[0].digest !== digest) {
      const other = expected.find((e) => e.digest === listed[0].digest);
      problems.push(
        `its ${ociPlatform(arch)} entry points at ${short(listed[0].digest)}` +
          (other ? `, the ${ociPlatform(other.arch)} image` : '') +
          `, not the ${short(digest)} pushed for ${ociPlatform(arch)}`,
      );
    }
  }
  const extra = pushed.entries.filter((entry) => !expected.some((e) => isPlatformOf(entry.platform, e.arch)));
  if (extra.length > 0) problems.push(`it also lists ${describeEntries(extra)}`);
  return problems;
}
