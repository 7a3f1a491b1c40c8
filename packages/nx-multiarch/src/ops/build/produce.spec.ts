import { type BuildImageExecutorSchema, normalizeBuildImageOptions } from '../../core/options/build-image';
import { resolveProxies } from '../../core/network/proxy';
import type { BuildSecrets } from '../../core/secret/build-secrets';
import type { BuilderState } from '../../infra/state/builder-state';
import type { BuildEnvironment } from './environment';
import { planImage, type ProduceContext } from './produce';

const REF = 'reg:5000/demo/api:1.0-arm64';

describe('planImage', () => {
  const noSecrets: BuildSecrets = { flags: [], env: {}, values: [], missing: [] };
  const dockerDriver: BuilderState = {
    name: 'default',
    driver: 'docker',
    hostNetwork: false,
    buildxVersion: '0.13.1',
    updatedAt: '2026-11-25T04:00:00.000Z',
  };
  const environment = (builder?: BuilderState): BuildEnvironment => ({
    ...(builder && { builder }),
    proxies: resolveProxies({ daemon: {}, clientConfig: {}, env: {} }),
    envArgs: { args: {}, withheld: [] },
    values: {},
    secretMounts: [],
  });
  const context = (
    options: BuildImageExecutorSchema,
    overrides: Partial<Omit<ProduceContext, 'options'>> = {},
  ): ProduceContext => ({
    options: normalizeBuildImageOptions(options, 'api', '/ws'),
    environment: environment(dockerDriver),
    secrets: noSecrets,
    services: { buildArgs: {}, addHosts: [] },
    mask: (text) => text,
    ...overrides,
  });
  const dockerfile: BuildImageExecutorSchema = {
    context: 'images/api',
    images: [{ name: 'api' }],
    registry: 'reg:5000',
    imagePrefix: 'demo/',
    tag: '1.0',
    load: true,
    push: true,
  };

  it('on the docker driver, push alone also loads: --push without --load', () => {
    const plan = planImage(context(dockerfile), { name: 'api' }, 'arm64');
    expect(plan).toMatchObject({
      ref: REF,
      refs: [REF],
      recordFile: '/ws/dist/images/api/api-arm64.json',
      metadataFile: '/ws/dist/images/api/api-arm64.metadata.json',
      load: true,
      push: true,
    });
    expect(plan.argv(false)).toContain('--push');
    expect(plan.argv(false)).not.toContain('--load');
    expect(plan.argv(false)).not.toContain('--no-cache');
    // prettier-ignore
    expect(plan.argv(false)).toEqual([
      'buildx', 'build', '--builder', 'default', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
      '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json',
      '--tag', REF, '--push', '/ws/images/api',
    ]);
    expect(plan.argv(true)).toContain('--no-cache');
    expect(plan.argv(true)).toContain('--push');
    expect(plan.argv(true)).not.toContain('--load');
  });

  it('without a builder state buildx uses the docker driver: same outputs, no --builder', () => {
    const plan = planImage(context(dockerfile, { environment: environment() }), { name: 'api' }, 'arm64');
    expect(plan.load).toBe(true);
    expect(plan.push).toBe(true);
    expect(plan.argv(false)).not.toContain('--builder');
    expect(plan.argv(false)).toContain('--push');
    expect(plan.argv(false)).not.toContain('--load');
  });

  it('on a docker-container builder asks for both --load and --push', () => {
    const container: BuilderState = { ...dockerDriver, name: 'nx-multiarch', driver: 'docker-container' };
    const plan = planImage(context(dockerfile, { environment: environment(container) }), { name: 'api' }, 'arm64');
    expect(plan.load).toBe(true);
    expect(plan.push).toBe(true);
    expect(plan.argv(false)).toEqual(expect.arrayContaining(['--builder', 'nx-multiarch', '--load', '--push']));
  });

  test.each<[string, BuilderState['driver'], boolean, string | undefined, boolean]>([
    [
      'push only, on a container builder: labelled with the inputs, another machine may reuse it',
      'docker-container',
      false,
      'h1',
      true,
    ],
    ['push only, on a remote builder', 'remote', false, 'h1', true],
    ['loaded too: this daemon has it, not only the registry', 'docker-container', true, 'h1', false],
    ['on the docker driver a push is loaded', 'docker', false, 'h1', false],
    ['no task hash from Nx: nothing to label', 'remote', false, undefined, false],
  ])('%s', (_name, driver, load, taskHash, shareable) => {
    const builder: BuilderState = { ...dockerDriver, name: 'nx-multiarch', driver };
    const ctx = context({ ...dockerfile, load }, { environment: environment(builder), ...(taskHash && { taskHash }) });
    const plan = planImage(ctx, { name: 'api' }, 'arm64');
    expect(plan.shareable).toBe(shareable);
    const label = plan.argv(false).indexOf('org.nx-multiarch.inputs=h1');
    expect(label > 0 ? plan.argv(false)[label - 1] : undefined).toBe(shareable ? '--label' : undefined);
  });

  it('on a container builder, passes the images built here as named contexts and writes a layout for dependents', () => {
    const container: BuilderState = { ...dockerDriver, name: 'nx-multiarch', driver: 'docker-container' };
    const produced = {
      contexts: {
        arm64: [
          { key: 'demo/gw:1.0-arm64', ref: 'demo/gw:1.0-arm64', project: 'gw', source: 'oci-layout:///l@sha256:ab' },
        ],
      },
      exportLayout: true,
    };
    const plan = planImage(
      context(dockerfile, { environment: environment(container), produced }),
      { name: 'api' },
      'arm64',
    );
    expect(plan.layout).toBe('/ws/.nx-multiarch/produced/reg_5000_demo_api-arm64');
    expect(plan.contexts).toEqual(['demo/gw:1.0-arm64=oci-layout:///l@sha256:ab']);
    // prettier-ignore
    expect(plan.argv(false)).toEqual([
      'buildx', 'build', '--builder', 'nx-multiarch', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
      '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-arm64.metadata.json', '--tag', REF,
      '--build-context', 'demo/gw:1.0-arm64=oci-layout:///l@sha256:ab',
      '--output', 'type=oci,dest=/ws/.nx-multiarch/produced/reg_5000_demo_api-arm64,tar=false',
      '--load', '--push', '/ws/images/api',
    ]);
    // The docker driver builds FROM the daemon's images: neither.
    const onDocker = planImage(context(dockerfile, { produced }), { name: 'api' }, 'arm64');
    expect(onDocker.layout).toBeUndefined();
    expect(onDocker.argv(false).join(' ')).not.toMatch(/--build-context|--output/);
  });

  it('tags every extra tag, and passes target, secrets and service hosts', () => {
    const ctx = context(
      { ...dockerfile, tags: ['sha-abc'], buildArgs: { VERSION: '1.0' } },
      {
        secrets: { ...noSecrets, flags: ['id=npm_token,env=NPM_TOKEN'] },
        services: { buildArgs: { CACHE_URL: 'http://cache-svc:8080' }, addHosts: ['cache-svc:127.0.0.1'] },
      },
    );
    const plan = planImage(ctx, { name: 'api-init', target: 'init' }, 'amd64');
    expect(plan.refs).toEqual(['reg:5000/demo/api-init:1.0-amd64', 'reg:5000/demo/api-init:sha-abc-amd64']);
    // prettier-ignore
    expect(plan.argv(false)).toEqual([
      'buildx', 'build', '--builder', 'default', '--platform', 'linux/amd64', '--file', '/ws/images/api/Dockerfile',
      '--progress', 'plain', '--metadata-file', '/ws/dist/images/api/api-init-amd64.metadata.json',
      '--tag', 'reg:5000/demo/api-init:1.0-amd64', '--tag', 'reg:5000/demo/api-init:sha-abc-amd64',
      '--target', 'init', '--build-arg', 'CACHE_URL=http://cache-svc:8080', '--build-arg', 'VERSION=1.0',
      '--secret', 'id=npm_token,env=NPM_TOKEN', '--add-host', 'cache-svc:127.0.0.1', '--push', '/ws/images/api',
    ]);
  });

  it('pulls an upstream image for the platform', () => {
    const ctx = context({ upstream: 'redis:7', images: [{ name: 'cache' }], registry: 'reg:5000', push: true });
    const plan = planImage(ctx, { name: 'cache' }, 'arm64');
    expect(plan.load).toBe(true);
    expect(plan.push).toBe(true);
    expect(plan.ref).toBe('reg:5000/cache:latest-arm64');
    expect(plan.argv(false)).toEqual(['pull', '--platform', 'linux/arm64', 'redis:7']);
    expect(plan.argv(true)).toEqual(['pull', '--platform', 'linux/arm64', 'redis:7']);
  });
});
