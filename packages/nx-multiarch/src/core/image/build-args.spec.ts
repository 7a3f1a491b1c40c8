import type { WorkspaceEnv } from '../env/workspace-env';
import { AUTOMATIC_ARGS } from '../dockerfile/parse';
import { envBuildArgs, type EnvBuildArgs } from './build-args';

function workspaceEnv(values: Record<string, string>): WorkspaceEnv {
  return { values, sources: Object.fromEntries(Object.keys(values).map((name) => [name, 'env-file' as const])) };
}

// What a real .env looks like: versions, URLs, credentials, and names no Dockerfile declares.
const env = workspaceEnv({
  UBUNTU_VERSION: '24.04',
  GOLANG_IMAGE: 'golang:1.23-bookworm',
  NODE_ENV: 'production',
  SOURCE_URL: 'https://git.example.com/acme/api',
  EMPTY: '',
  DB_PASSWORD: 'hunter2',
  GITHUB_TOKEN: 'ghp_0123456789abcdef',
  OPENAI_API_KEY: 'sk-test',
  JWT_SECRET: 'jwt-secret',
  TARGETARCH: 'amd64',
  TARGETPLATFORM: 'linux/amd64',
  BUILDARCH: 'amd64',
  USER: 'alice',
});

describe('envBuildArgs', () => {
  // prettier-ignore
  test.each<[string, string[], EnvBuildArgs]>([
    ['nothing declared: nothing passes', [], { args: {}, withheld: [] }],
    ['declared and defined', ['UBUNTU_VERSION', 'GOLANG_IMAGE'], { args: { UBUNTU_VERSION: '24.04', GOLANG_IMAGE: 'golang:1.23-bookworm' }, withheld: [] }],
    ['declared but not defined: the Dockerfile default applies', ['UBUNTU_VERSION', 'APP_USER'], { args: { UBUNTU_VERSION: '24.04' }, withheld: [] }],
    ['an empty value is passed', ['EMPTY'], { args: { EMPTY: '' }, withheld: [] }],
    ['automatic platform ARGs never pass', ['TARGETARCH', 'TARGETPLATFORM', 'BUILDARCH', 'NODE_ENV'], { args: { NODE_ENV: 'production' }, withheld: [] }],
    [
      'secret-named ARGs are withheld and listed in declared order',
      ['JWT_SECRET', 'UBUNTU_VERSION', 'DB_PASSWORD', 'OPENAI_API_KEY', 'GITHUB_TOKEN'],
      { args: { UBUNTU_VERSION: '24.04' }, withheld: ['JWT_SECRET', 'DB_PASSWORD', 'OPENAI_API_KEY', 'GITHUB_TOKEN'] },
    ],
    ['a secret-named ARG without a value is neither passed nor listed', ['NPM_TOKEN', 'NODE_ENV'], { args: { NODE_ENV: 'production' }, withheld: [] }],
    ['USER passes because the workspace defines it; HOME, defined nowhere, does not', ['USER', 'HOME'], { args: { USER: 'alice' }, withheld: [] }],
  ])('%s', (_name, declared, expected) => {
    expect(envBuildArgs(declared, env)).toEqual(expected);
  });

  it('never passes a .env name the Dockerfile does not declare', () => {
    const result = envBuildArgs(['NODE_ENV'], env);
    expect(Object.keys(result.args)).toEqual(['NODE_ENV']);
    expect(result.withheld).toEqual([]);
  });

  test.each(AUTOMATIC_ARGS)('never passes %s, even when declared and defined', (name) => {
    expect(envBuildArgs([name], workspaceEnv({ [name]: 'x' }))).toEqual({ args: {}, withheld: [] });
  });

  it('does not take a name inherited from Object.prototype as defined', () => {
    expect(envBuildArgs(['constructor', 'toString'], workspaceEnv({}))).toEqual({ args: {}, withheld: [] });
  });
});
