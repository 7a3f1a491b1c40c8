import { clip, lastClipped } from './evidence';
import { hostIn } from './host';
import { classOf, FAILURE_KINDS, type FailureClass, type FailureKind, type FailureOperation } from './kinds';
import { isEcho, outputLines, stripAnsi } from './output-lines';
import { retryAfterSeconds } from './retry-after';
import { BUILDER_NODE, DISK_FULL, QEMU, RULES, RUN_STEP, STEP_NETWORK, type Rule } from './rules';

// The entry point its importers use; a new failure class goes in kinds.ts (what it means) and rules.ts (its text).
export type { FailureClass, FailureKind } from './kinds';
export { hostIn, isDockerHubHost } from './host';
export { retryAfterSeconds } from './retry-after';

export interface Classification {
  class: FailureClass;
  kind: FailureKind;
  /** The line that decided it, without ANSI escapes, trimmed and clipped; '' when there was none. */
  evidence: string;
  /** From a `retry-after` in the output, for `rate-limit`. */
  retryAfterSeconds?: number;
  /** The builder's cache looks corrupt: retry with `--no-cache`. */
  noCacheOnRetry?: boolean;
  /** Registry (or other) host named in the evidence, lower case, with its port when it has one. */
  host?: string;
}

export interface FailureContext {
  operation: FailureOperation;
  /** Our own per-attempt timeout killed the process. */
  timedOut?: boolean;
  /** Our stall timeout killed the process (no output for too long). */
  stalled?: boolean;
}

/** Decides from a failed docker/buildx command's output whether another attempt can help. */
export function classifyFailure(output: string, context: FailureContext): Classification {
  const lines = outputLines(output);
  // Our own timeouts: the output ends wherever the process was when it was killed.
  if (context.stalled || context.timedOut) {
    const kind = context.stalled ? 'stalled' : 'timeout';
    return withHost({ class: classOf(kind, context.operation), kind, evidence: lastClipped(lines) });
  }
  const meaningful = lines.filter((line) => !isEcho(line));
  if (!meaningful.some((line) => RUN_STEP.pattern.test(line))) {
    // buildx's own step header counts here: `#1 [internal] waiting for connection` is not a Dockerfile echo.
    const gone = lines.find((line) => BUILDER_NODE.pattern.test(line));
    if (gone) return decided(BUILDER_NODE, gone, output, context);
  }
  // BuildKit prints progress first and the error chain last, innermost cause at the end of the line.
  for (let i = meaningful.length - 1; i >= 0; i--) {
    const line = meaningful[i];
    const rule = RULES.find((r) => r.pattern.test(line));
    if (!rule) continue;
    if (rule === RUN_STEP) return runStep(line, meaningful, context);
    return decided(rule, line, output, context);
  }
  const kind = 'unknown';
  return withHost({ class: classOf(kind, context.operation), kind, evidence: lastClipped(meaningful) });
}

/** A RUN step that failed because the network did is worth another attempt. */
function runStep(line: string, lines: readonly string[], context: FailureContext): Classification {
  for (const rule of [QEMU, DISK_FULL]) {
    const found = lines.find((l) => rule.pattern.test(l));
    if (found) return decided(rule, found, '', context);
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    if (RUN_STEP.pattern.test(lines[i])) continue;
    const rule = STEP_NETWORK.find((r) => r.pattern.test(lines[i]));
    if (rule) return decided(rule, lines[i], lines.join('\n'), context);
  }
  return decided(RUN_STEP, line, '', context);
}

function decided(rule: Rule, line: string, output: string, context: FailureContext): Classification {
  const traits = FAILURE_KINDS[rule.kind];
  const result: Classification = {
    class: classOf(rule.kind, context.operation),
    kind: rule.kind,
    evidence: clip(line, rule.pattern),
  };
  if (traits.readsRetryAfter) {
    const seconds = retryAfterSeconds(stripAnsi(output));
    if (seconds !== undefined) result.retryAfterSeconds = seconds;
  }
  if (traits.noCacheOnRetry) result.noCacheOnRetry = true;
  return withHost(result);
}

function withHost(result: Classification): Classification {
  const host = hostIn(result.evidence);
  return host ? { ...result, host } : result;
}
