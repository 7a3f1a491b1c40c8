import { logger } from '@nx/devkit';
import { type BuildImageExecutorSchema, normalizeBuildImageOptions } from '../../../core/options/build-image';
import { builderNativeArches } from '../../../infra/state/builder-state';
import { printDryRun, prepareBuild } from '../../../ops/build/prepare';
import { failedBeforeBuilding, reportBuildTask } from '../../../ops/build/run-report';
import { taskLine } from '../../../ops/build/summary';
import { buildTask } from '../../../ops/build/task';
import { nxExecutor } from '../run-executor';
import { inputsHashOf } from '../task-hash';
import { producedInputs } from './produced';

export default nxExecutor<BuildImageExecutorSchema>({ operation: 'build' }, async (options, run) => {
  const { context, project } = run;
  // Options this bad still get a failed cell per platform in the run report.
  run.onFailure = (message, failure) =>
    reportBuildTask(context, failedBeforeBuilding(options, project, { ...failure, message }));
  const o = normalizeBuildImageOptions(options, project, context.root);
  const prepared = prepareBuild(o, context.root, process.env, logger, inputsHashOf(context));
  run.mask = prepared.mask;
  const produced = producedInputs(context, o, prepared.environment);
  const ctx = { ...prepared, ...(produced && { produced }) };
  if (o.dryRun) {
    printDryRun(ctx, logger);
    return true;
  }
  const outcomes = await buildTask(ctx, logger);
  reportBuildTask(context, outcomes, builderNativeArches(prepared.environment.builder));
  logger.info(`nx-multiarch: ${taskLine(project, outcomes)}`);
  return outcomes.every((outcome) => !('failure' in outcome));
});
