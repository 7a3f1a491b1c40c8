import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseJson, validate } from '../config/validate';
import { proxySettings, type ProxySettings } from '../network/proxy';

// Only the keys we read; `auths` and credential helpers are never parsed or logged.
const proxyEntry = z
  .object({ httpProxy: z.string().optional(), httpsProxy: z.string().optional(), noProxy: z.string().optional() })
  .passthrough();
const clientConfigSchema = z.object({ proxies: z.record(z.string(), proxyEntry).optional() }).passthrough();

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function clientConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return join(env.DOCKER_CONFIG || join(home, '.docker'), 'config.json');
}

/** Where buildx keeps a builder's definition: `$BUILDX_CONFIG`, else the docker config directory's `buildx/`. */
export function buildxInstancePath(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  const dir = env.BUILDX_CONFIG || join(env.DOCKER_CONFIG || join(home, '.docker'), 'buildx');
  return join(dir, 'instances', name);
}

/** The proxies the docker CLI hands to containers and builds: the entry for DOCKER_HOST, else `default`. */
export function parseClientProxies(text: string, file: string, dockerHost?: string): ProxySettings {
  const proxies = validate(clientConfigSchema, parseJson(text, file), file).proxies ?? {};
  const entry = (dockerHost && proxies[dockerHost]) || proxies.default || {};
  return proxySettings({ httpProxy: entry.httpProxy, httpsProxy: entry.httpsProxy, noProxy: entry.noProxy });
}

export function readClientProxies(env: Readonly<Record<string, string | undefined>>, home: string): ProxySettings {
  const file = clientConfigPath(env, home);
  if (!existsSync(file)) return {};
  return parseClientProxies(readFileSync(file, 'utf8'), file, env.DOCKER_HOST);
}
