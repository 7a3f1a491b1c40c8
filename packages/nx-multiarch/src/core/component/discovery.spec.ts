import { inComponents, primaryFiles } from './discovery';

const options = { components: ['images/*', 'platform/**/'] };

describe('inComponents', () => {
  it('matches a directory against the components globs, a trailing slash ignored', () => {
    expect(inComponents(options, 'images/hub')).toBe(true);
    expect(inComponents(options, 'platform/base/jdk')).toBe(true);
    expect(inComponents(options, 'docs/hub')).toBe(false);
  });

  it('never counts the workspace root', () => {
    expect(inComponents({ components: ['**'] }, '.')).toBe(false);
  });
});

describe('primaryFiles', () => {
  it('picks Dockerfile.tpl over Dockerfile over multiarch.json, whatever the order', () => {
    const files = [
      'nx.json',
      'images/a/multiarch.json',
      'images/a/Dockerfile',
      'images/b/Dockerfile',
      'images/b/Dockerfile.tpl',
      'images/c/multiarch.json',
    ];
    expect(primaryFiles(files, options)).toEqual(
      new Map([
        ['images/a', 'images/a/Dockerfile'],
        ['images/b', 'images/b/Dockerfile.tpl'],
        ['images/c', 'images/c/multiarch.json'],
      ]),
    );
  });

  it('leaves out nx.json and directories outside the components globs', () => {
    expect(primaryFiles(['nx.json', 'docs/x/Dockerfile'], { components: ['**'] })).toEqual(
      new Map([['docs/x', 'docs/x/Dockerfile']]),
    );
    expect(primaryFiles(['nx.json', 'docs/x/Dockerfile'], options).size).toBe(0);
  });
});
