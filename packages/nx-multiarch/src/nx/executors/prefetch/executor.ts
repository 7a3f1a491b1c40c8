import { logger, type ExecutorContext } from '@nx/devkit';
import { daemonConfigSearch, readDaemonConfig } from '../../../core/docker-config/daemon';
import { PluginError } from '../../../core/failure/errors';
import { appendFailure } from '../../../infra/run/failure-log';
import { redactText } from '../../../core/network/proxy';
import { nativeArch } from '../../../core/platform';
import { type AttemptReport, attemptRecord, prefetchItems } from '../../../ops/prefetch/fetch';
import { readPrefetchRecord, recordKey, updatePrefetchRecord } from '../../../ops/prefetch/record';
import { describeAttempt, describePlan, summarizePrefetch } from '../../../ops/prefetch/summary';
import { describeTarget, warmTargetOf } from '../../../ops/prefetch/warm';
import { componentRoots, planWorkspacePrefetch, projectsInRun } from './workspace';
import { PUSH_TARGET } from '../../plugin/create-nodes';
import { readBuilderState } from '../../../infra/state/builder-state';
import { normalizePrefetchOptions, type PrefetchExecutorSchema } from '../../../core/options/prefetch';
import { writeRunGraph } from '../../../infra/run/record';

export default async function prefetchExecutor(
  options: PrefetchExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  // Nx leaves skipped tasks out of what the run report gets; the task graph names them.
  writeRunGraph(context.taskGraph);
  const project = context.projectName ?? 'workspace';
  try {
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
    const target = warmTargetOf(readBuilderState(o.stateDir));
    const where = describeTarget(target);
    logger.info(`nx-multiarch: prefetch: ${plan.items.length} (image, platform) pairs into ${where}`);
    if (o.dryRun) {
      logger.info(describePlan(plan).join('\n'));
      return { success: true };
    }
    const mirrors = readDaemonConfig(daemonConfigSearch(o.daemonConfig, process.env)).registryMirrors;
    const onAttempt = (report: AttemptReport) => {
      logger.warn(`nx-multiarch: ${describeAttempt(report, o.policy.attempts)}`);
      appendFailure(o.stateDir, attemptRecord(report, project));
    };
    const settings = {
      target,
      policy: o.policy,
      attemptTimeoutMs: o.attemptTimeoutMs,
      workDir: `${o.stateDir}/prefetch`,
      record: readPrefetchRecord(o.stateDir),
    };
    const outcomes = await prefetchItems(plan.items, settings, o.concurrency, onAttempt);
    await updatePrefetchRecord(
      o.stateDir,
      Object.fromEntries(
        outcomes
          .filter((r) => r.status !== 'failed' && r.imageId)
          .map((r) => [recordKey(r.ref, r.arch), r.imageId as string]),
      ),
    );
    const failed = outcomes.some((outcome) => outcome.status === 'failed');
    const lines = summarizePrefetch(outcomes, { plan, where, mirrors });
    (failed ? logger.error : logger.info)(lines.map(redactText).join('\n'));
    return { success: !failed };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    logger.error(`nx-multiarch: ${project}: ${redactText(error.message)}`);
    return { success: false };
  }
}
