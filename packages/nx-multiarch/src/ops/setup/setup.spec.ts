import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../../core/failure/errors';
import { run, type RunResult } from '../../cli/exec';
import { ensureBuilder } from './setup';
import { planBuilder, type BuilderPlan } from './spec';

jest.mock('../../cli/exec', () => ({ ...jest.requireActual('../../cli/exec'), run: jest.fn() }));
const runMock = run as jest.MockedFunction<typeof run>;

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');
const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '', all: stdout, durationMs: 1 });
const missing = () =>
  new CommandError(
    ['docker', 'buildx', 'inspect'],
    1,
    'ERROR: no builder "capture-test" found',
    false,
    'exited with code 1',
  );
const version = { raw: '0.13.1', major: 0, minor: 13, patch: 1 };

function plan(fingerprintFrom: string[]): Extract<BuilderPlan, { kind: 'create' }> {
  const configFile = join(mkdtempSync(join(tmpdir(), 'setup-')), 'builders/capture-test/buildkitd.toml');
  const result = planBuilder(
    {
      name: 'capture-test',
      driver: 'docker-container',
      platforms: ['linux/amd64', 'linux/arm64'],
      nodes: [],
      registries: {},
      bootstrap: false,
      configFile,
    },
    {
      daemon: { registryMirrors: fingerprintFrom, insecureRegistries: [], proxies: {}, warnings: [] },
      proxies: { httpProxy: 'http://user:secret@proxy.example:3128' },
      certificates: () => undefined,
    },
  );
  if (result.kind !== 'create') throw new Error('expected create');
  return result;
}

describe('ensureBuilder', () => {
  const log = jest.fn();
  beforeEach(() => {
    runMock.mockReset();
    log.mockReset();
  });
  const context = { version, timeoutMs: 10_000, dryRun: false, log };

  it('creates a missing builder, writing its buildkitd.toml first', async () => {
    const p = plan(['http://127.0.0.1:5000']);
    runMock.mockRejectedValueOnce(missing()).mockResolvedValue(ok());
    await expect(ensureBuilder(p, context)).resolves.toBe('created');
    expect(runMock.mock.calls.map(([, args]) => args.slice(0, 3))).toEqual([
      ['buildx', 'inspect', 'capture-test'],
      ['buildx', 'create', '--name'],
    ]);
    expect(readFileSync(p.spec.configFile as string, 'utf8')).toBe(p.toml);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('env.http_proxy=http://***@proxy.example:3128'));
    expect(JSON.stringify(log.mock.calls)).not.toContain('secret');
  });

  it('leaves a builder whose fingerprint matches alone', async () => {
    const p = plan([]);
    const inspect = fixture('inspect-0.13-docker-container.txt').replace('abc123', p.fingerprint);
    runMock.mockResolvedValueOnce(ok(inspect));
    await expect(ensureBuilder(p, context)).resolves.toBe('unchanged');
    expect(runMock).toHaveBeenCalledTimes(1);
  });

  it('recreates a builder set up from another config', async () => {
    runMock.mockResolvedValueOnce(ok(fixture('inspect-0.13-docker-container.txt'))).mockResolvedValue(ok());
    await expect(ensureBuilder(plan([]), context)).resolves.toBe('recreated');
    expect(runMock.mock.calls.map(([, args]) => args.slice(0, 3))).toEqual([
      ['buildx', 'inspect', 'capture-test'],
      ['buildx', 'rm', 'capture-test'],
      ['buildx', 'create', '--name'],
    ]);
    expect(log).toHaveBeenCalledWith(
      'builder capture-test is out of date (node capture-test0 was set up from other options or another buildkitd.toml); recreating it',
    );
  });

  it('removes what it created when a later node fails: never half a builder', async () => {
    const p = plan([]);
    p.spec.nodes.push({ name: 'arm', endpoint: 'ssh://arm64', platforms: ['linux/arm64'] });
    runMock
      .mockRejectedValueOnce(missing())
      .mockResolvedValueOnce(ok())
      .mockRejectedValueOnce(
        new CommandError(['docker', 'buildx', 'create'], 1, 'ERROR: ssh: connect refused', false, 'exited with code 1'),
      )
      .mockResolvedValue(ok());
    await expect(ensureBuilder(p, context)).rejects.toThrow('ssh: connect refused');
    expect(runMock.mock.calls.at(-1)?.[1]).toEqual(['buildx', 'rm', 'capture-test']);
  });

  it('in dry-run prints the commands and the TOML and runs nothing', async () => {
    await expect(ensureBuilder(plan(['http://127.0.0.1:5000']), { ...context, dryRun: true })).resolves.toBe('dry-run');
    expect(runMock).not.toHaveBeenCalled();
    expect(log.mock.calls[0][0]).toMatch(/^would run: docker buildx create --name capture-test .*--buildkitd-config /);
    expect(log.mock.calls[1][0]).toContain('mirrors = [ "127.0.0.1:5000" ]');
  });

  it('with the docker driver, only checks the builder exists', async () => {
    runMock.mockResolvedValueOnce(ok(fixture('inspect-0.13-docker.txt')));
    await expect(
      ensureBuilder({ kind: 'docker', name: 'default', hostNetwork: true, notes: [], warnings: [] }, context),
    ).resolves.toBe('docker-driver');
    expect(runMock.mock.calls[0][1]).toEqual(['buildx', 'inspect', 'default']);
  });
});
