import type { ComponentSource } from './component';
import { migratePlatform, type PlatformSettings } from './platform';

const source = (name: string, text: Record<string, string>, others: string[] = ['Dockerfile']): ComponentSource => ({
  root: `src/${name}`,
  files: [...others, ...Object.keys(text)],
  text,
});

const BACKEND = source('backend', {
  'build-targets.conf': 'backend ai-infra-backend\nbackend-init ai-infra-backend-init\n',
});
const FIXTURE = source('api', { 'build-targets.conf': 'api fixture-api\napi-init fixture-api-init\n' });
const HUB = source('hub', { 'build.conf': 'BUILD_PHASE=foundation\n' });
const SETTINGS: PlatformSettings = { rootDockerignore: true };

describe('migratePlatform', () => {
  describe('the image prefix', () => {
    test.each<[string, ComponentSource[], Partial<PlatformSettings>, string]>([
      ["build-targets.conf's", [BACKEND, HUB], {}, 'ai-infra-'],
      ["a fork's, from its build-targets.conf", [FIXTURE, HUB], {}, 'fixture-'],
      ["build.sh's own without build-targets.conf", [HUB], {}, 'ai-infra-'],
      [
        'not from a build-targets.conf without a Dockerfile beside it',
        [source('x', { 'build-targets.conf': 'x other-x\n', 'dependency.conf': 'redis:7\n' }, []), HUB],
        {},
        'ai-infra-',
      ],
      ['--imagePrefix over the derived one', [FIXTURE], { askedPrefix: 'acme/' }, 'acme/'],
      ["nx.json's over both", [FIXTURE], { askedPrefix: 'acme/', existingPrefix: 'mine/' }, 'mine/'],
    ])('%s', (_, sources, settings, prefix) => {
      expect(migratePlatform(sources, { ...SETTINGS, ...settings }).imagePrefix).toBe(prefix);
    });
  });

  it("names images relative to the chosen prefix, stripping build.sh's", () => {
    const { components } = migratePlatform([FIXTURE], { ...SETTINGS, askedPrefix: 'acme/' });
    expect(components[0].config.images).toEqual([
      { name: 'api', target: 'api' },
      { name: 'api-init', target: 'api-init' },
    ]);
    expect(components[0].notes).toEqual([]);
  });

  it('renders dependency templates with .env.example, expanded as the plugin expands it', () => {
    const cache = source('cache', { 'dependency.conf.tpl': 'redis:{{REDIS_VERSION}}\n' }, []);
    const { components } = migratePlatform([cache], {
      ...SETTINGS,
      envExample: 'REDIS_MAJOR=7.2\nREDIS_VERSION="${REDIS_MAJOR}-alpine"\n',
    });
    expect(components[0]).toMatchObject({ kind: 'upstream', config: { upstream: 'redis:7.2-alpine' }, notes: [] });
  });

  describe('notes for the platform as a whole', () => {
    test.each<[string, ComponentSource[], Partial<PlatformSettings>, string[]]>([
      ['none', [HUB], {}, []],
      [
        'no .dockerignore at the root',
        [HUB],
        { rootDockerignore: false },
        [
          '.dockerignore: none at the repository root, the build context: every build sends the whole repository (.env and .git included) to BuildKit, as build.sh did; add one (e.g. .git, node_modules, .env, .nx-multiarch, dist)',
        ],
      ],
      ['no .dockerignore, but no component either', [source('shared', {}, [])], { rootDockerignore: false }, []],
      [
        "nx.json's prefix kept over --imagePrefix",
        [HUB],
        { askedPrefix: 'acme/', existingPrefix: 'mine/' },
        ['nx.json already sets imagePrefix to "mine/"; kept it (edit nx.json to change it)'],
      ],
      [
        'IMAGE_TAG and PRIVATE_REGISTRY in .env.example',
        [HUB],
        { envExample: 'IMAGE_TAG=v0.3.8\nPRIVATE_REGISTRY=\n' },
        [
          '.env.example: IMAGE_TAG=v0.3.8 not mapped: build.sh tagged <image>:v0.3.8-<arch>, the plugin does not read the tag from .env; pass --tag=v0.3.8 or set "tag" in nx.json (default latest)',
        ],
      ],
    ])('%s', (_, sources, settings, notes) => {
      expect(migratePlatform(sources, { ...SETTINGS, ...settings }).notes).toEqual(notes);
    });
  });

  it('keeps the order of the directories and maps each', () => {
    const { components } = migratePlatform([BACKEND, HUB, source('shared', {}, [])], SETTINGS);
    expect(components.map((c) => `${c.name}: ${c.kind}`)).toEqual([
      'backend: dependent',
      'hub: foundation',
      'shared: none',
    ]);
  });
});
