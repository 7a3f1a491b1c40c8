import { describeSchemaDrift } from '../../../test/schema-drift';
import schemaJson from '../../nx/executors/build-image/schema.json';
import { thrown } from '../../../test/thrown';
import { validate } from '../config/validate';
import { ConfigError } from '../failure/errors';
import { manifestOptionsSchema } from './manifest';
import {
  type BuildImageExecutorSchema,
  buildImageOptionsSchema,
  buildSettingsSchema,
  MANIFEST_ONLY_OPTIONS,
  normalizeBuildImageOptions,
} from './build-image';

describeSchemaDrift(schemaJson, buildImageOptionsSchema);

describe('normalizeBuildImageOptions', () => {
  it('resolves paths, platforms and defaults once', () => {
    expect(
      normalizeBuildImageOptions(
        {
          platform: 'linux/arm64,amd64',
          context: 'src/api',
          images: [{ name: 'api', target: 'api' }],
          imagePrefix: 'acme/',
        },
        'api',
        '/ws',
      ),
    ).toEqual({
      project: 'api',
      platforms: ['arm64', 'amd64'],
      notPlatforms: [],
      source: { kind: 'dockerfile', context: '/ws/src/api', dockerfile: '/ws/src/api/Dockerfile' },
      images: [{ name: 'api', target: 'api' }],
      naming: { registry: '', imagePrefix: 'acme/', tag: 'latest' },
      extraTags: [],
      buildArgs: {},
      load: true,
      push: false,
      timeoutMs: 3_600_000,
      stallTimeoutMs: 900_000,
      policy: { attempts: 3, baseDelayMs: 5_000, maxDelayMs: 120_000, rateLimitBaseDelayMs: 30_000 },
      emulatedConcurrency: 1,
      cache: { registryCache: false, cacheMode: 'max', cacheFrom: [], cacheTo: [] },
      secrets: {},
      dryRun: false,
      logDir: '/ws/.nx-multiarch/logs',
      outputDir: '/ws/dist/images/api',
      stateDir: '/ws/.nx-multiarch',
      services: [],
      envFiles: { envFile: '.env', exampleFile: '.env.example' },
      values: {},
      flags: { ociLabels: true, labels: {}, annotations: [], noCache: false, pull: false, ssh: [], extraArgs: [] },
    });
  });

  it('prefers upstream over a context', () => {
    expect(
      normalizeBuildImageOptions({ upstream: 'redis:7', images: [{ name: 'cache' }] }, 'cache', '/ws').source,
    ).toEqual({
      kind: 'upstream',
      upstream: 'redis:7',
    });
  });

  test.each([
    [
      { images: [{ name: 'a' }], context: 'a', platform: 'arm' },
      "project a, target build-image: platform: unknown platform 'arm'",
    ],
    [{ images: [{ name: 'a' }] }, 'project a, target build-image: context: neither context nor upstream is set'],
    [
      { images: [{ name: 'a' }], context: 'a', load: false },
      'project a, target build-image: load/push: both are false',
    ],
    [{ images: [], context: 'a' }, 'project a, target build-image: images: Too small'],
  ])('%j is rejected naming the project and option', (options, message) => {
    expect(() => normalizeBuildImageOptions(options, 'a', '/ws')).toThrow(message);
  });
  // prettier-ignore
  test.each<[string, BuildImageExecutorSchema['tags'], string[]]>([
    ['a list', ['1.4', 'sha-3f2a1c'], ['1.4', 'sha-3f2a1c']],
    ['a comma-separated string (--tags=1.4,sha-3f2a1c)', '1.4,sha-3f2a1c', ['1.4', 'sha-3f2a1c']],
    ['a string with spaces, empty items and duplicates', ' 1.4 ,, stable,1.4', ['1.4', 'stable']],
    ['one tag', 'stable', ['stable']],
    ['an empty string', '', []],
  ])('reads extra tags given as %s', (_name, tags, extraTags) => {
    const options = { images: [{ name: 'a' }], context: 'a', tags };
    expect(normalizeBuildImageOptions(options, 'a', '/ws').extraTags).toEqual(extraTags);
  });

  test.each([
    ['the component has every platform asked for', 'arm64,amd64', 'amd64,arm64', ['arm64', 'amd64'], []],
    ['the component is amd64 only', 'amd64,arm64', 'amd64', ['amd64'], ['arm64']],
    ["nothing asked for is the component's", 'arm64', 'linux/amd64', [], ['arm64']],
    ["the component's platforms are unknown (executor used alone)", 'arm64,amd64', undefined, ['arm64', 'amd64'], []],
  ])("builds what was asked for that is the component's: %s", (_name, platform, platforms, built, notBuilt) => {
    const options = { images: [{ name: 'a' }], context: 'a', platform, ...(platforms && { platforms }) };
    expect(normalizeBuildImageOptions(options, 'a', '/ws')).toMatchObject({ platforms: built, notPlatforms: notBuilt });
  });

  it('names the platforms option when it is wrong', () => {
    const options = { images: [{ name: 'a' }], context: 'a', platforms: 'riscv64' };
    expect(thrown(() => normalizeBuildImageOptions(options, 'a', '/ws'))).toMatchObject({
      source: 'project a, target build-image',
      field: 'platforms',
      problem: "unknown platform 'riscv64'",
    });
  });

  it('keeps the flag options as given, provenance and sbom only when set', () => {
    const options: BuildImageExecutorSchema = {
      images: [{ name: 'a' }],
      context: 'a',
      ociLabels: false,
      labels: { team: 'core' },
      annotations: ['index:team=core'],
      provenance: 'max',
      sbom: false,
      noCache: true,
      pull: true,
      ssh: ['default'],
      extraArgs: ['--shm-size=2g'],
    };
    expect(normalizeBuildImageOptions(options, 'a', '/ws').flags).toEqual({
      ociLabels: false,
      labels: { team: 'core' },
      annotations: ['index:team=core'],
      provenance: 'max',
      sbom: false,
      noCache: true,
      pull: true,
      ssh: ['default'],
      extraArgs: ['--shm-size=2g'],
    });
  });

  test.each([
    ['--platform', 'linux/arm64', 'platform (--platform=amd64,arm64)'],
    ['--platform=linux/arm64', undefined, 'platform (--platform=amd64,arm64)'],
    ['--tag', 'x:1', 'tag / tags'],
    ['-t', 'x:1', 'tag / tags'],
    ['-tx:1', undefined, 'tag / tags'],
    ['-qt', 'x:1', 'tag / tags'],
    ['--file=Dockerfile.ci', undefined, 'dockerfile'],
    ['-f', 'Dockerfile.ci', 'dockerfile'],
    ['--builder', 'other', 'the builder-setup options (plugin option builder)'],
    ['--load', undefined, 'load'],
    ['--push', undefined, 'push'],
    ['--output=type=registry', undefined, 'load / push'],
    ['-o', 'type=registry', 'load / push'],
    ['--metadata-file', 'm.json', 'outputPath (the plugin reads what buildx writes)'],
    ['--iidfile=id', undefined, 'outputPath (the plugin reads what buildx writes)'],
    ['--cache-from', 'type=gha', 'cacheFrom / registryCache'],
    ['--cache-to=type=gha', undefined, 'cacheTo / registryCache'],
    ['--build-arg', 'A=1', 'buildArgs'],
    [
      '--build-context=x=docker-image://alpine',
      undefined,
      'none: the plugin passes the images of the components it builds FROM',
    ],
    ['--secret', 'id=x', 'secrets'],
    ['--progress=tty', undefined, 'none: the plugin reads plain progress to report steps and failures'],
    ['--network=host', undefined, 'network'],
    ['--add-host', 'db:10.0.0.1', 'services (build-time services get their host entries)'],
    ['--label', 'a=b', 'labels'],
    ['--provenance=mode=max', undefined, 'provenance'],
    ['--sbom=true', undefined, 'sbom'],
    ['--attest', 'type=sbom', 'provenance / sbom'],
    ['--no-cache', undefined, 'noCache'],
    ['--pull', undefined, 'pull'],
    ['--ssh', 'default', 'ssh'],
    ['--annotation=a=b', undefined, 'annotations'],
    ['--target', 'api', 'images[].target'],
  ])('refuses extraArgs %s (a flag the plugin sets), naming the option to use instead', (flag, value, option) => {
    const extraArgs = ['--shm-size', '1g', flag, ...(value === undefined ? [] : [value])];
    const error = thrown(() =>
      normalizeBuildImageOptions({ images: [{ name: 'a' }], context: 'a', extraArgs }, 'a', '/ws'),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      source: 'project a, target build-image',
      field: 'extraArgs',
      problem: `${flag} is a flag the plugin sets itself`,
      fix: `use ${option} instead`,
    });
  });

  it('accepts extraArgs the plugin does not set, short flags without t, f or o included', () => {
    const extraArgs = ['--shm-size', '2g', '--ulimit=nofile=1024', '-q', '--allow', 'security.insecure'];
    const options = { images: [{ name: 'a' }], context: 'a', extraArgs };
    expect(normalizeBuildImageOptions(options, 'a', '/ws').flags.extraArgs).toEqual(extraArgs);
  });

  test.each([
    [{ provenance: 'mid' }, 'provenance: expected false, true, "min" or "max"'],
    [{ provenance: 'mode=max' }, 'provenance: expected false, true, "min" or "max"'],
    [{ sbom: 'yes' }, 'sbom: Invalid input'],
    [{ annotations: ['no-value'] }, 'annotations.0: expected key=value'],
    [{ labels: { '': 'x' } }, 'labels'],
    [{ ssh: [''] }, 'ssh.0: Too small'],
    [{ extraArgs: '--shm-size 2g' }, 'extraArgs: Invalid input'],
  ])('rejects %j naming the option', (bad, message) => {
    const options = { images: [{ name: 'a' }], context: 'a', ...bad } as BuildImageExecutorSchema;
    expect(() => normalizeBuildImageOptions(options, 'a', '/ws')).toThrow(`project a, target build-image: ${message}`);
  });

  it('ignores the manifest flags `nx run x:manifest` forwards to push-image', () => {
    const plain = { images: [{ name: 'a' }], context: 'a', push: true };
    const forwarded = { ...plain, partial: true, pushedPath: 'out', verifyTimeout: 5 };
    expect(normalizeBuildImageOptions(forwarded as BuildImageExecutorSchema, 'a', '/ws')).toEqual(
      normalizeBuildImageOptions(plain, 'a', '/ws'),
    );
  });

  it('ignores exactly the manifest options that are no build options', () => {
    const manifestOnly = Object.keys(manifestOptionsSchema.shape).filter(
      (key) => !(key in buildImageOptionsSchema.shape),
    );
    expect([...MANIFEST_ONLY_OPTIONS].sort()).toEqual(manifestOnly.sort());
  });

  it('still rejects an option no target knows', () => {
    const options = { images: [{ name: 'a' }], context: 'a', pushed: true } as BuildImageExecutorSchema;
    const error = thrown(() => normalizeBuildImageOptions(options, 'a', '/ws'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ source: 'project a, target build-image', problem: 'unknown key(s) pushed' });
  });
});

describe('buildSettingsSchema', () => {
  it('accepts the retry, timeout and emulation settings', () => {
    const settings = {
      timeout: 600,
      stallTimeout: 120,
      attempts: 5,
      retryDelay: 1,
      maxRetryDelay: 10,
      rateLimitDelay: 5,
      emulatedConcurrency: 2,
    };
    expect(buildSettingsSchema.parse(settings)).toEqual(settings);
  });

  it('accepts the label, attestation, pull and no-cache settings, not ssh or extraArgs (those are per component)', () => {
    const settings = {
      ociLabels: false,
      labels: { team: 'core' },
      annotations: ['index:team=core'],
      provenance: 'min' as const,
      sbom: true,
      pull: true,
      noCache: true,
    };
    expect(buildSettingsSchema.parse(settings)).toEqual(settings);
    expect(() => validate(buildSettingsSchema, { ssh: ['default'] }, 'nx.json')).toThrow('unknown key(s) ssh');
    expect(() => validate(buildSettingsSchema, { extraArgs: [] }, 'nx.json')).toThrow('unknown key(s) extraArgs');
  });

  it('has no defaults: the executor applies them, so the inferred targets carry only what was set', () => {
    expect(buildSettingsSchema.parse({})).toStrictEqual({});
    expect(buildSettingsSchema.parse({ attempts: 1 })).toStrictEqual({ attempts: 1 });
  });

  test.each([
    [{ stallTimeout: 0 }, 'nx.json: stallTimeout: Too small'],
    [{ attempts: 0 }, 'nx.json: attempts: Too small'],
    [{ emulatedConcurrency: 1.5 }, 'nx.json: emulatedConcurrency: Invalid input'],
    [{ timeout: '60' }, 'nx.json: timeout: Invalid input'],
    [{ push: true }, 'nx.json: (top level): unknown key(s) push'],
  ])('still checks %j as the executor does, naming the field', (settings, message) => {
    expect(() => validate(buildSettingsSchema, settings, 'nx.json')).toThrow(message);
  });
});
