import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hangingServer, refusingPort, registryStub, type RegistryStub } from './fault-servers';
import { docker, imagePlatform, nxAsync, tempWorkspace } from './workspace';

// Async: the fault servers live in this process and must keep answering while Nx runs.
jest.setTimeout(180_000);

const LAB_REGISTRY = process.env.LAB_REGISTRY ?? '127.0.0.1:5000';
const WORKSPACE = 'e2e-workspace';

// Short waits so the suite stays fast; the policy is the same one users get with its defaults.
const FAST = { attempts: 3, retryDelay: 0.2, maxRetryDelay: 1, rateLimitDelay: 0.5, attemptTimeout: 3 };

function workspace(bases: Record<string, string>, prefetch: Record<string, number> = FAST): string {
  const files = Object.fromEntries(
    Object.entries(bases).map(([name, base]) => [`images/${name}/Dockerfile`, `FROM ${base}\nCOPY Dockerfile /\n`]),
  );
  return tempWorkspace(files, { imagePrefix: 'e2e-prefetch/', prefetch });
}

const prefetch = (root: string, ...flags: string[]) => nxAsync(['run', `${WORKSPACE}:prefetch`, ...flags], root);

/** The summary's line for one (image, platform): status, attempts and seconds. */
function outcome(output: string, ref: string, platform: string) {
  const line = output.split('\n').find((l) => l.includes(` ${ref} ${platform} `));
  const status = /^\s+(\S+)/.exec(line ?? '')?.[1];
  const counts = /(\d+) attempts?(?:, | in )([\d.]+) s/.exec(line ?? '');
  return { line, status, attempts: Number(counts?.[1] ?? 0), seconds: Number(counts?.[2] ?? NaN) };
}

function failureLog(root: string): Array<Record<string, unknown>> {
  return readFileSync(join(root, '.nx-multiarch/failures.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('prefetch against fault servers on loopback', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  const stub = async (answer: Parameters<typeof registryStub>[0]): Promise<RegistryStub> => {
    const server = await registryStub(answer, LAB_REGISTRY);
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('a flaky registry (503 twice, then serves) is fetched on the third attempt', async () => {
    // Engine 20.10 makes two manifest requests (HEAD, GET) per failed pull: four failures are two attempts.
    const flaky = await stub((n) => (n <= 4 ? { status: 503 } : 'serve'));
    const ref = `127.0.0.1:${flaky.port}/library/alpine:3.20`;
    const root = workspace({ app: ref });
    const { status, output } = await prefetch(root, '--platform=arm64');
    expect(output).toMatch(
      /attempt 1\/3 failed \(transient, server-error: .*503 Service Unavailable\); retrying in [\d.]+ s/,
    );
    expect(output).toMatch(/attempt 2\/3 failed \(transient, server-error: .*\); retrying in/);
    expect(outcome(output, ref, 'linux/arm64')).toMatchObject({ status: 'fetched', attempts: 3 });
    expect(output).toContain('1 fetched, 0 already present, 0 failed; 3 fetch attempts for 1 (image, platform) pairs');
    expect(status).toBe(0);
    expect(imagePlatform(ref)).toBe('linux/arm64');
    expect(failureLog(root).map((r) => [r.attempt, r.class, r.kind])).toEqual([
      [1, 'transient', 'server-error'],
      [2, 'transient', 'server-error'],
    ]);
  });

  test.each([
    [404, 'not-found', 'manifest unknown'],
    [401, 'unauthorized', 'unauthorized'],
    [403, 'unauthorized', 'denied'],
  ] as const)('%s is permanent: one attempt, no waiting, the run fails', async (code, kind, text) => {
    const missing = await stub(() => ({ status: code }));
    const ref = `127.0.0.1:${missing.port}/library/alpine:3.20`;
    const root = workspace({ app: ref });
    const { status, output } = await prefetch(root, '--platform=arm64');
    expect(status).not.toBe(0);
    expect(output).toContain(`attempt 1/3 failed (permanent, ${kind}: `);
    expect(output).toContain('not retrying: another attempt cannot fix this');
    const result = outcome(output, ref, 'linux/arm64');
    // One attempt and no wait (no retryInMs in the log below); the bound leaves room for a busy machine.
    expect(result).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(result.seconds).toBeLessThan(5);
    expect(output).toContain(text);
    expect(output).toContain('needed by app');
    expect(missing.manifestRequests).toHaveLength(2);
    expect(failureLog(root)).toEqual([
      expect.objectContaining({ operation: 'prefetch', attempt: 1, class: 'permanent', kind }),
    ]);
  });

  it('a registry that always answers 503 fails after the configured attempts, with exponential waits', async () => {
    const down = await stub(() => ({ status: 503 }));
    const ref = `127.0.0.1:${down.port}/library/alpine:3.20`;
    const root = workspace({ app: ref });
    const { status, output } = await prefetch(root, '--platform=amd64');
    expect(status).not.toBe(0);
    const result = outcome(output, ref, 'linux/amd64');
    expect(result).toMatchObject({ status: 'FAILED', attempts: 3 });
    // Waits of 0.1-0.2 s then 0.2-0.4 s (0.2 s doubled, equal jitter): at least 0.3 s, and no fourth attempt.
    expect(result.seconds).toBeGreaterThanOrEqual(0.3);
    expect(result.seconds).toBeLessThan(10);
    expect(down.manifestRequests).toHaveLength(6);
    const log = failureLog(root);
    expect(log.map((r) => r.retryInMs !== undefined)).toEqual([true, true, false]);
    expect(log[1].retryInMs as number).toBeGreaterThanOrEqual(200);
    expect(log[0].retryInMs as number).toBeLessThanOrEqual(200);
  });

  it('a registry that accepts and never answers: each attempt is killed at the per-attempt timeout', async () => {
    const hang = await hangingServer();
    servers.push(hang);
    const ref = `127.0.0.1:${hang.port}/library/alpine:3.20`;
    const root = workspace({ app: ref }, { ...FAST, attempts: 2, attemptTimeout: 2 });
    const { status, output } = await prefetch(root, '--platform=arm64');
    expect(status).not.toBe(0);
    expect(output).toMatch(/attempt 1\/2 failed \(transient, timeout\b.*\); retrying in/);
    const result = outcome(output, ref, 'linux/arm64');
    expect(result).toMatchObject({ status: 'FAILED', attempts: 2 });
    // Two 2 s attempts and one wait of 0.1-0.2 s; a pull without a timeout would still be waiting.
    expect(result.seconds).toBeGreaterThanOrEqual(4);
    // A killed pull may take its kill grace (5 s) on a busy machine.
    expect(result.seconds).toBeLessThan(16);
    expect(failureLog(root)[0]).toMatchObject({ timedOut: true, kind: 'timeout' });
  });

  it('a refused connection is transient: retried, then reported with its cause', async () => {
    const port = await refusingPort();
    const ref = `127.0.0.1:${port}/library/alpine:3.20`;
    const root = workspace({ app: ref });
    const { status, output } = await prefetch(root, '--platform=arm64');
    expect(status).not.toBe(0);
    expect(output).toMatch(/attempt 1\/3 failed \(transient, refused: .*connection refused\)/);
    expect(outcome(output, ref, 'linux/arm64')).toMatchObject({ status: 'FAILED', attempts: 3 });
  });

  it('429 waits longer (rateLimitDelay) and succeeds when the registry lets it through', async () => {
    const limited = await stub((n) => (n <= 2 ? { status: 429 } : 'serve'));
    const ref = `127.0.0.1:${limited.port}/library/alpine:3.20`;
    const root = workspace({ app: ref });
    const { status, output } = await prefetch(root, '--platform=amd64');
    expect(output).toMatch(
      /attempt 1\/3 failed \(transient, rate-limit: .*toomanyrequests: .*\); retrying in 0\.[2-5] s/,
    );
    expect(outcome(output, ref, 'linux/amd64')).toMatchObject({ status: 'fetched', attempts: 2 });
    expect(status).toBe(0);
  });

  it('a single-platform image is not taken for the other platform (Engine 20.10 pulls it anyway)', async () => {
    const context = tempWorkspace({ Dockerfile: 'FROM alpine:3.20\nRUN echo amd64 only > /only\n' });
    const name = `${LAB_REGISTRY}/e2e-prefetch/amd64only:${Date.now()}`;
    // prettier-ignore
    expect(docker([
      'buildx', 'build', '--platform', 'linux/amd64', '--provenance=false',
      '--output', `type=image,name=${name},push=true`, context,
    ]).status).toBe(0);
    docker(['image', 'rm', '-f', name]);
    const root = workspace({ legacy: name });
    const { status, output } = await prefetch(root);
    expect(status).not.toBe(0);
    expect(outcome(output, name, 'linux/amd64').status).toBe('fetched');
    expect(outcome(output, name, 'linux/arm64').status).toBe('FAILED');
    expect(output).toContain(`asked for linux/arm64, the registry gave linux/amd64: ${name} has no arm64 image`);
    expect(failureLog(root)).toEqual([
      expect.objectContaining({ kind: 'no-matching-platform', platform: 'linux/arm64' }),
    ]);
  });

  it('an image the mirror lacks goes to Docker Hub, which is unreachable: the failure says the mirror missed it', async () => {
    const root = workspace({ orphan: 'nosuchorg/nosuchimage:1' }, { ...FAST, attempts: 2 });
    const { status, output } = await prefetch(root, '--platform=arm64');
    expect(status).not.toBe(0);
    expect(output).toMatch(/attempt 1\/2 failed \(transient, (dns|timeout): .*registry-1\.docker\.io/);
    expect(output).toContain(
      'registry-1.docker.io is Docker Hub, reached although registry mirrors are configured (http://127.0.0.1:5000)',
    );
    expect(output).toContain('the mirror did not carry nosuchorg/nosuchimage:1');
  });

  it('runs once per run for every build in it: three components, one base, one fetch per platform', async () => {
    const counting = await stub(() => 'serve');
    const ref = `127.0.0.1:${counting.port}/library/alpine:3.20`;
    const root = workspace({ a: ref, b: ref, c: ref, portal: 'e2e-prefetch/a:latest-${TARGETARCH}' });

    const dry = await prefetch(root, '--dryRun');
    expect(dry.status).toBe(0);
    expect(dry.output).toMatch(new RegExp(`would fetch  ${ref.replace(/\./g, '\\.')} linux/amd64\\s+for a, b, c`));
    expect(dry.output).toContain('skipped  e2e-prefetch/a:latest-amd64 (portal): built by component a');
    expect(counting.manifestRequests).toHaveLength(0);

    const { status, output } = await nxAsync(['run-many', '-t', 'build-image', '--parallel=3'], root);
    expect(status).toBe(0);
    expect(output.match(new RegExp(`> nx run ${WORKSPACE}:prefetch`, 'g'))).toHaveLength(1);
    expect(output).toContain(
      '2 fetched, 0 already present, 0 failed; 2 fetch attempts for 2 (image, platform) pairs, ' +
        'where pulling per component and platform would take 6',
    );
    for (const name of ['a', 'b', 'c']) expect(imagePlatform(`e2e-prefetch/${name}:latest-arm64`)).toBe('linux/arm64');

    const before = counting.manifestRequests.length;
    // Nothing changed and what it fetched is still in the daemon: Nx restores it; asked anyway, it finds all there.
    const warm = await prefetch(root);
    expect(warm.output).toMatch(new RegExp(`nx run ${WORKSPACE}:prefetch +\\[(local cache|existing outputs match)`));
    const forced = await prefetch(root, '--skip-nx-cache');
    expect(forced.output).toContain('0 fetched, 2 already present, 0 failed; 0 fetch attempts');
    expect(counting.manifestRequests).toHaveLength(before);
  });
});
