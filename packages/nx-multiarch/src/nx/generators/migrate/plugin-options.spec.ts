import { ConfigError } from '../../../core/failure/errors';
import { migratedPluginOptions, type MigratedPluginOptions } from './plugin-options';

const WANTED = { components: ['src/*'], imagePrefix: 'ai-infra-', context: '.' };
const ROOTS = ['src/gitea', 'src/hub'];

describe('migratedPluginOptions', () => {
  test.each<[string, Record<string, unknown> | undefined, MigratedPluginOptions]>([
    ['no entry yet: what build.sh needs', undefined, { options: WANTED, notes: [] }],
    ['an empty entry', {}, { options: WANTED, notes: [] }],
    [
      'what the user set wins, the rest is filled in, builder key by key untouched',
      { tag: 'v1', imagePrefix: 'ai-infra-', builder: { driver: 'docker' } },
      { options: { ...WANTED, tag: 'v1', builder: { driver: 'docker' } }, notes: [] },
    ],
    [
      'components that cover the directories are kept',
      { components: ['**'] },
      { options: { ...WANTED, components: ['**'] }, notes: [] },
    ],
    [
      'components that leave them out are extended',
      { components: ['images/*'] },
      {
        options: { ...WANTED, components: ['images/*', 'src/*'] },
        notes: ['nx.json components ["images/*"] leave out src/gitea, src/hub; added src/*'],
      },
    ],
    [
      'another context is kept, and said to differ',
      { context: 'src' },
      {
        options: { ...WANTED, context: 'src' },
        notes: [
          'nx.json sets context to "src"; kept it, but build.sh built every component from the repository root ("."), so a Dockerfile that copies from outside it fails (context)',
        ],
      },
    ],
    ['the result of a first run: unchanged', WANTED, { options: WANTED, notes: [] }],
  ])('%s', (_, existing, expected) => {
    expect(migratedPluginOptions(existing, WANTED, ROOTS)).toEqual(expected);
  });

  it('refuses options the plugin would refuse, naming nx.json', () => {
    expect(() => migratedPluginOptions({ platforms: ['s390x'] }, WANTED, ROOTS)).toThrow(ConfigError);
    expect(() => migratedPluginOptions({ platforms: ['s390x'] }, WANTED, ROOTS)).toThrow(
      /^nx.json plugins\[nx-multiarch\]\.options: platforms: /,
    );
  });

  it('does not change the options it was given', () => {
    const existing = { components: ['images/*'] };
    migratedPluginOptions(existing, WANTED, ROOTS);
    expect(existing).toEqual({ components: ['images/*'] });
  });
});
