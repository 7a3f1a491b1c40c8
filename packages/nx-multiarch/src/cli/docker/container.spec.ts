import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import {
  containerLogsArgs,
  inspectContainerArgs,
  LABEL_OWNER_HOST,
  LABEL_OWNER_PID,
  LABEL_SERVICE,
  ownedContainersArgs,
  parseContainerInspect,
  parseOwnedContainers,
  removeContainersArgs,
  runServiceArgs,
  type ContainerState,
  type ServiceContainerRequest,
} from './container';

// `docker container inspect` of real containers (Docker 20.10, API 1.41): `alpine:3.20 sleep 300` still running,
// and `alpine:3.20 sh -c 'exit 3'` after it exited.
const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/docker', name), 'utf8');
const running = fixture('container-inspect-running.json');
const exited = fixture('container-inspect-exited.json');

describe('runServiceArgs', () => {
  // prettier-ignore
  test.each<[string, ServiceContainerRequest, string[]]>([
    [
      'labels sorted by key, never pull',
      {
        name: 'nx-multiarch-worker-hub-arm64-1a2b3c',
        image: 'registry:5000/demo/hub:1.0-arm64',
        arch: 'arm64',
        labels: { [LABEL_SERVICE]: 'hub', [LABEL_OWNER_PID]: '4242', [LABEL_OWNER_HOST]: 'ci-runner-7' },
      },
      [
        'run', '--detach', '--name', 'nx-multiarch-worker-hub-arm64-1a2b3c', '--platform', 'linux/arm64',
        '--label', 'nx-multiarch.owner-host=ci-runner-7', '--label', 'nx-multiarch.owner-pid=4242',
        '--label', 'nx-multiarch.service=hub', '--pull', 'never', 'registry:5000/demo/hub:1.0-arm64',
      ],
    ],
    [
      'no labels, amd64',
      { name: 'svc', image: 'demo/hub:latest-amd64', arch: 'amd64', labels: {} },
      ['run', '--detach', '--name', 'svc', '--platform', 'linux/amd64', '--pull', 'never', 'demo/hub:latest-amd64'],
    ],
    [
      'a label value with spaces and = stays one argument',
      { name: 'svc', image: 'demo/hub:1-arm64', arch: 'arm64', labels: { note: 'a b=c' } },
      ['run', '--detach', '--name', 'svc', '--platform', 'linux/arm64', '--label', 'note=a b=c', '--pull', 'never', 'demo/hub:1-arm64'],
    ],
  ])('%s', (_name, request, expected) => {
    expect(runServiceArgs(request)).toEqual(expected);
  });
});

describe('container command lines', () => {
  // prettier-ignore
  test.each<[string, string[], string[]]>([
    ['inspect', inspectContainerArgs('svc'), ['container', 'inspect', 'svc']],
    ['remove one', removeContainersArgs(['svc']), ['rm', '--force', '--volumes', 'svc']],
    ['remove several', removeContainersArgs(['6b718286ca77', '6c92a9e14295']), ['rm', '--force', '--volumes', '6b718286ca77', '6c92a9e14295']],
    ['logs, last 30 lines by default', containerLogsArgs('svc'), ['logs', '--tail', '30', 'svc']],
    ['logs, last 100 lines', containerLogsArgs('svc', 100), ['logs', '--tail', '100', 'svc']],
    [
      "this host's containers with their owner pid",
      ownedContainersArgs('ci-runner-7'),
      ['ps', '--all', '--filter', 'label=nx-multiarch.owner-host=ci-runner-7', '--format', '{{.ID}}\t{{.Label "nx-multiarch.owner-pid"}}'],
    ],
  ])('%s', (_name, argv, expected) => {
    expect(argv).toEqual(expected);
  });
});

describe('parseOwnedContainers', () => {
  test.each<[string, string, Array<{ id: string; pid: number }>]>([
    ['nothing', '', []],
    [
      // Captured from Docker 20.10: the first container has no owner-pid label.
      'real docker ps output: a container without the pid label is skipped',
      '6b718286ca77\t\n6c92a9e14295\t4242\n',
      [{ id: '6c92a9e14295', pid: 4242 }],
    ],
    [
      'several, blank lines and CRLF',
      'aaa\t1\r\n\nbbb\t22\n',
      [
        { id: 'aaa', pid: 1 },
        { id: 'bbb', pid: 22 },
      ],
    ],
    ['a pid that is not a number is skipped', 'aaa\t<no value>\nbbb\t12x\nccc\t-1\nddd\t7', [{ id: 'ddd', pid: 7 }]],
  ])('%s', (_name, stdout, expected) => {
    expect(parseOwnedContainers(stdout)).toEqual(expected);
  });
});

describe('parseContainerInspect', () => {
  test.each<[string, string, ContainerState]>([
    ['a running container', running, { running: true, status: 'running', exitCode: 0, ip: '172.17.0.2' }],
    ['an exited container', exited, { running: false, status: 'exited', exitCode: 3, ip: '' }],
  ])('reads %s', (_name, stdout, expected) => {
    expect(parseContainerInspect(stdout)).toEqual(expected);
  });

  function edited(edit: (container: Record<string, any>) => void): string {
    const json = JSON.parse(running);
    edit(json[0]);
    return JSON.stringify(json);
  }

  test.each<[string, string, string]>([
    [
      'a user-defined network only (no top-level IPAddress)',
      edited((c) => {
        delete c.NetworkSettings.IPAddress;
        c.NetworkSettings.Networks = { demo: { IPAddress: '10.89.0.4' } };
      }),
      '10.89.0.4',
    ],
    [
      'the first IPv4 address when the top level is empty',
      edited((c) => {
        c.NetworkSettings.IPAddress = '';
        c.NetworkSettings.Networks = {
          a: { IPAddress: '' },
          b: { IPAddress: '10.0.0.9' },
          c: { IPAddress: '10.0.0.10' },
        };
      }),
      '10.0.0.9',
    ],
    [
      'not an IPv4 address',
      edited((c) => {
        c.NetworkSettings.IPAddress = 'fd00::2';
        c.NetworkSettings.Networks = { a: { IPAddress: 'fd00::3' } };
      }),
      '',
    ],
    [
      'no networks at all',
      edited((c) => {
        c.NetworkSettings = {};
      }),
      '',
    ],
  ])('takes the ip from %s', (_name, stdout, ip) => {
    expect(parseContainerInspect(stdout).ip).toBe(ip);
  });

  test.each<[string, string, RegExp]>([
    ['empty output', '', /^docker container inspect printed something that is not JSON: /],
    [
      'an error message',
      'Error: No such container: svc',
      /^docker container inspect printed something that is not JSON: /,
    ],
    ['no container (what docker prints for a missing one)', '[]\n', /^unexpected docker container inspect output: /],
    [
      'an object, not an array',
      JSON.stringify(JSON.parse(running)[0]),
      /^unexpected docker container inspect output: /,
    ],
    ['no State', edited((c) => delete c.State), /^unexpected docker container inspect output: /],
    ['ExitCode not a number', edited((c) => (c.State.ExitCode = '3')), /^unexpected docker container inspect output: /],
    [
      'Running not a boolean',
      edited((c) => (c.State.Running = 'true')),
      /^unexpected docker container inspect output: /,
    ],
    ['no NetworkSettings', edited((c) => delete c.NetworkSettings), /^unexpected docker container inspect output: /],
  ])('rejects %s with a PluginError', (_name, stdout, message) => {
    expect(() => parseContainerInspect(stdout)).toThrow(PluginError);
    expect(() => parseContainerInspect(stdout)).toThrow(message);
  });
});
