import { join } from 'node:path';
import type { Arch } from '../../core/platform';
import { ociPlatform } from '../../core/platform';
import { parseServerArch } from '../docker/server';

/** The probe's name in its output: the file each platform's build writes, and the stage that writes it. */
export const PROBE_FILE = 'native';

/**
 * A build that asks the node a platform is sent to what it runs natively: `BUILDPLATFORM` is BuildKit's own platform
 * (its worker's first), and `uname -m` in a stage pinned to it is the kernel's machine, whatever BuildKit believes.
 */
export function nativeProbeDockerfile(): string {
  return [
    'ARG PROBE_IMAGE',
    'FROM --platform=$BUILDPLATFORM ${PROBE_IMAGE} AS probe',
    'ARG BUILDPLATFORM',
    'ARG TARGETPLATFORM',
    `RUN printf '%s %s %s\\n' "$TARGETPLATFORM" "$BUILDPLATFORM" "$(uname -m)" > /${PROBE_FILE}`,
    'FROM scratch',
    `COPY --from=probe /${PROBE_FILE} /`,
    '',
  ].join('\n');
}

/** One build for all the platforms: buildx sends each to the node declared for it (docker/buildx#1561). */
export function nativeProbeArgs(builder: string, platforms: readonly Arch[], image: string, dir: string): string[] {
  return [
    'buildx',
    'build',
    '--builder',
    builder,
    '--platform',
    platforms.map(ociPlatform).join(','),
    '--build-arg',
    `PROBE_IMAGE=${image}`,
    // A node replaced behind the same address must be asked again, not answered from its predecessor's cache.
    '--no-cache',
    '--progress',
    'plain',
    '--output',
    `type=local,dest=${join(dir, 'out')}`,
    '--file',
    join(dir, 'Dockerfile'),
    dir,
  ];
}

/** Where the local exporter leaves a platform's file: a directory per platform only when there are several. */
export function probeOutputFile(dir: string, arch: Arch, platforms: readonly Arch[]): string {
  return platforms.length > 1 ? join(dir, 'out', `linux_${arch}`, PROBE_FILE) : join(dir, 'out', PROBE_FILE);
}

/** What one node answered for a platform sent to it. */
export interface NativeAnswer {
  /** BuildKit's own platform on that node (`BUILDPLATFORM`). */
  buildPlatform: string;
  /** `uname -m` there. */
  machine: string;
  /** The arch that machine runs natively; undefined for one this plugin does not build (e.g. riscv64). */
  native?: Arch;
}

/** Parses a probe file: `<TARGETPLATFORM> <BUILDPLATFORM> <uname -m>`. */
export function parseNativeAnswer(text: string): NativeAnswer | undefined {
  const [, buildPlatform, machine] = text.trim().split(/\s+/);
  if (!buildPlatform || !machine) return undefined;
  const native = parseServerArch(machine);
  return { buildPlatform, machine, ...(native && { native }) };
}
