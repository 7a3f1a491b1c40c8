import { describeSchemaDrift } from '../../../test/schema-drift';
import schemaJson from '../../nx/executors/builder-setup/schema.json';
import { builderSetupOptionsSchema, normalizeBuilderSetupOptions } from './builder-setup';

describeSchemaDrift(schemaJson, builderSetupOptionsSchema);

describe('normalizeBuilderSetupOptions', () => {
  const env = { HOME: '/home/ci' };

  it('defaults to a docker-container builder named nx-multiarch with its config under the state dir', () => {
    const o = normalizeBuilderSetupOptions({}, '/ws', env);
    expect(o.request).toEqual({
      name: 'nx-multiarch',
      driver: 'docker-container',
      platforms: [],
      nodes: [],
      registries: {},
      bootstrap: true,
      configFile: '/ws/.nx-multiarch/builders/nx-multiarch/buildkitd.toml',
    });
    expect(o).toMatchObject({
      certsDir: '/etc/docker/certs.d',
      dryRun: false,
      timeoutMs: 300_000,
      stateDir: '/ws/.nx-multiarch',
    });
    expect(o.daemonSearch).toMatchObject({ env, home: '/home/ci' });
    expect(o.daemonSearch.option).toBeUndefined();
  });

  it('names the docker-driver builder after the Docker context', () => {
    expect(normalizeBuilderSetupOptions({ driver: 'docker' }, '/ws', env).request.name).toBe('default');
  });

  it('normalizes platforms and resolves daemonConfig', () => {
    const o = normalizeBuilderSetupOptions(
      {
        platforms: ['amd64'],
        nodes: [{ name: 'arm', endpoint: 'ssh://arm', platforms: ['arm64'] }],
        daemonConfig: 'ops/daemon.json',
      },
      '/ws',
      env,
    );
    expect(o.request.platforms).toEqual(['linux/amd64']);
    expect(o.request.nodes).toEqual([{ name: 'arm', endpoint: 'ssh://arm', platforms: ['linux/arm64'] }]);
    expect(o.daemonSearch.option).toBe('/ws/ops/daemon.json');
  });

  test.each([
    [{ driver: 'remote' }, 'target builder-setup: endpoint: the remote driver needs the BuildKit address'],
    [
      { driver: 'docker', nodes: [{ name: 'a', endpoint: 'x', platforms: ['arm64'] }] },
      'target builder-setup: nodes: the docker driver has exactly one node',
    ],
    [{ name: 'bad name' }, 'target builder-setup: name: letters, digits and _ . - (buildx builder name)'],
    [
      { nodes: [{ name: 'a', endpoint: 'x', platforms: ['s390x'] }] },
      "target builder-setup: nodes.0.platforms: unknown platform 's390x'",
    ],
    [{ registries: { 'r:5000': { htp: true } } }, 'target builder-setup: registries.r:5000: unknown key(s) htp'],
  ])('%j is rejected naming the field', (options, message) => {
    expect(() => normalizeBuilderSetupOptions(options as never, '/ws', env)).toThrow(message);
  });
});
