import { CommandError, ConfigError, PluginError } from './errors';
import { failureOfError } from './of-error';

const command = (outputTail: string, timedOut = false) =>
  new CommandError(
    ['docker', 'buildx', 'create', '--name', 'nx-multiarch'],
    timedOut ? undefined : 1,
    outputTail,
    timedOut,
    timedOut ? 'timed out after 30 s' : 'exited with code 1',
  );

describe('failureOfError', () => {
  test.each([
    [
      'bad options: config',
      new ConfigError(
        '/ws/ops/daemon.json',
        '(file)',
        'not valid JSON: Unexpected token } in JSON at position 41',
        'fix the JSON',
      ),
      {
        class: 'permanent',
        kind: 'config',
        evidence:
          '/ws/ops/daemon.json: (file): not valid JSON: Unexpected token } in JSON at position 41. Fix: fix the JSON',
      },
    ],
    [
      // Captured from buildx 0.13 in the lab, a node appended twice on one endpoint.
      'buildx refuses the builder: builder',
      command('ERROR: invalid duplicate endpoint unix:///run/nx-multiarch-lab/docker.sock'),
      {
        class: 'permanent',
        kind: 'builder',
        evidence: 'ERROR: invalid duplicate endpoint unix:///run/nx-multiarch-lab/docker.sock',
      },
    ],
    [
      // Captured from the docker CLI with DOCKER_HOST pointing at no daemon.
      'no daemon: daemon',
      command('Cannot connect to the Docker daemon at unix:///nonexistent. Is the docker daemon running?'),
      { class: 'permanent', kind: 'daemon', evidence: expect.stringContaining('Cannot connect to the Docker daemon') },
    ],
    [
      'our timeout: timeout, transient',
      command('#1 resolve image config for docker.io/moby/buildkit:buildx-stable-1', true),
      {
        class: 'transient',
        kind: 'timeout',
        evidence: '#1 resolve image config for docker.io/moby/buildkit:buildx-stable-1',
      },
    ],
    [
      'a proxy password in the output never reaches the record',
      command('ERROR: failed to initialize builder x (x0): proxyconnect tcp: dial http://build:s3cret@10.0.0.1:3128'),
      { class: 'permanent', kind: 'builder', evidence: expect.not.stringContaining('s3cret') },
    ],
    [
      'another plugin error: the fallback',
      new PluginError('cannot read the buildx version from: Docker version 20.10.24'),
      { class: 'permanent', kind: 'builder', evidence: 'cannot read the buildx version from: Docker version 20.10.24' },
    ],
  ])('%s', (_name, error, expected) => {
    expect(failureOfError(error, 'builder')).toEqual(expected);
  });
});
