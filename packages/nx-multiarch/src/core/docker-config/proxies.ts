import { proxiesFromEnv, resolveProxies, shownProxy, type ResolvedProxies } from '../network/proxy';
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

/**
 * The proxy BuildKit's registry requests go through, as failures name it (credentials out): dockerd's BuildKit uses
 * dockerd's own (daemon.json's, Engine 23+), a container builder the ones builder-setup gave it.
 */
export function builderProxy(
  inDaemon: boolean,
  daemon: Pick<DaemonConfig, 'proxies'>,
  proxies: Pick<ResolvedProxies, 'builder'>,
): string | undefined {
  return shownProxy(inDaemon ? daemon.proxies : proxies.builder);
}
