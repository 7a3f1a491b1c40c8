import { logger, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { ConfigError } from '../../../core/failure/errors';
import { describeSchemaDrift } from '../../../../test/schema-drift';
import initGenerator, { mergePluginOptions } from './generator';
import { initOptionsSchema, type InitGeneratorSchema } from './options';
import schemaJson from './schema.json';

describeSchemaDrift(schemaJson, initOptionsSchema);

const DEFAULT_ENTRY = {
  plugin: 'nx-multiarch',
  options: {
    components: ['images/*'],
    registry: '',
    imagePrefix: '',
    tag: 'latest',
    platforms: ['amd64', 'arm64'],
    builder: { driver: 'docker-container' },
  },
};

const init = (tree: Tree, options: InitGeneratorSchema = {}) => initGenerator(tree, { skipFormat: true, ...options });

const gitignore = (tree: Tree) => tree.read('.gitignore', 'utf8');

describe('init generator', () => {
  let tree: Tree;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => warn.mockRestore());

  describe('on an empty workspace', () => {
    it('registers the plugin with every option written out', async () => {
      await init(tree);
      expect(readNxJson(tree)?.plugins).toEqual([DEFAULT_ENTRY]);
      expect(warn).not.toHaveBeenCalled();
    });

    it('creates .gitignore with the state directory and .env', async () => {
      await init(tree);
      expect(gitignore(tree)).toMatchInlineSnapshot(`
        "
        # nx-multiarch: builder state, prefetch record, failure logs; the user's .env
        .nx-multiarch/
        .env
        "
      `);
    });

    it('appends to an existing .gitignore that lacks a trailing newline', async () => {
      tree.write('.gitignore', 'node_modules');
      await init(tree);
      expect(gitignore(tree)).toMatchInlineSnapshot(`
        "node_modules

        # nx-multiarch: builder state, prefetch record, failure logs; the user's .env
        .nx-multiarch/
        .env
        "
      `);
    });

    it('adds no targetDefaults (every target infers its own dependsOn, inputs and cache)', async () => {
      const before = readNxJson(tree)?.targetDefaults;
      await init(tree);
      expect(readNxJson(tree)?.targetDefaults).toEqual(before);
    });

    it('runs without skipFormat and writes the same content', async () => {
      // Inside Jest, prettier cannot be loaded (its dynamic import needs --experimental-vm-modules): formatFiles
      // warns and leaves the files as written. The run must still succeed.
      const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        await initGenerator(tree, {});
      } finally {
        consoleWarn.mockRestore();
      }
      expect(readNxJson(tree)?.plugins).toEqual([DEFAULT_ENTRY]);
      expect(gitignore(tree)).toContain('\n.nx-multiarch/\n.env\n');
    });
  });

  it('writes the options given, normalized', async () => {
    await init(tree, {
      components: 'src/*, infra/*,',
      registry: '127.0.0.1:5000',
      imagePrefix: 'acme/',
      tag: '1.2.3',
      platforms: 'linux/arm64',
      driver: 'docker',
    });
    expect(readNxJson(tree)?.plugins).toEqual([
      {
        plugin: 'nx-multiarch',
        options: {
          components: ['src/*', 'infra/*'],
          registry: '127.0.0.1:5000',
          imagePrefix: 'acme/',
          tag: '1.2.3',
          platforms: ['arm64'],
          builder: { driver: 'docker' },
        },
      },
    ]);
  });

  it('is idempotent: a second run changes neither nx.json nor .gitignore', async () => {
    tree.write('.gitignore', 'node_modules\n');
    await init(tree, { imagePrefix: 'acme/' });
    const nxJson = tree.read('nx.json', 'utf8');
    const ignored = gitignore(tree);
    await init(tree, { imagePrefix: 'acme/' });
    expect(tree.read('nx.json', 'utf8')).toBe(nxJson);
    expect(gitignore(tree)).toBe(ignored);
    expect(ignored?.match(/^\.env$/gm)).toHaveLength(1);
    expect(ignored?.match(/^\.nx-multiarch\/$/gm)).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });

  describe('never clobbers what nx.json already says', () => {
    const withPlugins = (plugins: unknown[], extra: Record<string, unknown> = {}) => {
      updateNxJson(tree, { ...readNxJson(tree), ...extra, plugins: plugins as never });
    };

    it('keeps options the user set and fills in the missing ones, builder key by key', async () => {
      withPlugins([{ plugin: 'nx-multiarch', options: { imagePrefix: 'mine/', builder: { name: 'b1' } } }]);
      await init(tree, { imagePrefix: 'acme/', driver: 'docker' });
      expect(readNxJson(tree)?.plugins).toEqual([
        {
          plugin: 'nx-multiarch',
          options: {
            ...DEFAULT_ENTRY.options,
            imagePrefix: 'mine/',
            builder: { driver: 'docker', name: 'b1' },
          },
        },
      ]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('nx.json already sets imagePrefix to "mine/"'));
    });

    it('does not warn about defaults that differ from nx.json, only about options asked for', async () => {
      withPlugins([{ plugin: 'nx-multiarch', options: { imagePrefix: 'mine/', tag: 'v1' } }]);
      await init(tree, { registry: '127.0.0.1:5000' });
      expect(warn).not.toHaveBeenCalled();
      expect(readNxJson(tree)?.plugins).toEqual([
        {
          plugin: 'nx-multiarch',
          options: expect.objectContaining({ imagePrefix: 'mine/', tag: 'v1', registry: '127.0.0.1:5000' }),
        },
      ]);
    });

    it('keeps a builder driver the user set', async () => {
      withPlugins([{ plugin: 'nx-multiarch', options: { builder: { driver: 'remote', endpoint: 'tcp://b:1234' } } }]);
      await init(tree, { driver: 'docker' });
      expect(readNxJson(tree)?.plugins).toEqual([
        {
          plugin: 'nx-multiarch',
          options: { ...DEFAULT_ENTRY.options, builder: { driver: 'remote', endpoint: 'tcp://b:1234' } },
        },
      ]);
    });

    it('turns a string entry into an object entry in the same position, other plugins kept in order', async () => {
      withPlugins([
        '@nx/js/typescript',
        'nx-multiarch',
        { plugin: '@nx/jest/plugin', options: { targetName: 'test' } },
      ]);
      await init(tree);
      expect(readNxJson(tree)?.plugins).toEqual([
        '@nx/js/typescript',
        DEFAULT_ENTRY,
        { plugin: '@nx/jest/plugin', options: { targetName: 'test' } },
      ]);
    });

    it('appends the entry after other plugins', async () => {
      withPlugins(['@nx/js/typescript', { plugin: '@nx/jest/plugin' }]);
      await init(tree);
      expect(readNxJson(tree)?.plugins).toEqual(['@nx/js/typescript', { plugin: '@nx/jest/plugin' }, DEFAULT_ENTRY]);
    });

    it('leaves existing targetDefaults and the rest of nx.json untouched', async () => {
      const targetDefaults = { 'build-image': { cache: false }, build: { dependsOn: ['^build'] } };
      withPlugins([], { targetDefaults, namedInputs: { default: ['{projectRoot}/**/*'] } });
      const before = readNxJson(tree);
      await init(tree);
      expect(readNxJson(tree)).toEqual({ ...before, plugins: [DEFAULT_ENTRY] });
      expect(readNxJson(tree)?.targetDefaults).toEqual(targetDefaults);
    });

    it('leaves a .gitignore that already ignores the state directory (without slash) and .env', async () => {
      tree.write('.gitignore', 'node_modules\n.nx-multiarch\n  .env  \n');
      await init(tree);
      expect(gitignore(tree)).toBe('node_modules\n.nx-multiarch\n  .env  \n');
    });

    it('adds only the missing .gitignore line', async () => {
      tree.write('.gitignore', '.env\n');
      await init(tree);
      expect(gitignore(tree)).toBe(
        ".env\n\n# nx-multiarch: builder state, prefetch record, failure logs; the user's .env\n.nx-multiarch/\n",
      );
    });
  });

  describe('rejects invalid options, naming the generator and the field', () => {
    test.each([
      [{ platforms: 's390x' }, 'platforms', "unknown platform 's390x'"],
      [{ platforms: 'amd64,linux/ppc64le' }, 'platforms', "unknown platform 'linux/ppc64le'"],
      [{ platforms: ' , ' }, 'platforms', 'no platform given'],
      [{ components: ' , ' }, 'components', 'no glob given'],
      [{ driver: 'kubernetes' as never }, 'driver', 'docker-container'],
      [{ tag: '' }, 'tag', ''],
      [{ registry: 5000 as never }, 'registry', ''],
      [{ unknown: true } as never, '(top level)', 'unknown key(s) unknown'],
    ])('%j', async (options, field, problem) => {
      const error = await init(tree, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ source: 'nx g nx-multiarch:init', field });
      expect((error as ConfigError).message.startsWith(`nx g nx-multiarch:init: ${field}: `)).toBe(true);
      expect((error as ConfigError).problem).toContain(problem);
      // Nothing written when the options are rejected.
      expect(readNxJson(tree)?.plugins).toBeUndefined();
      expect(tree.exists('.gitignore')).toBe(false);
    });
  });
});

describe('mergePluginOptions', () => {
  it('fills in what is missing and keeps what is set', () => {
    expect(
      mergePluginOptions(
        { tag: '1.0', builder: { name: 'b1' } },
        { tag: 'latest', registry: '', builder: { driver: 'docker' } },
      ),
    ).toEqual({ tag: '1.0', registry: '', builder: { driver: 'docker', name: 'b1' } });
  });

  it('takes the wanted options when there are none yet', () => {
    expect(mergePluginOptions(undefined, { tag: 'latest', builder: { driver: 'docker' } })).toEqual({
      tag: 'latest',
      builder: { driver: 'docker' },
    });
  });
});
