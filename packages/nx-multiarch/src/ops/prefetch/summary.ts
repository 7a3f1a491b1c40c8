import { type Classification, isDockerHubHost } from '../../core/failure/classify';
import type { AttemptReport, PrefetchOutcome } from './fetch';
import { familiarRef } from '../../core/image/reference';
import type { PrefetchPlan } from './plan';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const label = (item: { ref: string; arch: string }) => `${familiarRef(item.ref)} linux/${item.arch}`;
const cause = (failure: Classification) =>
  `${failure.class}, ${failure.kind}${failure.evidence ? `: ${failure.evidence}` : ''}`;

/** One line per failed attempt: what failed, why (through which proxy), and what happens next. */
export function describeAttempt(report: AttemptReport, attempts: number, proxy?: string): string {
  const next =
    report.nextDelayMs !== undefined
      ? `retrying in ${seconds(report.nextDelayMs)}`
      : report.failure.class === 'permanent'
        ? 'not retrying: another attempt cannot fix this'
        : 'no attempts left';
  const via = proxy ? `; through the proxy ${proxy}` : '';
  return `prefetch ${label(report.item)}: attempt ${report.attempt}/${attempts} failed (${cause(report.failure)})${via}; ${next}`;
}

/**
 * Why a fetch from Docker Hub failed where mirrors were configured: the mirror answered "not here" and the
 * daemon (or BuildKit) fell back to Docker Hub. Without mirrors, a Docker Hub failure suggests adding one.
 */
export function mirrorHint(
  ref: string,
  failure: Classification | undefined,
  mirrors: readonly string[],
): string | undefined {
  if (!failure?.host || !isDockerHubHost(failure.host)) return undefined;
  if (mirrors.length > 0) {
    return (
      `${failure.host} is Docker Hub, reached although registry mirrors are configured (${mirrors.join(', ')}): ` +
      `the mirror did not carry ${familiarRef(ref)}. Push it to the mirror (or check the mirror's upstream), ` +
      'then rerun; the diagnose target (nx run <workspace>:diagnose) checks the mirrors'
    );
  }
  return (
    `${failure.host} is Docker Hub and no registry mirror is configured: add "registry-mirrors" to daemon.json ` +
    'and rerun builder-setup, so builds fetch from the mirror'
  );
}

const skippedLines = (plan: PrefetchPlan) =>
  plan.skipped.map((s) => `  skipped  ${s.ref} (${s.projects.join(', ')}): ${s.reason}`);

/** What --dryRun prints: every pair that would be fetched, for which components, and what is left out. */
export function describePlan(plan: PrefetchPlan): string[] {
  const width = Math.max(0, ...plan.items.map((item) => label(item).length));
  return [
    ...plan.items.map((item) => `  would fetch  ${label(item).padEnd(width)}  for ${item.projects.join(', ')}`),
    ...skippedLines(plan),
  ];
}

export interface SummaryContext {
  plan: PrefetchPlan;
  where: string;
  mirrors: readonly string[];
}

/** The end-of-run report: a line per pair, then the totals; failures carry class, message and hint. */
export function summarizePrefetch(outcomes: readonly PrefetchOutcome[], context: SummaryContext): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...outcomes.map((o) => label(o).length));
  for (const outcome of outcomes) {
    const name = label(outcome).padEnd(width);
    if (outcome.status === 'present') {
      lines.push(`  present  ${name}  already there`);
    } else if (outcome.status === 'fetched') {
      lines.push(
        `  fetched  ${name}  ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}, ${seconds(outcome.durationMs)}`,
      );
    } else {
      const failure = outcome.failure as Classification;
      lines.push(
        `  FAILED   ${name}  after ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'} in ${seconds(outcome.durationMs)} (${failure.class}, ${failure.kind}), ` +
          `needed by ${outcome.projects.join(', ')}`,
      );
      if (failure.evidence) lines.push(`           ${failure.evidence}`);
      const hint = mirrorHint(outcome.ref, failure, context.mirrors);
      if (hint) lines.push(`           hint: ${hint}`);
    }
  }
  lines.push(...skippedLines(context.plan));
  const count = (status: PrefetchOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  const fetches = outcomes.reduce((sum, o) => sum + o.attempts, 0);
  lines.push(
    `nx-multiarch: prefetch into ${context.where}: ${count('fetched')} fetched, ${count('present')} already present, ` +
      `${count('failed')} failed; ${fetches} fetch attempt${fetches === 1 ? '' : 's'} for ${outcomes.length} ` +
      `(image, platform) pairs, where pulling per component and platform would take ${context.plan.naiveFetches}`,
  );
  return lines;
}
