import { proxiesFromEnv, resolveProxies, type ResolvedProxies } from '../network/proxy';
import { readClientProxies } from './client';
import type { DaemonConfig } from './daemon';

type Env = Readonly<Record<string, string | undefined>>;

/** The proxies Docker itself would use, from its three sources: daemon.json, ~/.docker/config.json, the env. */
export function dockerProxies(daemon: Pick<DaemonConfig, 'proxies'>, env: Env, home: string): ResolvedProxies {
  return resolveProxies({
    daemon: daemon.proxies,
    clientConfig: readClientProxies(env, home),
    env: proxiesFromEnv(env),
  });
}
