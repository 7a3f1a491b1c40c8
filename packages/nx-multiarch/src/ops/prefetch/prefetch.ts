import { daemonConfigSearch, readDaemonConfig } from '../../core/docker-config/daemon';
import { builderProxy, dockerProxies } from '../../core/docker-config/proxies';
import { homedir } from 'node:os';
import type { Log } from '../../core/log';
import { redactText } from '../../core/network/proxy';
import type { NormalizedPrefetchOptions } from '../../core/options/prefetch';
import { appendFailure } from '../../infra/run/failure-log';
import { type AttemptReport, attemptRecord, prefetchItems } from './fetch';
import type { PrefetchPlan } from './plan';
import { readPrefetchRecord, recordKey, updatePrefetchRecord } from './prefetch-record';
import { describeAttempt, describePlan, summarizePrefetch } from './summary';
import { describeTarget, type WarmTarget } from './warm';

/** The prefetch executor: every planned (image, platform) warmed where builds read it; false when one failed. */
export async function prefetch(
  plan: PrefetchPlan,
  target: WarmTarget,
  o: NormalizedPrefetchOptions,
  log: Log,
  project: string,
): Promise<boolean> {
  const where = describeTarget(target);
  log.info(`nx-multiarch: prefetch: ${plan.items.length} (image, platform) pairs into ${where}`);
  if (o.dryRun) {
    log.info(describePlan(plan).join('\n'));
    return true;
  }
  const daemon = readDaemonConfig(daemonConfigSearch(o.daemonConfig, process.env));
  const proxies = dockerProxies(daemon, process.env, process.env.HOME ?? homedir());
  const proxy = builderProxy(target.kind === 'daemon', daemon, proxies);
  const onAttempt = (report: AttemptReport) => {
    log.warn(`nx-multiarch: ${describeAttempt(report, o.policy.attempts, proxy)}`);
    appendFailure(o.stateDir, { ...attemptRecord(report, project), ...(proxy && { proxy }) });
  };
  const settings = {
    target,
    policy: o.policy,
    attemptTimeoutMs: o.attemptTimeoutMs,
    workDir: `${o.stateDir}/prefetch`,
    record: readPrefetchRecord(o.stateDir),
  };
  const outcomes = await prefetchItems(plan.items, settings, o.concurrency, onAttempt);
  const warmed = outcomes.filter((r) => r.status !== 'failed' && r.imageId);
  await updatePrefetchRecord(
    o.stateDir,
    Object.fromEntries(warmed.map((r) => [recordKey(r.ref, r.arch), r.imageId as string])),
  );
  const failed = outcomes.some((outcome) => outcome.status === 'failed');
  const text = summarizePrefetch(outcomes, { plan, where, mirrors: daemon.registryMirrors }).map(redactText).join('\n');
  if (failed) log.error(text);
  else log.info(text);
  return !failed;
}
