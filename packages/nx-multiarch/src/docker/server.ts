import { type Arch, ARCHES } from '../platform';

/** The Docker server's architecture (GOARCH: `amd64`, `arm64`): the daemon may run on another machine (DOCKER_HOST). */
export function serverArchArgs(): string[] {
  return ['version', '--format', '{{.Server.Arch}}'];
}

const UNAME: Record<string, Arch> = { x86_64: 'amd64', aarch64: 'arm64' };

/** The arch `docker version` printed, or undefined when it is none this plugin builds for. */
export function parseServerArch(stdout: string): Arch | undefined {
  const text = stdout.trim();
  if ((ARCHES as readonly string[]).includes(text)) return text as Arch;
  return UNAME[text];
}
