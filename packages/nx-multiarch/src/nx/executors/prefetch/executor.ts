import { logger } from '@nx/devkit';
import { nativeArch } from '../../../core/platform';
import { normalizePrefetchOptions, type PrefetchExecutorSchema } from '../../../core/options/prefetch';
import { readBuilderState } from '../../../infra/state/builder-state';
import { prefetch } from '../../../ops/prefetch/prefetch';
import { warmTargetOf } from '../../../ops/prefetch/warm';
import { PUSH_TARGET } from '../../plugin/names';
import { nxExecutor } from '../run-executor';
import { componentRoots, planWorkspacePrefetch, projectsInRun } from './workspace';

export default nxExecutor<PrefetchExecutorSchema>({ operation: 'prefetch' }, async (options, { context, project }) => {
  const o = normalizePrefetchOptions(options, context.root);
  const projects = o.projects ?? projectsInRun(context, [o.buildTargetName, PUSH_TARGET]);
  const plan = planWorkspacePrefetch(context.root, componentRoots(context), {
    ...(projects && { projects }),
    platforms: o.platforms,
    defaults: o.defaults,
    envFiles: o.envFiles,
    values: o.values,
    buildArch: nativeArch(),
  });
  return prefetch(plan, warmTargetOf(readBuilderState(o.stateDir)), o, logger, project);
});
