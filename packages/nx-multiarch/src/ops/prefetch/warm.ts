import type { BuilderState } from '../../infra/state/builder-state';
import { type Arch, ociPlatform } from '../../core/platform';

/** Where builds look for base images, so where prefetch puts them. */
export type WarmTarget =
  /** The `docker` driver: BuildKit inside dockerd uses the daemon's image store. */
  | { kind: 'daemon'; builder?: string }
  /** docker-container / remote: BuildKit's own store, which `docker pull` never reaches. */
  | { kind: 'builder'; builder: string };

export function describeTarget(target: WarmTarget): string {
  return target.kind === 'daemon'
    ? `the Docker daemon's image store${target.builder ? ` (builder ${target.builder}, docker driver)` : ''}`
    : `the build cache of builder ${target.builder}`;
}

/** The Dockerfile of a warm-up build: nothing but the image, so the build only fetches it. */
export function warmDockerfile(ref: string): string {
  return `FROM ${ref}\n`;
}

/**
 * A cache-only build of `FROM <ref>` on a container builder: without an exporter the result must be in the
 * build cache when the build returns, so its layers are fetched (https://github.com/docker/buildx/issues/1099).
 */
export function warmBuildArgs(builder: string, arch: Arch, contextDir: string): string[] {
  return [
    'buildx',
    'build',
    '--builder',
    builder,
    '--platform',
    ociPlatform(arch),
    '--output',
    'type=cacheonly',
    '--progress',
    'plain',
    '--file',
    `${contextDir}/Dockerfile`,
    contextDir,
  ];
}

/**
 * From a warm-up build's plain progress: `present` when its FROM step was CACHED (the builder had the image),
 * `fetched` when the step ran, undefined when there is no FROM step in the output.
 */
export function warmResult(progress: string): 'present' | 'fetched' | undefined {
  const lines = progress.split(/\r?\n/);
  const step = lines.map((line) => /^#(\d+) \[[^\]]*\] FROM /.exec(line)?.[1]).find((id) => id !== undefined);
  if (step === undefined) return undefined;
  if (lines.some((line) => line.trim() === `#${step} CACHED`)) return 'present';
  return lines.some((line) => line.startsWith(`#${step} DONE`)) ? 'fetched' : undefined;
}

/** Builds use the builder builder-setup recorded; without one, buildx's default (the daemon's docker driver). */
export function warmTargetOf(builder: Pick<BuilderState, 'name' | 'driver'> | undefined): WarmTarget {
  if (!builder) return { kind: 'daemon' };
  return builder.driver === 'docker'
    ? { kind: 'daemon', builder: builder.name }
    : { kind: 'builder', builder: builder.name };
}
