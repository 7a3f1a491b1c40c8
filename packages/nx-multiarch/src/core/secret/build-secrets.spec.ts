import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../failure/errors';
import { buildSecrets, type SecretLookup } from './build-secrets';

const SOURCE = 'apps/api/project.json';

describe('buildSecrets', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-multiarch-secrets-spec-'));
    mkdirSync(join(root, 'secrets'));
    writeFileSync(join(root, 'secrets', 'netrc'), 'machine example.com login ci password hunter22\n');
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const lookup = (fields: Partial<SecretLookup> = {}): SecretLookup => ({
    values: {},
    env: {},
    workspaceRoot: root,
    readFile: (path) => readFileSync(path, 'utf8'),
    ...fields,
  });

  /** The ConfigError `action` throws, for a full comparison. */
  const thrown = (action: () => unknown): ConfigError => {
    try {
      action();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('no ConfigError was thrown');
  };

  it('has nothing to do without secrets', () => {
    expect(buildSecrets([], {}, lookup(), SOURCE)).toEqual({ flags: [], env: {}, values: [], missing: [] });
  });

  it('reads a mounted id from the variable of that name (.env included)', () => {
    const secrets = buildSecrets(['npm_token'], {}, lookup({ values: { npm_token: 'npm_abcdef123456' } }), SOURCE);
    expect(secrets).toEqual({
      flags: ['id=npm_token,env=npm_token'],
      env: { npm_token: 'npm_abcdef123456' },
      values: ['npm_abcdef123456'],
      missing: [],
    });
  });

  it('prefers the merged values over the process environment', () => {
    const secrets = buildSecrets(
      ['NPM_TOKEN'],
      {},
      lookup({ values: { NPM_TOKEN: 'from-dotenv' }, env: { NPM_TOKEN: 'from-process' } }),
      SOURCE,
    );
    expect(secrets).toEqual({
      flags: ['id=NPM_TOKEN,env=NPM_TOKEN'],
      env: { NPM_TOKEN: 'from-dotenv' },
      values: ['from-dotenv'],
      missing: [],
    });
  });

  it('reads a mapped env: source from the process environment', () => {
    const secrets = buildSecrets(
      ['npm_token'],
      { npm_token: 'env:OTHER' },
      lookup({ env: { OTHER: 'ghp_0123456789', npm_token: 'not-this-one' } }),
      SOURCE,
    );
    expect(secrets).toEqual({
      flags: ['id=npm_token,env=OTHER'],
      env: { OTHER: 'ghp_0123456789' },
      values: ['ghp_0123456789'],
      missing: [],
    });
  });

  it('reads a mapped file: source relative to the workspace root, passing its path only', () => {
    const secrets = buildSecrets([], { netrc: 'file:secrets/netrc' }, lookup(), SOURCE);
    expect(secrets).toEqual({
      flags: [`id=netrc,src=${join(root, 'secrets', 'netrc')}`],
      env: {},
      values: ['machine example.com login ci password hunter22'],
      missing: [],
    });
  });

  it('takes an absolute file: path as it is', () => {
    const path = join(root, 'secrets', 'netrc');
    const secrets = buildSecrets(['netrc'], { netrc: `file:${path}` }, lookup(), SOURCE);
    expect(secrets).toEqual({
      flags: [`id=netrc,src=${path}`],
      env: {},
      values: ['machine example.com login ci password hunter22'],
      missing: [],
    });
  });

  it('lists a mounted, unmapped id with no value as missing, and an empty value too', () => {
    const secrets = buildSecrets(
      ['npm_token', 'sentry_token', 'pip_token'],
      {},
      lookup({ values: { sentry_token: '' }, env: { pip_token: 'pypi-AgEIcHlwaS5vcmc' } }),
      SOURCE,
    );
    expect(secrets).toEqual({
      flags: ['id=pip_token,env=pip_token'],
      env: { pip_token: 'pypi-AgEIcHlwaS5vcmc' },
      values: ['pypi-AgEIcHlwaS5vcmc'],
      missing: ['npm_token', 'sentry_token'],
    });
  });

  it('takes each id once, mounted or mapped', () => {
    const secrets = buildSecrets(
      ['npm_token', 'npm_token'],
      { npm_token: 'env:NPM_TOKEN', netrc: 'file:secrets/netrc' },
      lookup({ env: { NPM_TOKEN: 'npm_abcdef123456' } }),
      SOURCE,
    );
    expect(secrets).toEqual({
      flags: ['id=npm_token,env=NPM_TOKEN', `id=netrc,src=${join(root, 'secrets', 'netrc')}`],
      env: { NPM_TOKEN: 'npm_abcdef123456' },
      values: ['npm_abcdef123456', 'machine example.com login ci password hunter22'],
      missing: [],
    });
  });

  it('rejects a mapped variable that is not set, naming the field and the fix', () => {
    const error = thrown(() => buildSecrets(['npm_token'], { npm_token: 'env:NPM_TOKEN' }, lookup(), SOURCE));
    expect(error).toMatchObject({
      source: SOURCE,
      field: 'secrets.npm_token',
      problem: 'NPM_TOKEN is not set',
      fix: 'set NPM_TOKEN in .env or the environment',
    });
    expect(error.message).toBe(
      'apps/api/project.json: secrets.npm_token: NPM_TOKEN is not set. Fix: set NPM_TOKEN in .env or the environment',
    );
  });

  it('rejects a mapped variable that is empty', () => {
    const error = thrown(() =>
      buildSecrets([], { npm_token: 'env:NPM_TOKEN' }, lookup({ values: { NPM_TOKEN: '' } }), SOURCE),
    );
    expect(error.message).toBe(
      'apps/api/project.json: secrets.npm_token: NPM_TOKEN is not set. Fix: set NPM_TOKEN in .env or the environment',
    );
  });

  test.each(['foo', 'env:', 'file:', 'vault:kv/npm'])('rejects the source %p', (from) => {
    const error = thrown(() => buildSecrets([], { npm_token: from }, lookup(), SOURCE));
    expect(error).toMatchObject({
      source: SOURCE,
      field: 'secrets.npm_token',
      problem: `'${from}' is not a secret source`,
      fix: 'use env:NAME or file:path',
    });
    expect(error.message).toBe(
      `apps/api/project.json: secrets.npm_token: '${from}' is not a secret source. Fix: use env:NAME or file:path`,
    );
  });

  it('rejects a file: source whose file does not exist', () => {
    const path = join(root, 'secrets', 'missing');
    const error = thrown(() => buildSecrets([], { netrc: 'file:secrets/missing' }, lookup(), SOURCE));
    expect(error).toMatchObject({
      source: SOURCE,
      field: 'secrets.netrc',
      problem: `${path} does not exist`,
      fix: 'create the file or fix the path',
    });
    expect(error.message).toBe(
      `apps/api/project.json: secrets.netrc: ${path} does not exist. Fix: create the file or fix the path`,
    );
  });
});
