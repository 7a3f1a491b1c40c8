import { z } from 'zod';
import { retryOptionsShape, retryPolicyOf } from './retry-options';

describe('retryOptionsShape', () => {
  const schema = z.object(retryOptionsShape({ attempts: 3, retryDelay: 5, maxRetryDelay: 120, rateLimitDelay: 30 }));

  it("fills in the executor's own defaults", () => {
    expect(schema.parse({})).toEqual({ attempts: 3, retryDelay: 5, maxRetryDelay: 120, rateLimitDelay: 30 });
    expect(schema.parse({ attempts: 1, retryDelay: 0 })).toMatchObject({ attempts: 1, retryDelay: 0 });
  });

  test.each([
    ['attempts', { attempts: 0 }],
    ['attempts', { attempts: 1.5 }],
    ['retryDelay', { retryDelay: -1 }],
    ['maxRetryDelay', { maxRetryDelay: 0 }],
    ['rateLimitDelay', { rateLimitDelay: -0.5 }],
  ])('rejects %s in %j', (field, options) => {
    expect(schema.safeParse(options).error?.issues[0].path).toEqual([field]);
  });
});

describe('retryPolicyOf', () => {
  it('turns the seconds a user writes into the milliseconds the policy counts in, fractions and zero kept', () => {
    const policy = (retryDelay: number, maxRetryDelay: number, rateLimitDelay: number) =>
      retryPolicyOf({ attempts: 2, retryDelay, maxRetryDelay, rateLimitDelay });
    expect(policy(5, 120, 30)).toEqual({
      attempts: 2,
      baseDelayMs: 5_000,
      maxDelayMs: 120_000,
      rateLimitBaseDelayMs: 30_000,
    });
    expect(policy(0, 0.5, 1.25)).toMatchObject({ baseDelayMs: 0, maxDelayMs: 500, rateLimitBaseDelayMs: 1_250 });
  });
});
