import { buildxVersionArgs, parseBuildxVersion } from '../../cli/buildx/version';
import { docker } from '../../cli/docker/cli';
import { dockerHostArch } from '../../cli/docker/server';
import { certsDirLookup } from '../../core/buildkit/certificates';
import { readDaemonConfig } from '../../core/docker-config/daemon';
import { dockerProxies } from '../../core/docker-config/proxies';
import type { Log } from '../../core/log';
import { redactText } from '../../core/network/proxy';
import type { NormalizedBuilderSetupOptions } from '../../core/options/builder-setup';
import { ociPlatform } from '../../core/platform';
import { writeBuilderState } from '../../infra/state/builder-state';
import { withLock } from '../../infra/state/lock';
import { viewDaemon } from '../cache-key/daemon-view';
import { builderContainer } from '../cache-key/standing';
import { emulationWarnings, measuredNativeArches, nativeArches, needsProbe } from './native';
import { probeNative } from './probe';
import { CommandError } from '../../core/failure/errors';
import { writeIfChanged } from '../../infra/state/atomic-file';
import { ensureBuilder } from './setup';
import { type BuilderPlan, planBuilder } from './spec';

/** The builder plan for these options, from the daemon's config and Docker's proxies (shared with diagnose). */
export function planFromDocker(o: NormalizedBuilderSetupOptions, env: NodeJS.ProcessEnv) {
  const daemon = readDaemonConfig(o.daemonSearch);
  const proxies = dockerProxies(daemon, env, o.daemonSearch.home).builder;
  const plan: BuilderPlan = planBuilder(o.request, { daemon, proxies, certificates: certsDirLookup(o.certsDir) });
  return { daemon, proxies, plan };
}

/**
 * Asks the nodes on other machines what they run natively, and warns for each platform one would emulate. A node
 * that does not answer is worth a warning, not a failed setup: its platforms are then taken as declared.
 */
async function measureNodes(o: NormalizedBuilderSetupOptions, plan: BuilderPlan, log: Log) {
  try {
    const measured = await probeNative(o.request, o.probeImage, o.timeoutMs);
    for (const warning of emulationWarnings(measured)) log.warn(`nx-multiarch: ${warning}`);
    return measured;
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    const remote = plan.kind === 'create' && plan.remoteNote ? ` ${plan.remoteNote}` : '';
    log.warn(
      `nx-multiarch: could not ask the builder's nodes what they run natively (${o.probeImage} probe: ` +
        `${redactText(error.outputTail.trim().split('\n').slice(-1)[0] ?? error.message)}); taking their platforms ` +
        `as declared.${remote}`,
    );
    return undefined;
  }
}

/** builder-setup: the builder made to match the plan (idempotent), and what it can build natively recorded. */
export async function setUpBuilder(o: NormalizedBuilderSetupOptions, log: Log, env: NodeJS.ProcessEnv): Promise<void> {
  const info = (line: string) => log.info(`nx-multiarch: ${redactText(line)}`);
  const { plan } = planFromDocker(o, env);
  for (const warning of plan.warnings) log.warn(`nx-multiarch: ${redactText(warning)}`);
  for (const note of plan.notes) info(note);
  // Said once: when the file the user copies to the remote nodes is new or changed.
  if (plan.kind === 'create' && plan.remoteNote && !o.dryRun && writeIfChanged(o.request.configFile, plan.toml))
    info(plan.remoteNote);
  const version = parseBuildxVersion((await docker(buildxVersionArgs(), { timeoutMs: 30_000 })).stdout);
  // Two tasks (or two nx runs) setting up the same builder must not race.
  const outcome = await withLock(
    `${o.stateDir}/builder-${o.request.name}.lock`,
    () => ensureBuilder(plan, { version, timeoutMs: o.timeoutMs, dryRun: o.dryRun, log: info }),
    { timeoutMs: o.timeoutMs },
  );
  info(`builder ${o.request.name} (${o.request.driver}, buildx ${version.raw}): ${outcome}`);
  if (o.dryRun) return;
  const host = await dockerHostArch(info, o.timeoutMs);
  const measured = needsProbe(o.request) ? await measureNodes(o, plan, log) : undefined;
  const nativePlatforms = measured ? measuredNativeArches(measured, o.request, host) : nativeArches(o.request, host);
  info(`builds without QEMU: ${nativePlatforms.map(ociPlatform).join(', ')}${measured ? ' (measured)' : ''}`);
  // Recorded so a later run's cache key notices a container removed or replaced behind buildx's back.
  const container = o.request.driver === 'docker-container' ? builderContainer(o.request.name) : undefined;
  const containerId = container && (await viewDaemon([container], { ...env }))?.containers.get(container)?.id;
  writeBuilderState(o.stateDir, {
    name: o.request.name,
    driver: o.request.driver,
    hostNetwork: plan.hostNetwork,
    ...(plan.kind === 'create' && { fingerprint: plan.fingerprint, configFile: plan.spec.configFile }),
    buildxVersion: version.raw,
    nativePlatforms,
    ...(measured && { platformNodes: measured }),
    ...(containerId && { containerId }),
    updatedAt: new Date().toISOString(),
  });
}
