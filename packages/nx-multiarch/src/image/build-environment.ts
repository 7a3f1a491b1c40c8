import { homedir } from 'node:os';
import { readClientProxies } from '../docker/client-config';
import { readDaemonConfig } from '../docker/daemon-config';
import { proxiesFromEnv, resolveProxies, type ResolvedProxies } from '../network/proxy';
import { readBuilderState, type BuilderState } from '../state/builder-state';

/** What every build of a run shares: the builder builder-setup prepared, and the proxies for each path. */
export interface BuildEnvironment {
  builder?: BuilderState;
  proxies: ResolvedProxies;
}

export function readBuildEnvironment(
  options: { stateDir: string; daemonConfig?: string },
  env: Readonly<Record<string, string | undefined>>,
): BuildEnvironment {
  const home = env.HOME ?? homedir();
  const daemon = readDaemonConfig({
    ...(options.daemonConfig && { option: options.daemonConfig }),
    env,
    home,
    rootless: process.getuid?.() !== 0,
  });
  const proxies = resolveProxies({
    daemon: daemon.proxies,
    clientConfig: readClientProxies(env, home),
    env: proxiesFromEnv(env),
  });
  const builder = readBuilderState(options.stateDir);
  return { ...(builder && { builder }), proxies };
}
