import { type CreateDependenciesContext, logger, readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { componentConfigSchema } from '../../../core/component/config';
import { ConfigError } from '../../../core/failure/errors';
import { createDependencies } from '../../plugin/create-dependencies';
import { inComponents } from '../../../core/component/discovery';
import { normalizePluginOptions, type PluginOptions } from '../../../core/options/plugin';
import { describeSchemaDrift } from '../../../../test/schema-drift';
import { inferredProjects, writeToDisk } from '../../../../test/tree-projects';
import initGenerator from '../init/generator';
import type { InitGeneratorSchema } from '../init/options';
import componentGenerator from './generator';
import { type ComponentGeneratorSchema, componentOptionsSchema, defaultDirectory } from './options';
import schemaJson from './schema.json';

describeSchemaDrift(schemaJson, componentOptionsSchema);

const SOURCE = 'nx g nx-multiarch:component';

async function workspace(init: InitGeneratorSchema = {}): Promise<Tree> {
  const tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { skipFormat: true, ...init });
  return tree;
}

const component = (tree: Tree, options: ComponentGeneratorSchema) =>
  componentGenerator(tree, { skipFormat: true, ...options });

const read = (tree: Tree, path: string) => tree.read(path, 'utf8') as string;
const readJson = (tree: Tree, path: string) => JSON.parse(read(tree, path));

/** The files of a directory in the tree, dotfiles included, sorted. */
const filesIn = (tree: Tree, dir: string) => tree.children(dir).sort();

/** The error a generator run rejects with. */
async function rejection(run: Promise<unknown>): Promise<ConfigError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

/** The JSON of the first ```json block of a README. */
const jsonBlock = (markdown: string) => JSON.parse(/```json\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? 'null');

let warn: jest.SpyInstance;
beforeEach(() => {
  // init warns when nx.json already sets an option differently; not what these specs are about.
  warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('component generator', () => {
  describe('a foundation component', () => {
    let tree: Tree;
    let before: Map<string, string>;
    beforeEach(async () => {
      tree = await workspace();
      before = new Map(tree.listChanges().map((c) => [c.path, c.content?.toString() ?? '']));
      await component(tree, { name: 'hub' });
    });

    it('writes Dockerfile, multiarch.json, .dockerignore and README.md under images/<name>', () => {
      expect(filesIn(tree, 'images/hub')).toEqual(['.dockerignore', 'Dockerfile', 'README.md', 'multiarch.json']);
    });

    it('writes a Dockerfile that builds for any platform', () => {
      expect(read(tree, 'images/hub/Dockerfile')).toMatchInlineSnapshot(`
       "# hub: one image per platform, tagged <name>:<tag>-<arch> by nx-multiarch (nx run hub:build-image).
       # Credentials never go in ARG or ENV (they stay readable in the image history): use a BuildKit secret,
       # RUN --mount=type=secret,id=<id> ...
       FROM alpine:3.20

       # Declared so RUN steps can use it (amd64, arm64); under QEMU the arm64 steps run emulated.
       ARG TARGETARCH

       RUN echo "hub for \${TARGETARCH}" > /etc/hub-release
       CMD ["cat", "/etc/hub-release"]
       "
      `);
    });

    it('writes a multiarch.json with only the phase', () => {
      expect(readJson(tree, 'images/hub/multiarch.json')).toEqual({ phase: 'foundation' });
      expect(read(tree, 'images/hub/multiarch.json')).toMatchInlineSnapshot(`
       "{
         "phase": "foundation"
       }
       "
      `);
    });

    it('keeps the README, the config and env files out of the build context', () => {
      expect(read(tree, 'images/hub/.dockerignore')).toMatchInlineSnapshot(`
       "# Not part of the image: a small context keeps uploads fast and cache keys stable.
       README.md
       multiarch.json
       .env
       .env.*
       "
      `);
    });

    it('writes a README on how to build it', () => {
      expect(read(tree, 'images/hub/README.md')).toMatchInlineSnapshot(`
       "# hub

       Component image built for each platform by nx-multiarch from \`Dockerfile\` (foundation).

       \`\`\`sh
       npx nx run hub:build-image --platform=arm64   # one platform
       npx nx run hub:build-image                    # every platform in multiarch.json or nx.json
       \`\`\`
       "
      `);
    });

    it('does not touch anything outside the component directory', () => {
      const outside = tree.listChanges().filter((c) => !c.path.startsWith('images/hub/'));
      expect(new Map(outside.map((c) => [c.path, c.content?.toString() ?? '']))).toEqual(before);
    });
  });

  it('formats the files it writes unless skipFormat is set', async () => {
    // Inside Jest, prettier cannot be loaded (its dynamic import needs --experimental-vm-modules): formatFiles
    // warns and leaves the files as written. The run must still succeed and write the same component.
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const formatted = await workspace();
      await componentGenerator(formatted, { name: 'hub' });
      const plain = await workspace();
      await component(plain, { name: 'hub' });
      expect(filesIn(formatted, 'images/hub')).toEqual(filesIn(plain, 'images/hub'));
      expect(read(formatted, 'images/hub/Dockerfile')).toBe(read(plain, 'images/hub/Dockerfile'));
      expect(readJson(formatted, 'images/hub/multiarch.json')).toEqual({ phase: 'foundation' });
    } finally {
      consoleWarn.mockRestore();
    }
  });

  it('uses --base as the FROM image', async () => {
    const tree = await workspace();
    await component(tree, { name: 'tools', base: 'debian:bookworm-slim' });
    expect(read(tree, 'images/tools/Dockerfile')).toContain('\nFROM debian:bookworm-slim\n');
  });

  describe('--from another component', () => {
    it("builds FROM that component's image for the same platform and is a dependent", async () => {
      const tree = await workspace({ imagePrefix: 'acme/', registry: '127.0.0.1:5000' });
      await component(tree, { name: 'hub' });
      await component(tree, { name: 'worker', from: 'hub' });
      const dockerfile = read(tree, 'images/worker/Dockerfile');
      expect(dockerfile).toContain('\nFROM 127.0.0.1:5000/acme/hub:latest-${TARGETARCH}\n');
      expect(dockerfile).not.toContain('alpine');
      expect(dockerfile).toMatchInlineSnapshot(`
       "# worker: one image per platform, tagged <name>:<tag>-<arch> by nx-multiarch (nx run worker:build-image).
       # Credentials never go in ARG or ENV (they stay readable in the image history): use a BuildKit secret,
       # RUN --mount=type=secret,id=<id> ...
       # hub's image for the platform being built: BuildKit sets TARGETARCH (amd64, arm64) before FROM.
       FROM 127.0.0.1:5000/acme/hub:latest-\${TARGETARCH}

       # Declared so RUN steps can use it (amd64, arm64); under QEMU the arm64 steps run emulated.
       ARG TARGETARCH

       RUN echo "worker for \${TARGETARCH}" > /etc/worker-release
       CMD ["cat", "/etc/worker-release"]
       "
      `);
      expect(readJson(tree, 'images/worker/multiarch.json')).toEqual({ phase: 'dependent' });
      expect(read(tree, 'images/worker/README.md')).toContain('from `Dockerfile` (dependent, FROM hub).');
    });

    it('uses the workspace tag and no registry when none is set', async () => {
      const tree = await workspace({ tag: '2024.1' });
      await component(tree, { name: 'hub' });
      await component(tree, { name: 'worker', from: 'hub' });
      expect(read(tree, 'images/worker/Dockerfile')).toContain('\nFROM hub:2024.1-${TARGETARCH}\n');
    });

    it('keeps an explicit phase', async () => {
      const tree = await workspace();
      await component(tree, { name: 'hub' });
      await component(tree, { name: 'worker', from: 'hub', phase: 'foundation' });
      expect(readJson(tree, 'images/worker/multiarch.json')).toEqual({ phase: 'foundation' });
    });

    it("uses the name, tag and first image a base component's multiarch.json sets", async () => {
      const tree = await workspace({ imagePrefix: 'acme/' });
      tree.write('images/core/Dockerfile', 'FROM alpine:3.20 AS runtime\nFROM runtime AS sdk\n');
      tree.write(
        'images/core/multiarch.json',
        JSON.stringify({
          name: 'base',
          tag: '2.0',
          images: [{ name: 'base-runtime', target: 'runtime' }, { name: 'base-sdk' }],
        }),
      );
      await component(tree, { name: 'app', from: 'base' });
      expect(read(tree, 'images/app/Dockerfile')).toContain('\nFROM acme/base-runtime:2.0-${TARGETARCH}\n');
      expect(read(tree, 'images/app/README.md')).toContain('(dependent, FROM base)');
    });

    test.each([
      ['a template', 'images/hub/Dockerfile.tpl', 'FROM alpine:{{ALPINE}}\n'],
      ['an upstream image', 'images/hub/multiarch.json', '{"upstream":"redis:7.2-alpine"}'],
    ])('finds a base component that is %s', async (_, file, text) => {
      const tree = await workspace();
      tree.write(file, text);
      await component(tree, { name: 'worker', from: 'hub' });
      expect(read(tree, 'images/worker/Dockerfile')).toContain('\nFROM hub:latest-${TARGETARCH}\n');
    });
  });

  describe('--service', () => {
    it('serves the health path on the port, and tells consumers how to use it', async () => {
      const tree = await workspace();
      await component(tree, { name: 'hub', service: true, port: 9000, health: '/api/health' });
      const dockerfile = read(tree, 'images/hub/Dockerfile');
      expect(dockerfile).toContain('\nRUN mkdir -p /srv/www/api && echo ok > /srv/www/api/health\n');
      expect(dockerfile).toContain('\nEXPOSE 9000\n');
      expect(dockerfile).toContain('\nCMD ["busybox", "httpd", "-f", "-p", "9000", "-h", "/srv/www"]\n');
      expect(dockerfile).not.toContain('CMD ["cat"');
      const snippet = jsonBlock(read(tree, 'images/hub/README.md'));
      expect(snippet).toEqual({
        services: [{ project: 'hub', port: 9000, health: '/api/health', buildArgs: { HUB_URL: '{url}' } }],
      });
      // What the README tells consumers to paste is a valid multiarch.json.
      expect(componentConfigSchema.safeParse(snippet).success).toBe(true);
    });

    it('defaults to port 8080 and /health', async () => {
      const tree = await workspace();
      await component(tree, { name: 'api-gateway', service: true });
      const dockerfile = read(tree, 'images/api-gateway/Dockerfile');
      expect(dockerfile).toContain('\nRUN mkdir -p /srv/www && echo ok > /srv/www/health\n');
      expect(dockerfile).toContain('\nEXPOSE 8080\n');
      expect(jsonBlock(read(tree, 'images/api-gateway/README.md'))).toEqual({
        services: [{ project: 'api-gateway', port: 8080, health: '/health', buildArgs: { API_GATEWAY_URL: '{url}' } }],
      });
    });

    test.each([
      ['/', '\nRUN mkdir -p /srv/www && echo ok > /srv/www/index.html\n'],
      ['/ready/', '\nRUN mkdir -p /srv/www/ready && echo ok > /srv/www/ready/index.html\n'],
    ])('a health path %s ending in / is served by index.html (busybox httpd)', async (health, run) => {
      const tree = await workspace();
      await component(tree, { name: 'hub', service: true, health });
      expect(read(tree, 'images/hub/Dockerfile')).toContain(run);
    });

    it('ignores port and health without --service', async () => {
      const tree = await workspace();
      await component(tree, { name: 'hub', port: 9000, health: '/api/health' });
      expect(read(tree, 'images/hub/Dockerfile')).not.toMatch(/EXPOSE|httpd|srv/);
      expect(read(tree, 'images/hub/README.md')).not.toContain('```json');
    });
  });

  describe('--template', () => {
    let tree: Tree;
    beforeEach(async () => {
      tree = await workspace();
      await component(tree, { name: 'hub', template: true });
    });

    it('writes Dockerfile.tpl instead of Dockerfile, and gitignores the rendered Dockerfile', () => {
      expect(filesIn(tree, 'images/hub')).toEqual([
        '.dockerignore',
        '.gitignore',
        'Dockerfile.tpl',
        'README.md',
        'multiarch.json',
      ]);
      expect(read(tree, 'images/hub/.gitignore')).toBe('/Dockerfile\n');
    });

    it('labels the image with a plugin value', () => {
      const template = read(tree, 'images/hub/Dockerfile.tpl');
      expect(template).toContain('\nARG TARGETARCH\nLABEL org.opencontainers.image.version="{{multiarch.tag}}"\n');
      expect(template).toContain('\nFROM alpine:3.20\n');
    });

    it('keeps templates out of the build context', () => {
      expect(read(tree, 'images/hub/.dockerignore')).toMatchInlineSnapshot(`
       "# Not part of the image: a small context keeps uploads fast and cache keys stable.
       README.md
       multiarch.json
       *.tpl
       .env
       .env.*
       "
      `);
    });

    it('explains the rendering in the README', () => {
      const readme = read(tree, 'images/hub/README.md');
      expect(readme).toContain('from `Dockerfile.tpl` (foundation)');
      expect(readme).toContain('is rendered to `Dockerfile` (gitignored) before each build');
    });
  });

  test.each([
    ['arm64', ['arm64']],
    ['linux/amd64', ['amd64']],
    ['arm64, linux/amd64,arm64', ['arm64', 'amd64']],
  ])('--platforms %j is written to multiarch.json as %j', async (platforms, expected) => {
    const tree = await workspace();
    await component(tree, { name: 'hub', platforms });
    expect(readJson(tree, 'images/hub/multiarch.json')).toEqual({ phase: 'foundation', platforms: expected });
  });

  it('names the component in multiarch.json when its directory has another name', async () => {
    const tree = await workspace();
    await component(tree, { name: 'hub', directory: 'images/infra-mirror' });
    expect(readJson(tree, 'images/infra-mirror/multiarch.json')).toEqual({ name: 'hub', phase: 'foundation' });
    await component(tree, { name: 'worker', from: 'hub' });
    expect(read(tree, 'images/worker/Dockerfile')).toContain('FROM hub:latest-${TARGETARCH}');
  });

  describe('directory', () => {
    test.each([
      [['images/*'], 'images/hub'],
      [['src/*'], 'src/hub'],
      [['src/*/'], 'src/hub'],
      [['infra/images/*', 'src/*'], 'infra/images/hub'],
      [['src/**', 'apps/*'], 'apps/hub'],
      [['**'], 'images/hub'],
      [['images/**'], 'images/hub'],
      [['images/x-*'], 'images/hub'],
      [undefined, 'images/hub'],
    ])('defaultDirectory with components %j is %s', (components, expected) => {
      expect(defaultDirectory('hub', components)).toBe(expected);
    });

    test.each([
      ['src/*', 'src/hub'],
      ['src/*,infra/*', 'src/hub'],
      ['**', 'images/hub'],
    ])('with components %j in nx.json, the component goes to %s', async (components, directory) => {
      const tree = await workspace({ components });
      await component(tree, { name: 'hub' });
      expect(filesIn(tree, directory)).toContain('Dockerfile');
    });

    it("'**' takes any directory, and a component directory under it is one", async () => {
      const plugin = normalizePluginOptions({ components: ['**'] });
      expect(inComponents(plugin, 'images/x')).toBe(true);
      expect(inComponents(plugin, 'platform/images/x')).toBe(true);
      expect(inComponents(plugin, '.')).toBe(false);
      const tree = await workspace({ components: '**' });
      await component(tree, { name: 'hub', directory: 'platform/images/hub' });
      expect(filesIn(tree, 'platform/images/hub')).toContain('Dockerfile');
    });

    it('normalizes an explicit --directory', async () => {
      const tree = await workspace({ components: 'platform/*' });
      await component(tree, { name: 'hub', directory: './platform/hub/' });
      expect(filesIn(tree, 'platform/hub')).toContain('Dockerfile');
    });

    it('rejects a --directory outside the components globs, naming the globs and the fix', async () => {
      const tree = await workspace({ components: 'images/*,src/*' });
      const error = await rejection(component(tree, { name: 'x', directory: 'platform/images/x' }));
      expect(error).toMatchObject({ source: SOURCE, field: 'directory' });
      expect(error.message).toBe(
        `${SOURCE}: directory: platform/images/x is outside the components globs in nx.json (images/*, src/*), ` +
          'so it would not become a project. ' +
          'Fix: choose a --directory they match, or add a glob to "components" in nx.json',
      );
      expect(tree.exists('platform')).toBe(false);
    });
  });

  describe('rejects', () => {
    test.each(['Hub', 'my hub', '-x', 'x-', 'a..b', '.hub', 'hub.', 'a_', 'a/b', 'a___b', 'hüb', ''])(
      'the name %j',
      async (name) => {
        const tree = await workspace();
        const error = await rejection(component(tree, { name }));
        expect(error).toMatchObject({
          source: SOURCE,
          field: 'name',
          problem: `'${name}' cannot be part of an image name`,
        });
        expect(error.fix).toContain('lower-case letters and digits');
        expect(tree.exists('images')).toBe(false);
      },
    );

    test.each(['hub', 'h', '9', 'api-gateway', 'a--b', 'a__b', 'a_b', 'v1.2', 'x.y-z_0'])(
      'not the name %j',
      async (name) => {
        const tree = await workspace();
        await component(tree, { name });
        expect(filesIn(tree, `images/${name}`)).toContain('Dockerfile');
      },
    );

    const cases: Array<[string, (tree: Tree) => void, ComponentGeneratorSchema, string, string]> = [
      [
        'an existing directory',
        (tree) => tree.write('images/hub/notes.txt', 'mine'),
        { name: 'hub' },
        'directory',
        'images/hub already exists. Fix: choose another name or --directory',
      ],
      [
        'a name another component already uses',
        (tree) => {
          tree.write('images/edge/Dockerfile', 'FROM alpine\n');
          tree.write('images/edge/multiarch.json', '{"name":"gateway"}');
        },
        { name: 'gateway' },
        'name',
        'a component named gateway exists already. Fix: choose another name',
      ],
      [
        'a name used by a component under another glob',
        (tree) => tree.write('images/hub/Dockerfile', 'FROM alpine\n'),
        { name: 'hub', directory: 'images/x/hub' },
        'name',
        'a component named hub exists already',
      ],
      [
        '--from naming an unknown component, listing the existing ones',
        (tree) => {
          tree.write('images/hub/Dockerfile', 'FROM alpine\n');
          tree.write('images/vcs/Dockerfile.tpl', 'FROM alpine\n');
        },
        { name: 'worker', from: 'hubb' },
        'from',
        "no component named 'hubb'. Fix: use one of hub, vcs",
      ],
      [
        '--from when there is no component yet (a Dockerfile outside the globs is none)',
        (tree) => tree.write('tools/ci/Dockerfile', 'FROM alpine\n'),
        { name: 'worker', from: 'ci' },
        'from',
        "no component named 'ci'. Fix: create that component first",
      ],
      [
        'a health path that is not a path',
        () => undefined,
        { name: 'hub', service: true, health: 'health' },
        'health',
        "'health' is not a plain URL path. Fix: give the health URL path, e.g. /health",
      ],
      [
        'a health path that would be shell syntax in the RUN line',
        () => undefined,
        { name: 'hub', service: true, health: '/h;rm -rf /' },
        'health',
        "'/h;rm -rf /' is not a plain URL path. Fix: give the health URL path, e.g. /health",
      ],
      [
        'an unknown platform',
        () => undefined,
        { name: 'hub', platforms: 's390x' },
        'platforms',
        "unknown platform 's390x'",
      ],
      ['a port out of range', () => undefined, { name: 'hub', service: true, port: 70000 }, 'port', ''],
      ['a port that is not an integer', () => undefined, { name: 'hub', port: 80.5 }, 'port', ''],
      ['an unknown phase', () => undefined, { name: 'hub', phase: 'late' as never }, 'phase', ''],
      ['an unknown option', () => undefined, { name: 'hub', dockerfile: 'x' } as never, '(top level)', 'dockerfile'],
    ];

    test.each(cases)('%s', async (_, arrange, options, field, message) => {
      const tree = await workspace({ components: 'images/*,images/x/*' });
      arrange(tree);
      const before = tree.listChanges().map((c) => c.path);
      const error = await rejection(component(tree, options));
      expect(error).toMatchObject({ source: SOURCE, field });
      expect(error.message).toContain(message);
      // Nothing is written when the options are rejected.
      expect(tree.listChanges().map((c) => c.path)).toEqual(before);
    });

    it('running before init, and says to run init first', async () => {
      const tree = createTreeWithEmptyWorkspace();
      const error = await rejection(component(tree, { name: 'hub' }));
      expect(error.message).toBe(
        'nx.json: plugins: nx-multiarch is not registered. Fix: run nx g nx-multiarch:init first',
      );
      expect(tree.exists('images')).toBe(false);
    });
  });

  it('works with a plugin registered as a bare string (plugin defaults: components anywhere)', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = readNxJson(tree) ?? {};
    tree.write('nx.json', JSON.stringify({ ...nxJson, plugins: ['nx-multiarch'] }));
    await component(tree, { name: 'hub' });
    await component(tree, { name: 'worker', from: 'hub' });
    expect(read(tree, 'images/worker/Dockerfile')).toContain('\nFROM hub:latest-${TARGETARCH}\n');
  });
});

describe('generated components are picked up by the plugin', () => {
  let tree: Tree;
  let workspaceRoot: string;
  let options: PluginOptions;

  beforeAll(async () => {
    tree = await workspace({ imagePrefix: 'acme/', registry: '127.0.0.1:5000' });
    await component(tree, { name: 'hub', service: true, port: 9000 });
    await component(tree, { name: 'worker', from: 'hub', platforms: 'arm64' });
    await component(tree, { name: 'portal', template: true });
    // A consumer pastes the README's snippet into its multiarch.json.
    const snippet = jsonBlock(read(tree, 'images/hub/README.md'));
    tree.write(
      'images/portal/multiarch.json',
      JSON.stringify({ ...JSON.parse(read(tree, 'images/portal/multiarch.json')), ...snippet }),
    );
    workspaceRoot = writeToDisk(tree, 'component-gen-');
    const entry = readNxJson(tree)?.plugins?.find((p) => typeof p === 'object' && p.plugin === 'nx-multiarch');
    options = (entry as { options: PluginOptions }).options;
  });

  const projects = () => inferredProjects(tree, workspaceRoot, options);

  it('as projects named after them, with a build-image target', async () => {
    const found = await projects();
    expect(Object.values(found).map((p) => `${p.name} (${p.root})`)).toEqual(
      expect.arrayContaining(['hub (images/hub)', 'worker (images/worker)', 'portal (images/portal)']),
    );
    // Besides them, only the workspace-level project (named after the root package.json).
    expect(Object.values(found).filter((p) => p.root === '.')).toHaveLength(1);
    expect(Object.keys(found)).toHaveLength(4);
    expect(found.hub).toMatchObject({ root: 'images/hub', tags: ['nx-multiarch', 'phase:foundation'] });
    expect(found.worker).toMatchObject({ root: 'images/worker', tags: ['nx-multiarch', 'phase:dependent'] });
    for (const name of ['hub', 'worker', 'portal']) {
      expect(found[name].targets?.['build-image']).toMatchObject({ executor: 'nx-multiarch:build-image' });
    }
    expect(found.hub.targets?.['build-image']?.options).toMatchObject({
      platform: 'amd64,arm64',
      context: 'images/hub',
      dockerfile: 'images/hub/Dockerfile',
      images: [{ name: 'hub' }],
      registry: '127.0.0.1:5000',
      imagePrefix: 'acme/',
      tag: 'latest',
    });
    expect(found.worker.targets?.['build-image']?.options).toMatchObject({ platform: 'arm64' });
  });

  it('with push-image and manifest targets that publish the multi-arch images', async () => {
    const found = await projects();
    for (const name of ['hub', 'worker', 'portal']) {
      expect(found[name].targets?.['push-image']).toMatchObject({
        executor: 'nx-multiarch:build-image',
        options: { push: true, outputPath: `dist/pushed/${name}` },
      });
      expect(found[name].targets?.manifest).toMatchObject({
        executor: 'nx-multiarch:manifest',
        options: { images: [{ name }], registry: '127.0.0.1:5000', imagePrefix: 'acme/', tag: 'latest' },
        dependsOn: [{ target: 'push-image', params: 'forward' }],
      });
    }
    expect(found.hub.targets?.manifest?.options).toMatchObject({ platforms: 'amd64,arm64' });
    expect(found.worker.targets?.manifest?.options).toMatchObject({ platforms: 'arm64' });
  });

  it('renders a template component before building it, and runs the service it names', async () => {
    const { portal } = await projects();
    expect(Object.keys(portal.targets ?? {})).toEqual(['render', 'build-image', 'push-image', 'manifest']);
    expect(portal.targets?.render?.options).toMatchObject({ templates: ['images/portal/Dockerfile.tpl'] });
    expect(portal.targets?.['build-image']?.options).toMatchObject({
      dockerfile: 'images/portal/Dockerfile',
      services: [
        {
          project: 'hub',
          repository: '127.0.0.1:5000/acme/hub',
          port: 9000,
          health: '/health',
          buildArgs: { HUB_URL: '{url}' },
        },
      ],
    });
  });

  it('with a static edge from a --from component to its base', async () => {
    const found = await projects();
    const names = Object.keys(found);
    const workspaceProject = names.find((name) => found[name].root === '.') as string;
    const projectFileMap: Record<string, Array<{ file: string; hash: string }>> = {};
    for (const name of names) projectFileMap[name] = [];
    for (const { path } of tree.listChanges()) {
      const owner = names.find((name) => name !== workspaceProject && path.startsWith(`${found[name].root}/`));
      projectFileMap[owner ?? workspaceProject].push({ file: path, hash: '1' });
    }
    const fileMap = { projectFileMap, nonProjectFiles: [] };
    const context: CreateDependenciesContext = {
      workspaceRoot,
      projects: found,
      externalNodes: {},
      fileMap,
      filesToProcess: fileMap,
      nxJsonConfiguration: readNxJson(tree) ?? {},
    };
    const edges = (await createDependencies(options, context)).map(
      (d) => `${d.source} -> ${d.target} (${'sourceFile' in d && d.sourceFile ? d.sourceFile : d.type})`,
    );
    expect(edges).toContain('worker -> hub (images/worker/Dockerfile)');
    expect(edges).toContain('portal -> hub (implicit)');
    expect(edges.filter((e) => e.startsWith('hub ->'))).toEqual([]);
  });
});
