import { z } from 'zod';
import type { RetryPolicy } from './retry';

/** The retry options prefetch, build-image and manifest take, in seconds as a user writes them. */
export interface RetryOptions {
  attempts: number;
  retryDelay: number;
  maxRetryDelay: number;
  rateLimitDelay: number;
}

/** The retry options' fields of an executor schema; each executor has its own defaults. */
export function retryOptionsShape(defaults: RetryOptions) {
  return {
    attempts: z.number().int().min(1).default(defaults.attempts),
    retryDelay: z.number().nonnegative().default(defaults.retryDelay),
    maxRetryDelay: z.number().positive().default(defaults.maxRetryDelay),
    rateLimitDelay: z.number().nonnegative().default(defaults.rateLimitDelay),
  };
}

/** The policy the options ask for, in milliseconds. */
export function retryPolicyOf(options: RetryOptions): RetryPolicy {
  return {
    attempts: options.attempts,
    baseDelayMs: options.retryDelay * 1000,
    maxDelayMs: options.maxRetryDelay * 1000,
    rateLimitBaseDelayMs: options.rateLimitDelay * 1000,
  };
}
