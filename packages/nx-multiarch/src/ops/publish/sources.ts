import type { NormalizedManifestOptions } from '../../core/options/manifest';
import { type Arch, ociPlatform } from '../../core/platform';
import type { Registry } from './registry';
import { type ExpectedEntry, platformManifest } from './verify';

/** Where one component image's per-arch pushes are, as push-image recorded them. */
export interface ArchSource {
  arch: Arch;
  /** The per-arch tag (`<repo>:<tag>-<arch>`). */
  ref: string;
  recordFile: string;
  /** The manifest digest push-image pushed; undefined when nothing pushed was recorded. */
  digest?: string;
  /** Why there is no digest. */
  absent?: string;
}

/**
 * The recorded pushes the registry still has, each checked to be its platform, with the image manifest the index
 * must point at for it. A push the registry lost gets its `absent` reason.
 */
export async function presentSources(
  registry: Pick<Registry, 'inspect'>,
  sources: readonly ArchSource[],
  refs: readonly string[],
): Promise<{ present: ArchSource[]; expected: ExpectedEntry[] }> {
  const expected: ExpectedEntry[] = [];
  const present: ArchSource[] = [];
  for (const [i, source] of sources.entries()) {
    if (!source.digest) continue;
    const pushed = await registry.inspect(refs[i]);
    if (!pushed) {
      source.absent = `${refs[i]} (pushed as ${source.ref}) is no longer in the registry`;
      continue;
    }
    expected.push({ arch: source.arch, digest: platformManifest(pushed, source.ref, source.arch) });
    present.push(source);
  }
  return { present, expected };
}

/** Which platforms the index lacks and why, and the command that pushes them. */
export function missingMessage(options: NormalizedManifestOptions, missing: ArchSource[]): string {
  const notBuilt = missing.filter((s) => !options.builtNow.includes(s.arch)).map((s) => s.arch);
  return (
    `the index needs ${missing.map((s) => `${ociPlatform(s.arch)}, which was not pushed (${s.absent})`).join('; ')}. ` +
    `Fix: nx run ${options.project}:push-image --platform=${missing.map((s) => s.arch).join(',')}` +
    (notBuilt.length > 0 ? ` (this run built only ${options.builtNow.join(',')}: --platform)` : '') +
    (options.partial ? '' : ', or allow an index without it: --partial')
  );
}
