import { describeSchemaDrift } from '../../../test/schema-drift';
import schemaJson from './schema.json';
import { buildImageOptionsSchema, normalizeBuildImageOptions } from './options';

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
      secrets: {},
      dryRun: false,
      logDir: '/ws/.nx-multiarch/logs',
      outputDir: '/ws/dist/images/api',
      stateDir: '/ws/.nx-multiarch',
      services: [],
      envFiles: { envFile: '.env', exampleFile: '.env.example' },
      values: {},
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
});
