import pRetry, { AbortError } from 'p-retry';
import type { Classification } from '../../core/failure/classify';
import type { RetryPolicy } from '../../core/options/retry';

/**
 * The wait after failed attempt `attempt` (1-based): base * 2^(attempt-1), capped, with "equal jitter" (half
 * fixed, half random) so parallel tasks that failed together do not retry together. Retry-After wins.
 */
export function retryDelayMs(
  attempt: number,
  failure: Pick<Classification, 'kind' | 'retryAfterSeconds'>,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (failure.retryAfterSeconds !== undefined) return Math.ceil(failure.retryAfterSeconds * 1000);
  const base = failure.kind === 'rate-limit' ? policy.rateLimitBaseDelayMs : policy.baseDelayMs;
  const exponential = Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

export interface AttemptFailure {
  attempt: number;
  error: unknown;
  failure: Classification;
  /** Wait before the next attempt; undefined when there is none (permanent, or attempts used up). */
  nextDelayMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, fails permanently (no retry), or uses up the attempts; the last error is
 * rethrown as it was. `onFailure` hears of every failed attempt with its class and the wait that follows.
 */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  classify: (error: unknown) => Classification,
  policy: RetryPolicy,
  onFailure: (failure: AttemptFailure) => void = () => undefined,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  return pRetry(
    async (attempt) => {
      try {
        return await operation(attempt);
      } catch (error) {
        const failure = classify(error);
        const last = failure.class === 'permanent' || attempt >= policy.attempts;
        const nextDelayMs = last ? undefined : retryDelayMs(attempt, failure, policy);
        onFailure({ attempt, error, failure, ...(nextDelayMs !== undefined && { nextDelayMs }) });
        if (last) throw new AbortError(error instanceof Error ? error : new Error(String(error)));
        // p-retry's own timer is off (minTimeout 0): the wait is ours, so it can honour Retry-After.
        await wait(nextDelayMs as number);
        throw error;
      }
    },
    { retries: policy.attempts - 1, minTimeout: 0, maxTimeout: 0, factor: 1 },
  );
}
