import { ConfigError, PluginError } from '../failure/errors';
import type { Arch } from '../platform';
import {
  ServiceError,
  serviceAddHost,
  serviceArch,
  serviceBuildArgs,
  serviceContainerName,
  serviceImage,
  type ServiceSpec,
} from './service';
import { thrown } from '../../../test/thrown';

const hub: ServiceSpec = {
  project: 'hub',
  repository: 'registry:5000/demo/hub',
  tag: '1.0',
  platforms: ['amd64', 'arm64'],
  port: 8080,
  health: '/healthz',
  timeout: 120,
  hostname: 'hub',
  buildArgs: {},
  platform: 'match',
};

describe('serviceArch', () => {
  // prettier-ignore
  test.each<[string, ServiceSpec['platform'], Arch[], Arch, Arch, Arch]>([
    ['match: the arm64 build gets the arm64 service', 'match', ['amd64', 'arm64'], 'arm64', 'amd64', 'arm64'],
    ['match: the amd64 build gets the amd64 service', 'match', ['amd64', 'arm64'], 'amd64', 'arm64', 'amd64'],
    ['match: a service of one arch serves that arch', 'match', ['arm64'], 'arm64', 'amd64', 'arm64'],
    ['native: the arm64 build gets the native amd64 service', 'native', ['amd64', 'arm64'], 'arm64', 'amd64', 'amd64'],
    ['native: the service need not build the build arch', 'native', ['amd64'], 'arm64', 'amd64', 'amd64'],
    ['native on an arm64 machine', 'native', ['arm64'], 'amd64', 'arm64', 'arm64'],
  ])('%s', (_name, platform, platforms, buildArch, native, expected) => {
    expect(serviceArch({ ...hub, platform, platforms }, buildArch, native, 'worker')).toBe(expected);
  });

  it('match: fails naming the service, the consumer and both fixes when the service does not build that arch', () => {
    const error = thrown(() => serviceArch({ ...hub, platforms: ['amd64'] }, 'arm64', 'amd64', 'worker'));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'project worker, build-time service hub: platform: services[hub].platform is match, ' +
        'but hub builds only amd64, so it cannot serve the arm64 build. ' +
        'Fix: add arm64 to hub\'s platforms, or set "platform": "native" on the service in worker\'s multiarch.json ' +
        'if what it serves does not depend on the arch',
    );
  });

  it('native: fails naming the native arch when the service does not build it', () => {
    const error = thrown(() =>
      serviceArch({ ...hub, platform: 'native', platforms: ['arm64'] }, 'arm64', 'amd64', 'worker'),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      source: 'project worker, build-time service hub',
      field: 'platform',
      problem:
        'services[hub].platform is native (amd64), but hub builds only arm64, so it cannot serve the arm64 build',
      fix: "add amd64 to hub's platforms",
    });
  });
});

describe('serviceImage', () => {
  test.each<[Arch, string]>([
    ['amd64', 'registry:5000/demo/hub:1.0-amd64'],
    ['arm64', 'registry:5000/demo/hub:1.0-arm64'],
  ])('%s -> %s', (arch, expected) => {
    expect(serviceImage(hub, arch)).toBe(expected);
  });
});

describe('serviceBuildArgs', () => {
  // prettier-ignore
  test.each<[string, Record<string, string>, Record<string, string>]>([
    ['none', {}, {}],
    ['{host} and {port}', { HUB_URL: 'http://{host}:{port}' }, { HUB_URL: 'http://hub:8080' }],
    ['{ip}', { HUB_IP: '{ip}' }, { HUB_IP: '172.17.0.2' }],
    ['{url} uses the host name, not the ip', { HUB: '{url}/api/v1' }, { HUB: 'http://hub:8080/api/v1' }],
    ['several args, placeholders repeated', { A: '{host}-{host}', B: '{ip}:{port}', C: 'plain' }, { A: 'hub-hub', B: '172.17.0.2:8080', C: 'plain' }],
    ['unknown placeholders are left as written', { A: '{addr} {HOST} {constructor} {}' }, { A: '{addr} {HOST} {constructor} {}' }],
  ])('%s', (_name, buildArgs, expected) => {
    expect(serviceBuildArgs({ ...hub, buildArgs }, '172.17.0.2')).toEqual(expected);
  });

  it('uses the configured host name', () => {
    expect(
      serviceBuildArgs(
        { ...hub, hostname: 'hub.internal', port: 80, buildArgs: { U: '{url}', H: '{host}' } },
        '10.0.0.5',
      ),
    ).toEqual({ U: 'http://hub.internal:80', H: 'hub.internal' });
  });
});

describe('serviceAddHost', () => {
  it('maps the host name to the container ip', () => {
    expect(serviceAddHost(hub, '172.17.0.2')).toBe('hub:172.17.0.2');
    expect(serviceAddHost({ ...hub, hostname: 'hub.internal' }, '10.0.0.5')).toBe('hub.internal:10.0.0.5');
  });
});

describe('serviceContainerName', () => {
  // prettier-ignore
  test.each<[string, string, string, Arch, string]>([
    ['worker', 'hub', '1a2b3c', 'arm64', 'nx-multiarch-worker-hub-arm64-1a2b3c'],
    ['worker', 'hub', '1a2b3c', 'amd64', 'nx-multiarch-worker-hub-amd64-1a2b3c'],
    ['@acme/worker', '@acme/hub', 'x', 'arm64', 'nx-multiarch--acme-worker--acme-hub-arm64-x'],
    ['my app:v2', 'hub', 'x', 'arm64', 'nx-multiarch-my-app-v2-hub-arm64-x'],
    ['a_b.c-d', 'Hub_2.x', 'x', 'arm64', 'nx-multiarch-a_b.c-d-Hub_2.x-arm64-x'],
    ['a//b  c', 'hub', 'x', 'arm64', 'nx-multiarch-a-b-c-hub-arm64-x'],
    ['wörker', 'hüb', 'x', 'arm64', 'nx-multiarch-w-rker-h-b-arm64-x'],
  ])('%s + %s (%s, %s) -> %s', (consumer, project, runId, arch, expected) => {
    const name = serviceContainerName(consumer, { ...hub, project }, arch, runId);
    expect(name).toBe(expected);
    expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/); // what docker accepts as a container name
  });
});

describe('ServiceError', () => {
  it('is a PluginError with its own name', () => {
    const error = new ServiceError('hub did not become healthy');
    expect(error).toBeInstanceOf(PluginError);
    expect(error.name).toBe('ServiceError');
    expect(error.message).toBe('hub did not become healthy');
  });
});
