import { homedir } from 'node:os';
import { imagetoolsCreateArgs } from '../../cli/buildx/imagetools';
import { docker } from '../../cli/docker/cli';
import { daemonConfigSearch, readDaemonConfig } from '../../core/docker-config/daemon';
import { dockerProxies } from '../../core/docker-config/proxies';
import { CommandError, PluginError } from '../../core/failure/errors';
import type { Log } from '../../core/log';
import { proxyEnv, redactText } from '../../core/network/proxy';
import type { NormalizedManifestOptions } from '../../core/options/manifest';
import { appendFailure, commandFields } from '../../infra/run/failure-log';
import type { Outcome } from '../../infra/run/run-dir';
import {
  archSources,
  type ManifestContext,
  manifestFailure,
  manifestLine,
  manifestOutcome,
  manifestTags,
  publishManifest,
  sourceRefs,
  writeManifestRecord,
} from './publish';

// imagetools talks to the registry from this process: it needs the proxies in its environment.
function registryEnv(o: NormalizedManifestOptions, env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const daemon = readDaemonConfig(daemonConfigSearch(o.daemonConfig, env));
  return { ...env, ...proxyEnv(dockerProxies(daemon, env, env.HOME ?? homedir()).client) };
}

/** `--dryRun`: the imagetools command of each image, nothing run. */
export function printManifestDryRun(o: NormalizedManifestOptions, builder: string | undefined, log: Log): void {
  for (const { name } of o.images) {
    const argv = imagetoolsCreateArgs(manifestTags(o, name), sourceRefs(o, name, archSources(o, name)), builder);
    log.info(`nx-multiarch: dry run: ${name}: docker ${argv.join(' ')}`);
  }
}

/** The manifest executor: each image's multi-arch index published and verified; one failing does not stop the next. */
export async function publishManifests(
  o: NormalizedManifestOptions,
  builder: string | undefined,
  log: Log,
): Promise<Outcome[]> {
  const ctx: ManifestContext = {
    options: o,
    ...(builder && { builder }),
    docker,
    env: registryEnv(o, process.env),
    log: (line) => log.info(`nx-multiarch: ${o.project}: ${line}`),
    warn: (line) => log.warn(`nx-multiarch: ${o.project}: ${line}`),
  };
  const outcomes: Outcome[] = [];
  for (const { name } of o.images) {
    const startedAt = Date.now();
    try {
      const record = await publishManifest(ctx, name);
      writeManifestRecord(o.outputDir, record);
      outcomes.push(manifestOutcome(name, record));
      log.info(`nx-multiarch: ${manifestLine(record)}`);
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
      const ref = manifestTags(o, name)[0];
      const failure = manifestFailure(error);
      outcomes.push(manifestOutcome(name, { failure, startedAt }));
      const message = redactText(error.message);
      log.error(`nx-multiarch: ✖ ${ref} FAILED: ${message}`);
      // A registry command's every attempt, the last one too, is already in the log (see registry.ts).
      if (error instanceof CommandError) continue;
      const record = { operation: 'manifest' as const, project: o.project, image: ref, attempt: 1, ...failure };
      appendFailure(o.stateDir, { time: new Date().toISOString(), ...record, ...commandFields(error), message });
    }
  }
  return outcomes;
}
