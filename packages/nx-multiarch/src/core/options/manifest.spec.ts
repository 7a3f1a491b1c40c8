import { describeSchemaDrift } from '../../../test/schema-drift';
import { thrown } from '../../../test/thrown';
import { validate } from '../config/validate';
import { ConfigError } from '../failure/errors';
import schemaJson from '../../nx/executors/manifest/schema.json';
import {
  type ManifestExecutorSchema,
  manifestOptionsSchema,
  manifestSettingsSchema,
  type NormalizedManifestOptions,
  normalizeManifestOptions,
} from './manifest';

describeSchemaDrift(schemaJson, manifestOptionsSchema);

const images = [{ name: 'api' }];

const defaults: NormalizedManifestOptions = {
  project: 'api',
  platforms: ['amd64', 'arm64'],
  builtNow: ['amd64', 'arm64'],
  images,
  naming: { registry: '', imagePrefix: '', tag: 'latest' },
  extraTags: [],
  partial: false,
  pushedDir: '/ws/dist/pushed/api',
  outputDir: '/ws/dist/manifests/api',
  timeoutMs: 300_000,
  verifyTimeoutMs: 30_000,
  policy: { attempts: 4, baseDelayMs: 2_000, maxDelayMs: 60_000, rateLimitBaseDelayMs: 15_000 },
  stateDir: '/ws/.nx-multiarch',
  dryRun: false,
};

describe('normalizeManifestOptions', () => {
  it('fills in the defaults', () => {
    expect(normalizeManifestOptions({ images }, 'api', '/ws')).toStrictEqual(defaults);
  });

  it('converts the seconds of the timeouts and retry settings to milliseconds', () => {
    expect(
      normalizeManifestOptions(
        {
          images,
          timeout: 90,
          verifyTimeout: 0.5,
          attempts: 6,
          retryDelay: 0.25,
          maxRetryDelay: 30,
          rateLimitDelay: 0,
        },
        'api',
        '/ws',
      ),
    ).toStrictEqual({
      ...defaults,
      timeoutMs: 90_000,
      verifyTimeoutMs: 500,
      policy: { attempts: 6, baseDelayMs: 250, maxDelayMs: 30_000, rateLimitBaseDelayMs: 0 },
    });
  });

  it('passes every other option through, resolving paths against the workspace root', () => {
    expect(
      normalizeManifestOptions(
        {
          platforms: 'linux/arm64,amd64',
          images: [
            { name: 'api', target: 'api' },
            { name: 'api-init', target: 'api-init' },
          ],
          registry: '127.0.0.1:5000',
          imagePrefix: 'acme/',
          tag: '1.4',
          tags: ['stable', 'sha-3f2a1c'],
          partial: true,
          pushedPath: 'out/pushed/api',
          outputPath: '/var/out/manifests',
          stateDir: 'tmp/state',
          daemonConfig: 'ops/daemon.json',
          dryRun: true,
        },
        'api',
        '/ws',
      ),
    ).toStrictEqual({
      ...defaults,
      platforms: ['arm64', 'amd64'],
      builtNow: ['arm64', 'amd64'],
      // Only the names: the build targets do not matter to an index.
      images: [{ name: 'api' }, { name: 'api-init' }],
      naming: { registry: '127.0.0.1:5000', imagePrefix: 'acme/', tag: '1.4' },
      extraTags: ['stable', 'sha-3f2a1c'],
      partial: true,
      pushedDir: '/ws/out/pushed/api',
      outputDir: '/var/out/manifests',
      stateDir: '/ws/tmp/state',
      daemonConfig: '/ws/ops/daemon.json',
      dryRun: true,
    });
  });

  // prettier-ignore
  test.each<[string, ManifestExecutorSchema['platform'], NormalizedManifestOptions['builtNow']]>([
    ['no --platform: every platform of the index is built now', undefined, ['amd64', 'arm64']],
    ['--platform=arm64: the index still needs amd64, from an earlier push', 'arm64', ['arm64']],
    ['an OCI platform', 'linux/amd64', ['amd64']],
  ])('%s', (_name, platform, builtNow) => {
    const normalized = normalizeManifestOptions({ images, platform }, 'api', '/ws');
    expect(normalized.builtNow).toEqual(builtNow);
    expect(normalized.platforms).toEqual(['amd64', 'arm64']);
  });

  it('counts as built now only the platforms of the index: --platform=amd64,arm64 on an amd64-only component', () => {
    const normalized = normalizeManifestOptions({ images, platforms: 'amd64', platform: 'amd64,arm64' }, 'api', '/ws');
    expect(normalized).toMatchObject({ platforms: ['amd64'], builtNow: ['amd64'] });
  });

  // prettier-ignore
  test.each<[string, ManifestExecutorSchema['tags'], string[]]>([
    ['a list', ['1.4', 'stable'], ['1.4', 'stable']],
    ['a comma-separated string (--tags=1.4,sha-3f2a1c)', '1.4,sha-3f2a1c', ['1.4', 'sha-3f2a1c']],
    ['a string with spaces, empty items and duplicates', ' 1.4, ,stable,1.4 ', ['1.4', 'stable']],
    ['one tag', 'stable', ['stable']],
    ['list items with commas', ['1.4,stable', 'sha-3f2a1c'], ['1.4', 'stable', 'sha-3f2a1c']],
  ])('reads tags given as %s', (_name, tags, extraTags) => {
    expect(normalizeManifestOptions({ images, tags }, 'api', '/ws').extraTags).toEqual(extraTags);
  });

  it('ignores build-image flags: given to `nx run x:manifest`, they are for push-image (params: forward)', () => {
    const forwarded = {
      images,
      push: true,
      load: false,
      context: 'src/api',
      buildArgs: { VERSION: '1.4' },
      stallTimeout: 60,
      emulatedConcurrency: 2,
    } as ManifestExecutorSchema;
    expect(normalizeManifestOptions(forwarded, 'api', '/ws')).toStrictEqual(defaults);
  });

  // prettier-ignore
  test.each<[string, ManifestExecutorSchema, string]>([
    ['an unknown platform', { images, platforms: 'amd64,riscv64' }, 'platforms'],
    ['an unknown --platform', { images, platform: 'arm' }, 'platform'],
    ['no platform at all', { images, platforms: ' , ' }, 'platforms'],
    ['no images', { images: [] }, 'images'],
    ['an image with an unknown key', { images: [{ name: 'api', tag: '1' } as never] }, 'images.0'],
    ['a zero timeout', { images, timeout: 0 }, 'timeout'],
    ['a negative verifyTimeout', { images, verifyTimeout: -1 }, 'verifyTimeout'],
    ['attempts 0', { images, attempts: 0 }, 'attempts'],
    ['a fractional attempt count', { images, attempts: 2.5 }, 'attempts'],
    ['partial that is not a boolean', { images, partial: 'yes' as never }, 'partial'],
    ['tags that are not strings', { images, tags: [1] as never }, 'tags'],
  ])('rejects %s, naming the target and the field', (_name, options, field) => {
    const error = thrown(() => normalizeManifestOptions(options, 'api', '/ws'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ source: 'project api, target manifest', field });
  });

  it('names the bad platform and the fix', () => {
    expect(() => normalizeManifestOptions({ images, platform: 'linux/riscv64' }, 'api', '/ws')).toThrow(
      "project api, target manifest: platform: unknown platform 'linux/riscv64'. Fix: use one of amd64, arm64",
    );
  });

  it('rejects a misspelt option instead of ignoring it', () => {
    const error = thrown(() =>
      normalizeManifestOptions({ images, partail: true } as ManifestExecutorSchema, 'api', '/ws'),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "project api, target manifest: (top level): unknown key(s) partail. Fix: remove or rename 'partail'",
    );
  });
});

describe('manifestSettingsSchema', () => {
  it('accepts partial, timeouts and retry settings', () => {
    const settings = {
      partial: true,
      timeout: 120,
      verifyTimeout: 60,
      attempts: 2,
      retryDelay: 1,
      maxRetryDelay: 10,
      rateLimitDelay: 5,
    };
    expect(manifestSettingsSchema.parse(settings)).toEqual(settings);
  });

  it('has no defaults: the executor applies them, so an inferred target carries only what was set', () => {
    expect(manifestSettingsSchema.parse({})).toStrictEqual({});
    expect(manifestSettingsSchema.parse({ verifyTimeout: 0 })).toStrictEqual({ verifyTimeout: 0 });
  });

  test.each([
    [{ partial: 'yes' }, 'nx.json: partial: Invalid input'],
    [{ timeout: 0 }, 'nx.json: timeout: Too small'],
    [{ attempts: 2.5 }, 'nx.json: attempts: Invalid input'],
    [{ rateLimitDelay: -1 }, 'nx.json: rateLimitDelay: Too small'],
  ])('still checks %j as the executor does, naming the field', (settings, message) => {
    expect(() => validate(manifestSettingsSchema, settings, 'nx.json')).toThrow(message);
  });

  test.each([
    ['a per-target option', { platforms: 'arm64' }],
    ['the images', { images }],
    ['an unknown key', { retries: 3 }],
  ])('rejects %s', (_name, settings) => {
    expect(manifestSettingsSchema.safeParse(settings).success).toBe(false);
  });
});
