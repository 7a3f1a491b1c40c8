import { z } from 'zod';
import schemaJson from './schema.json';
import { buildImageOptionsSchema, normalizeBuildImageOptions } from './options';

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

describe('schema.json', () => {
  // Nx validates and documents options from schema.json; the executor's types come from zod. Keep them one.
  const fromZod = z.toJSONSchema(buildImageOptionsSchema, { io: 'input' }) as JsonSchema;
  const fromFile = schemaJson as JsonSchema;

  it('has the same properties as the zod schema', () => {
    expect(Object.keys(fromFile.properties ?? {}).sort()).toEqual(Object.keys(fromZod.properties ?? {}).sort());
  });

  it('has the same required properties', () => {
    expect([...(fromFile.required ?? [])].sort()).toEqual([...(fromZod.required ?? [])].sort());
  });

  test.each(Object.keys(buildImageOptionsSchema.shape))('%s has the same type, enum and default', (name) => {
    const pick = ({ type, enum: values, default: value }: JsonSchema) => ({ type, enum: values, default: value });
    expect(pick(fromFile.properties?.[name] ?? {})).toEqual(pick(fromZod.properties?.[name] ?? {}));
  });
});

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
      buildArgs: {},
      load: true,
      push: false,
      timeoutMs: 3_600_000,
      outputDir: '/ws/dist/images/api',
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
