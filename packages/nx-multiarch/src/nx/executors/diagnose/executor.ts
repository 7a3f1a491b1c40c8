import { logger, type ExecutorContext } from '@nx/devkit';
import { certsDirLookup } from '../../../core/buildkit/certificates';
import { planBuilder } from '../../../ops/setup/spec';
import { readClientProxies } from '../../../core/docker-config/client';
import { readDaemonConfig } from '../../../core/docker-config/daemon';
import { checksJson, formatChecks, summarize } from '../../../ops/diagnose/report';
import { runDiagnosis } from '../../../ops/diagnose/run';
import { PluginError } from '../../../core/failure/errors';
import { proxiesFromEnv, redactText, resolveProxies } from '../../../core/network/proxy';
import type { Arch } from '../../../core/platform';
import { writeFileAtomic } from '../../../infra/state/atomic-file';
import { readBuilderState } from '../../../infra/state/builder-state';
import { normalizeBuilderSetupOptions } from '../../../core/options/builder-setup';
import { type DiagnoseExecutorSchema, normalizeDiagnoseOptions } from '../../../core/options/diagnose';

/** What builder-setup recorded; a state it cannot read is the builder check's business, not a reason to stop. */
function recordedNativePlatforms(stateDir: string): Arch[] | undefined {
  try {
    return readBuilderState(stateDir)?.nativePlatforms;
  } catch (error) {
    if (error instanceof PluginError) return undefined;
    throw error;
  }
}

export default async function diagnoseExecutor(
  options: DiagnoseExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  try {
    const o = normalizeDiagnoseOptions(options);
    const builder = normalizeBuilderSetupOptions(o.builder, context.root, process.env);
    const daemon = readDaemonConfig(builder.daemonSearch);
    const proxies = resolveProxies({
      daemon: daemon.proxies,
      clientConfig: readClientProxies(process.env, builder.daemonSearch.home),
      env: proxiesFromEnv(process.env),
    });
    const plan = planBuilder(builder.request, {
      daemon,
      proxies: proxies.builder,
      certificates: certsDirLookup(builder.certsDir),
    });
    const nativePlatforms = recordedNativePlatforms(builder.stateDir);
    const checks = await runDiagnosis({
      daemon,
      proxies: proxies.builder,
      builderName: builder.request.name,
      ...(plan.kind === 'create' && { expectedFingerprint: plan.fingerprint }),
      platforms: o.platforms,
      hostArch: process.arch === 'arm64' ? 'arm64' : 'amd64',
      ...(nativePlatforms && { builderNative: nativePlatforms }),
      probe: o.probe,
      probeImage: o.probeImage,
      timeoutMs: o.timeoutMs,
      binfmtDir: '/proc/sys/fs/binfmt_misc',
    });
    writeFileAtomic(`${builder.stateDir}/diagnose.json`, `${checksJson(checks)}\n`);
    console.log(redactText(o.json ? checksJson(checks) : formatChecks(checks)));
    return { success: summarize(checks).fail === 0 };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    logger.error(`nx-multiarch: diagnose: ${redactText(error.message)}`);
    return { success: false };
  }
}
