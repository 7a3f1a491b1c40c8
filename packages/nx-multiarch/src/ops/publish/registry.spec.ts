import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER, type Docker } from '../../cli/docker/cli';
import type { RunOptions } from '../../cli/exec';
import { CommandError, VerificationError } from '../../core/failure/errors';
import { failureLogPath, type FailureRecord } from '../../infra/run/failure-log';
import { classifyRegistryError } from './publish';
import { registryClient, type RegistryContext } from './registry';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');

// imagetools-0.13-inspect-json-created-list.txt: the list `imagetools create` made from two per-arch pushes.
const M_TAG = '127.0.0.1:5000/cap/m:1';
const M_LIST = 'sha256:efe52ab0220060dd0b9b73adac6cc0d1d64f4b8f14e0402d7364935383449644';
const M_AMD64 = 'sha256:2ee5d689801d2d194d87f927fab3ab2bf3e99c057b28959d9da3a3856530b70c';
const M_ARM64 = 'sha256:9a7180c8897c29381130df4a725254d7bf1a48b4e7294a74cd83b919b6a25121';
const EXPECTED = [
  { arch: 'amd64' as const, digest: M_AMD64 },
  { arch: 'arm64' as const, digest: M_ARM64 },
];

/** A registry that fails with each of `failures` (captured imagetools output) in turn, then answers the list. */
function scripted(failures: string[]) {
  const calls: Array<{ args: readonly string[]; options: RunOptions }> = [];
  const runner: Docker = async (args, options) => {
    const file = DOCKER;
    calls.push({ args: [...args], options });
    const failure = failures.shift();
    if (failure) throw new CommandError([file, ...args], 1, fixture(failure).trimEnd(), false, 'exited with code 1');
    const stdout = fixture('imagetools-0.13-inspect-json-created-list.txt');
    return { exitCode: 0, stdout, stderr: '', all: stdout, durationMs: 5 };
  };
  return { runner, calls };
}

function context(runner: Docker, verifyTimeoutMs = 30_000) {
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const ctx: RegistryContext = {
    options: {
      project: 'm',
      stateDir: join(mkdtempSync(join(tmpdir(), 'manifest-registry-')), '.nx-multiarch'),
      timeoutMs: 300_000,
      verifyTimeoutMs,
      policy: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, rateLimitBaseDelayMs: 15_000 },
    },
    builder: 'nx-multiarch',
    docker: runner,
    env: { PATH: '/usr/bin' },
    warn: (line) => warnings.push(line),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  const failures = (): FailureRecord[] => {
    const file = failureLogPath(ctx.options.stateDir);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as FailureRecord);
  };
  return { ctx, sleeps, warnings, failures };
}

describe('registryClient', () => {
  it('inspects quietly through the builder, and answers undefined for a ref the registry does not have', async () => {
    const registry = scripted(['imagetools-0.13-inspect-missing.txt']);
    const { ctx, sleeps, failures } = context(registry.runner);
    await expect(registryClient(ctx, classifyRegistryError).inspect(`${M_TAG}-nope`)).resolves.toBeUndefined();
    expect(registry.calls).toHaveLength(1);
    expect(registry.calls[0].args).toEqual(
      expect.arrayContaining(['imagetools', 'inspect', '--builder', 'nx-multiarch']),
    );
    expect(registry.calls[0].options).toMatchObject({ timeoutMs: 300_000, echo: false, env: { PATH: '/usr/bin' } });
    // Not-found is permanent: no second attempt, and as a lookup's answer it is no failure.
    expect(sleeps).toEqual([]);
    expect(failures()).toEqual([]);
  });

  it('retries a command the registry refused, logging each failed attempt and warning of the next', async () => {
    const registry = scripted(['imagetools-0.13-create-refused.txt']);
    const { ctx, sleeps, warnings, failures } = context(registry.runner);
    const args = ['buildx', 'imagetools', 'create', '--tag', M_TAG, `${M_TAG}-amd64`];
    await registryClient(ctx, classifyRegistryError).command(M_TAG, args);
    expect(registry.calls).toHaveLength(2);
    expect(registry.calls[0].options).toMatchObject({ echo: true, prefix: `[${M_TAG}] ` });
    const logged = failures();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      operation: 'manifest',
      project: 'm',
      image: M_TAG,
      attempt: 1,
      class: 'transient',
      kind: 'refused',
      exitCode: 1,
      argv: ['docker', ...args],
    });
    expect(sleeps).toEqual([logged[0].retryInMs]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^${M_TAG}: refused \\(.*\\); attempt 2 in \\d+ s$`));
  });

  it('reads a tag back, at most a second apart, until the registry shows the index', async () => {
    const missing = 'imagetools-0.13-inspect-missing.txt';
    const registry = scripted([missing, missing]);
    const { ctx, sleeps, failures } = context(registry.runner);
    await expect(registryClient(ctx, classifyRegistryError).readBack(M_TAG, EXPECTED)).resolves.toMatchObject({
      digest: M_LIST,
    });
    expect(registry.calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThan(0);
    for (const ms of sleeps) expect(ms).toBeLessThanOrEqual(1_000);
    // MANIFEST_UNKNOWN while it propagates is an answer, not a failure.
    expect(failures()).toEqual([]);
  });

  it('fails verification with what the last read found once verifyTimeout is over', async () => {
    const registry = scripted(['imagetools-0.13-inspect-missing.txt']);
    const { ctx, sleeps } = context(registry.runner, 0);
    const error = await registryClient(ctx, classifyRegistryError)
      .readBack(M_TAG, EXPECTED)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as Error).message).toBe(
      `${M_TAG} was published, but read back from the registry it is not in the registry`,
    );
    expect(registry.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
