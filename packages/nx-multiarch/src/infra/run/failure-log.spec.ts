import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendFailure, failureLine, failureLogPath, type FailureRecord } from './failure-log';

const errorText = (name: string) =>
  readFileSync(join(__dirname, '../../../test/fixtures/errors', name), 'utf8').trimEnd();

const PULL = ['docker', 'pull', '--platform', 'linux/arm64', 'docker.io/library/alpine:3.20'];

const record: FailureRecord = {
  time: '2024-05-01T12:34:56.789Z',
  operation: 'prefetch',
  project: 'ws',
  neededBy: ['gateway', 'api'],
  image: 'docker.io/library/alpine:3.20',
  platform: 'linux/arm64',
  attempt: 1,
  retryInMs: 1_500,
  class: 'transient',
  kind: 'server-error',
  evidence: 'received unexpected HTTP status: 503 Service Unavailable',
  exitCode: 1,
  timedOut: false,
  argv: PULL,
  outputTail: errorText('dockerd-pull-503.txt'),
  message: `docker pull --platform exited with code 1:\n${errorText('dockerd-pull-503.txt')}`,
};

describe('failureLine', () => {
  it('writes the record as one JSON line', () => {
    const line = failureLine(record);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(record);
  });

  it('strips proxy credentials from message, output and evidence, and secret build-arg values from argv', () => {
    const build: FailureRecord = {
      time: '2024-05-01T12:34:56.789Z',
      operation: 'build',
      project: 'api',
      attempt: 2,
      class: 'transient',
      kind: 'refused',
      evidence: 'proxyconnect tcp: dial http://alice:s3cret@proxy.corp:3128: connect: connection refused',
      exitCode: 1,
      timedOut: false,
      // prettier-ignore
      argv: [
        'docker', 'buildx', 'build', '--platform', 'linux/arm64', '--build-arg', 'DB_PASSWORD=hunter2',
        '--build-arg', 'HTTPS_PROXY=http://alice:s3cret@proxy.corp:3128', '--build-arg', 'VERSION=1.2', '/ws/api',
      ],
      outputTail: '#5 [2/3] RUN wget https://bob:pa55@files.corp/pkg.tgz\nERROR: connection refused',
      message: 'docker buildx build exited with code 1 behind "http://alice:s3cret@proxy.corp:3128"',
    };
    const line = failureLine(build);
    expect(line).not.toMatch(/s3cret|hunter2|pa55|alice|bob/);
    expect(JSON.parse(line)).toEqual({
      ...build,
      evidence: 'proxyconnect tcp: dial http://***@proxy.corp:3128: connect: connection refused',
      // prettier-ignore
      argv: [
        'docker', 'buildx', 'build', '--platform', 'linux/arm64', '--build-arg', 'DB_PASSWORD=***',
        '--build-arg', 'HTTPS_PROXY=http://***@proxy.corp:3128', '--build-arg', 'VERSION=1.2', '/ws/api',
      ],
      outputTail: '#5 [2/3] RUN wget https://***@files.corp/pkg.tgz\nERROR: connection refused',
      message: 'docker buildx build exited with code 1 behind "http://***@proxy.corp:3128"',
    });
  });

  it('adds no argv or output to a record that has none', () => {
    const bare: FailureRecord = {
      time: '2024-05-01T12:34:56.789Z',
      operation: 'prefetch',
      project: 'ws',
      attempt: 1,
      class: 'permanent',
      kind: 'no-matching-platform',
      evidence: 'asked for linux/arm64, the registry gave linux/amd64',
      message: 'asked for linux/arm64, the registry gave linux/amd64',
    };
    expect(Object.keys(JSON.parse(failureLine(bare))).sort()).toEqual(Object.keys(bare).sort());
  });

  it('leaves the record it was given alone', () => {
    const argv = ['docker', 'buildx', 'build', '--build-arg', 'NPM_TOKEN=npm_abc', '.'];
    const given: FailureRecord = { ...record, argv };
    failureLine(given);
    expect(given.argv).toEqual(['docker', 'buildx', 'build', '--build-arg', 'NPM_TOKEN=npm_abc', '.']);
  });
});

describe('appendFailure', () => {
  const stateDir = () => join(mkdtempSync(join(tmpdir(), 'failure-log-')), '.nx-multiarch');
  const lines = (dir: string) => readFileSync(failureLogPath(dir), 'utf8').split('\n');

  it('appends one JSON line per call to failures.jsonl, creating the state directory', () => {
    const dir = stateDir();
    appendFailure(dir, record);
    appendFailure(dir, { ...record, attempt: 2, retryInMs: 3_000 });
    expect(failureLogPath(dir)).toBe(`${dir}/failures.jsonl`);
    const written = lines(dir);
    expect(written).toHaveLength(3);
    expect(written[2]).toBe('');
    expect(written.slice(0, 2).map((line) => JSON.parse(line))).toEqual([
      record,
      { ...record, attempt: 2, retryInMs: 3_000 },
    ]);
  });

  it('keeps 50 concurrent appends as 50 whole lines', async () => {
    const dir = stateDir();
    await Promise.all(Array.from({ length: 50 }, async (_, i) => appendFailure(dir, { ...record, attempt: i + 1 })));
    const written = lines(dir).filter(Boolean);
    expect(written).toHaveLength(50);
    const attempts = written.map((line) => (JSON.parse(line) as FailureRecord).attempt);
    expect([...attempts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
