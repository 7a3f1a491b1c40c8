import { nativeArches } from './native';

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
