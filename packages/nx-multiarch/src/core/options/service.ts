import { ConfigError, PluginError } from '../failure/errors';
import type { Arch } from '../platform';

/** What a service's build-arg values may refer to. */
export const SERVICE_PLACEHOLDERS = ['host', 'ip', 'port', 'url'] as const;

/** A build-time service as build-image receives it (resolved by the plugin from the service's own component). */
export interface ServiceSpec {
  /** The service's Nx project. */
  project: string;
  /** Its image repository without tag, e.g. `registry:5000/demo/hub`. */
  repository: string;
  tag: string;
  /** Platforms the service's component builds. */
  platforms: Arch[];
  port: number;
  health: string;
  /** Seconds. */
  timeout: number;
  hostname: string;
  buildArgs: Record<string, string>;
  platform: 'match' | 'native';
}

export class ServiceError extends PluginError {
  override name = 'ServiceError';
  override readonly kind = 'service';
}

/** Which arch of the service runs for a build; an arm64 build never quietly gets the amd64 service. */
export function serviceArch(service: ServiceSpec, buildArch: Arch, nativeArch: Arch, consumer: string): Arch {
  const arch = service.platform === 'native' ? nativeArch : buildArch;
  if (!service.platforms.includes(arch)) {
    const why =
      service.platform === 'native'
        ? `services[${service.project}].platform is native (${nativeArch})`
        : `services[${service.project}].platform is match`;
    throw new ConfigError(
      `project ${consumer}, build-time service ${service.project}`,
      'platform',
      `${why}, but ${service.project} builds only ${service.platforms.join(', ')}, so it cannot serve the ${buildArch} build`,
      service.platform === 'native'
        ? `add ${nativeArch} to ${service.project}'s platforms`
        : `add ${buildArch} to ${service.project}'s platforms, or set "platform": "native" on the service in ${consumer}'s multiarch.json if what it serves does not depend on the arch`,
    );
  }
  return arch;
}

export function serviceImage(service: ServiceSpec, arch: Arch): string {
  return `${service.repository}:${service.tag}-${arch}`;
}

/** Build args with `{host}`, `{ip}`, `{port}` and `{url}` filled in for the running container. */
export function serviceBuildArgs(service: ServiceSpec, ip: string): Record<string, string> {
  const values: Record<string, string> = {
    host: service.hostname,
    ip,
    port: String(service.port),
    url: `http://${service.hostname}:${service.port}`,
  };
  return Object.fromEntries(
    Object.entries(service.buildArgs).map(([name, value]) => [
      name,
      value.replace(/\{([a-z]+)\}/g, (match, key: string) => (Object.hasOwn(values, key) ? values[key] : match)),
    ]),
  );
}

export function serviceAddHost(service: ServiceSpec, ip: string): string {
  return `${service.hostname}:${ip}`;
}

/** Unique per run and readable in `docker ps`: nx-multiarch-worker-hub-arm64-1a2b3c. */
export function serviceContainerName(consumer: string, service: ServiceSpec, arch: Arch, runId: string): string {
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]+/g, '-');
  return `nx-multiarch-${safe(consumer)}-${safe(service.project)}-${arch}-${runId}`;
}
