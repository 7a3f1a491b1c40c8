import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readComponent } from '../../core/component/component';
import { normalizePluginOptions } from '../../core/options/plugin';
import { imageInputs } from './inputs';

function inputsOf(root: string, files: Record<string, string>): unknown[] {
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'inputs-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceRoot, path)), { recursive: true });
    writeFileSync(join(workspaceRoot, path), text);
  }
  const options = normalizePluginOptions({});
  return imageInputs(readComponent(root, workspaceRoot, options), options, workspaceRoot);
}

// Read whatever a .dockerignore says: the Dockerfile, multiarch.json, both ignore files BuildKit may apply.
const OWN = (root: string, contextIgnore = `${root}/.dockerignore`) => [
  `{workspaceRoot}/${root}/Dockerfile`,
  `{workspaceRoot}/${root}/multiarch.json`,
  `{workspaceRoot}/${root}/Dockerfile.dockerignore`,
  `{workspaceRoot}/${contextIgnore}`,
];

describe('imageInputs', () => {
  test.each([
    [
      'a Dockerfile that copies nothing: its own files only, not a README beside it',
      'images/base',
      { 'images/base/Dockerfile': 'FROM alpine:3.20\nRUN echo 1\n', 'images/base/README.md': 'docs\n' },
      [...OWN('images/base'), '{workspaceRoot}/.env.example'],
    ],
    [
      'COPY . minus the .dockerignore, which never drops the Dockerfile or itself',
      'images/worker',
      {
        'images/worker/Dockerfile': 'FROM alpine:3.20\nCOPY . /srv\n',
        'images/worker/.dockerignore': 'README.md\nDockerfile\n.dockerignore\n',
      },
      [
        ...OWN('images/worker'),
        '{workspaceRoot}/images/worker/**/*',
        '!{workspaceRoot}/images/worker/README.md',
        '!{workspaceRoot}/images/worker/README.md/**',
        '!{workspaceRoot}/images/worker/Dockerfile/**',
        '!{workspaceRoot}/images/worker/.dockerignore/**',
        '{workspaceRoot}/.env.example',
      ],
    ],
    [
      'a repository-root context: the shared file it copies, not the rest of the root; .env.example stays hashed',
      'images/api',
      {
        'images/api/Dockerfile': 'FROM alpine:3.20\nCOPY shared/config.txt /etc/api.conf\n',
        'images/api/multiarch.json': JSON.stringify({ context: '../..' }),
        '.dockerignore': '.env*\n',
        'shared/config.txt': 'a\n',
        'README.md': 'docs\n',
      },
      [
        ...OWN('images/api', '.dockerignore'),
        '{workspaceRoot}/shared/config.txt',
        '{workspaceRoot}/shared/config.txt/**/*',
        '!{workspaceRoot}/.env*/**',
        '{workspaceRoot}/.env.example',
      ],
    ],
    [
      "<Dockerfile>.dockerignore beside the Dockerfile wins over the context's .dockerignore, as in BuildKit",
      'images/api',
      {
        'images/api/Dockerfile': 'FROM alpine:3.20\nCOPY shared /etc/shared\n',
        'images/api/Dockerfile.dockerignore': 'shared/*.md\n',
        'images/api/multiarch.json': JSON.stringify({ context: '../..' }),
        '.dockerignore': 'shared\n',
        'shared/config.txt': 'a\n',
      },
      [
        ...OWN('images/api', '.dockerignore'),
        '{workspaceRoot}/shared',
        '{workspaceRoot}/shared/**/*',
        '!{workspaceRoot}/shared/*.md',
        '!{workspaceRoot}/shared/*.md/**',
        '{workspaceRoot}/.env.example',
      ],
    ],
    [
      'an upstream image: its multiarch.json',
      'images/cache',
      { 'images/cache/multiarch.json': JSON.stringify({ upstream: 'redis:7.2-alpine' }) },
      ['{workspaceRoot}/images/cache/multiarch.json', '{workspaceRoot}/.env.example'],
    ],
  ])('%s', (_name, root, files, expected) => {
    expect(inputsOf(root, files)).toEqual(expected);
  });
});
