import { classifyFailure, type Classification } from '../../core/failure/classify';
import { retryDelayMs, withRetries, type AttemptFailure } from './policy';
import { DEFAULT_RETRY_POLICY } from '../../core/options/retry';
import { type RetryPolicy } from '../../core/options/retry';

const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 5000, rateLimitBaseDelayMs: 4000 };

describe('retryDelayMs', () => {
  test.each([
    // attempt, kind, random, expected: base * 2^(attempt-1), capped, then half fixed + half random
    [1, 'timeout', 0, 500],
    [1, 'timeout', 1, 1000],
    [2, 'timeout', 0, 1000],
    [2, 'timeout', 1, 2000],
    [3, 'dns', 0.5, 3000],
    [4, 'refused', 1, 5000],
    [9, 'refused', 1, 5000],
    [1, 'rate-limit', 0, 2000],
    [2, 'rate-limit', 1, 5000],
  ] as const)('attempt %i, %s, random %d -> %i ms', (attempt, kind, random, expected) => {
    expect(retryDelayMs(attempt, { kind }, POLICY, () => random)).toBe(expected);
  });

  it('grows exponentially, not linearly (what the old script called exponential)', () => {
    const delays = [1, 2, 3, 4].map((a) => retryDelayMs(a, { kind: 'timeout' }, DEFAULT_RETRY_POLICY, () => 1));
    expect(delays).toEqual([2000, 4000, 8000, 16000]);
  });

  it('honours Retry-After over the backoff', () => {
    expect(retryDelayMs(1, { kind: 'rate-limit', retryAfterSeconds: 7.2 }, POLICY, () => 0)).toBe(7200);
  });
});

describe('withRetries', () => {
  const classify = (error: unknown): Classification => classifyFailure((error as Error).message, { operation: 'pull' });
  const noWait = jest.fn(async (_ms: number) => undefined);

  beforeEach(() => noWait.mockClear());

  it('retries transient failures with growing waits until it succeeds', async () => {
    const failures: AttemptFailure[] = [];
    let calls = 0;
    const result = await withRetries(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new Error('dial tcp 10.0.0.1:443: i/o timeout');
        return 'pulled';
      },
      classify,
      POLICY,
      (f) => failures.push(f),
      noWait,
    );
    expect(result).toBe('pulled');
    expect(calls).toBe(3);
    expect(failures.map((f) => [f.attempt, f.failure.class, f.failure.kind])).toEqual([
      [1, 'transient', 'timeout'],
      [2, 'transient', 'timeout'],
    ]);
    expect(noWait.mock.calls.map(([ms]) => ms)).toEqual(failures.map((f) => f.nextDelayMs));
    expect(failures[1].nextDelayMs as number).toBeGreaterThanOrEqual(1000);
  });

  it('does not retry a permanent failure, and rethrows it as it was', async () => {
    const failures: AttemptFailure[] = [];
    const error = new Error('manifest unknown: manifest unknown');
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw error;
        },
        classify,
        POLICY,
        (f) => failures.push(f),
        noWait,
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
    expect(noWait).not.toHaveBeenCalled();
    expect(failures).toEqual([{ attempt: 1, error, failure: expect.objectContaining({ class: 'permanent' }) }]);
  });

  it('gives up after the configured attempts with the last error', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error(`connect: connection refused (${calls})`);
        },
        classify,
        { ...POLICY, attempts: 3 },
        undefined,
        noWait,
      ),
    ).rejects.toThrow('connect: connection refused (3)');
    expect(calls).toBe(3);
    expect(noWait).toHaveBeenCalledTimes(2);
  });
});
