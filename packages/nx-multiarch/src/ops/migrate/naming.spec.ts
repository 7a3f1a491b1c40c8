import {
  BUILD_SH_PREFIX,
  chooseImagePrefix,
  commonImagePrefix,
  deriveImagePrefix,
  envNamingNotes,
  imageNameWithout,
  isImageName,
} from './naming';

describe('commonImagePrefix', () => {
  test.each<[string[], string]>([
    [[], ''],
    [['ai-infra-backend', 'ai-infra-backend-init'], 'ai-infra-'],
    [['ai-infra-backend'], 'ai-infra-'],
    [['fixture-api', 'fixture-api-init', 'fixture-web'], 'fixture-'],
    [['acme/api', 'acme/api-init'], 'acme/'],
    [['acme/ai-infra-api', 'acme/ai-infra-web'], 'acme/ai-infra-'],
    [['reg.io_x', 'reg.io_y'], 'reg.io_'],
    [['ai-infra-api', 'ai-infra-a'], 'ai-infra-'],
    [['ai-infra-backend', 'other-backend'], ''],
    [['backend', 'backend-init'], ''],
    [['backend'], ''],
  ])('%j: %j', (names, prefix) => {
    expect(commonImagePrefix(names)).toBe(prefix);
  });
});

describe('deriveImagePrefix', () => {
  test.each<[string[], string]>([
    [['ai-infra-backend', 'ai-infra-backend-init'], 'ai-infra-'],
    [['fixture-api', 'fixture-api-init'], 'fixture-'],
    [[], BUILD_SH_PREFIX],
    [['backend', 'ai-infra-backend-init'], BUILD_SH_PREFIX],
  ])("%j: %j (build.sh's own when build-targets.conf shows none)", (names, prefix) => {
    expect(deriveImagePrefix(names)).toBe(prefix);
  });
});

describe('chooseImagePrefix', () => {
  test.each<[string, { existing?: string; asked?: string; derived: string }, string, string[]]>([
    ['derived when nothing is set', { derived: 'ai-infra-' }, 'ai-infra-', []],
    ['asked over derived', { asked: 'acme/', derived: 'ai-infra-' }, 'acme/', []],
    ['asked empty over derived', { asked: '', derived: 'ai-infra-' }, '', []],
    ['nx.json equal to derived', { existing: 'ai-infra-', derived: 'ai-infra-' }, 'ai-infra-', []],
    ['nx.json equal to asked', { existing: 'acme/', asked: 'acme/', derived: 'ai-infra-' }, 'acme/', []],
    [
      'nx.json over asked',
      { existing: 'mine/', asked: 'acme/', derived: 'ai-infra-' },
      'mine/',
      ['nx.json already sets imagePrefix to "mine/"; kept it (edit nx.json to change it)'],
    ],
    [
      'nx.json over derived (init wrote "")',
      { existing: '', derived: 'ai-infra-' },
      '',
      [
        'nx.json sets imagePrefix to "" where build.sh named the images ai-infra-<name>; kept nx.json\'s, so they are <name> (edit nx.json to change it)',
      ],
    ],
  ])('%s', (_, choice, prefix, notes) => {
    expect(chooseImagePrefix(choice)).toEqual({ prefix, notes });
  });
});

describe('isImageName', () => {
  test.each<[string, boolean]>([
    ['backend', true],
    ['backend-init', true],
    ['a.b_c-d', true],
    ['ai-infra-backend', true],
    ['', false],
    ['Backend', false],
    ['acme/api', false],
    ['-api', false],
    ['api-', false],
  ])('%j: %s', (name, valid) => {
    expect(isImageName(name)).toBe(valid);
  });
});

describe('imageNameWithout', () => {
  test.each<[string, string[], string | undefined]>([
    ['ai-infra-backend', ['ai-infra-'], 'backend'],
    ['ai-infra-backend', ['acme/', 'ai-infra-'], 'backend'],
    ['acme/backend', ['acme/', 'ai-infra-'], 'backend'],
    ['ai-infra-backend', ['', 'ai-infra-'], 'ai-infra-backend'],
    ['backend', ['ai-infra-'], undefined],
    // What would be left is no image name: the next prefix, or none.
    ['ai-infra-', ['ai-infra-'], undefined],
    ['ai-infra-Backend', ['ai-infra-'], undefined],
    ['ai-infra-x/y', ['ai-infra-x', 'ai-infra-'], undefined],
  ])('%j without %j: %j', (image, prefixes, name) => {
    expect(imageNameWithout(image, prefixes)).toBe(name);
  });
});

describe('envNamingNotes', () => {
  test.each<[Record<string, string>, string[]]>([
    [{}, []],
    [{ IMAGE_TAG: '', PRIVATE_REGISTRY: '' }, []],
    [
      { IMAGE_TAG: 'v0.3.8' },
      [
        '.env.example: IMAGE_TAG=v0.3.8 not mapped: build.sh tagged <image>:v0.3.8-<arch>, the plugin does not read the tag from .env; pass --tag=v0.3.8 or set "tag" in nx.json (default latest)',
      ],
    ],
    [
      { PRIVATE_REGISTRY: 'harbor.local:5000', OTHER: 'x' },
      [
        '.env.example: PRIVATE_REGISTRY=harbor.local:5000 not mapped: the plugin does not read the registry from .env; pass --registry=harbor.local:5000 or set "registry" in nx.json',
      ],
    ],
  ])('%j', (values, notes) => {
    expect(envNamingNotes(values, '.env.example')).toEqual(notes);
  });
});
