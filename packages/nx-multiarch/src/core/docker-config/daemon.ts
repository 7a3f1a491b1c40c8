import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { optionalStrings } from '../config/optional-strings';
import { parseJson, validate } from '../config/validate';
import { ConfigError } from '../failure/errors';
import { proxySettings, type ProxySettings } from '../network/proxy';

export interface DaemonConfigSearch {
  /** `daemonConfig` plugin/executor option: when set, the only candidate, and it must exist. */
  option?: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** Running as a non-root user, where Docker's rootless daemon reads the XDG path. */
  rootless: boolean;
}

/** The search for this process: the user's home, and rootless when not running as root. */
export function daemonConfigSearch(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): DaemonConfigSearch {
  return { ...(option && { option }), env, home: env.HOME ?? homedir(), rootless: process.getuid?.() !== 0 };
}

/** The files Docker would read, in order: https://docs.docker.com/engine/daemon/#configuration-file */
export function daemonConfigCandidates(search: DaemonConfigSearch): string[] {
  if (search.option) return [search.option];
  const xdg = search.env.XDG_CONFIG_HOME || join(search.home, '.config');
  const rootless = join(xdg, 'docker/daemon.json');
  return search.rootless ? [rootless, '/etc/docker/daemon.json'] : ['/etc/docker/daemon.json', rootless];
}

export function findDaemonConfig(
  search: DaemonConfigSearch,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const candidates = daemonConfigCandidates(search);
  const found = candidates.find((path) => exists(path));
  if (search.option && !found) {
    throw new ConfigError(
      'daemonConfig option',
      'daemonConfig',
      `${search.option} does not exist`,
      'point daemonConfig at the daemon.json your dockerd reads, or remove it',
    );
  }
  return found;
}

const proxiesSchema = optionalStrings('http-proxy', 'https-proxy', 'no-proxy').passthrough();

const daemonJsonSchema = z
  .object({
    'registry-mirrors': z.array(z.string().url('a URL such as https://mirror.example.com')).optional(),
    'insecure-registries': z.array(z.string().min(1)).optional(),
    proxies: proxiesSchema.optional(),
  })
  .passthrough();

// Keys people write by analogy with other Docker files; dockerd ignores (or rejects) them silently.
const MISPLACED_KEYS: Record<string, string> = {
  registryMirrors: 'registry-mirrors',
  'registry-mirror': 'registry-mirrors',
  registry_mirrors: 'registry-mirrors',
  insecureRegistries: 'insecure-registries',
  'insecure-registry': 'insecure-registries',
  insecure_registries: 'insecure-registries',
  httpProxy: 'proxies.http-proxy',
  httpsProxy: 'proxies.https-proxy',
  noProxy: 'proxies.no-proxy',
  'http-proxy': 'proxies.http-proxy',
  'https-proxy': 'proxies.https-proxy',
  'no-proxy': 'proxies.no-proxy',
  http_proxy: 'proxies.http-proxy',
  https_proxy: 'proxies.https-proxy',
  no_proxy: 'proxies.no-proxy',
  HTTP_PROXY: 'proxies.http-proxy',
  HTTPS_PROXY: 'proxies.https-proxy',
  NO_PROXY: 'proxies.no-proxy',
};
const MISPLACED_PROXY_KEYS: Record<string, string> = {
  httpProxy: 'http-proxy',
  httpsProxy: 'https-proxy',
  noProxy: 'no-proxy',
  http_proxy: 'http-proxy',
  https_proxy: 'https-proxy',
  no_proxy: 'no-proxy',
};

export interface DaemonConfig {
  file?: string;
  registryMirrors: string[];
  insecureRegistries: string[];
  proxies: ProxySettings;
  /** Keys in the wrong form, each naming the right key. */
  warnings: string[];
}

export const EMPTY_DAEMON_CONFIG: DaemonConfig = {
  registryMirrors: [],
  insecureRegistries: [],
  proxies: {},
  warnings: [],
};

/** Parses and validates daemon.json text; `file` names it in errors and warnings. */
export function parseDaemonConfig(text: string, file: string): DaemonConfig {
  const json = parseJson(text, file, 'fix the JSON syntax; dockerd would refuse to start with it too');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(
      file,
      '(top level)',
      'not a JSON object',
      'daemon.json holds one object, e.g. {"registry-mirrors": ["https://mirror.example.com"]}',
    );
  }
  const data = validate(daemonJsonSchema, json, file);
  const warnings: string[] = [];
  for (const key of Object.keys(json)) {
    if (MISPLACED_KEYS[key])
      warnings.push(`${file}: '${key}' is not a daemon.json key and is ignored; use '${MISPLACED_KEYS[key]}'`);
  }
  for (const key of Object.keys(data.proxies ?? {})) {
    if (MISPLACED_PROXY_KEYS[key])
      warnings.push(`${file}: 'proxies.${key}' is ignored; use 'proxies.${MISPLACED_PROXY_KEYS[key]}'`);
  }
  const proxies = data.proxies ?? {};
  return {
    file,
    registryMirrors: data['registry-mirrors'] ?? [],
    insecureRegistries: data['insecure-registries'] ?? [],
    proxies: proxySettings({
      httpProxy: proxies['http-proxy'],
      httpsProxy: proxies['https-proxy'],
      noProxy: proxies['no-proxy'],
    }),
    warnings,
  };
}

export function readDaemonConfig(search: DaemonConfigSearch): DaemonConfig {
  const file = findDaemonConfig(search);
  if (!file) return EMPTY_DAEMON_CONFIG;
  return parseDaemonConfig(readFileSync(file, 'utf8'), file);
}
