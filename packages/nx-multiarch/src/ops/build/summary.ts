import type { Classification } from '../../core/failure/classify';
import { type Arch, ociPlatform } from '../../core/platform';
import type { Outcome } from '../../infra/run/run-dir';
import type { BuildRecord } from './build-record';

export interface BuildFailure {
  project: string;
  image: string;
  platform: string;
  attempts: number;
  failure: Classification;
  step?: string;
  logFile?: string;
  /** The proxy the builder sent registry requests through, credentials out. */
  proxy?: string;
  /** The builder node on another machine this platform was sent to. */
  node?: string;
  /** The registry a push went to. */
  registry?: string;
  message: string;
  durationMs: number;
  finishedAt: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `api linux/arm64`, or `api/api-init linux/arm64` when the project builds several images: one build. */
export function buildTitle(project: string, image: string, platform: string): string {
  return `${project === image ? project : `${project}/${image}`} ${platform}`;
}

/** `[api linux/arm64] ` before every line of one build's output. */
export function progressPrefix(project: string, image: string, platform: string): string {
  return `[${buildTitle(project, image, platform)}] `;
}

/** The one line a finished build leaves in the task's output. */
export function resultLine(outcome: BuildRecord | BuildFailure): string {
  const head = buildTitle(outcome.project, outcome.image, outcome.platform);
  if ('failure' in outcome) {
    const step = outcome.step ? ` at ${outcome.step}` : '';
    const tries = outcome.attempts > 1 ? ` after ${outcome.attempts} attempts` : '';
    const log = outcome.logFile ? `; log: ${outcome.logFile}` : '';
    return `✖ ${head} FAILED${tries} in ${seconds(outcome.durationMs)}${step}: ${outcome.failure.kind} (${outcome.failure.class}): ${outcome.failure.evidence || outcome.message}${log}`;
  }
  const detail: Record<BuildRecord['status'], string> = {
    built: 'built',
    cached: 'cached (every step from the BuildKit cache)',
    reused: 'reused (same inputs, image still there)',
  };
  const extra = [
    outcome.attempts > 1 ? `attempt ${outcome.attempts}` : '',
    outcome.noCache ? 'without cache' : '',
    outcome.pushed ? `pushed ${outcome.digest ?? ''}`.trim() : '',
  ].filter(Boolean);
  const how = outcome.fromRegistry
    ? 'reused (same inputs, pushed by another machine: found in the registry)'
    : undefined;
  return `✔ ${head} ${how ?? detail[outcome.status]} in ${seconds(outcome.durationMs)}${extra.length ? ` (${extra.join(', ')})` : ''}: ${outcome.ref}`;
}

/** The task's last line: counts per outcome. */
export function taskLine(project: string, outcomes: ReadonlyArray<BuildRecord | BuildFailure>): string {
  const count = (status: string) => outcomes.filter((o) => ('failure' in o ? 'failed' : o.status) === status).length;
  const parts = ['built', 'cached', 'reused', 'failed'].map((s) => [s, count(s)] as const).filter(([, n]) => n > 0);
  return `${project}: ${parts.map(([s, n]) => `${n} ${s}`).join(', ') || 'nothing to build'}`;
}

/** Why a platform asked for (`--platform`) is left out: the component does not have it. */
export function notPlatformsLine(project: string, notPlatforms: readonly Arch[], platforms: readonly Arch[]): string {
  const building = platforms.length > 0 ? `building ${platforms.map(ociPlatform).join(', ')}` : 'nothing to build';
  return (
    `${project}: not building ${notPlatforms.map(ociPlatform).join(', ')}: not one of its platforms ` +
    `("platforms" in its multiarch.json, or the plugin's in nx.json); ${building}`
  );
}

const CACHE_DETAIL: Record<BuildRecord['status'], string | undefined> = {
  built: undefined,
  cached: 'BuildKit cache',
  reused: 'reused',
};

/** A build's result as the run report shows it: a cell of the matrix and a bar of the timeline. */
export function runOutcome(outcome: BuildRecord | BuildFailure, nativePlatforms: readonly string[]): Outcome {
  const endedAt = Date.parse(outcome.finishedAt);
  const common = {
    image: outcome.image,
    platform: outcome.platform,
    startedAt: endedAt - outcome.durationMs,
    endedAt,
    ...(!nativePlatforms.includes(outcome.platform) && { emulated: true }),
    attempts: outcome.attempts,
  };
  if ('failure' in outcome) {
    const { class: failureClass, kind, evidence } = outcome.failure;
    return {
      ...common,
      status: 'failed',
      failure: {
        class: failureClass,
        kind,
        evidence,
        ...(outcome.step && { step: outcome.step }),
        ...(outcome.logFile && { logFile: outcome.logFile }),
        ...(outcome.proxy && { proxy: outcome.proxy }),
        ...(outcome.node && { node: outcome.node }),
        ...(outcome.registry && { host: outcome.registry }),
      },
    };
  }
  const detail = CACHE_DETAIL[outcome.status];
  return {
    ...common,
    status: outcome.status === 'built' ? 'built' : 'cached',
    ...(detail && { detail }),
    ref: outcome.ref,
    ...(outcome.digest && { digest: outcome.digest }),
  };
}
