/** What one look found: the value waited for, or what still stands in its way (for the message when time runs out). */
export type Look<T, P> = { ready: true; value: T } | { ready: false; pending: P };

export interface PollOptions {
  timeoutMs: number;
  /** The longest pause between looks; the last one ends at the deadline. */
  intervalMs: number;
  /** Hears once, before the first pause, that the caller has to wait. */
  onWait?: () => void;
  /** Test seam: how a pause is taken. */
  sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Looks until `look` finds its value, pausing between looks. A look at or after the deadline that still finds it
 * pending ends the wait: `timedOut` turns what that look found into the error thrown.
 */
export async function poll<T, P>(
  look: () => Look<T, P> | Promise<Look<T, P>>,
  timedOut: (pending: P) => Error,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let waited = false; ; waited = true) {
    const found = await look();
    if (found.ready) return found.value;
    if (Date.now() >= deadline) throw timedOut(found.pending);
    if (!waited) options.onWait?.();
    await (options.sleep ?? sleep)(Math.min(options.intervalMs, Math.max(0, deadline - Date.now())));
  }
}
