import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuildMetadata } from '../../cli/buildx/build';
import { parsePushedImage, type PushedImage } from '../../cli/buildx/imagetools';
import type { LocalImage } from '../../cli/docker/image';
import { VerificationError } from '../../core/failure/errors';
import { type BuildImageExecutorSchema, normalizeBuildImageOptions } from '../../core/options/build-image';
import { resolveProxies } from '../../core/network/proxy';
import type { BuildSecrets } from '../../core/secret/build-secrets';
import type { BuilderState } from '../../infra/state/builder-state';
import type { BuildEnvironment } from './environment';
import { planImage, type ProduceContext, verifyLoaded, verifyPushed } from './produce';

const REF = 'reg:5000/demo/api:1.0-arm64';

describe('verifyLoaded', () => {
  const arm64: LocalImage = {
    id: 'sha256:6ed84b9200059c5b8ca44ca54187a026c2dc6d871955d77215debfe2cf8c26c7',
    os: 'linux',
    architecture: 'arm64',
    repoTags: [REF],
    repoDigests: [],
  };

  it('fails when the daemon does not have the image', () => {
    expect(() => verifyLoaded(undefined, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyLoaded(undefined, REF, 'arm64')).toThrow(`${REF} was built, but the daemon does not have it`);
  });

  it('fails when the image is for another arch', () => {
    const amd64: LocalImage = { ...arm64, architecture: 'amd64' };
    expect(() => verifyLoaded(amd64, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyLoaded(amd64, REF, 'arm64')).toThrow(`${REF} is linux/amd64 but linux/arm64 was requested`);
  });

  it('fails when the tag names another image than the one this build wrote', () => {
    const written = 'sha256:244e0f0bc311c7e8d137fee00de54017bc85ef3fd3671b2060f83e16180362d5';
    expect(() => verifyLoaded(arm64, REF, 'arm64', written)).toThrow(VerificationError);
    expect(() => verifyLoaded(arm64, REF, 'arm64', written)).toThrow(
      `${REF} in the daemon is ${arm64.id}, not the ${written} this build wrote`,
    );
  });

  it('returns the image when it is the one written, for the arch', () => {
    expect(verifyLoaded(arm64, REF, 'arm64', arm64.id)).toBe(arm64);
  });

  it('returns the image when no image id is known (a pull)', () => {
    expect(verifyLoaded(arm64, REF, 'arm64')).toBe(arm64);
  });
});

describe('verifyPushed', () => {
  const pushed: PushedImage = {
    name: REF,
    digest: 'sha256:41567611d8684ea9c4a1171880cbe40d6bd413421c02b615568027e6e7cdd0f1',
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    platforms: ['linux/arm64'],
    entries: [],
    attestations: 0,
  };

  it('fails when the registry does not have the tag', () => {
    expect(() => verifyPushed(undefined, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyPushed(undefined, REF, 'arm64')).toThrow(`${REF} was pushed, but the registry does not have it`);
  });

  it('fails when the tag points at another digest than the one this build pushed', () => {
    const ours = 'sha256:8a9ac0bf8d9b6bdb8d49c967feeeec3a0f6288a8e7159163a7d6a56d9db10fc7';
    expect(() => verifyPushed(pushed, REF, 'arm64', ours)).toThrow(VerificationError);
    expect(() => verifyPushed(pushed, REF, 'arm64', ours)).toThrow(
      `${REF} in the registry is ${pushed.digest}, not the ${ours} this build pushed`,
    );
  });

  it('fails when the registry has the tag for another platform', () => {
    const amd64: PushedImage = { ...pushed, platforms: ['linux/amd64'] };
    expect(() => verifyPushed(amd64, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyPushed(amd64, REF, 'arm64')).toThrow(
      `${REF} in the registry is for linux/amd64, not linux/arm64`,
    );
    expect(() => verifyPushed({ ...pushed, platforms: [] }, REF, 'arm64')).toThrow(
      `${REF} in the registry is for no platform, not linux/arm64`,
    );
  });

  it('accepts the digest this build pushed, for the platform', () => {
    expect(() => verifyPushed(pushed, REF, 'arm64', pushed.digest)).not.toThrow();
    expect(verifyPushed(pushed, REF, 'arm64')).toBeUndefined();
  });

  it('accepts an index that has the platform among others', () => {
    const index: PushedImage = { ...pushed, platforms: ['linux/amd64', 'linux/arm64'] };
    expect(() => verifyPushed(index, REF, 'arm64')).not.toThrow();
  });
});

describe('verifyPushed on what a docker-container builder really pushes (buildx 0.13, BuildKit 0.32)', () => {
  const fixtures = join(__dirname, '../../../test/fixtures/buildx');
  const ref = '127.0.0.1:5000/expdemo/gw:latest-arm64';
  // The registry holds an index: the image and its provenance attestation manifest.
  const pushed = parsePushedImage(
    readFileSync(join(fixtures, 'imagetools-0.13-inspect-json-container-push.txt'), 'utf8'),
    ref,
  );
  // buildx's --metadata-file reports the platform manifest inside it.
  const metadata = parseBuildMetadata(
    readFileSync(join(fixtures, 'metadata-0.13-container-load-push-oci.json'), 'utf8'),
    'metadata.json',
  );

  it('accepts the platform manifest the build reported, inside the index the tag names', () => {
    expect(pushed.digest).not.toBe(metadata.digest);
    expect(pushed.attestations).toBe(1);
    expect(() => verifyPushed(pushed, ref, 'arm64', metadata.digest)).not.toThrow();
  });

  it('accepts the index digest itself', () => {
    expect(() => verifyPushed(pushed, ref, 'arm64', pushed.digest)).not.toThrow();
  });

  it('refuses the attestation manifest, another platform, and a digest the tag does not hold', () => {
    const other = `sha256:${'0'.repeat(64)}`;
    expect(() => verifyPushed(pushed, ref, 'arm64', other)).toThrow(
      `${ref} in the registry is ${pushed.digest} (an index of ${metadata.digest}), not the ${other} this build pushed`,
    );
    expect(() => verifyPushed(pushed, ref, 'amd64', metadata.digest)).toThrow(VerificationError);
    const attestation = 'sha256:490c960836cacad7e45e443d72468276d51f3afa125a922b0a140575b73e8991';
    expect(() => verifyPushed(pushed, ref, 'arm64', attestation)).toThrow(VerificationError);
  });
});

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

describe('verifyPushed with a variant', () => {
  it('accepts linux/arm64/v8 for arm64', () => {
    expect(() =>
      verifyPushed(
        {
          name: 'r/x:1',
          digest: 'sha256:a',
          mediaType: 'm',
          platforms: ['linux/arm64/v8'],
          entries: [],
          attestations: 0,
        },
        'r/x:1',
        'arm64',
        'sha256:a',
      ),
    ).not.toThrow();
  });
});
