import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import { buildArgs, outputs, parseBuildMetadata, resolveBuildNetwork, type BuildRequest } from './build';

const base: BuildRequest = {
  context: '/ws/images/api',
  dockerfile: '/ws/images/api/Dockerfile',
  platform: 'arm64',
  tags: ['demo/api:latest-arm64'],
  buildArgs: {},
  metadataFile: '/ws/dist/images/api/api-arm64.metadata.json',
  load: true,
  push: false,
};

describe('buildArgs', () => {
  // prettier-ignore
  test.each<[string, Partial<BuildRequest>, string[]]>([
    [
      'load one arm64 image',
      {},
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--load', '/ws/images/api',
      ],
    ],
    [
      'target, sorted build args, host network, push and load',
      {
        platform: 'amd64',
        tags: ['reg:5000/demo/api-init:1.0-amd64', 'reg:5000/demo/api-init:sha-amd64'],
        target: 'api-init',
        buildArgs: { VERSION: '1.0', BASE_IMAGE: 'alpine:3.20' },
        network: 'host',
        push: true,
      },
      [
        'buildx', 'build', '--platform', 'linux/amd64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'reg:5000/demo/api-init:1.0-amd64', '--tag', 'reg:5000/demo/api-init:sha-amd64',
        '--target', 'api-init', '--build-arg', 'BASE_IMAGE=alpine:3.20', '--build-arg', 'VERSION=1.0',
        '--network', 'host', '--allow', 'network.host', '--load', '--push', '/ws/images/api',
      ],
    ],
    [
      'on a named builder, without network',
      { builder: 'nx-multiarch', network: 'none' },
      [
        'buildx', 'build', '--builder', 'nx-multiarch', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--network', 'none', '--load', '/ws/images/api',
      ],
    ],
    [
      'no cache, push only',
      { noCache: true, load: false, push: true },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--no-cache', '--push', '/ws/images/api',
      ],
    ],
    [
      'a build arg value with shell metacharacters stays one argument',
      { buildArgs: { MOTD: 'a b; rm -rf / $(id) "q"' } },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--build-arg', 'MOTD=a b; rm -rf / $(id) "q"', '--load', '/ws/images/api',
      ],
    ],
    [
      'secrets in the given order, after build args and before add-host',
      {
        buildArgs: { VERSION: '1.0' },
        secrets: ['id=npm_token,env=NPM_TOKEN', 'id=netrc,src=/ws/.netrc'],
        addHosts: ['cache-svc:127.0.0.1'],
      },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--build-arg', 'VERSION=1.0',
        '--secret', 'id=npm_token,env=NPM_TOKEN', '--secret', 'id=netrc,src=/ws/.netrc',
        '--add-host', 'cache-svc:127.0.0.1', '--load', '/ws/images/api',
      ],
    ],
    [
      'no cache, load',
      { noCache: true },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--no-cache', '--load', '/ws/images/api',
      ],
    ],
    [
      'push and load on a named builder: --load before --push, the context last',
      { builder: 'nx-multiarch', push: true },
      [
        'buildx', 'build', '--builder', 'nx-multiarch', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--load', '--push', '/ws/images/api',
      ],
    ],
    [
      'images built here as named contexts after secrets, an OCI layout output after the cache flag',
      {
        builder: 'nx-multiarch',
        secrets: ['id=npm_token,env=NPM_TOKEN'],
        buildContexts: ['demo/gateway:latest-arm64=oci-layout:///ws/.nx-multiarch/produced/gw@sha256:ab'],
        noCache: true,
        outputs: ['type=oci,dest=/ws/.nx-multiarch/produced/api,tar=false'],
        push: true,
      },
      [
        'buildx', 'build', '--builder', 'nx-multiarch', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--secret', 'id=npm_token,env=NPM_TOKEN',
        '--build-context', 'demo/gateway:latest-arm64=oci-layout:///ws/.nx-multiarch/produced/gw@sha256:ab',
        '--no-cache', '--output', 'type=oci,dest=/ws/.nx-multiarch/produced/api,tar=false', '--load', '--push',
        '/ws/images/api',
      ],
    ],
    [
      'cache import and export after the named contexts, before --no-cache',
      {
        cacheFrom: ['type=registry,ref=reg:5000/demo/api:buildcache-arm64'],
        cacheTo: ['type=registry,ref=reg:5000/demo/api:buildcache-arm64,mode=max'],
      },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--cache-from', 'type=registry,ref=reg:5000/demo/api:buildcache-arm64',
        '--cache-to', 'type=registry,ref=reg:5000/demo/api:buildcache-arm64,mode=max', '--load', '/ws/images/api',
      ],
    ],
    [
      'noCache false adds nothing',
      { noCache: false, secrets: [] },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--load', '/ws/images/api',
      ],
    ],
    [
      'labels sorted by name after build args, annotations after them, a value with = and spaces kept whole',
      {
        buildArgs: { VERSION: '1.0' },
        labels: { 'org.opencontainers.image.version': '1.0', 'com.acme.team': 'a=b c' },
        annotations: ['index:org.opencontainers.image.description=The API'],
      },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--build-arg', 'VERSION=1.0',
        '--label', 'com.acme.team=a=b c', '--label', 'org.opencontainers.image.version=1.0',
        '--annotation', 'index:org.opencontainers.image.description=The API', '--load', '/ws/images/api',
      ],
    ],
    [
      'ssh after secrets, each its own flag',
      { secrets: ['id=npm_token,env=NPM_TOKEN'], ssh: ['default', 'github=/home/ci/.ssh/id_ed25519'] },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--secret', 'id=npm_token,env=NPM_TOKEN',
        '--ssh', 'default', '--ssh', 'github=/home/ci/.ssh/id_ed25519', '--load', '/ws/images/api',
      ],
    ],
    [
      'pull, max provenance and an SBOM after --no-cache, before the outputs',
      { noCache: true, pull: true, provenance: 'mode=max', sbom: 'true', load: false, push: true },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--no-cache', '--pull', '--provenance=mode=max', '--sbom=true',
        '--push', '/ws/images/api',
      ],
    ],
    [
      'provenance and sbom turned off explicitly',
      { provenance: 'false', sbom: 'false', pull: false },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--provenance=false', '--sbom=false', '--load', '/ws/images/api',
      ],
    ],
    [
      'extra args as given, one argv entry each, after every plugin flag and before the context',
      { extraArgs: ['--shm-size', '2g', '--ulimit=nofile=1024:1024', '--allow', 'security.insecure'], push: true },
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
        '--tag', 'demo/api:latest-arm64', '--load', '--push',
        '--shm-size', '2g', '--ulimit=nofile=1024:1024', '--allow', 'security.insecure', '/ws/images/api',
      ],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(buildArgs({ ...base, ...overrides })).toEqual(expected);
  });
});

describe('parseBuildMetadata', () => {
  it('reads the metadata buildx 0.13 wrote for a --load build on the docker driver', () => {
    const file = join(__dirname, '../../../test/fixtures/metadata-docker-driver-load.json');
    expect(parseBuildMetadata(readFileSync(file, 'utf8'), file)).toEqual({
      digest: 'sha256:244e0f0bc311c7e8d137fee00de54017bc85ef3fd3671b2060f83e16180362d5',
      imageNames: [],
      buildRef: 'default/default/p2qt0ad884f44x15j5o2a5b6y',
    });
  });

  it('splits image.name and keeps the config digest', () => {
    const text = JSON.stringify({
      'containerimage.config.digest': 'sha256:cfg',
      'containerimage.digest': 'sha256:manifest',
      'image.name': 'reg/a:1-arm64,reg/a:sha-arm64',
    });
    expect(parseBuildMetadata(text, 'm.json')).toEqual({
      digest: 'sha256:manifest',
      configDigest: 'sha256:cfg',
      imageNames: ['reg/a:1-arm64', 'reg/a:sha-arm64'],
    });
  });

  test.each([
    ['not json', /m\.json: buildx metadata is not JSON/],
    ['{"containerimage.digest": 42}', /m\.json: unexpected buildx metadata/],
  ])('rejects %j naming the file', (text, message) => {
    expect(() => parseBuildMetadata(text, 'm.json')).toThrow(PluginError);
    expect(() => parseBuildMetadata(text, 'm.json')).toThrow(message);
  });
});

describe('resolveBuildNetwork', () => {
  const hostBuilder = { name: 'nx-multiarch', hostNetwork: true };
  const bridgeBuilder = { name: 'remote1', hostNetwork: false };
  test.each<[Parameters<typeof resolveBuildNetwork>[0], Parameters<typeof resolveBuildNetwork>[1], string | undefined]>(
    [
      [undefined, hostBuilder, 'host'],
      [undefined, bridgeBuilder, undefined],
      [undefined, undefined, undefined],
      ['host', hostBuilder, 'host'],
      ['default', hostBuilder, undefined],
      ['none', hostBuilder, 'none'],
      ['none', undefined, 'none'],
    ],
  )('component %s on %j -> %s', (requested, builder, expected) => {
    expect(resolveBuildNetwork(requested, builder, 'project worker')).toBe(expected);
  });

  it('fails a component that needs the host network on a builder without it', () => {
    expect(() => resolveBuildNetwork('host', bridgeBuilder, 'project worker')).toThrow(
      'project worker: network: needs host networking but builder remote1 has none. Fix: run builder-setup with driver docker-container (network=host) or docker',
    );
  });
});

describe('outputs', () => {
  test.each([
    [true, false, 'docker', { load: true, push: false }],
    [true, true, 'docker', { load: false, push: true }],
    [false, true, 'docker', { load: false, push: true }],
    [true, true, 'docker-container', { load: true, push: true }],
    [true, true, 'remote', { load: true, push: true }],
    [false, false, 'docker-container', { load: false, push: false }],
  ] as const)('load %s, push %s on %s: %j', (load, push, driver, expected) => {
    expect(outputs(load, push, driver)).toEqual(expected);
  });
});
