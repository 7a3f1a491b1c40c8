import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { imagetoolsCreateArgs } from '../../../cli/buildx/imagetools';
import { readClientProxies } from '../../../core/docker-config/client';
import { daemonConfigSearch, readDaemonConfig } from '../../../core/docker-config/daemon';
import { CommandError, PluginError } from '../../../core/failure/errors';
import { appendFailure, commandFields } from '../../../infra/run/failure-log';
import {
  archSources,
  manifestFailure,
  type ManifestContext,
  manifestLine,
  manifestOutcome,
  manifestTags,
  publishManifest,
  sourceRefs,
  writeManifestRecord,
} from '../../../ops/publish/publish';
import { proxiesFromEnv, proxyEnv, redactText, resolveProxies } from '../../../core/network/proxy';
import { run } from '../../../cli/exec';
import { contextTaskId, type Outcome, writeRunGraph, writeTaskReport } from '../../../infra/run/record';
import { readBuilderState } from '../../../infra/state/builder-state';
import { DEFAULT_STATE_DIR } from '../../../core/options/state-dir';
import {
  type ManifestExecutorSchema,
  type NormalizedManifestOptions,
  normalizeManifestOptions,
} from '../../../core/options/manifest';

function registryEnv(o: NormalizedManifestOptions): Record<string, string | undefined> {
  // imagetools talks to the registry from this process: it needs the proxies in its environment.
  const env = process.env;
  const proxies = resolveProxies({
    daemon: readDaemonConfig(daemonConfigSearch(o.daemonConfig, env)).proxies,
    clientConfig: readClientProxies(env, env.HOME ?? homedir()),
    env: proxiesFromEnv(env),
  });
  return { ...env, ...proxyEnv(proxies.client) };
}

export default async function manifestExecutor(
  options: ManifestExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  // Nx leaves skipped tasks out of what the run report gets; the task graph names them.
  writeRunGraph(context.taskGraph);
  const project = context.projectName ?? 'unknown';
  const outcomes: Outcome[] = [];
  let failed = false;
  const fail = (error: PluginError, ref?: string, image = project, startedAt = Date.now()) => {
    failed = true;
    outcomes.push(manifestOutcome(image, { failure: manifestFailure(error), startedAt }));
    const message = redactText(error.message);
    logger.error(`nx-multiarch: ✖ ${ref ?? project} FAILED: ${message}`);
    // A registry command's every attempt, the last one too, is already in the log (manifest/publish.ts).
    if (error instanceof CommandError) return;
    appendFailure(resolve(context.root, options.stateDir ?? DEFAULT_STATE_DIR), {
      time: new Date().toISOString(),
      operation: 'manifest',
      project,
      ...(ref && { image: ref }),
      attempt: 1,
      ...manifestFailure(error),
      ...commandFields(error),
      message,
    });
  };
  try {
    const o = normalizeManifestOptions(options, project, context.root);
    const builder = readBuilderState(o.stateDir)?.name;
    if (o.dryRun) {
      for (const { name } of o.images) {
        const argv = imagetoolsCreateArgs(manifestTags(o, name), sourceRefs(o, name, archSources(o, name)), builder);
        logger.info(`nx-multiarch: dry run: ${name}: docker ${argv.join(' ')}`);
      }
      return { success: true };
    }
    const ctx: ManifestContext = {
      options: o,
      ...(builder && { builder }),
      runner: run,
      env: registryEnv(o),
      log: (line) => logger.info(`nx-multiarch: ${project}: ${line}`),
      warn: (line) => logger.warn(`nx-multiarch: ${project}: ${line}`),
    };
    for (const { name } of o.images) {
      const startedAt = Date.now();
      try {
        const record = await publishManifest(ctx, name);
        writeManifestRecord(o.outputDir, record);
        outcomes.push(manifestOutcome(name, record));
        logger.info(`nx-multiarch: ${manifestLine(record)}`);
      } catch (error) {
        if (!(error instanceof PluginError)) throw error;
        fail(error, manifestTags(o, name)[0], name, startedAt);
      }
    }
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    fail(error);
  }
  writeTaskReport({ task: contextTaskId(context), project, target: context.targetName ?? 'manifest', outcomes });
  return { success: !failed };
}
