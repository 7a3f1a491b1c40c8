import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextWarning, dockerignoreExclusions, hasDockerignore, isSensitive, walkContext } from './build-context';

describe('dockerignoreExclusions', () => {
  test.each([
    [
      'plain names and globs',
      '.git\nnode_modules/\n# comment\n\n**/*.log\n/dist\n./tmp',
      [
        '.git',
        '.git/**',
        'node_modules',
        'node_modules/**',
        '**/*.log',
        '**/*.log/**',
        'dist',
        'dist/**',
        'tmp',
        'tmp/**',
      ],
    ],
    ['a re-inclusion makes it exclude nothing', '*\n!src/gitea', []],
    ['everything-patterns are left to buildx', '*\n**\n.', []],
  ])('%s', (_name, text, expected) => {
    expect(dockerignoreExclusions(text)).toEqual(expected);
  });
});

describe('isSensitive', () => {
  test.each([
    ['.env', true],
    ['deploy/.env.production', true],
    ['.env.example', false],
    ['src/.env.sample', false],
    ['certs/server.pem', true],
    ['tls/server.KEY', true],
    ['home/.ssh/id_ed25519', true],
    ['home/.ssh/id_ed25519.pub', false],
    ['.npmrc', true],
    ['ci/.docker/config.json', true],
    ['src/gitea/gitea-entrypoint.sh', false],
    ['docs/keys.md', false],
  ])('%s -> %s', (path, expected) => {
    expect(isSensitive(path)).toBe(expected);
  });
});

describe('walkContext and contextWarning on a repository-root context', () => {
  const root = mkdtempSync(join(tmpdir(), 'nx-multiarch-context-'));
  mkdirSync(join(root, 'src/gitea'), { recursive: true });
  mkdirSync(join(root, 'certs'));
  writeFileSync(join(root, 'src/gitea/Dockerfile'), 'FROM gitea/gitea:1.22\nCOPY src/gitea/entry.sh /\n');
  writeFileSync(join(root, 'src/gitea/entry.sh'), '#!/bin/sh\n'.repeat(100));
  writeFileSync(join(root, '.env'), 'DB_PASSWORD=x\n');
  writeFileSync(join(root, '.env.example'), 'DB_PASSWORD=\n');
  writeFileSync(join(root, 'certs/ca.key'), 'k'.repeat(2000));

  it('counts files and bytes and finds what looks like secrets', () => {
    expect(walkContext(root)).toEqual({
      files: 5,
      bytes: 48 + 1000 + 14 + 13 + 2000,
      sensitive: ['.env', 'certs/ca.key'],
      truncated: false,
    });
  });

  it('stops at its limit and says the counts are lower bounds', () => {
    const found = walkContext(root, 2);
    expect(found).toMatchObject({ files: 2, truncated: true });
    expect(contextWarning('gitea', root, found)).toContain('sends all of it: at least 2 files, at least ');
  });

  it('warns once with the size, the secrets and the fix', () => {
    expect(contextWarning('gitea', root, walkContext(root))).toBe(
      `gitea: the build context ${root} has no .dockerignore, so buildx sends all of it: 5 files, 4 kB, including ` +
        '.env, certs/ca.key: secrets in the context reach the builder, and a COPY . puts them in the image. ' +
        `Fix: add ${root}/.dockerignore listing what no image needs (.git, node_modules, dist, .env, *.pem, *.key)`,
    );
  });

  it('sees a .dockerignore in the context or beside the Dockerfile', () => {
    const dockerfile = join(root, 'src/gitea/Dockerfile');
    expect(hasDockerignore(root, dockerfile)).toBe(false);
    writeFileSync(join(root, 'src/gitea/Dockerfile.dockerignore'), '.env\n');
    expect(hasDockerignore(root, dockerfile)).toBe(true);
  });
});
