import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_ENV_FILES,
  ensureEnvFile,
  readWorkspaceEnv,
  resolveWorkspaceEnv,
  type EnvLayers,
  type ValueSource,
} from './workspace-env';

const workspace = () => mkdtempSync(join(tmpdir(), 'workspace-env-'));

describe('resolveWorkspaceEnv', () => {
  describe('precedence: shell > .env > .env.example > options', () => {
    // prettier-ignore
    test.each<[string, EnvLayers, string, ValueSource]>([
      ['options only', { options: { X: 'opt' }, shell: {} }, 'opt', 'plugin-options'],
      ['.env.example over options', { options: { X: 'opt' }, example: 'X=example', shell: {} }, 'example', 'example-file'],
      ['.env over .env.example', { example: 'X=example', env: 'X=env', shell: {} }, 'env', 'env-file'],
      ['.env over options', { options: { X: 'opt' }, env: 'X=env', shell: {} }, 'env', 'env-file'],
      ['shell over .env', { env: 'X=env', shell: { X: 'shell' } }, 'shell', 'shell'],
      ['shell over every layer', { options: { X: 'opt' }, example: 'X=example', env: 'X=env', shell: { X: 'shell' } }, 'shell', 'shell'],
      ['shell over options alone', { options: { X: 'opt' }, shell: { X: 'shell' } }, 'shell', 'shell'],
      ['an empty .env value over .env.example', { example: 'X=example', env: 'X=', shell: {} }, '', 'env-file'],
      ['an empty shell value over .env', { env: 'X=env', shell: { X: '' } }, '', 'shell'],
      ['an undefined shell entry is not set', { env: 'X=env', shell: { X: undefined } }, 'env', 'env-file'],
    ])('%s', (_name, layers, value, source) => {
      const resolved = resolveWorkspaceEnv(layers);
      expect(resolved.values).toEqual({ X: value });
      expect(resolved.sources).toEqual({ X: source });
    });
  });

  it('takes names from the files and options only, never from the whole shell', () => {
    const resolved = resolveWorkspaceEnv({
      options: { REGISTRY: 'localhost:5000' },
      env: 'VERSION=1.0',
      shell: { USER: 'alice', HOME: '/home/alice', PATH: '/usr/bin', VERSION: '2.0' },
    });
    expect(resolved.values).toEqual({ REGISTRY: 'localhost:5000', VERSION: '2.0' });
    expect(resolved.values).not.toHaveProperty('USER');
  });

  it('records where every value came from', () => {
    expect(
      resolveWorkspaceEnv({
        options: { FROM_OPTIONS: 'o', SHADOWED: 'o' },
        example: 'SHADOWED=e\nFROM_EXAMPLE=e\nFROM_ENV=e',
        env: 'FROM_ENV=env\nFROM_SHELL=env',
        shell: { FROM_SHELL: 'sh', USER: 'alice' },
      }).sources,
    ).toEqual({
      FROM_OPTIONS: 'plugin-options',
      SHADOWED: 'example-file',
      FROM_EXAMPLE: 'example-file',
      FROM_ENV: 'env-file',
      FROM_SHELL: 'shell',
    });
  });

  it('is empty without files, options or anything but the shell', () => {
    expect(resolveWorkspaceEnv({ shell: { USER: 'alice' } })).toEqual({ values: {}, sources: {} });
  });

  describe('${A} and ${A:-default} expansion', () => {
    // prettier-ignore
    test.each<[string, EnvLayers, Record<string, string>]>([
      ['${A} from the same file', { env: 'A=1\nB=${A}/x', shell: {} }, { A: '1', B: '1/x' }],
      ['$A without braces', { env: 'A=1\nB=$A-x', shell: {} }, { A: '1', B: '1-x' }],
      ['${A:-default} when A is not defined', { env: 'B=${A:-fallback}', shell: {} }, { B: 'fallback' }],
      ['${A:-default} when A is empty', { env: 'A=\nB=${A:-fallback}', shell: {} }, { A: '', B: 'fallback' }],
      ['${A:-default} when A is defined', { env: 'A=1\nB=${A:-fallback}', shell: {} }, { A: '1', B: '1' }],
      ['${A} undefined: empty', { env: 'B=x${A}y', shell: {} }, { B: 'xy' }],
      ['${A} from a shell-only variable, which stays out of values', { env: 'CACHE=${HOME}/.cache', shell: { HOME: '/home/alice' } }, { CACHE: '/home/alice/.cache' }],
      ['${A:-default} against a shell value', { env: 'B=${A:-fallback}', shell: { A: 'sh' } }, { B: 'sh' }],
      ['${A} where the shell overrides the file A', { env: 'A=file\nB=${A}', shell: { A: 'sh' } }, { A: 'sh', B: 'sh' }],
      ['across layers: .env uses .env.example', { example: 'REGISTRY=localhost:5000', env: 'IMAGE=${REGISTRY}/demo/api', shell: {} }, { REGISTRY: 'localhost:5000', IMAGE: 'localhost:5000/demo/api' }],
      ['across layers: .env.example uses options', { options: { TAG: '1.0' }, example: 'REF=api:${TAG}', shell: {} }, { TAG: '1.0', REF: 'api:1.0' }],
      ['${A} where the shell sets A empty', { env: 'A=file\nB=x${A}y', shell: { A: '' } }, { A: '', B: 'xy' }],
      ['a shell value is taken as it is, not expanded', { env: 'A=file', shell: { A: '${B}', B: 'b' } }, { A: '${B}' }],
    ])('%s', (_name, layers, values) => {
      expect(resolveWorkspaceEnv(layers).values).toEqual(values);
    });
  });

  describe('.env syntax', () => {
    // prettier-ignore
    test.each<[string, string, Record<string, string>]>([
      ['export prefix', 'export X=1', { X: '1' }],
      ['double quotes keep spaces and #', 'X="a b # not a comment"', { X: 'a b # not a comment' }],
      ['single quotes keep spaces and #', "X='a b # not a comment'", { X: 'a b # not a comment' }],
      ['an inline comment after an unquoted value', 'X=v # comment', { X: 'v' }],
      ['comment lines and blank lines', '# A comment\n\n#Y=commented out\nX=1\n', { X: '1' }],
      ['an empty value', 'X=', { X: '' }],
      ['a value with =', 'X=a=b', { X: 'a=b' }],
      ['CRLF line endings', 'X=1\r\nY=2\r\n', { X: '1', Y: '2' }],
      ['the last definition wins', 'X=1\nX=2', { X: '2' }],
    ])('%s', (_name, text, values) => {
      expect(resolveWorkspaceEnv({ env: text, shell: {} }).values).toEqual(values);
    });
  });

  it('does not change the layers it was given', () => {
    const options = { A: 'o' };
    const shell = { B: 'sh' };
    resolveWorkspaceEnv({ options, env: 'A=${B}\nC=1', shell });
    expect(options).toEqual({ A: 'o' });
    expect(shell).toEqual({ B: 'sh' });
  });
});

describe('readWorkspaceEnv', () => {
  it('reads .env and .env.example from the workspace root', () => {
    const root = workspace();
    writeFileSync(join(root, '.env.example'), 'A=example\nB=example\n');
    writeFileSync(join(root, '.env'), 'B=env\n');
    expect(readWorkspaceEnv(root, DEFAULT_ENV_FILES, { USER: 'alice' }, { C: 'opt' })).toEqual({
      values: { C: 'opt', A: 'example', B: 'env' },
      sources: { C: 'plugin-options', A: 'example-file', B: 'env-file' },
    });
  });

  it('treats missing files as empty', () => {
    expect(readWorkspaceEnv(workspace(), DEFAULT_ENV_FILES, { USER: 'alice' })).toEqual({ values: {}, sources: {} });
  });

  it('reads files at configured workspace-relative paths', () => {
    const root = workspace();
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config/local.env'), 'X=local\n');
    writeFileSync(join(root, '.env'), 'X=ignored\n');
    expect(
      readWorkspaceEnv(root, { envFile: 'config/local.env', exampleFile: 'config/defaults.env' }, {}).values,
    ).toEqual({ X: 'local' });
  });
});

describe('ensureEnvFile', () => {
  it('creates .env from .env.example with the same content', () => {
    const root = workspace();
    const example = '# defaults\nUBUNTU_VERSION=24.04\nDB_PASSWORD=change-me\n';
    writeFileSync(join(root, '.env.example'), example);
    expect(ensureEnvFile(root, DEFAULT_ENV_FILES)).toBe(true);
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe(example);
    expect(ensureEnvFile(root, DEFAULT_ENV_FILES)).toBe(false);
  });

  it('does not overwrite an existing .env', () => {
    const root = workspace();
    writeFileSync(join(root, '.env.example'), 'X=example\n');
    writeFileSync(join(root, '.env'), 'X=mine\n');
    expect(ensureEnvFile(root, DEFAULT_ENV_FILES)).toBe(false);
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe('X=mine\n');
  });

  it('returns false and creates nothing without an example', () => {
    const root = workspace();
    expect(ensureEnvFile(root, DEFAULT_ENV_FILES)).toBe(false);
    expect(existsSync(join(root, '.env'))).toBe(false);
  });

  it('uses the configured paths', () => {
    const root = workspace();
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config/defaults.env'), 'X=1\n');
    expect(ensureEnvFile(root, { envFile: 'config/local.env', exampleFile: 'config/defaults.env' })).toBe(true);
    expect(readFileSync(join(root, 'config/local.env'), 'utf8')).toBe('X=1\n');
    expect(existsSync(join(root, '.env'))).toBe(false);
  });
});
