import { z } from 'zod';
import { PluginError } from '../errors';

/** argv to read a pushed image from its registry (manifest digest and the config of each platform). */
export function imagetoolsInspectArgs(ref: string, builder?: string): string[] {
  return ['buildx', 'imagetools', 'inspect', ...(builder ? ['--builder', builder] : []), ref, '--format', '{{json .}}'];
}

const config = z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).passthrough();
const inspectSchema = z
  .object({
    name: z.string(),
    manifest: z.object({ mediaType: z.string(), digest: z.string() }).passthrough(),
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
}

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
  const configs = image === undefined ? [] : 'architecture' in image ? [image] : Object.values(image);
  const platforms = configs
    .map((c) => [c.os, c.architecture, c.variant].filter(Boolean).join('/'))
    .filter((p) => p !== 'unknown/unknown');
  return { name, digest: manifest.digest, mediaType: manifest.mediaType, platforms };
}
