import { isSecretName, redactArgv, REDACTED } from './names';

describe('isSecretName', () => {
  test.each([
    'DB_PASSWORD',
    'GITHUB_TOKEN',
    'OPENAI_API_KEY',
    'JWT_SECRET',
    'SSH_PRIVATE_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'REGISTRY_PASSWORD',
    'NPM_TOKEN',
    'BASIC_AUTH',
    'PASSWORD',
    'SECRET',
    'TOKEN',
    'AUTH_TOKEN',
    'SMTP_PASSWD',
    'GPG_PASSPHRASE',
    'MYSQL_ROOT_PWD',
    'STRIPE_APIKEY',
    'AWS_ACCESSKEY',
    'DJANGO_SECRET_KEY',
    'GIT_PRIVATEKEY',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'DOCKER_CREDENTIAL',
    'K8S_SECRETS',
    'db_password',
    'Github_Token',
  ])('%s is a secret name', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  test.each([
    'AUTHOR',
    'AUTHORS',
    'AUTHENTIK_HOST',
    'OAUTH_ISSUER',
    'KEYCLOAK_VERSION',
    'MONKEY',
    'KEY',
    'PUBLIC_KEY',
    'KEYBOARD_LAYOUT',
    'TOKENIZER_MODEL',
    'PASSWORDLESS_LOGIN',
    'SECRETARY_EMAIL',
    'UBUNTU_VERSION',
    'NODE_ENV',
    'HTTP_PROXY',
    'USER',
    'TARGETARCH',
    '',
  ])('%j is not a secret name', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('redactArgv', () => {
  // prettier-ignore
  test.each<[string, string[], string[]]>([
    [
      'a build hides only secret-named build-arg values',
      [
        'docker', 'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--tag', 'reg:5000/demo/api:1.0-arm64', '--build-arg', 'DB_PASSWORD=hunter2', '--build-arg', 'GITHUB_TOKEN=ghp_abc',
        '--build-arg', 'UBUNTU_VERSION=24.04', '--build-arg', 'OPENAI_API_KEY=sk-1=2', '--load', '/ws/images/api',
      ],
      [
        'docker', 'buildx', 'build', '--platform', 'linux/arm64', '--file', '/ws/images/api/Dockerfile',
        '--tag', 'reg:5000/demo/api:1.0-arm64', '--build-arg', 'DB_PASSWORD=***', '--build-arg', 'GITHUB_TOKEN=***',
        '--build-arg', 'UBUNTU_VERSION=24.04', '--build-arg', 'OPENAI_API_KEY=***', '--load', '/ws/images/api',
      ],
    ],
    [
      'proxy URL credentials are stripped, the rest of the URL kept',
      [
        'docker', 'buildx', 'build', '--build-arg', 'HTTP_PROXY=http://alice:s3cret@proxy.corp:3128',
        '--build-arg', 'https_proxy=http://bob@proxy.corp:3128/', '--build-arg', 'NO_PROXY=localhost,.corp', '.',
      ],
      [
        'docker', 'buildx', 'build', '--build-arg', 'HTTP_PROXY=http://***@proxy.corp:3128',
        '--build-arg', 'https_proxy=http://***@proxy.corp:3128/', '--build-arg', 'NO_PROXY=localhost,.corp', '.',
      ],
    ],
    [
      'a secret-named arg whose value is a URL is hidden entirely',
      ['--build-arg', 'REGISTRY_PASSWORD=https://u:p@reg'],
      ['--build-arg', 'REGISTRY_PASSWORD=***'],
    ],
    [
      'an empty secret value is still marked',
      ['--build-arg', 'JWT_SECRET='],
      ['--build-arg', 'JWT_SECRET=***'],
    ],
    [
      '--build-arg as the last element',
      ['docker', 'buildx', 'build', '.', '--build-arg'],
      ['docker', 'buildx', 'build', '.', '--build-arg'],
    ],
    [
      '--build-arg NAME without a value (docker reads the environment) is left alone',
      ['--build-arg', 'DB_PASSWORD', '--build-arg', '=x'],
      ['--build-arg', 'DB_PASSWORD', '--build-arg', '=x'],
    ],
    [
      'NAME=value after any other flag is untouched',
      ['DB_PASSWORD=first', '--label', 'DB_PASSWORD=x', '--env', 'GITHUB_TOKEN=y', '--tag', 'reg/api:token-arm64'],
      ['DB_PASSWORD=first', '--label', 'DB_PASSWORD=x', '--env', 'GITHUB_TOKEN=y', '--tag', 'reg/api:token-arm64'],
    ],
    [
      'URL credentials are stripped in any argument',
      ['docker', 'login', 'https://user:pw@registry.example.com', '--label', 'src=git+ssh://git:key@host/repo'],
      ['docker', 'login', 'https://***@registry.example.com', '--label', 'src=git+ssh://***@host/repo'],
    ],
    [
      'a run without build args is unchanged',
      ['docker', 'run', '--detach', '--name', 'svc', '--platform', 'linux/amd64', '--pull', 'never', 'reg/hub:1-amd64'],
      ['docker', 'run', '--detach', '--name', 'svc', '--platform', 'linux/amd64', '--pull', 'never', 'reg/hub:1-amd64'],
    ],
    ['empty', [], []],
  ])('%s', (_name, argv, expected) => {
    expect(redactArgv(argv)).toEqual(expected);
  });

  it('leaves its input alone', () => {
    const argv = ['--build-arg', 'DB_PASSWORD=hunter2'];
    expect(redactArgv(argv)).toEqual(['--build-arg', `DB_PASSWORD=${REDACTED}`]);
    expect(argv).toEqual(['--build-arg', 'DB_PASSWORD=hunter2']);
  });
});
