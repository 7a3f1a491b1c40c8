import { PluginError } from '../../core/failure/errors';
import { type Arch, ARCHES, nativeArch } from '../../core/platform';
import { docker } from './cli';

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

/** The Docker host's arch; this machine's when no daemon answers (a builder of remote nodes only). */
export async function dockerHostArch(log: (line: string) => void, timeoutMs: number): Promise<Arch> {
  try {
    const arch = parseServerArch((await docker(serverArchArgs(), { timeoutMs: Math.min(timeoutMs, 30_000) })).stdout);
    if (arch) return arch;
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    log(`no Docker daemon answered (${error.message.split('\n')[0]}); taking this machine's arch for it`);
  }
  return nativeArch();
}
