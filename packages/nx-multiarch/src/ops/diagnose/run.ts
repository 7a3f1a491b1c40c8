import { existsSync, readFileSync } from 'node:fs';
import { inspectBuilderArgs, parseBuilderInspect } from '../../cli/buildx/builder';
import { buildxVersionArgs, parseBuildxVersion, type BuildxVersion } from '../../cli/buildx/version';
import { docker } from '../../cli/docker/cli';
import type { DaemonConfig } from '../../core/docker-config/daemon';
import { CommandError } from '../../core/failure/errors';
import { dnsProbe, httpProbe, tcpProbe } from '../../infra/network/probe';
import type { ProxySettings } from '../../core/network/proxy';
import { ociPlatform, type Arch } from '../../core/platform';
import {
  builderCheck,
  buildxCheck,
  daemonCheck,
  dnsCheck,
  mirrorCheck,
  proxyCheck,
  qemuCheck,
  tokenCheck,
  type Check,
} from './check';

export interface DiagnoseInput {
  daemon: DaemonConfig;
  proxies: ProxySettings;
  builderName: string;
  expectedFingerprint?: string;
  platforms: Arch[];
  hostArch: Arch;
  /** Platforms builder-setup found a native node for (builder.json). */
  builderNative?: Arch[];
  /** Also run `uname -m` in a container per foreign platform. */
  probe: boolean;
  probeImage: string;
  timeoutMs: number;
  binfmtDir: string;
}

export const DOCKER_HUB_TOKEN_URL =
  'https://auth.docker.io/token?service=registry.docker.io&scope=repository:library/alpine:pull';

function failure(error: unknown): string {
  if (error instanceof CommandError)
    return error.timedOut ? error.reason : (error.outputTail.split('\n').at(-1) ?? error.reason);
  return (error as Error).message;
}

async function dockerChecks(input: DiagnoseInput): Promise<Check[]> {
  const started = Date.now();
  const timeoutMs = input.timeoutMs;
  const server = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs }).then(
    (r) => ({ version: r.stdout.trim(), error: undefined }),
    (e: unknown) => ({ version: undefined, error: failure(e) }),
  );
  const checks = [daemonCheck(server.version, server.error, Date.now() - started)];
  let buildx: BuildxVersion | undefined;
  let buildxError: string | undefined;
  try {
    buildx = parseBuildxVersion((await docker(buildxVersionArgs(), { timeoutMs })).stdout);
  } catch (error) {
    buildxError = failure(error);
  }
  checks.push(buildxCheck(buildx, buildxError));
  for (const arch of input.platforms) {
    const name = arch === 'arm64' ? 'qemu-aarch64' : 'qemu-x86_64';
    const file = `${input.binfmtDir}/${name}`;
    const registration = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    let probe: { output?: string; error?: string } | undefined;
    const native = arch === input.hostArch || (input.builderNative ?? []).includes(arch);
    if (input.probe && server.version && !native) {
      const args = [
        'run',
        '--rm',
        '--network',
        'none',
        '--platform',
        ociPlatform(arch),
        input.probeImage,
        'uname',
        '-m',
      ];
      probe = await docker(args, { timeoutMs: Math.max(timeoutMs, 30_000) }).then(
        (r) => ({ output: r.stdout }),
        (e: unknown) => ({ error: failure(e) }),
      );
    }
    checks.push(qemuCheck(arch, input.hostArch, registration, probe, input.builderNative));
  }
  if (server.version && buildx) {
    try {
      const inspected = parseBuilderInspect(
        (await docker(inspectBuilderArgs(input.builderName), { timeoutMs })).stdout,
      );
      checks.push(builderCheck(input.builderName, inspected, input.expectedFingerprint));
    } catch (error) {
      checks.push(builderCheck(input.builderName, undefined, input.expectedFingerprint, failure(error)));
    }
  }
  return checks;
}

function proxyTarget(url: string): { host: string; port: number } | undefined {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname, port: Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80) };
  } catch {
    return undefined;
  }
}

async function networkChecks(input: DiagnoseInput): Promise<Check[]> {
  const hasMirrors = input.daemon.registryMirrors.length > 0;
  const mirrors = input.daemon.registryMirrors.map(async (url) =>
    mirrorCheck(url, await httpProbe(`${url.replace(/\/+$/, '')}/v2/`, input.timeoutMs)),
  );
  const proxies = (['httpProxy', 'httpsProxy'] as const)
    .filter((kind) => input.proxies[kind] && proxyTarget(input.proxies[kind] as string))
    .map(async (kind) => {
      const url = input.proxies[kind] as string;
      const target = proxyTarget(url) as { host: string; port: number };
      return proxyCheck(
        kind === 'httpProxy' ? 'http-proxy' : 'https-proxy',
        url,
        await tcpProbe(target.host, target.port, input.timeoutMs),
      );
    });
  const hosts = ['registry-1.docker.io', 'auth.docker.io'];
  const dns = hosts.map(async (host) => dnsCheck(host, await dnsProbe(host, input.timeoutMs), hasMirrors));
  const token = httpProbe(DOCKER_HUB_TOKEN_URL, input.timeoutMs).then((r) => tokenCheck(r, hasMirrors));
  return Promise.all([...mirrors, ...proxies, ...dns, token]);
}

/** Every probe is bounded by the timeout and the two groups run side by side. */
export async function runDiagnosis(input: DiagnoseInput): Promise<Check[]> {
  const [dockerSide, networkSide] = await Promise.all([dockerChecks(input), networkChecks(input)]);
  return [...dockerSide, ...networkSide];
}
