import { PluginError } from '../../core/failure/errors';

export interface BuildxVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed, e.g. `0.13.1+ds1` or `v0.30.0-desktop.1`. */
  raw: string;
}

export function buildxVersionArgs(): string[] {
  return ['buildx', 'version'];
}

/** Parses `docker buildx version`: `github.com/docker/buildx v0.29.1 <commit>` or Debian's `0.13.1+ds1 0.13.1+ds1-3`. */
export function parseBuildxVersion(stdout: string): BuildxVersion {
  const match = /buildx\s+v?((\d+)\.(\d+)\.(\d+)\S*)/.exec(stdout);
  if (!match) throw new PluginError(`cannot read the buildx version from: ${stdout.trim().slice(0, 200)}`);
  return { raw: match[1], major: Number(match[2]), minor: Number(match[3]), patch: Number(match[4]) };
}

export function atLeast(version: BuildxVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** `--config` was renamed `--buildkitd-config` in buildx 0.13 (the old name stays as a hidden alias). */
export function buildkitdConfigFlag(version: BuildxVersion): string {
  return atLeast(version, 0, 13) ? '--buildkitd-config' : '--config';
}
