import { describeSchemaDrift } from '../../../test/schema-drift';
import { thrown } from '../../../test/thrown';
import { validate } from '../config/validate';
import { ConfigError } from '../failure/errors';
import schemaJson from '../../nx/executors/prefetch/schema.json';
import {
  normalizePrefetchOptions,
  type NormalizedPrefetchOptions,
  prefetchOptionsSchema,
  type PrefetchExecutorSchema,
  prefetchSettingsSchema,
} from './prefetch';

describeSchemaDrift(schemaJson, prefetchOptionsSchema);

const defaults: NormalizedPrefetchOptions = {
  platforms: ['amd64', 'arm64'],
  buildTargetName: 'build-image',
  defaults: { platforms: ['amd64', 'arm64'], registry: '', imagePrefix: '', tag: 'latest' },
  envFiles: { envFile: '.env', exampleFile: '.env.example' },
  values: {},
  stateDir: '/ws/.nx-multiarch',
  policy: { attempts: 4, baseDelayMs: 2_000, maxDelayMs: 60_000, rateLimitBaseDelayMs: 15_000 },
  attemptTimeoutMs: 300_000,
  concurrency: 4,
  dryRun: false,
};

describe('normalizePrefetchOptions', () => {
  it('fills in the defaults', () => {
    expect(normalizePrefetchOptions({}, '/ws')).toStrictEqual(defaults);
  });

  it('converts the seconds of the retry settings to milliseconds', () => {
    expect(
      normalizePrefetchOptions(
        { attempts: 6, retryDelay: 0.5, maxRetryDelay: 30, rateLimitDelay: 0, attemptTimeout: 90, concurrency: 8 },
        '/ws',
      ),
    ).toStrictEqual({
      ...defaults,
      policy: { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, rateLimitBaseDelayMs: 0 },
      attemptTimeoutMs: 90_000,
      concurrency: 8,
    });
  });

  it('passes every other option through', () => {
    expect(
      normalizePrefetchOptions(
        {
          platform: 'linux/arm64',
          projects: ['api', 'worker'],
          buildTargetName: 'image',
          registry: 'reg.corp:5000',
          imagePrefix: 'demo',
          tag: '1.0',
          envFile: 'config/.env',
          envExample: 'config/.env.example',
          values: { UBUNTU_VERSION: '24.04' },
          stateDir: '/var/lib/nx-multiarch',
          daemonConfig: '/etc/docker/daemon.json',
          dryRun: true,
        },
        '/ws',
      ),
    ).toStrictEqual({
      ...defaults,
      platforms: ['arm64'],
      projects: ['api', 'worker'],
      buildTargetName: 'image',
      defaults: { platforms: ['arm64'], registry: 'reg.corp:5000', imagePrefix: 'demo', tag: '1.0' },
      envFiles: { envFile: 'config/.env', exampleFile: 'config/.env.example' },
      values: { UBUNTU_VERSION: '24.04' },
      stateDir: '/var/lib/nx-multiarch',
      daemonConfig: '/etc/docker/daemon.json',
      dryRun: true,
    });
  });

  test.each<[string, string, NormalizedPrefetchOptions['platforms']]>([
    ['an OCI platform', 'linux/arm64', ['arm64']],
    ['a list, in its order', 'arm64,amd64', ['arm64', 'amd64']],
    ['duplicates', 'amd64, linux/amd64', ['amd64']],
  ])('reads %s', (_name, platform, expected) => {
    expect(normalizePrefetchOptions({ platform }, '/ws').platforms).toEqual(expected);
  });

  it('resolves a relative state directory against the workspace root', () => {
    expect(normalizePrefetchOptions({ stateDir: 'tmp/state' }, '/ws').stateDir).toBe('/ws/tmp/state');
  });

  it('rejects an unknown platform, naming the target and the value', () => {
    expect(() => normalizePrefetchOptions({ platform: 'linux/riscv64' }, '/ws')).toThrow(
      "target prefetch: platform: unknown platform 'linux/riscv64'",
    );
  });

  it('ignores options build tasks forward that prefetch does not know', () => {
    const forwarded = { platform: 'arm64', push: true, load: false } as PrefetchExecutorSchema;
    const normalized = normalizePrefetchOptions(forwarded, '/ws');
    expect(normalized).toStrictEqual({
      ...defaults,
      platforms: ['arm64'],
      defaults: { ...defaults.defaults, platforms: ['arm64'] },
    });
  });

  test.each<[string, PrefetchExecutorSchema, string]>([
    ['attempts 0', { attempts: 0 }, 'attempts'],
    ['a fractional attempt count', { attempts: 1.5 }, 'attempts'],
    ['a negative retry delay', { retryDelay: -1 }, 'retryDelay'],
    ['a zero attempt timeout', { attemptTimeout: 0 }, 'attemptTimeout'],
    ['concurrency 0', { concurrency: 0 }, 'concurrency'],
    ['a platform that is not a string', { platform: 64 as unknown as string }, 'platform'],
  ])('rejects %s, naming the field', (_name, options, field) => {
    const error = thrown(() => normalizePrefetchOptions(options, '/ws'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ source: 'target prefetch', field });
  });
});

describe('prefetchSettingsSchema', () => {
  it('accepts the retry and parallelism settings', () => {
    const settings = {
      attempts: 2,
      retryDelay: 1,
      maxRetryDelay: 10,
      rateLimitDelay: 5,
      attemptTimeout: 60,
      concurrency: 2,
    };
    expect(prefetchSettingsSchema.parse(settings)).toEqual(settings);
  });

  it('has no defaults: the executor applies them, so the inferred target carries only what was set', () => {
    expect(prefetchSettingsSchema.parse({})).toStrictEqual({});
    expect(prefetchSettingsSchema.parse({ concurrency: 1 })).toStrictEqual({ concurrency: 1 });
  });

  test.each([
    [{ attempts: 0 }, 'nx.json: attempts: Too small'],
    [{ concurrency: 1.5 }, 'nx.json: concurrency: Invalid input'],
    [{ attemptTimeout: 0 }, 'nx.json: attemptTimeout: Too small'],
    [{ retryDelay: '2' }, 'nx.json: retryDelay: Invalid input'],
  ])('still checks %j as the executor does, naming the field', (settings, message) => {
    expect(() => validate(prefetchSettingsSchema, settings, 'nx.json')).toThrow(message);
  });

  it('rejects anything else, unlike the executor options', () => {
    expect(prefetchSettingsSchema.safeParse({ attempts: 2, platform: 'arm64' }).success).toBe(false);
  });
});
