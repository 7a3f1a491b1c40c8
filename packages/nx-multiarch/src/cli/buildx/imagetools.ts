import { z } from 'zod';
import { PluginError } from '../../core/failure/errors';

/** argv to read a pushed image from its registry (manifest digest and the config of each platform). */
export function imagetoolsInspectArgs(ref: string, builder?: string): string[] {
  return ['buildx', 'imagetools', 'inspect', ...(builder ? ['--builder', builder] : []), ref, '--format', '{{json .}}'];
}

/** argv that publishes one image index under every tag in `tags` from `sources` (per-arch refs or `repo@digest`). */
export function imagetoolsCreateArgs(
  tags: readonly string[],
  sources: readonly string[],
  builder?: string,
  dryRun = false,
): string[] {
  return [
    'buildx',
    'imagetools',
    'create',
    ...(builder ? ['--builder', builder] : []),
    ...(dryRun ? ['--dry-run'] : []),
    ...tags.flatMap((tag) => ['--tag', tag]),
    ...sources,
  ];
}

const descriptor = z
  .object({
    mediaType: z.string(),
    digest: z.string(),
    platform: z
      .object({ os: z.string(), architecture: z.string(), variant: z.string().optional() })
      .passthrough()
      .optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();
const config = z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).passthrough();
const inspectSchema = z
  .object({
    name: z.string(),
    manifest: z
      .object({ mediaType: z.string(), digest: z.string(), manifests: z.array(descriptor).optional() })
      .passthrough(),
    // One config for an image manifest; one per platform for an index (attestation manifests are left out).
    image: z.union([config, z.record(z.string(), config)]).optional(),
  })
  .passthrough();

export interface PushedImage {
  name: string;
  /** Digest of what the tag points at: a manifest, or an index. */
  digest: string;
  mediaType: string;
  /** `os/architecture[/variant]` of every image behind the tag. */
  platforms: string[];
  /** The image manifests an index lists, attestation manifests left out; empty for a single image manifest. */
  entries: IndexEntry[];
  /** How many attestation manifests (provenance, SBOM) the index carries beside its images. */
  attestations: number;
  /** The image config's labels, per `os/architecture[/variant]`. */
  labels?: Record<string, Record<string, string>>;
}

export interface IndexEntry {
  /** `os/architecture[/variant]` as the index declares it. */
  platform: string;
  digest: string;
  mediaType: string;
}

// buildx stores provenance and SBOMs as manifests with this annotation and the platform unknown/unknown.
const ATTESTATION_TYPE = 'vnd.docker.reference.type';
const UNKNOWN = 'unknown/unknown';

const platformText = (p: { os: string; architecture: string; variant?: string }) =>
  [p.os, p.architecture, p.variant].filter(Boolean).join('/');

const isAttestation = (d: z.infer<typeof descriptor>) =>
  d.annotations?.[ATTESTATION_TYPE] === 'attestation-manifest' || (d.platform && platformText(d.platform)) === UNKNOWN;

/** Parses `docker buildx imagetools inspect --format '{{json .}}'`. */
export function parsePushedImage(text: string, ref: string): PushedImage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PluginError(`imagetools inspect ${ref}: output is not JSON (${(error as Error).message})`);
  }
  const parsed = inspectSchema.safeParse(json);
  if (!parsed.success) throw new PluginError(`imagetools inspect ${ref}: unexpected output: ${parsed.error.message}`);
  const { name, manifest, image } = parsed.data;
  const configs: Array<z.infer<typeof config>> =
    image === undefined ? [] : 'architecture' in image ? [image as z.infer<typeof config>] : Object.values(image);
  const platforms = configs.map(platformText).filter((p) => p !== UNKNOWN);
  const listed = manifest.manifests ?? [];
  const entries = listed
    .filter((d) => !isAttestation(d))
    .map((d) => ({
      platform: d.platform ? platformText(d.platform) : UNKNOWN,
      digest: d.digest,
      mediaType: d.mediaType,
    }));
  const attestations = listed.length - entries.length;
  const labels = Object.fromEntries(
    configs.map((c) => [platformText(c), (c as { config?: { Labels?: Record<string, string> } }).config?.Labels ?? {}]),
  );
  return { name, digest: manifest.digest, mediaType: manifest.mediaType, platforms, entries, attestations, labels };
}
