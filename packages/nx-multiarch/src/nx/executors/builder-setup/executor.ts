import { resolve } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { certsDirLookup } from '../../../core/buildkit/certificates';
import { buildxVersionArgs, parseBuildxVersion } from '../../../cli/buildx/version';
import { nativeArches } from '../../../ops/setup/native';
import { ensureBuilder } from '../../../ops/setup/setup';
import { planBuilder } from '../../../ops/setup/spec';
import { docker } from '../../../cli/docker/cli';
import { readClientProxies } from '../../../core/docker-config/client';
import { readDaemonConfig } from '../../../core/docker-config/daemon';
import { dockerHostArch } from '../../../cli/docker/server';
import { CommandError, PluginError } from '../../../core/failure/errors';
import { appendFailure, commandFields } from '../../../infra/run/failure-log';
import { setupFailure } from '../../../core/failure/setup-failure';
import { proxiesFromEnv, redactText, resolveProxies } from '../../../core/network/proxy';
import { ociPlatform } from '../../../core/platform';
import { writeBuilderState } from '../../../infra/state/builder-state';
import { DEFAULT_STATE_DIR } from '../../../core/options/state-dir';
import { withLock } from '../../../infra/state/lock';
import { type BuilderSetupExecutorSchema, normalizeBuilderSetupOptions } from '../../../core/options/builder-setup';
import { writeRunGraph } from '../../../infra/run/record';

export default async function builderSetupExecutor(
  options: BuilderSetupExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  // Nx leaves skipped tasks out of what the run report gets; the task graph names them.
  writeRunGraph(context.taskGraph);
  const log = (line: string) => logger.info(`nx-multiarch: ${redactText(line)}`);
  try {
    const o = normalizeBuilderSetupOptions(options, context.root, process.env);
    const daemon = readDaemonConfig(o.daemonSearch);
    const proxies = resolveProxies({
      daemon: daemon.proxies,
      clientConfig: readClientProxies(process.env, o.daemonSearch.home),
      env: proxiesFromEnv(process.env),
    });
    const plan = planBuilder(o.request, { daemon, proxies: proxies.builder, certificates: certsDirLookup(o.certsDir) });
    for (const warning of plan.warnings) logger.warn(`nx-multiarch: ${redactText(warning)}`);
    for (const note of plan.notes) log(note);
    const version = parseBuildxVersion((await docker(buildxVersionArgs(), { timeoutMs: 30_000 })).stdout);
    // Two tasks (or two nx runs) setting up the same builder must not race.
    const outcome = await withLock(
      `${o.stateDir}/builder-${o.request.name}.lock`,
      () => ensureBuilder(plan, { version, timeoutMs: o.timeoutMs, dryRun: o.dryRun, log }),
      {
        timeoutMs: o.timeoutMs,
      },
    );
    log(`builder ${o.request.name} (${o.request.driver}, buildx ${version.raw}): ${outcome}`);
    if (!o.dryRun) {
      const nativePlatforms = nativeArches(o.request, await dockerHostArch(log, o.timeoutMs));
      log(`builds without QEMU: ${nativePlatforms.map(ociPlatform).join(', ')}`);
      writeBuilderState(o.stateDir, {
        name: o.request.name,
        driver: o.request.driver,
        hostNetwork: plan.hostNetwork,
        ...(plan.kind === 'create' && { fingerprint: plan.fingerprint, configFile: plan.spec.configFile }),
        buildxVersion: version.raw,
        nativePlatforms,
        updatedAt: new Date().toISOString(),
      });
    }
    return { success: true };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    const message = redactText(error.message);
    logger.error(`nx-multiarch: builder-setup: ${message}`);
    appendFailure(resolve(context.root, options.stateDir ?? DEFAULT_STATE_DIR), {
      time: new Date().toISOString(),
      operation: 'builder-setup',
      project: context.projectName ?? 'unknown',
      attempt: 1,
      ...setupFailure(error, 'builder'),
      ...commandFields(error),
      ...(error instanceof CommandError && { argv: error.argv }),
      message,
    });
    return { success: false };
  }
}
