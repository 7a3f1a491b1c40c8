import { emulationWarnings, measuredNativeArches, nativeArches, needsProbe, routedNodes } from './native';

const node = (name: string, platforms: string[], endpoint = `ssh://${name}`) => ({ name, endpoint, platforms });

describe('nativeArches', () => {
  // prettier-ignore
  test.each([
    ['docker driver: the daemon', { driver: 'docker', platforms: [], nodes: [] }, 'amd64', ['amd64']],
    ['docker driver on an arm64 daemon (DOCKER_HOST elsewhere)', { driver: 'docker', platforms: [], nodes: [] }, 'arm64', ['arm64']],
    ['a local container builder: QEMU does the other platforms', { driver: 'docker-container', platforms: [], nodes: [] }, 'amd64', ['amd64']],
    ['a local node declaring both platforms still emulates arm64', { driver: 'docker-container', platforms: ['linux/amd64', 'linux/arm64'], nodes: [] }, 'amd64', ['amd64']],
    ['a native arm64 node appended', { driver: 'docker-container', platforms: ['linux/amd64'], nodes: [node('arm', ['linux/arm64'])] }, 'amd64', ['amd64', 'arm64']],
    ['an appended node of no declared platform tells nothing', { driver: 'docker-container', platforms: [], nodes: [node('x', [])] }, 'amd64', ['amd64']],
    ['a first node elsewhere, declared arm64', { driver: 'docker-container', endpoint: 'ssh://arm', platforms: ['linux/arm64'], nodes: [] }, 'amd64', ['arm64']],
    ['remote: the declared platforms of each node', { driver: 'remote', endpoint: 'tcp://x:1234', platforms: ['linux/amd64'], nodes: [node('arm', ['linux/arm64'], 'tcp://arm:1234')] }, 'arm64', ['amd64', 'arm64']],
    ['remote, nothing declared: like the Docker host', { driver: 'remote', endpoint: 'tcp://x:1234', platforms: [], nodes: [] }, 'arm64', ['arm64']],
  ] as const)('%s', (_name, request, dockerHost, expected) => {
    expect(nativeArches({ ...request, platforms: [...request.platforms], nodes: [...request.nodes] }, dockerHost)).toEqual(expected);
  });
});

describe('routedNodes and needsProbe', () => {
  const remote = {
    name: 'sx',
    driver: 'remote' as const,
    endpoint: 'tcp://127.0.0.1:1231',
    platforms: ['linux/amd64'],
    nodes: [node('armnode', ['linux/arm64'], 'tcp://127.0.0.1:1232')],
  };

  it('sends each declared platform to the first node declaring it', () => {
    expect(
      routedNodes({ ...remote, nodes: [...remote.nodes, node('second-arm', ['linux/arm64', 'linux/amd64'])] }),
    ).toEqual([
      { name: 'sx0', endpoint: 'tcp://127.0.0.1:1231', arches: ['amd64'] },
      { name: 'armnode', endpoint: 'tcp://127.0.0.1:1232', arches: ['arm64'] },
      { name: 'second-arm', endpoint: 'ssh://second-arm', arches: [] },
    ]);
  });

  // prettier-ignore
  test.each([
    ['remote nodes', remote, true],
    ['a local container builder', { ...remote, driver: 'docker-container' as const, endpoint: undefined, nodes: [] }, false],
    ['a local first node and an arm64 node elsewhere', { ...remote, driver: 'docker-container' as const, endpoint: undefined }, true],
    ['the docker driver', { ...remote, driver: 'docker' as const, endpoint: undefined, nodes: [] }, false],
    ['a remote node of no declared platform: nothing to route to it', { ...remote, platforms: [], nodes: [] }, false],
  ])('%s: %s', (_name, request, expected) => {
    expect(needsProbe(request)).toBe(expected);
  });
});

describe('measured native platforms', () => {
  const amd = {
    arch: 'amd64' as const,
    node: 'sx0',
    endpoint: 'tcp://127.0.0.1:1231',
    machine: 'x86_64',
    native: 'amd64' as const,
  };
  const armOnAmd = {
    arch: 'arm64' as const,
    node: 'armnode',
    endpoint: 'tcp://127.0.0.1:1232',
    machine: 'x86_64',
    native: 'amd64' as const,
  };
  const armNative = { ...armOnAmd, machine: 'aarch64', native: 'arm64' as const };

  const remote = { endpoint: 'tcp://127.0.0.1:1231' };
  test.each([
    ['an arm64 node on an arm64 machine', [amd, armNative], remote, ['amd64', 'arm64']],
    ['an arm64 node on an amd64 machine emulates', [amd, armOnAmd], remote, ['amd64']],
    ['no node native for what it builds: the Docker host', [armOnAmd], remote, ['amd64']],
    // A local first node builds what no node declares, on the Docker host (here amd64), probed or not.
    ['a local first node, and a native arm64 node appended', [armNative], {}, ['amd64', 'arm64']],
    ['a local first node, and an arm64 node that emulates', [armOnAmd], {}, ['amd64']],
  ])('%s', (_name, measured, request, expected) => {
    expect(measuredNativeArches(measured, request, 'amd64')).toEqual(expected);
  });

  it('warns once per platform sent to a node that would emulate it', () => {
    expect(emulationWarnings([amd, armOnAmd, armNative])).toEqual([
      'node armnode (tcp://127.0.0.1:1232) is declared for linux/arm64 but its machine is x86_64: linux/arm64 builds ' +
        'there run under QEMU, several times slower than natively. Point the node at an arm64 machine, or declare it ' +
        'for the platform it runs natively',
    ]);
  });
});
