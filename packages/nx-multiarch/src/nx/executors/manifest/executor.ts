import { logger } from '@nx/devkit';
import { type ManifestExecutorSchema, normalizeManifestOptions } from '../../../core/options/manifest';
import { contextTaskId, type Outcome, writeTaskReport } from '../../../infra/run/run-dir';
import { readBuilderState } from '../../../infra/state/builder-state';
import { printManifestDryRun, publishManifests } from '../../../ops/publish/manifests';
import { classifyRegistryError, manifestOutcome } from '../../../ops/publish/publish';
import { nxExecutor } from '../run-executor';

export default nxExecutor<ManifestExecutorSchema>(
  { operation: 'manifest', otherwise: 'not-found', reading: { readCommand: classifyRegistryError } },
  async (options, run) => {
    const { context, project } = run;
    const report = (outcomes: Outcome[]) =>
      writeTaskReport({ task: contextTaskId(context), project, target: context.targetName ?? 'manifest', outcomes });
    run.onFailure = (_message, failure) => report([manifestOutcome(project, { failure, startedAt: Date.now() })]);
    const o = normalizeManifestOptions(options, project, context.root);
    const builder = readBuilderState(o.stateDir)?.name;
    if (o.dryRun) {
      printManifestDryRun(o, builder, logger);
      return true;
    }
    const outcomes = await publishManifests(o, builder, logger);
    report(outcomes);
    return outcomes.every((outcome) => outcome.status !== 'failed');
  },
);
