import { ConfigError } from '../failure/errors';
import type { Arch } from '../platform';
import { type ImageNaming, imageRepository } from './tag';

/**
 * BuildKit's cache outside the builder, so an ephemeral CI machine starts warm: `--cache-from` / `--cache-to` per
 * image and platform. https://docs.docker.com/build/cache/backends/
 */
export interface CacheSettings {
  /** Import from and export to `<registry>/<prefix><name>:buildcache-<arch>` (mode=max). */
  registryCache: boolean;
  cacheMode: 'min' | 'max';
  /** buildx `--cache-from` values; `{image}`, `{arch}`, `{registry}`, `{repository}` are filled per build. */
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
}

export interface CacheFlags {
  from: string[];
  to: string[];
  /** Said once per task: what the driver cannot do, and what is used instead. */
  note?: string;
}

const PLACEHOLDER = /\{(image|arch|registry|repository)\}/g;

function fill(value: string, values: Record<string, string>, source: string, field: string): string {
  const unknown = [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).filter((name) => !(name in values));
  if (unknown.length > 0) {
    throw new ConfigError(
      source,
      field,
      `${value} has unknown placeholder(s) ${unknown.map((n) => `{${n}}`).join(', ')}`,
      'use {image}, {arch}, {registry} or {repository}',
    );
  }
  return value.replace(PLACEHOLDER, (_, name: string) => values[name]);
}

// The docker driver exports only inline cache: `cache export feature is currently not supported for docker driver`.
const exportsOnDocker = (value: string) => /^type=inline(,|$)/.test(value);

/** The cache flags of one build of `image` for `arch` on `driver`. */
export function cacheFlags(
  settings: CacheSettings,
  naming: ImageNaming,
  image: string,
  arch: Arch,
  driver: 'docker' | 'docker-container' | 'remote',
  source: string,
): CacheFlags {
  const repository = imageRepository(naming, image);
  const values = { image, arch, registry: naming.registry, repository };
  const from = settings.cacheFrom.map((v) => fill(v, values, source, 'cacheFrom'));
  const to = settings.cacheTo.map((v) => fill(v, values, source, 'cacheTo'));
  if (settings.registryCache) {
    if (!naming.registry) {
      throw new ConfigError(
        source,
        'registryCache',
        'needs a registry to keep the cache in',
        'set registry (plugin option or --registry), or give cacheFrom/cacheTo',
      );
    }
    const ref = `${repository}:buildcache-${arch}`;
    from.unshift(`type=registry,ref=${ref}`);
    to.unshift(`type=registry,ref=${ref},mode=${settings.cacheMode}`);
  }
  if (driver !== 'docker' || to.every(exportsOnDocker)) return { from, to };
  const dropped = to.filter((v) => !exportsOnDocker(v));
  return {
    from,
    to: [...new Set([...to.filter(exportsOnDocker), 'type=inline'])],
    note:
      `the docker driver cannot export ${dropped.join(', ')}: exporting type=inline instead (cache in the image ` +
      'itself, mode=min); a docker-container builder (builder-setup driver) exports registry caches',
  };
}
