import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import {
  builderDifferences,
  createBuilderArgs,
  driverOptArg,
  FINGERPRINT_OPT,
  isMissingBuilder,
  parseBuilderInspect,
  type BuilderSpec,
} from './builder';
import type { BuildxVersion } from './version';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');
const v013: BuildxVersion = { raw: '0.13.1', major: 0, minor: 13, patch: 1 };
const v012: BuildxVersion = { raw: '0.12.1', major: 0, minor: 12, patch: 1 };

const container: BuilderSpec = {
  name: 'nx-multiarch',
  driver: 'docker-container',
  nodes: [{ name: 'nx-multiarch0', platforms: [] }],
  driverOpts: [
    ['network', 'host'],
    ['env.http_proxy', 'http://user:secret@proxy.example:3128'],
    ['env.no_proxy', 'localhost,127.0.0.1'],
    [FINGERPRINT_OPT, 'abc123'],
  ],
  buildkitdFlags: ['--allow-insecure-entitlement', 'network.host'],
  configFile: '/ws/.nx-multiarch/builders/nx-multiarch/buildkitd.toml',
  bootstrap: true,
};

describe('createBuilderArgs', () => {
  // prettier-ignore
  test.each<[string, BuilderSpec, BuildxVersion, string[][]]>([
    ['docker-container on buildx >= 0.13', container, v013, [[
      'buildx', 'create', '--name', 'nx-multiarch', '--node', 'nx-multiarch0', '--driver', 'docker-container',
      '--driver-opt', 'network=host', '--driver-opt', 'env.http_proxy=http://user:secret@proxy.example:3128',
      '--driver-opt', '"env.no_proxy=localhost,127.0.0.1"', '--driver-opt', 'env.NX_MULTIARCH_FINGERPRINT=abc123',
      '--buildkitd-flags', '--allow-insecure-entitlement network.host',
      '--buildkitd-config', '/ws/.nx-multiarch/builders/nx-multiarch/buildkitd.toml', '--bootstrap',
    ]]],
    ['docker-container on buildx 0.12 uses --config', { ...container, bootstrap: false }, v012, [[
      'buildx', 'create', '--name', 'nx-multiarch', '--node', 'nx-multiarch0', '--driver', 'docker-container',
      '--driver-opt', 'network=host', '--driver-opt', 'env.http_proxy=http://user:secret@proxy.example:3128',
      '--driver-opt', '"env.no_proxy=localhost,127.0.0.1"', '--driver-opt', 'env.NX_MULTIARCH_FINGERPRINT=abc123',
      '--buildkitd-flags', '--allow-insecure-entitlement network.host',
      '--config', '/ws/.nx-multiarch/builders/nx-multiarch/buildkitd.toml',
    ]]],
    ['a native arm64 node appended; bootstrap once, after the last node', {
      ...container,
      driverOpts: [['network', 'host'], [FINGERPRINT_OPT, 'f']],
      nodes: [
        { name: 'amd', platforms: ['linux/amd64'] },
        { name: 'arm', endpoint: 'ssh://ci@arm64-runner', platforms: ['linux/arm64'] },
      ],
    }, v013, [
      [
        'buildx', 'create', '--name', 'nx-multiarch', '--node', 'amd', '--driver', 'docker-container',
        '--driver-opt', 'network=host', '--driver-opt', 'env.NX_MULTIARCH_FINGERPRINT=f',
        '--buildkitd-flags', '--allow-insecure-entitlement network.host',
        '--buildkitd-config', '/ws/.nx-multiarch/builders/nx-multiarch/buildkitd.toml', '--platform', 'linux/amd64',
      ],
      [
        'buildx', 'create', '--name', 'nx-multiarch', '--append', '--node', 'arm', '--driver', 'docker-container',
        '--driver-opt', 'network=host', '--driver-opt', 'env.NX_MULTIARCH_FINGERPRINT=f',
        '--buildkitd-flags', '--allow-insecure-entitlement network.host',
        '--buildkitd-config', '/ws/.nx-multiarch/builders/nx-multiarch/buildkitd.toml', '--platform', 'linux/arm64',
        '--bootstrap', 'ssh://ci@arm64-runner',
      ],
    ]],
    ['remote', {
      name: 'farm', driver: 'remote', nodes: [{ name: 'farm0', endpoint: 'tcp://buildkitd:1234', platforms: [] }],
      driverOpts: [], buildkitdFlags: [], bootstrap: false,
    }, v013, [[
      'buildx', 'create', '--name', 'farm', '--node', 'farm0', '--driver', 'remote', 'tcp://buildkitd:1234',
    ]]],
  ])('%s', (_name, spec, version, expected) => {
    expect(createBuilderArgs(spec, version)).toEqual(expected);
  });
});

describe('driverOptArg', () => {
  test.each([
    ['network', 'host', 'network=host'],
    ['env.no_proxy', 'localhost,127.0.0.1,.corp', '"env.no_proxy=localhost,127.0.0.1,.corp"'],
    ['env.X', 'say "hi"', '"env.X=say ""hi"""'],
  ])('%s=%s', (key, value, expected) => {
    expect(driverOptArg(key, value)).toBe(expected);
  });
});

describe('parseBuilderInspect', () => {
  test.each(['0.13', '0.29'])('docker-container builder, buildx %s', (version) => {
    const builder = parseBuilderInspect(fixture(`inspect-${version}-docker-container.txt`));
    expect(builder).toMatchObject({
      name: 'capture-test',
      driver: 'docker-container',
      nodes: [
        {
          name: 'capture-test0',
          endpoint: 'unix:///run/nx-multiarch-lab/docker.sock',
          status: 'inactive',
          driverOptions: {
            network: 'host',
            [FINGERPRINT_OPT]: 'abc123',
            'env.http_proxy': 'http://user:secret@proxy.example:3128',
          },
          buildkitdFlags: ['--allow-insecure-entitlement', 'network.host'],
          platforms: ['linux/amd64', 'linux/arm64'],
        },
      ],
    });
  });

  it('reads the buildkitd.toml that buildx 0.29 shows', () => {
    const [node] = parseBuilderInspect(fixture('inspect-0.29-docker-container.txt')).nodes;
    expect(node.config).toBe(
      'insecure-entitlements = ["network.host"]\n\n[registry]\n\n  [registry."127.0.0.1:5000"]\n    http = true\n\n' +
        '  [registry."docker.io"]\n    mirrors = ["127.0.0.1:5000", "mirror.example.com/dockerhub"]\n\n',
    );
  });

  test.each(['0.13', '0.29'])('two nodes, buildx %s', (version) => {
    const builder = parseBuilderInspect(fixture(`inspect-${version}-two-nodes.txt`));
    expect(
      builder.nodes.map(({ name, endpoint, platforms, driverOptions }) => ({
        name,
        endpoint,
        platforms,
        network: driverOptions.network,
      })),
    ).toEqual([
      {
        name: 'amd',
        endpoint: 'unix:///run/nx-multiarch-lab/docker.sock',
        platforms: ['linux/amd64'],
        network: 'host',
      },
      { name: 'arm', endpoint: 'unix:///tmp/arm-node.sock', platforms: ['linux/arm64'], network: 'host' },
    ]);
  });

  test.each(['0.13', '0.29'])('the docker driver, buildx %s', (version) => {
    expect(parseBuilderInspect(fixture(`inspect-${version}-docker.txt`))).toEqual({
      name: 'default',
      driver: 'docker',
      nodes: [
        {
          name: 'default',
          endpoint: 'default',
          status: 'running',
          driverOptions: {},
          buildkitdFlags: [],
          buildkitVersion: 'v0.8+unknown',
          platforms: ['linux/amd64', 'linux/arm64', 'linux/386'],
          declaredPlatforms: [],
        },
      ],
    });
  });

  test.each(['0.13', '0.29'])('remote, buildx %s', (version) => {
    expect(parseBuilderInspect(fixture(`inspect-${version}-remote.txt`))).toMatchObject({
      driver: 'remote',
      nodes: [{ name: 'capture-remote0', endpoint: 'tcp://127.0.0.1:1234', status: 'inactive' }],
    });
  });

  test.each(['0.13', '0.29'])('a missing builder is recognised (buildx %s)', (version) => {
    expect(isMissingBuilder(fixture(`inspect-${version}-missing.txt`))).toBe(true);
    expect(isMissingBuilder('ERROR: Cannot connect to the Docker daemon')).toBe(false);
  });

  it('rejects output it does not understand, without echoing credentials', () => {
    expect(() => parseBuilderInspect('http://user:secret@x garbage')).toThrow(PluginError);
    expect(() => parseBuilderInspect('http://user:secret@x garbage')).toThrow('http://***@x garbage');
  });
});

describe('builderDifferences', () => {
  const inspected = parseBuilderInspect(fixture('inspect-0.13-docker-container.txt'));
  const spec: BuilderSpec = {
    ...container,
    name: 'capture-test',
    nodes: [{ name: 'capture-test0', platforms: ['linux/amd64', 'linux/arm64'] }],
  };

  it('is empty when the fingerprint, driver and nodes match', () => {
    expect(builderDifferences(inspected, spec)).toEqual([]);
  });

  it('names what changed', () => {
    const changed: BuilderSpec = {
      ...spec,
      driverOpts: [
        ['network', 'host'],
        [FINGERPRINT_OPT, 'def456'],
      ],
      nodes: [...spec.nodes, { name: 'arm', endpoint: 'ssh://arm', platforms: ['linux/arm64'] }],
    };
    expect(builderDifferences(inspected, changed)).toEqual([
      'nodes are capture-test0, want capture-test0,arm',
      'node capture-test0 was set up from other options or another buildkitd.toml',
    ]);
  });

  it('notices a builder of another driver under the same name', () => {
    expect(builderDifferences(parseBuilderInspect(fixture('inspect-0.29-remote.txt')), spec)[0]).toBe(
      'driver is remote, want docker-container',
    );
  });
});

describe('two remote nodes (buildx 0.13, captured from two host buildkitd)', () => {
  const inspected = parseBuilderInspect(fixture('inspect-0.13-remote-two-nodes.txt'));
  const spec: BuilderSpec = {
    name: 'sx',
    driver: 'remote',
    nodes: [
      { name: 'sx0', endpoint: 'tcp://127.0.0.1:1231', platforms: ['linux/amd64'] },
      { name: 'armnode', endpoint: 'tcp://127.0.0.1:1232', platforms: ['linux/arm64'] },
    ],
    driverOpts: [],
    buildkitdFlags: [],
    bootstrap: true,
  };

  it('reads the declared platform of each node apart from what its worker offers', () => {
    expect(inspected.nodes.map((n) => [n.name, n.declaredPlatforms, n.platforms[1]])).toEqual([
      ['sx0', ['linux/amd64'], 'linux/amd64/v2'],
      ['armnode', ['linux/arm64'], 'linux/amd64'],
    ]);
  });

  it('is current as declared, and out of date when a node is declared for another platform', () => {
    expect(builderDifferences(inspected, spec)).toEqual([]);
    const swapped = { ...spec, nodes: [spec.nodes[0], { ...spec.nodes[1], platforms: ['linux/amd64'] }] };
    expect(builderDifferences(inspected, swapped)).toEqual([
      'node armnode is declared for linux/arm64, want linux/amd64',
    ]);
  });
});
