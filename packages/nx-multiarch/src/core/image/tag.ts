import { z } from 'zod';
import type { Arch } from '../platform';

export interface ImageNaming {
  /** Registry host[:port][/path] to prefix, e.g. `127.0.0.1:5000`; empty for local-only images. */
  registry: string;
  /** Prefix of every image name, e.g. `acme/` or `platform-`. */
  imagePrefix: string;
  tag: string;
}

/** `<registry>/<prefix><name>` — one scheme for every image (the old script wrote it two ways). */
export function imageRepository(naming: ImageNaming, name: string): string {
  const registry = naming.registry.replace(/\/+$/, '');
  return `${registry ? `${registry}/` : ''}${naming.imagePrefix}${name}`;
}

/** The per-arch tag: `<registry>/<prefix><name>:<tag>-<arch>`. */
export function archTag(naming: ImageNaming, name: string, arch: Arch): string {
  return `${imageRepository(naming, name)}:${naming.tag}-${arch}`;
}

/** More tags: a list, or one string with commas (`--tags=1.4,sha-3f2a1c` on the command line). */
export const extraTagsSchema = z.union([z.string(), z.array(z.string())]).default([]);

export function splitTags(tags: string | readonly string[]): string[] {
  const list = (typeof tags === 'string' ? [tags] : tags).flatMap((t) => t.split(',')).map((t) => t.trim());
  return [...new Set(list.filter(Boolean))];
}
