import { isIP } from 'node:net';
import { stringify } from 'smol-toml';
import type { DaemonConfig } from '../docker-config/daemon';

/** One `[registry."<host>"]` section: https://github.com/moby/buildkit/blob/master/docs/buildkitd.toml.md */
export interface RegistryHostConfig {
  mirrors?: string[];
  /** Plain HTTP. */
  http?: boolean;
  /** HTTPS without certificate verification (BuildKit also falls back to HTTP). */
  insecure?: boolean;
  ca?: string[];
  keypair?: Array<{ key: string; cert: string }>;
}

export interface BuildkitdConfig {
  insecureEntitlements: string[];
  registries: Record<string, RegistryHostConfig>;
}

/** A registry from the plugin options: a private registry, a push target, another registry's mirrors. */
export type ExtraRegistry = RegistryHostConfig;

export interface Certificates {
  ca: string[];
  keypair: Array<{ key: string; cert: string }>;
}

/** Client certificates for a host, the way dockerd finds them (`/etc/docker/certs.d/<host>/`). */
export type CertificateLookup = (host: string) => Certificates | undefined;

export interface Mirror {
  /** host[:port], the key of its registry section. */
  host: string;
  /** host[:port][/path], as BuildKit's `mirrors` wants it (no scheme). */
  location: string;
  http: boolean;
}

export function parseMirror(url: string): Mirror {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '');
  return { host: parsed.host, location: `${parsed.host}${path}`, http: parsed.protocol === 'http:' };
}

function hostname(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed) return bracketed[1];
  return host.split(':').length === 2 ? host.split(':')[0] : host;
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** IPv4 CIDR membership; IPv6 ranges are reported as not expressible by the caller. */
export function inCidr(ip: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  if (isIP(ip) !== 4 || isIP(network) !== 4) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4ToNumber(ip) / size) === Math.floor(ipv4ToNumber(network) / size);
}

const isCidr = (entry: string) => /\/\d+$/.test(entry);

/** Docker's rule: listed by host[:port], or an IP inside a listed CIDR, or loopback (always insecure). */
export function isInsecureRegistry(host: string, insecureRegistries: readonly string[]): boolean {
  const name = hostname(host);
  if (insecureRegistries.includes(host) || insecureRegistries.includes(name)) return true;
  if (name === 'localhost' || inCidr(name, '127.0.0.0/8') || name === '::1') return true;
  return insecureRegistries.filter(isCidr).some((cidr) => inCidr(name, cidr));
}

/**
 * Turns the daemon's registry configuration (which a container builder never reads) into BuildKit's:
 * every mirror, plain-HTTP and insecure registries, certificates, plus the plugin's extra registries.
 */
export function buildkitdConfigFromDocker(
  daemon: DaemonConfig,
  extra: Readonly<Record<string, ExtraRegistry>>,
  certificates: CertificateLookup,
): { config: BuildkitdConfig; warnings: string[] } {
  const registries: Record<string, RegistryHostConfig> = {};
  const warnings: string[] = [];
  const section = (host: string) => (registries[host] ??= {});
  const insecure = daemon.insecureRegistries.map((entry) => {
    const bare = entry.replace(/^[a-z]+:\/\//i, '');
    if (bare !== entry) warnings.push(`insecure-registries: '${entry}' should not have a scheme; read as '${bare}'`);
    return bare;
  });

  for (const url of daemon.registryMirrors) {
    const mirror = parseMirror(url);
    (section('docker.io').mirrors ??= []).push(mirror.location);
    if (mirror.http) section(mirror.host).http = true;
    else if (isInsecureRegistry(mirror.host, insecure)) section(mirror.host).insecure = true;
  }
  for (const [host, config] of Object.entries(extra)) {
    const target = section(host);
    if (config.mirrors) target.mirrors = [...(target.mirrors ?? []), ...config.mirrors];
    for (const key of ['http', 'insecure', 'ca', 'keypair'] as const) {
      if (config[key] !== undefined) Object.assign(target, { [key]: config[key] });
    }
  }
  for (const entry of insecure.filter((e) => !isCidr(e))) {
    if (!section(entry).http) section(entry).insecure = true;
  }
  for (const cidr of insecure.filter(isCidr)) {
    const covered = Object.keys(registries).filter((host) => inCidr(hostname(host), cidr));
    for (const host of covered) if (!registries[host].http) registries[host].insecure = true;
    if (!(cidr.startsWith('127.') || covered.length > 0)) {
      warnings.push(
        `insecure-registries: the range ${cidr} cannot be written in buildkitd.toml; list the registries in it by host:port ` +
          'in the plugin option "registries" so the builder skips TLS verification for them too',
      );
    }
  }
  for (const host of Object.keys(registries)) {
    const certs = certificates(host);
    if (certs?.ca.length) registries[host].ca = certs.ca;
    if (certs?.keypair.length) registries[host].keypair = certs.keypair;
  }
  return { config: { insecureEntitlements: ['network.host'], registries }, warnings };
}

/** Serializes with smol-toml, sections sorted so equal configs give equal bytes (and fingerprints). */
export function stringifyBuildkitdConfig(config: BuildkitdConfig, source: string): string {
  const registry: Record<string, RegistryHostConfig> = {};
  for (const host of Object.keys(config.registries).sort()) {
    const entry = config.registries[host];
    registry[host] = Object.fromEntries(
      (['mirrors', 'http', 'insecure', 'ca', 'keypair'] as const)
        .filter((k) => entry[k] !== undefined)
        .map((k) => [k, entry[k]]),
    );
  }
  const body = stringify({
    'insecure-entitlements': config.insecureEntitlements,
    ...(Object.keys(registry).length > 0 && { registry }),
  });
  return `# Generated by nx-multiarch from ${source}. Do not edit: rerun builder-setup.\n${body.trimEnd()}\n`;
}
