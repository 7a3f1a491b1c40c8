import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { daemonConfigSearch, readDaemonConfig } from '../../core/docker-config/daemon';
import { parseDockerfile } from '../../core/dockerfile/parse';
import { ensureEnvFile, readWorkspaceEnv, type EnvFiles } from '../../core/env/workspace-env';
import { ConfigError } from '../../core/failure/errors';
import { dockerProxies, builderProxy as proxyOfBuilder } from '../../core/docker-config/proxies';
import type { ResolvedProxies } from '../../core/network/proxy';
import { readBuilderState, type BuilderState } from '../../infra/state/builder-state';
import { envBuildArgs, type EnvBuildArgs } from '../../core/image/build-args';
import type { Arch } from '../../core/platform';

/** What every build of a task shares: the builder builder-setup prepared, proxies per path, args from .env. */
export interface BuildEnvironment {
  builder?: BuilderState;
  proxies: ResolvedProxies;
  /** The proxy BuildKit's registry requests go through, credentials out: failures name it. */
  builderProxy?: string;
  envArgs: EnvBuildArgs;
  /** Shell over .env over .env.example: where secrets are looked up. */
  values: Record<string, string>;
  /** Ids of the secrets the Dockerfile mounts. */
  secretMounts: string[];
}

export interface BuildEnvironmentOptions {
  stateDir: string;
  daemonConfig?: string;
  workspaceRoot: string;
  envFiles: EnvFiles;
  values: Record<string, string>;
  /** Absolute path of the (rendered) Dockerfile, for the ARGs it declares. */
  dockerfile?: string;
}

function readDeclarations(dockerfile: string | undefined): { declaredArgs: string[]; secrets: string[] } {
  if (!dockerfile) return { declaredArgs: [], secrets: [] };
  try {
    return parseDockerfile(readFileSync(dockerfile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new ConfigError(
      dockerfile,
      '(file)',
      'the Dockerfile does not exist',
      'create it, or render its Dockerfile.tpl (nx run <project>:render)',
    );
  }
}

/** The node on another machine that builds `arch`, for a failure's remedy: `armnode (tcp://arm:1234)`. */
export function nodeField(builder: BuilderState | undefined, arch: Arch): { node?: string } {
  const node = builder?.platformNodes?.find((n) => n.arch === arch && n.endpoint);
  return node ? { node: `${node.node} (${node.endpoint})` } : {};
}

export function readBuildEnvironment(
  options: BuildEnvironmentOptions,
  env: Readonly<Record<string, string | undefined>>,
): BuildEnvironment {
  const home = env.HOME ?? homedir();
  const daemon = readDaemonConfig(daemonConfigSearch(options.daemonConfig, env));
  const proxies = dockerProxies(daemon, env, home);
  ensureEnvFile(options.workspaceRoot, options.envFiles);
  const workspaceEnv = readWorkspaceEnv(options.workspaceRoot, options.envFiles, env, options.values);
  const builder = readBuilderState(options.stateDir);
  const declarations = readDeclarations(options.dockerfile);
  const builderProxy = proxyOfBuilder(!builder || builder.driver === 'docker', daemon, proxies);
  return {
    ...(builder && { builder }),
    proxies,
    ...(builderProxy && { builderProxy }),
    envArgs: envBuildArgs(declarations.declaredArgs, workspaceEnv),
    values: workspaceEnv.values,
    secretMounts: declarations.secrets,
  };
}
