import { ConfigError } from './failure/errors';

export const ARCHES = ['amd64', 'arm64'] as const;
export type Arch = (typeof ARCHES)[number];

/** The OCI platform string buildx and the registry use for an arch. */
export function ociPlatform(arch: Arch): string {
  return `linux/${arch}`;
}

/**
 * Accepts `arm64`, `linux/arm64`, `amd64,arm64` or a list of those; returns unique arches in the order given.
 * `source` and `field` name where the value came from, for the error message.
 */
export function parsePlatforms(value: string | readonly string[], source: string, field = 'platform'): Arch[] {
  const items = (typeof value === 'string' ? [value] : value)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.length === 0) {
    throw new ConfigError(
      source,
      field,
      'no platform given',
      `use one of ${ARCHES.join(', ')} (or a comma-separated list)`,
    );
  }
  const arches: Arch[] = [];
  for (const item of items) {
    const arch = item.replace(/^linux\//, '');
    if (!(ARCHES as readonly string[]).includes(arch)) {
      throw new ConfigError(
        source,
        field,
        `unknown platform '${item}'`,
        `use one of ${ARCHES.join(', ')}, linux/amd64, linux/arm64, or a comma-separated list such as amd64,arm64`,
      );
    }
    if (!arches.includes(arch as Arch)) arches.push(arch as Arch);
  }
  return arches;
}

/** The platforms asked for (`--platform`) split into those of the component and the others, in the order asked. */
export function ownPlatforms(asked: readonly Arch[], own: readonly Arch[] | undefined): { built: Arch[]; not: Arch[] } {
  const has = (arch: Arch) => own === undefined || own.includes(arch);
  return { built: asked.filter(has), not: asked.filter((arch) => !has(arch)) };
}

/** The build machine's arch: what runs without emulation. */
export function nativeArch(): Arch {
  return process.arch === 'arm64' ? 'arm64' : 'amd64';
}
