import type { ProbeResult } from '../../infra/network/probe';
import type { ContainerState } from '../../cli/docker/container';

export interface HealthWait {
  url: string;
  timeoutMs: number;
  intervalMs: number;
  probe: (url: string) => Promise<ProbeResult>;
  /** The container's state: a service that exited will never become healthy, so stop waiting. */
  state: () => Promise<ContainerState>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type HealthOutcome =
  { healthy: true; ms: number; attempts: number } | { healthy: false; ms: number; attempts: number; reason: string };

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until the URL answers 2xx/3xx, the container exits, or the time is up. */
export async function waitForHealth(wait: HealthWait): Promise<HealthOutcome> {
  const now = wait.now ?? Date.now;
  const sleep = wait.sleep ?? delay;
  const started = now();
  let attempts = 0;
  let last = 'no answer yet';
  for (;;) {
    attempts++;
    const result = await wait.probe(wait.url);
    const ms = now() - started;
    if (result.ok && result.status !== undefined && result.status < 400) return { healthy: true, ms, attempts };
    last = result.ok ? `HTTP ${result.status}` : (result.error ?? 'no answer');
    const state = await wait.state();
    if (!state.running) {
      return {
        healthy: false,
        ms,
        attempts,
        reason: `the container stopped (status ${state.status}, exit code ${state.exitCode})`,
      };
    }
    if (ms + wait.intervalMs > wait.timeoutMs) {
      return {
        healthy: false,
        ms,
        attempts,
        reason: `GET ${wait.url} did not succeed within ${wait.timeoutMs / 1000} s (last: ${last})`,
      };
    }
    await sleep(wait.intervalMs);
  }
}
