import { normalizePluginOptions } from './plugin';

describe('normalizePluginOptions', () => {
  it('fills defaults', () => {
    expect(normalizePluginOptions(undefined)).toEqual({
      buildTargetName: 'build-image',
      registry: '',
      imagePrefix: '',
      tag: 'latest',
      platforms: ['amd64', 'arm64'],
      components: ['**'],
      envFile: '.env',
      envExample: '.env.example',
      templateValues: {},
      builder: {},
      prefetch: {},
      build: {},
      manifest: {},
    });
  });

  it('takes the manifest settings of every manifest target', () => {
    expect(
      normalizePluginOptions({ manifest: { partial: true, verifyTimeout: 120, attempts: 6 } }).manifest,
    ).toStrictEqual({ partial: true, verifyTimeout: 120, attempts: 6 });
  });

  // The executors apply their defaults: copied here, they would be written into every inferred target.
  test.each([
    ['no settings', {}],
    ['empty settings', { builder: {}, prefetch: {}, build: {}, manifest: {} }],
  ])('fills no default into the settings of the targets, given %s', (_name, options) => {
    const { builder, prefetch, build, manifest } = normalizePluginOptions(options);
    expect({ builder, prefetch, build, manifest }).toStrictEqual({
      builder: {},
      prefetch: {},
      build: {},
      manifest: {},
    });
  });

  it('keeps exactly the settings that were set', () => {
    const options = {
      builder: { driver: 'docker' as const, timeout: 60 },
      prefetch: { concurrency: 2 },
      build: { attempts: 5, stallTimeout: 120 },
      manifest: { partial: true },
    };
    const { builder, prefetch, build, manifest } = normalizePluginOptions(options);
    expect({ builder, prefetch, build, manifest }).toStrictEqual(options);
  });

  it('keeps prefetch: false', () => {
    expect(normalizePluginOptions({ prefetch: false }).prefetch).toBe(false);
  });

  it('normalizes platforms', () => {
    expect(normalizePluginOptions({ platforms: ['linux/arm64'] }).platforms).toEqual(['arm64']);
  });

  test.each([
    [{ platforms: ['s390x'] }, "nx.json plugins[nx-multiarch].options: platforms: unknown platform 's390x'"],
    [{ imagePrefx: 'acme/' }, 'nx.json plugins[nx-multiarch].options: (top level): unknown key(s) imagePrefx'],
    [{ tag: '' }, 'nx.json plugins[nx-multiarch].options: tag: Too small'],
    [{ prefetch: { attempts: 0 } }, 'nx.json plugins[nx-multiarch].options: prefetch.attempts: Too small'],
    [{ prefetch: { attemps: 3 } }, 'nx.json plugins[nx-multiarch].options: prefetch: unknown key(s) attemps'],
    [{ build: { stallTimeout: 0 } }, 'nx.json plugins[nx-multiarch].options: build.stallTimeout: Too small'],
    [{ build: { push: true } }, 'nx.json plugins[nx-multiarch].options: build: unknown key(s) push'],
    [{ manifest: { verifyTimeout: -1 } }, 'nx.json plugins[nx-multiarch].options: manifest.verifyTimeout: Too small'],
    [{ manifest: { partial: 'yes' } }, 'nx.json plugins[nx-multiarch].options: manifest.partial: Invalid input'],
    [{ manifest: { tag: '2.0' } }, 'nx.json plugins[nx-multiarch].options: manifest: unknown key(s) tag'],
    [{ build: { attempts: 1.5 } }, 'nx.json plugins[nx-multiarch].options: build.attempts: Invalid input'],
    [{ build: { timeout: '60' } }, 'nx.json plugins[nx-multiarch].options: build.timeout: Invalid input'],
    [{ prefetch: { concurrency: 0 } }, 'nx.json plugins[nx-multiarch].options: prefetch.concurrency: Too small'],
    [{ manifest: { attempts: 0 } }, 'nx.json plugins[nx-multiarch].options: manifest.attempts: Too small'],
    [{ builder: { timeout: 0 } }, 'nx.json plugins[nx-multiarch].options: builder.timeout: Too small'],
    [{ builder: { drivr: 'docker' } }, 'nx.json plugins[nx-multiarch].options: builder: unknown key(s) drivr'],
  ])('%j is rejected naming nx.json and the field', (options, message) => {
    expect(() => normalizePluginOptions(options as never)).toThrow(message);
  });
});

describe('builder options', () => {
  it('are validated with the builder-setup schema, naming the field', () => {
    expect(() => normalizePluginOptions({ builder: { driver: 'kubernetes' } } as never)).toThrow(
      /^nx\.json plugins\[nx-multiarch\]\.options: builder\.driver: Invalid option/,
    );
  });
});
