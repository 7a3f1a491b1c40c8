import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { buildTask } from '../../../ops/build/task';
import { failedBeforeBuilding, reportBuildTask } from '../../../ops/build/run-report';
import { notPlatformsLine, taskLine } from '../../../ops/build/summary';
import { PluginError } from '../../../core/failure/errors';
import { appendFailure } from '../../../infra/run/failure-log';
import { readBuildEnvironment } from '../../../ops/build/environment';
import { planImage, type ProduceContext } from '../../../ops/build/produce';
import { ociPlatform } from '../../../core/platform';
import { buildSecrets } from '../../../core/secret/build-secrets';
import { masker } from '../../../core/secret/mask';
import { redactArgv } from '../../../core/secret/names';
import { builderNativeArches } from '../../../infra/state/builder-state';
import { DEFAULT_STATE_DIR } from '../../../core/options/state-dir';
import { type BuildImageExecutorSchema, normalizeBuildImageOptions } from '../../../core/options/build-image';
import { producedInputs } from './produced';
import { writeRunGraph } from '../../../infra/run/record';

export default async function buildImageExecutor(
  options: BuildImageExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  // Nx leaves skipped tasks out of what the run report gets; the task graph names them.
  writeRunGraph(context.taskGraph);
  const project = context.projectName ?? 'unknown';
  let mask = masker([]);
  try {
    const o = normalizeBuildImageOptions(options, project, context.root);
    if (o.notPlatforms.length > 0)
      logger.info(`nx-multiarch: ${notPlatformsLine(project, o.notPlatforms, o.platforms)}`);
    const dockerfile = o.source.kind === 'dockerfile' ? o.source.dockerfile : undefined;
    const environment = readBuildEnvironment({ ...o, workspaceRoot: context.root, dockerfile }, process.env);
    const lookup = {
      values: environment.values,
      env: process.env,
      workspaceRoot: context.root,
      readFile: (p: string) => readFileSync(p, 'utf8'),
    };
    const secrets = buildSecrets(environment.secretMounts, o.secrets, lookup, `project ${project}, option secrets`);
    const withheld = environment.envArgs.withheld;
    mask = masker([...secrets.values, ...withheld.map((name) => environment.values[name])]);
    if (withheld.length > 0) {
      logger.warn(
        `nx-multiarch: ${project}: not passing ${withheld.join(', ')} from .env as build args: build args stay readable ` +
          'in the image history; mount them as secrets (RUN --mount=type=secret,id=NAME) and they are passed as such',
      );
    }
    if (secrets.missing.length > 0) {
      logger.warn(
        `nx-multiarch: ${project}: the Dockerfile mounts secret(s) ${secrets.missing.join(', ')}, set nowhere`,
      );
    }
    const produced = producedInputs(context, o, environment);
    const ctx: ProduceContext = {
      options: o,
      environment,
      secrets,
      services: { buildArgs: {}, addHosts: [] },
      ...(process.env.NX_TASK_HASH && { taskHash: process.env.NX_TASK_HASH }),
      mask,
      ...(produced && { produced }),
    };
    if (o.dryRun) {
      for (const arch of o.platforms) {
        for (const image of o.images) {
          const argv = redactArgv(['docker', ...planImage(ctx, image, arch).argv(false)]);
          logger.info(`nx-multiarch: dry run: ${image.name} ${ociPlatform(arch)}: ${mask(argv.join(' '))}`);
        }
      }
      return { success: true };
    }
    const outcomes = await buildTask(ctx);
    reportBuildTask(context, outcomes, builderNativeArches(environment.builder));
    logger.info(`nx-multiarch: ${taskLine(project, outcomes)}`);
    return { success: outcomes.every((o) => !('failure' in o)) };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    const message = mask(error.message);
    logger.error(`nx-multiarch: ${project}: ${message}`);
    const stateDir = resolve(context.root, options.stateDir ?? DEFAULT_STATE_DIR);
    const kind = error.name === 'ConfigError' ? 'config' : 'unknown';
    reportBuildTask(
      context,
      failedBeforeBuilding(options, project, { kind, evidence: message.split('\n')[0], message }),
    );
    appendFailure(stateDir, {
      time: new Date().toISOString(),
      operation: 'build',
      project,
      attempt: 1,
      class: 'permanent',
      kind,
      evidence: message.split('\n')[0],
      message,
    });
    return { success: false };
  }
}
