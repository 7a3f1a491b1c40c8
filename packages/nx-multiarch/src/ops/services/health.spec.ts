import type { ProbeResult } from '../../infra/network/probe';
import type { ContainerState } from '../../cli/docker/container';
import { waitForHealth, type HealthOutcome } from './health';

const URL = 'http://172.17.0.2:8080/healthz';
const RUNNING: ContainerState = { running: true, status: 'running', exitCode: 0, ip: '172.17.0.2' };
const EXITED: ContainerState = { running: false, status: 'exited', exitCode: 3, ip: '' };

const http = (status: number): ProbeResult => ({ ok: true, ms: 5, status });
const refused: ProbeResult = { ok: false, ms: 1, error: 'ECONNREFUSED' };

/**
 * A fake clock: `sleep` and (optionally) each probe move it forward; no real timer runs.
 * `probes` and `states` are consumed in order, the last one repeating.
 */
function run(options: {
  probes: ProbeResult[];
  states?: ContainerState[];
  timeoutMs?: number;
  intervalMs?: number;
  probeMs?: number;
}) {
  const start = 1_700_000_000_000;
  let now = start;
  const probed: string[] = [];
  const sleeps: number[] = [];
  let stateCalls = 0;
  const states = options.states ?? [RUNNING];
  const outcome = waitForHealth({
    url: URL,
    timeoutMs: options.timeoutMs ?? 10_000,
    intervalMs: options.intervalMs ?? 1000,
    probe: async (url) => {
      const result = options.probes[Math.min(probed.length, options.probes.length - 1)];
      probed.push(url);
      now += options.probeMs ?? 0;
      return result;
    },
    state: async () => states[Math.min(stateCalls++, states.length - 1)],
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    now: () => now,
  });
  return outcome.then((result) => ({ result, probed, sleeps, stateCalls: () => stateCalls, elapsed: now - start }));
}

describe('waitForHealth', () => {
  it('is healthy on a first 200 without asking the container or sleeping', async () => {
    const { result, probed, sleeps, stateCalls } = await run({ probes: [http(200)] });
    expect(result).toEqual<HealthOutcome>({ healthy: true, ms: 0, attempts: 1 });
    expect(probed).toEqual([URL]);
    expect(sleeps).toEqual([]);
    expect(stateCalls()).toBe(0);
  });

  test.each([200, 204, 301, 302, 304, 399])('HTTP %i is healthy', async (status) => {
    expect((await run({ probes: [http(status)] })).result).toEqual({ healthy: true, ms: 0, attempts: 1 });
  });

  test.each([400, 401, 404, 500, 503])('HTTP %i is not healthy', async (status) => {
    expect((await run({ probes: [http(status)], timeoutMs: 0 })).result).toEqual({
      healthy: false,
      ms: 0,
      attempts: 1,
      reason: `GET ${URL} did not succeed within 0 s (last: HTTP ${status})`,
    });
  });

  it('is healthy after N failures, polling at the interval', async () => {
    const { result, probed, sleeps, stateCalls } = await run({
      probes: [refused, refused, refused, http(200)],
      intervalMs: 500,
    });
    expect(result).toEqual({ healthy: true, ms: 1500, attempts: 4 });
    expect(probed).toEqual([URL, URL, URL, URL]);
    expect(sleeps).toEqual([500, 500, 500]);
    expect(stateCalls()).toBe(3);
  });

  it('keeps waiting through a 500 while the service starts', async () => {
    const { result } = await run({ probes: [refused, http(500), http(503), http(200)] });
    expect(result).toEqual({ healthy: true, ms: 3000, attempts: 4 });
  });

  it('fails at once when the container has exited, naming the exit code', async () => {
    const { result, sleeps } = await run({ probes: [refused], states: [EXITED] });
    expect(result).toEqual({
      healthy: false,
      ms: 0,
      attempts: 1,
      reason: 'the container stopped (status exited, exit code 3)',
    });
    expect(sleeps).toEqual([]);
  });

  it('fails as soon as the container stops, without waiting for the timeout', async () => {
    const dead: ContainerState = { running: false, status: 'dead', exitCode: 137, ip: '' };
    const { result } = await run({ probes: [refused, http(500)], states: [RUNNING, RUNNING, dead], timeoutMs: 60_000 });
    expect(result).toEqual({
      healthy: false,
      ms: 2000,
      attempts: 3,
      reason: 'the container stopped (status dead, exit code 137)',
    });
  });

  it('times out naming the URL, the seconds and the last error; the last attempt comes at the deadline', async () => {
    const { result, probed, sleeps } = await run({ probes: [refused], timeoutMs: 10_000, intervalMs: 1000 });
    expect(result).toEqual({
      healthy: false,
      ms: 10_000,
      attempts: 11,
      reason: `GET ${URL} did not succeed within 10 s (last: ECONNREFUSED)`,
    });
    expect(probed).toHaveLength(11);
    expect(sleeps).toEqual(Array(10).fill(1000));
  });

  it('does not sleep past the deadline when the interval does not divide the timeout', async () => {
    const { result, sleeps, elapsed } = await run({ probes: [refused], timeoutMs: 2500, intervalMs: 1000 });
    expect(result).toMatchObject({ healthy: false, ms: 2000, attempts: 3 });
    expect(sleeps).toEqual([1000, 1000]);
    expect(elapsed).toBe(2000);
    expect(result).toHaveProperty('reason', `GET ${URL} did not succeed within 2.5 s (last: ECONNREFUSED)`);
  });

  it('counts the time a slow probe takes', async () => {
    const slow: ProbeResult = { ok: false, ms: 3000, error: 'timed out after 3 s' };
    const { result } = await run({ probes: [slow], probeMs: 3000, timeoutMs: 10_000, intervalMs: 1000 });
    expect(result).toEqual({
      healthy: false,
      ms: 11_000,
      attempts: 3,
      reason: `GET ${URL} did not succeed within 10 s (last: timed out after 3 s)`,
    });
  });

  test.each<[string, ProbeResult[], string]>([
    ['the last of several errors', [refused, { ok: false, ms: 1, error: 'EHOSTUNREACH' }], 'EHOSTUNREACH'],
    ['an HTTP status after a refused connection', [refused, http(502)], 'HTTP 502'],
    ['a failure without an error text', [{ ok: false, ms: 1 }], 'no answer'],
  ])('the timeout reason names %s', async (_name, probes, last) => {
    const { result } = await run({ probes, timeoutMs: 1000, intervalMs: 1000 });
    expect(result).toEqual({
      healthy: false,
      ms: 1000,
      attempts: 2,
      reason: `GET ${URL} did not succeed within 1 s (last: ${last})`,
    });
  });
});
