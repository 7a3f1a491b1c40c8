import type { NormalizedBuilderSetupOptions } from '../../core/options/builder-setup';
import type { NormalizedDiagnoseOptions } from '../../core/options/diagnose';
import { PluginError } from '../../core/failure/errors';
import { redactText } from '../../core/network/proxy';
import type { Arch } from '../../core/platform';
import { writeFileAtomic } from '../../infra/state/atomic-file';
import { readBuilderState } from '../../infra/state/builder-state';
import { planFromDocker } from '../setup/builder-setup';
import { checksJson, formatChecks, summarize } from './report';
import { runDiagnosis } from './run';

/** What builder-setup recorded; a state it cannot read is the builder check's business, not a reason to stop. */
function recordedNativePlatforms(stateDir: string): Arch[] | undefined {
  try {
    return readBuilderState(stateDir)?.nativePlatforms;
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    return undefined;
  }
}

/** The diagnose executor's checks, saved as diagnose.json; returns what to print and whether all passed. */
export async function diagnose(
  o: NormalizedDiagnoseOptions,
  builder: NormalizedBuilderSetupOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ text: string; passed: boolean }> {
  const { daemon, proxies, plan } = planFromDocker(builder, env);
  const nativePlatforms = recordedNativePlatforms(builder.stateDir);
  const checks = await runDiagnosis({
    daemon,
    proxies,
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
  return { text: redactText(o.json ? checksJson(checks) : formatChecks(checks)), passed: summarize(checks).fail === 0 };
}
