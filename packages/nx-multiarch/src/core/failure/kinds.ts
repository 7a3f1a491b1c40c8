/**
 * Every kind of failure the plugin reports, and what it means for another attempt: the one table a new failure class
 * is added to. Then, if docker or buildx prints it, give it a pattern in RULES (rules.ts); the compiler asks for its
 * remedy (remedy.ts).
 */

export type FailureClass = 'transient' | 'permanent';

/** What failed; a failure nothing recognises takes the operation's default class. */
export type FailureOperation = 'pull' | 'build' | 'manifest';

export interface KindTraits {
  /** Whether another attempt can help; `by-operation`: the operation's default (for `unknown`). */
  class: FailureClass | 'by-operation';
  /** The builder's cache looks corrupt: retry with `--no-cache`. */
  noCacheOnRetry?: true;
  /** The output may say how long to wait (`retry-after`). */
  readsRetryAfter?: true;
}

const transient: KindTraits = { class: 'transient' };
const permanent: KindTraits = { class: 'permanent' };

const KINDS = {
  // transient
  timeout: transient,
  // Our stall timeout killed the process: no output for too long.
  stalled: transient,
  tls: transient,
  dns: transient,
  refused: transient,
  unreachable: transient,
  reset: transient,
  eof: transient,
  'server-error': transient,
  // Its own kind: the caller waits longer than for other transient failures.
  'rate-limit': { class: 'transient', readsRetryAfter: true },
  oauth: transient,
  network: transient,
  // A builder node went away mid-build or never answered (remote buildkitd restarted, BuildKit container killed).
  'builder-node': transient,
  'poisoned-cache': { class: 'transient', noCacheOnRetry: true },
  // permanent
  'not-found': permanent,
  unauthorized: permanent,
  'no-matching-platform': permanent,
  'invalid-reference': permanent,
  context: permanent,
  dockerfile: permanent,
  'tls-config': permanent,
  'run-step': permanent,
  verification: permanent,
  config: permanent,
  qemu: permanent,
  // The disk under Docker's data-root (or BuildKit's state) is full: pruning, not another attempt, frees it.
  'disk-full': permanent,
  // A proxy asked for credentials it did not get (407): the proxy URL needs them.
  'proxy-auth': permanent,
  builder: permanent,
  daemon: permanent,
  service: permanent,
  'missing-platform': permanent,
  // neither recognised: the class is the operation's default
  unknown: { class: 'by-operation' },
} satisfies Record<string, KindTraits>;

export type FailureKind = keyof typeof KINDS;

export const FAILURE_KINDS: Readonly<Record<FailureKind, KindTraits>> = KINDS;

// Registry operations fail mostly on the way there; a build that fails for no known reason is most likely the build.
const DEFAULT_CLASS: Record<FailureOperation, FailureClass> = {
  pull: 'transient',
  manifest: 'transient',
  build: 'permanent',
};

/** Whether another attempt at `operation` can help after a failure of this kind. */
export function classOf(kind: FailureKind, operation: FailureOperation): FailureClass {
  const { class: cls } = FAILURE_KINDS[kind];
  return cls === 'by-operation' ? DEFAULT_CLASS[operation] : cls;
}
