import { type HasherContext, type Task, workspaceRoot } from '@nx/devkit';
import { normalizePrefetchOptions } from '../../../core/options/prefetch';
import { nativeArch } from '../../../core/platform';
import { builderStatePath, readBuilderState } from '../../../infra/state/builder-state';
import { prefetchStanding } from '../../../ops/cache-key/standing';
import { readPrefetchRecord, recordKey, recordPath as prefetchRecordPath } from '../../../ops/prefetch/prefetch-record';
import { warmTargetOf } from '../../../ops/prefetch/warm';
import { PUSH_TARGET } from '../../plugin/names';
import {
  daemonView,
  extendedHash,
  type KeyParts,
  normalizedOrUndefined,
  OPTIONS_FAILED,
  taskOptions,
} from '../task-hash';
import { componentRoots, planWorkspacePrefetch, projectsInRun } from './workspace';

/**
 * prefetch's cache key: Nx's, plus what it would fetch for this run's builds and the builder it fetches into, plus
 * whether what it fetched into the daemon is still there. Hashed after builder-setup ran, so a new builder is seen.
 */
export default function prefetchHasher(task: Task, context: HasherContext) {
  return extendedHash(task, context, async (): Promise<KeyParts> => {
    const options = taskOptions(task, context.projectsConfigurations.projects);
    const prepared = normalizedOrUndefined(() => {
      const o = normalizePrefetchOptions(options, workspaceRoot);
      const projects = o.projects ?? projectsInRun(context, [o.buildTargetName, PUSH_TARGET]);
      const plan = planWorkspacePrefetch(workspaceRoot, componentRoots(context), {
        ...(projects && { projects }),
        platforms: o.platforms,
        defaults: o.defaults,
        envFiles: o.envFiles,
        values: o.values,
        buildArch: nativeArch(),
      });
      return { o, plan, builder: readBuilderState(o.stateDir) };
    });
    if (!prepared) return OPTIONS_FAILED;
    const { o, plan, builder } = prepared;
    const keys = plan.items.map((item) => recordKey(item.ref, item.arch));
    const standing = prefetchStanding(readPrefetchRecord(o.stateDir), keys, await daemonView(context, o.stateDir));
    // What is fetched and where, not for which projects: an affected run of fewer components may hit. Into the daemon
    // whichever docker-driver builder (prefetch may run before builder-setup wrote one); into a builder, that very one.
    const target = warmTargetOf(builder);
    const into = JSON.stringify(
      target.kind === 'daemon' ? 'daemon' : { ...builder, updatedAt: undefined, nativePlatforms: undefined },
    );
    const stateFiles = [prefetchRecordPath(o.stateDir), builderStatePath(o.stateDir)];
    return { extra: { fetches: [...keys].sort().join('\n'), into }, stateDir: o.stateDir, standing, stateFiles };
  });
}
