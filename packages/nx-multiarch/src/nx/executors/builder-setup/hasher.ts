import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { type HasherContext, type Task, workspaceRoot } from '@nx/devkit';
import { buildxInstancePath } from '../../../core/docker-config/client';
import { normalizeBuilderSetupOptions } from '../../../core/options/builder-setup';
import { builderStatePath, readBuilderState } from '../../../infra/state/builder-state';
import { builderStanding } from '../../../ops/cache-key/standing';
import { planFromDocker } from '../../../ops/setup/builder-setup';
import {
  daemonView,
  envOf,
  extendedHash,
  type KeyParts,
  normalizedOrUndefined,
  OPTIONS_FAILED,
  taskOptions,
} from '../task-hash';

/**
 * builder-setup's cache key: Nx's, plus the builder it would make (from daemon.json, proxies, certificates), plus
 * whether the builder it last made is still there, the very container. A hit is a builder that needs no work.
 */
export default function builderSetupHasher(task: Task, context: HasherContext) {
  return extendedHash(task, context, async (): Promise<KeyParts> => {
    const env = envOf(context);
    const options = taskOptions(task, context.projectsConfigurations.projects);
    const setup = normalizedOrUndefined(() => {
      const o = normalizeBuilderSetupOptions(options, workspaceRoot, env);
      return { o, plan: planFromDocker(o, env).plan, state: readBuilderState(o.stateDir) };
    });
    if (!setup) return OPTIONS_FAILED;
    const { o, plan, state } = setup;
    const instance = (name: string) => existsSync(buildxInstancePath(name, env, homedir()));
    const standing = builderStanding(state, await daemonView(context, o.stateDir), instance);
    const stateFiles = [builderStatePath(o.stateDir)];
    return { extra: { builder: JSON.stringify(plan) }, stateDir: o.stateDir, standing, stateFiles };
  });
}
