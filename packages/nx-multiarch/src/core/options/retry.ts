// How often and how long to retry a transient failure: an option of prefetch, build-image and manifest.
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; it doubles each time (really exponential: the old script's was linear). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A registry that said 429 gets a longer start, unless it said how long (Retry-After). */
  rateLimitBaseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 2_000,
  maxDelayMs: 60_000,
  rateLimitBaseDelayMs: 15_000,
};
