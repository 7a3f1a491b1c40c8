import {
  type CreateDependenciesContext,
  logger,
  type ProjectConfiguration,
  readNxJson,
  type Tree,
  updateNxJson,
} from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { ConfigError } from '../../../core/failure/errors';
import { createDependencies } from '../../plugin/create-dependencies';
import type { PluginOptions } from '../../../core/options/plugin';
import { describeSchemaDrift } from '../../../../test/schema-drift';
import { inferredProjects, writeToDisk } from '../../../../test/tree-projects';
import initGenerator from '../init/generator';
import migrateGenerator from './generator';
import { type MigrateGeneratorSchema, migrateOptionsSchema } from './options';
import schemaJson from './schema.json';

describeSchemaDrift(schemaJson, migrateOptionsSchema);

const SOURCE = 'nx g nx-multiarch:migrate';

// A build.sh platform in the shape of our users' (docs/migrating.md): components under src/, built from the
// repository root, phases in build.conf, images in build-targets.conf, upstream images in dependency.conf(.tpl).
const PLATFORM: Record<string, string> = {
  '.env.example':
    'IMAGE_TAG=v0.0.1-test\nGITEA_VERSION=1.22\nREDIS_VERSION=7.2-alpine\nALPINE_VERSION=3.20\nHUB_PORT=80\n',
  '.dockerignore': '.git\n.env\nnode_modules\n',
  '.gitignore': 'node_modules\n*.local.tpl\n',
  // A dependency with its own Dockerfile (a template), copying from the repository root.
  'src/gitea/Dockerfile.tpl': [
    'ARG GITEA_VERSION={{GITEA_VERSION}}',
    'FROM gitea/gitea:${GITEA_VERSION}',
    'COPY src/gitea/gitea-entrypoint.sh /usr/local/bin/gitea-entrypoint.sh',
    '',
  ].join('\n'),
  'src/gitea/Dockerfile': 'ARG GITEA_VERSION=1.22\nFROM gitea/gitea:${GITEA_VERSION}\n',
  'src/gitea/dependency.conf.tpl': 'gitea/gitea:{{GITEA_VERSION}}\n',
  'src/gitea/build.conf': '# Gitea\nBUILD_PHASE=foundation\n',
  'src/gitea/gitea-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
  // A foundation from a template.
  'src/hub/Dockerfile.tpl':
    'ARG ALPINE_VERSION={{ALPINE_VERSION}}\nFROM alpine:${ALPINE_VERSION}\nCOPY src/shared/motd /etc/motd\n',
  'src/hub/build.conf': 'BUILD_PHASE=foundation\n',
  // More templates build.sh rendered (one without a value in .env.example), and one that git ignores.
  'src/hub/conf/hub.conf.tpl': 'listen {{HUB_PORT}};\nserver_name {{HUB_HOST}};\n',
  'src/hub/conf/dev.local.tpl': 'listen {{DEV_PORT}};\n',
  // A multi-target dependent.
  'src/api/Dockerfile': 'FROM busybox:1.36 AS api\nCOPY src/api/api.sh /api.sh\nFROM busybox:1.36 AS api-init\n',
  'src/api/build-targets.conf': '# Target Name | Image Suffix\napi ai-infra-api\napi-init ai-infra-api-init\n',
  'src/api/build.conf': 'BUILD_PHASE=dependent\n',
  'src/api/api.sh': 'echo api\n',
  // A dependent by build.sh's default, and one whose build.conf says more than build.sh reads.
  'src/worker/Dockerfile': 'FROM alpine:3.20\n',
  'src/prometheus/Dockerfile': 'FROM busybox:1.36\n',
  'src/prometheus/build.conf': 'USE_PREBUILD=true\nPREBUILD_IMAGE="prom/prometheus:v3.7.3"\nBUILD_PHASE=dependent\n',
  // Dependency-only: pulled and retagged.
  'src/cache/dependency.conf.tpl': 'redis:{{REDIS_VERSION}}\n',
  'src/waf/dependency.conf.tpl': '# WAF\nchaitin/safeline:{{SAFELINE_TAG}}\n',
  // Neither: files the Dockerfiles copy.
  'src/shared/motd': 'welcome\n',
};

const ENTRY = {
  plugin: 'nx-multiarch',
  options: { components: ['src/*'], imagePrefix: 'ai-infra-', context: '.' },
};

const CONFIGS = {
  'src/api/multiarch.json': {
    phase: 'dependent',
    images: [
      { name: 'api', target: 'api' },
      { name: 'api-init', target: 'api-init' },
    ],
  },
  'src/cache/multiarch.json': { upstream: 'redis:7.2-alpine' },
  'src/hub/multiarch.json': { templates: ['conf/hub.conf.tpl'] },
  'src/prometheus/multiarch.json': { phase: 'dependent' },
  'src/waf/multiarch.json': { upstream: 'chaitin/safeline:{{SAFELINE_TAG}}' },
  'src/worker/multiarch.json': { phase: 'dependent' },
};

const WARNINGS = [
  'nx-multiarch: .env.example: IMAGE_TAG=v0.0.1-test not mapped: build.sh tagged <image>:v0.0.1-test-<arch>, the plugin does not read the tag from .env; pass --tag=v0.0.1-test or set "tag" in nx.json (default latest)',
  'nx-multiarch: src/gitea/dependency.conf.tpl: gitea/gitea:1.22 not mapped: build.sh pulled it before building; prefetch (before every build) warms every image the Dockerfile is built FROM',
  "nx-multiarch: src/hub/conf/hub.conf.tpl: no value in .env.example for HUB_HOST (line 2): build.sh rendered such a placeholder empty or left it with a warning; the plugin's render fails until .env or .env.example defines it",
  'nx-multiarch: src/prometheus/build.conf: USE_PREBUILD, PREBUILD_IMAGE not mapped: build.sh reads only BUILD_PHASE from build.conf, so they never took effect (build args go in multiarch.json "buildArgs")',
  'nx-multiarch: src/shared: no Dockerfile, Dockerfile.tpl or dependency.conf: not a component (build.sh skipped it too); it stays in the build context, so Dockerfiles can still COPY from it',
  'nx-multiarch: src/waf/dependency.conf.tpl: no value in .env.example for SAFELINE_TAG: upstream left as chaitin/safeline:{{SAFELINE_TAG}}; edit "upstream" in multiarch.json (the plugin does not render it)',
];

const SUMMARY =
  'nx-multiarch: 7 components in src/: foundations gitea, hub; dependents api, prometheus, worker; upstream cache, waf; not components shared';

function platform(files: Record<string, string> = PLATFORM): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const [path, text] of Object.entries(files)) tree.write(path, text);
  return tree;
}

const migrate = (tree: Tree, options: MigrateGeneratorSchema = {}) =>
  migrateGenerator(tree, { skipFormat: true, ...options });

const read = (tree: Tree, path: string) => tree.read(path, 'utf8') as string;
const readJson = (tree: Tree, path: string) => JSON.parse(read(tree, path));
const pluginsOf = (tree: Tree) => readNxJson(tree)?.plugins;

/** Every file the tree holds (written or created), with its text. */
const contents = (tree: Tree) => new Map(tree.listChanges().map((c) => [c.path, c.content?.toString() ?? '']));

/** The multiarch.json files in the tree, parsed, by path. */
function configs(tree: Tree): Record<string, unknown> {
  const paths = tree
    .listChanges()
    .map((c) => c.path)
    .filter((path) => path.endsWith('/multiarch.json'))
    .sort();
  return Object.fromEntries(paths.map((path) => [path, readJson(tree, path)]));
}

/** The error a generator run rejects with. */
async function rejection(run: Promise<unknown>): Promise<ConfigError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

let warn: jest.SpyInstance;
let info: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
  info.mockRestore();
});

const warnings = () => warn.mock.calls.map(([message]) => message);

describe('migrate generator', () => {
  describe('on a build.sh platform', () => {
    let tree: Tree;
    let before: Map<string, string>;
    beforeEach(async () => {
      tree = platform();
      before = contents(tree);
      await migrate(tree);
    });

    it('registers the plugin: components src/*, the prefix of build-targets.conf, the repository root as context', () => {
      expect(pluginsOf(tree)).toEqual([ENTRY]);
    });

    it('writes a multiarch.json for each component that has something to say, nothing for the others', () => {
      expect(configs(tree)).toEqual(CONFIGS);
      expect(tree.exists('src/gitea/multiarch.json')).toBe(false);
      expect(tree.exists('src/shared/multiarch.json')).toBe(false);
      expect(read(tree, 'src/api/multiarch.json')).toMatchInlineSnapshot(`
       "{
         "phase": "dependent",
         "images": [
           {
             "name": "api",
             "target": "api"
           },
           {
             "name": "api-init",
             "target": "api-init"
           }
         ]
       }
       "
      `);
    });

    it('changes nothing else: build.sh files stay, nx.json keeps the rest', () => {
      const changed = [...contents(tree)].filter(([path, text]) => before.get(path) !== text).map(([path]) => path);
      expect(changed.sort()).toEqual(['nx.json', ...Object.keys(CONFIGS)].sort());
      const { plugins, ...rest } = readNxJson(tree) ?? {};
      expect(plugins).toHaveLength(1);
      expect(rest).toEqual(JSON.parse(before.get('nx.json') as string));
    });

    it('prints every setting it could not map, with the file and why', () => {
      expect(warnings()).toEqual(WARNINGS);
    });

    it('prints a one-line summary', () => {
      expect(info.mock.calls).toEqual([[SUMMARY]]);
    });

    it('is idempotent: a second run writes nothing new', async () => {
      const first = contents(tree);
      await migrate(tree);
      expect(contents(tree)).toEqual(first);
    });
  });

  it('keeps what the user changed in a multiarch.json and adds only what is missing', async () => {
    const tree = platform();
    await migrate(tree);
    tree.write('src/api/multiarch.json', JSON.stringify({ phase: 'foundation', images: [{ name: 'api' }] }));
    tree.write('src/worker/multiarch.json', JSON.stringify({ platforms: ['arm64'], tag: '2.0' }));
    tree.write('src/hub/multiarch.json', JSON.stringify({ platforms: ['amd64'], templates: [] }));
    await migrate(tree);
    expect(readJson(tree, 'src/api/multiarch.json')).toEqual({ phase: 'foundation', images: [{ name: 'api' }] });
    expect(read(tree, 'src/api/multiarch.json')).not.toContain('\n');
    expect(readJson(tree, 'src/worker/multiarch.json')).toEqual({
      platforms: ['arm64'],
      tag: '2.0',
      phase: 'dependent',
    });
    expect(read(tree, 'src/hub/multiarch.json')).toBe('{"platforms":["amd64"],"templates":[]}');
  });

  describe('merges with a plugin entry nx.json already has', () => {
    const withPlugins = (tree: Tree, plugins: unknown[]) =>
      updateNxJson(tree, { ...readNxJson(tree), plugins: plugins as never });

    it('keeps what the user set and fills in the rest', async () => {
      const tree = platform();
      withPlugins(tree, [
        '@nx/js/typescript',
        { plugin: 'nx-multiarch', options: { tag: 'v1', builder: { driver: 'docker' } } },
      ]);
      await migrate(tree);
      expect(pluginsOf(tree)).toEqual([
        '@nx/js/typescript',
        { plugin: 'nx-multiarch', options: { ...ENTRY.options, tag: 'v1', builder: { driver: 'docker' } } },
      ]);
    });

    it('turns a string entry into an object in the same place', async () => {
      const tree = platform();
      withPlugins(tree, ['nx-multiarch', '@nx/js/typescript']);
      await migrate(tree);
      expect(pluginsOf(tree)).toEqual([ENTRY, '@nx/js/typescript']);
    });

    it("keeps nx.json's imagePrefix, names images relative to it, and says so", async () => {
      const tree = platform();
      withPlugins(tree, [{ plugin: 'nx-multiarch', options: { imagePrefix: 'acme/' } }]);
      await migrate(tree, { imagePrefix: 'other/' });
      expect(pluginsOf(tree)).toEqual([
        { plugin: 'nx-multiarch', options: { ...ENTRY.options, imagePrefix: 'acme/' } },
      ]);
      expect(configs(tree)).toEqual(CONFIGS);
      expect(warnings()[0]).toBe(
        'nx-multiarch: nx.json already sets imagePrefix to "acme/"; kept it (edit nx.json to change it)',
      );
    });

    it('after init (imagePrefix "", components images/*): keeps the prefix, extends the components, says both', async () => {
      const tree = platform();
      await initGenerator(tree, { skipFormat: true });
      warn.mockClear();
      await migrate(tree);
      expect(pluginsOf(tree)).toEqual([
        {
          plugin: 'nx-multiarch',
          options: {
            components: ['images/*', 'src/*'],
            registry: '',
            imagePrefix: '',
            tag: 'latest',
            platforms: ['amd64', 'arm64'],
            builder: { driver: 'docker-container' },
            context: '.',
          },
        },
      ]);
      // With no prefix, build-targets.conf's names are kept whole.
      expect(readJson(tree, 'src/api/multiarch.json').images).toEqual([
        { name: 'ai-infra-api', target: 'api' },
        { name: 'ai-infra-api-init', target: 'api-init' },
      ]);
      expect(warnings().slice(0, 2)).toEqual([
        'nx-multiarch: nx.json components ["images/*"] leave out src/api, src/cache, src/gitea, src/hub, src/prometheus, src/waf, src/worker; added src/*',
        'nx-multiarch: nx.json sets imagePrefix to "" where build.sh named the images ai-infra-<name>; kept nx.json\'s, so they are <name> (edit nx.json to change it)',
      ]);
    });

    it('init after migrate keeps what migrate wrote', async () => {
      const tree = platform();
      await migrate(tree);
      await initGenerator(tree, { skipFormat: true });
      expect(pluginsOf(tree)).toEqual([
        {
          plugin: 'nx-multiarch',
          options: expect.objectContaining({
            ...ENTRY.options,
            tag: 'latest',
            builder: { driver: 'docker-container' },
          }),
        },
      ]);
    });
  });

  describe('options', () => {
    it('--imagePrefix names the images relative to it', async () => {
      const tree = platform();
      await migrate(tree, { imagePrefix: 'acme/' });
      expect(pluginsOf(tree)).toEqual([
        { plugin: 'nx-multiarch', options: { ...ENTRY.options, imagePrefix: 'acme/' } },
      ]);
      expect(configs(tree)).toEqual(CONFIGS);
    });

    it("derives a fork's prefix from its build-targets.conf", async () => {
      const tree = platform({
        ...PLATFORM,
        'src/api/build-targets.conf': 'api fixture-api\napi-init fixture-api-init\n',
      });
      await migrate(tree);
      expect(pluginsOf(tree)).toEqual([
        { plugin: 'nx-multiarch', options: { ...ENTRY.options, imagePrefix: 'fixture-' } },
      ]);
      expect(configs(tree)).toEqual(CONFIGS);
    });

    it('--source takes the components from another directory', async () => {
      const tree = platform({ 'services/hub/Dockerfile': 'FROM alpine:3.20\n', '.dockerignore': '.git\n' });
      await migrate(tree, { source: './services/' });
      expect(pluginsOf(tree)).toEqual([
        { plugin: 'nx-multiarch', options: { ...ENTRY.options, components: ['services/*'] } },
      ]);
      expect(configs(tree)).toEqual({ 'services/hub/multiarch.json': { phase: 'dependent' } });
      expect(info.mock.calls).toEqual([['nx-multiarch: 1 component in services/: dependents hub']]);
    });

    it('formats the files it writes unless skipFormat is set', async () => {
      // Inside Jest, prettier cannot be loaded (its dynamic import needs --experimental-vm-modules): formatFiles
      // warns and leaves the files as written. The run must still succeed and write the same files.
      const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        const tree = platform();
        await migrateGenerator(tree, {});
        expect(pluginsOf(tree)).toEqual([ENTRY]);
        expect(configs(tree)).toEqual(CONFIGS);
      } finally {
        consoleWarn.mockRestore();
      }
    });
  });

  it('writes nothing when no directory is a component, and says so', async () => {
    const tree = platform({ 'src/shared/motd': 'hi\n', 'src/docs/README.md': '# docs\n' });
    const before = contents(tree);
    await migrate(tree);
    expect(contents(tree)).toEqual(before);
    expect(info.mock.calls).toEqual([['nx-multiarch: 0 components in src/: not components docs, shared']]);
  });

  describe('rejects, writing nothing', () => {
    test.each<[string, Record<string, string>, MigrateGeneratorSchema, string, string]>([
      ['a missing source', PLATFORM, { source: 'images' }, 'source', 'images is not a directory'],
      ['a source that is a file', PLATFORM, { source: '.env.example' }, 'source', '.env.example is not a directory'],
      [
        'a source outside the workspace',
        PLATFORM,
        { source: '../src' },
        'source',
        "'../src' is not a directory inside",
      ],
      ['the workspace root as source', PLATFORM, { source: './' }, 'source', "'./' is not a directory inside"],
      ['an absolute source', PLATFORM, { source: '/src' }, 'source', "'/src' is not a directory inside"],
      ['an unknown option', PLATFORM, { prefix: 'x' } as never, '(top level)', 'unknown key(s) prefix'],
    ])('%s', async (_, files, options, field, problem) => {
      const tree = platform(files);
      const before = contents(tree);
      const error = await rejection(migrate(tree, options));
      expect(error).toMatchObject({ source: SOURCE, field });
      expect(error.problem).toContain(problem);
      expect(contents(tree)).toEqual(before);
    });

    test.each([
      ['not JSON', '{ phase: dependent', '(file)'],
      ['not a multiarch.json', '{"phase":"late"}', 'phase'],
    ])('an existing multiarch.json that is %s, naming the file', async (_, text, field) => {
      const tree = platform({ ...PLATFORM, 'src/worker/multiarch.json': text });
      const before = contents(tree);
      const error = await rejection(migrate(tree));
      expect(error).toMatchObject({ source: 'src/worker/multiarch.json', field });
      expect(contents(tree)).toEqual(before);
    });
  });
});

describe('a migrated platform is picked up by the plugin', () => {
  let tree: Tree;
  let workspaceRoot: string;
  let options: PluginOptions;
  let found: Record<string, ProjectConfiguration>;

  beforeAll(async () => {
    tree = platform();
    // beforeEach's spies are not there yet: the migration's report is not what these specs are about.
    const quiet = [jest.spyOn(logger, 'warn'), jest.spyOn(logger, 'info')];
    for (const spy of quiet) spy.mockImplementation(() => undefined);
    try {
      await migrate(tree);
    } finally {
      for (const spy of quiet) spy.mockRestore();
    }
    workspaceRoot = writeToDisk(tree, 'migrate-gen-');
    options = ENTRY.options;
    found = await inferredProjects(tree, workspaceRoot, options);
  });

  it('as one project per component, with its phase, built from the repository root', () => {
    const components = Object.values(found).filter((p) => p.root !== '.');
    expect(components.map((p) => `${p.name} ${p.tags?.join(' ')}`).sort()).toEqual([
      'api nx-multiarch phase:dependent',
      'cache nx-multiarch phase:foundation',
      'gitea nx-multiarch phase:foundation',
      'hub nx-multiarch phase:foundation',
      'prometheus nx-multiarch phase:dependent',
      'waf nx-multiarch phase:foundation',
      'worker nx-multiarch phase:dependent',
    ]);
    expect(found.gitea.targets?.['build-image']?.options).toMatchObject({
      context: '.',
      dockerfile: 'src/gitea/Dockerfile',
      images: [{ name: 'gitea' }],
      imagePrefix: 'ai-infra-',
    });
    expect(found.api.targets?.['build-image']?.options).toMatchObject({
      context: '.',
      images: [
        { name: 'api', target: 'api' },
        { name: 'api-init', target: 'api-init' },
      ],
    });
    expect(found.cache.targets?.['build-image']?.options).toMatchObject({ upstream: 'redis:7.2-alpine' });
    expect(found.hub.targets?.render?.options).toMatchObject({
      templates: ['src/hub/Dockerfile.tpl', 'src/hub/conf/hub.conf.tpl'],
    });
  });

  it('with dependents after foundations (and the upstream images, pulled first as build.sh did)', async () => {
    const names = Object.keys(found);
    const projectFileMap: Record<string, Array<{ file: string; hash: string }>> = {};
    for (const name of names) projectFileMap[name] = [];
    const fileMap = { projectFileMap, nonProjectFiles: [] };
    const context: CreateDependenciesContext = {
      workspaceRoot,
      projects: found,
      externalNodes: {},
      fileMap,
      filesToProcess: fileMap,
      nxJsonConfiguration: readNxJson(tree) ?? {},
    };
    const edges = (await createDependencies(options, context)).map((d) => `${d.source} -> ${d.target} ${d.type}`);
    const foundations = ['cache', 'gitea', 'hub', 'waf'];
    const expected = ['api', 'prometheus', 'worker'].flatMap((d) => foundations.map((f) => `${d} -> ${f} implicit`));
    expect(edges.sort()).toEqual(expected.sort());
  });
});
