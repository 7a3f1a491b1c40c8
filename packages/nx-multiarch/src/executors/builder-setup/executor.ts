import { resolve } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { certsDirLookup } from '../../buildkit/certificates';
import { buildxVersionArgs, parseBuildxVersion } from '../../buildx/version';
import { nativeArches } from '../../builder/native';
import { ensureBuilder } from '../../builder/setup';
import { planBuilder } from '../../builder/spec';
import { docker } from '../../docker/cli';
import { readClientProxies } from '../../docker/client-config';
import { readDaemonConfig } from '../../docker/daemon-config';
import { dockerHostArch } from '../../docker/server';
import { CommandError, PluginError } from '../../errors';
import { appendFailure, commandFields } from '../../failure/log';
import { setupFailure } from '../../failure/setup-failure';
import { proxiesFromEnv, redactText, resolveProxies } from '../../network/proxy';
import { ociPlatform } from '../../platform';
import { DEFAULT_STATE_DIR, writeBuilderState } from '../../state/builder-state';
import { withLock } from '../../state/lock';
import { type BuilderSetupExecutorSchema, normalizeBuilderSetupOptions } from './options';
import { writeRunGraph } from '../../run/record';

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
