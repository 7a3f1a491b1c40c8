import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../failure/errors';
import { daemonConfigCandidates, findDaemonConfig, parseDaemonConfig } from './daemon';

const fixture = (name: string) => join(__dirname, '../../../test/fixtures/daemon', name);
const parseFixture = (name: string) => parseDaemonConfig(readFileSync(fixture(name), 'utf8'), `fixtures/${name}`);

describe('daemonConfigCandidates', () => {
  test.each([
    [{ env: {}, home: '/root', rootless: false }, ['/etc/docker/daemon.json', '/root/.config/docker/daemon.json']],
    [{ env: {}, home: '/home/ci', rootless: true }, ['/home/ci/.config/docker/daemon.json', '/etc/docker/daemon.json']],
    [
      { env: { XDG_CONFIG_HOME: '/xdg' }, home: '/home/ci', rootless: true },
      ['/xdg/docker/daemon.json', '/etc/docker/daemon.json'],
    ],
    [{ option: '/opt/lab/daemon.json', env: {}, home: '/root', rootless: false }, ['/opt/lab/daemon.json']],
    [
      { env: { XDG_CONFIG_HOME: '/var/lib/lab/config' }, home: '/root', rootless: false },
      ['/etc/docker/daemon.json', '/var/lib/lab/config/docker/daemon.json'],
    ],
    [
      { option: '/opt/a.json', env: { XDG_CONFIG_HOME: '/var/lib/lab/config' }, home: '/root', rootless: false },
      ['/opt/a.json'],
    ],
  ])('%j', (search, expected) => {
    expect(daemonConfigCandidates(search)).toEqual(expected);
  });
});

describe('findDaemonConfig', () => {
  it('takes the first that exists', () => {
    const exists = (path: string) => path === '/root/.config/docker/daemon.json';
    expect(findDaemonConfig({ env: {}, home: '/root', rootless: false }, exists)).toBe(
      '/root/.config/docker/daemon.json',
    );
  });

  it('is fine with none (no mirrors, no proxies)', () => {
    expect(findDaemonConfig({ env: {}, home: '/root', rootless: false }, () => false)).toBeUndefined();
  });

  it('fails when the daemonConfig option names a missing file', () => {
    expect(() =>
      findDaemonConfig({ option: '/nope/daemon.json', env: {}, home: '/root', rootless: false }, () => false),
    ).toThrow(
      'daemonConfig option: daemonConfig: /nope/daemon.json does not exist. Fix: point daemonConfig at the daemon.json your dockerd reads, or remove it',
    );
  });
});

describe("the daemonConfig option, the one channel besides Docker's own locations", () => {
  it('names the option when its file is missing', () => {
    const search = { option: '/gone.json', env: {}, home: '/root', rootless: false };
    expect(() => findDaemonConfig(search, () => false)).toThrow(
      'daemonConfig option: daemonConfig: /gone.json does not exist',
    );
  });

  it("is no error when Docker's own locations have no daemon.json", () => {
    expect(findDaemonConfig({ env: {}, home: '/root', rootless: false }, () => false)).toBeUndefined();
  });
});

describe('parseDaemonConfig', () => {
  it('reads the lab daemon.json', () => {
    expect(parseFixture('lab.json')).toEqual({
      file: 'fixtures/lab.json',
      registryMirrors: ['http://127.0.0.1:5000'],
      insecureRegistries: ['127.0.0.1:5000'],
      proxies: {},
      warnings: [],
    });
  });

  it('reads every mirror, insecure registry and proxy', () => {
    expect(parseFixture('corporate.json')).toEqual({
      file: 'fixtures/corporate.json',
      registryMirrors: [
        'https://mirror.gcr.io',
        'http://10.20.0.5:5000',
        'https://harbor.corp.example/v2/proxy-dockerhub/',
        'https://192.168.10.4:8443',
      ],
      insecureRegistries: ['harbor.corp.example', 'registry.corp.example:5000', '192.168.0.0/16', '172.16.0.0/12'],
      proxies: {
        httpProxy: 'http://build:s3cret@proxy.corp.example:3128',
        httpsProxy: 'http://build:s3cret@proxy.corp.example:3128',
        noProxy: 'localhost,127.0.0.0/8,.corp.example',
      },
      warnings: [],
    });
  });

  it('warns about keys in the wrong form, naming the right key', () => {
    expect(parseFixture('wrong-keys.json').warnings).toEqual([
      "fixtures/wrong-keys.json: 'registryMirrors' is not a daemon.json key and is ignored; use 'registry-mirrors'",
      "fixtures/wrong-keys.json: 'httpProxy' is not a daemon.json key and is ignored; use 'proxies.http-proxy'",
      "fixtures/wrong-keys.json: 'proxies.httpsProxy' is ignored; use 'proxies.https-proxy'",
    ]);
  });

  test.each([
    ['malformed.json', /^fixtures\/malformed\.json: \(file\): not valid JSON \(.+\)\. Fix: fix the JSON syntax/],
    [
      'wrong-type.json',
      /^fixtures\/wrong-type\.json: registry-mirrors: Invalid input: expected array, received string/,
    ],
  ])('%s: a clear error with file and field', (name, message) => {
    expect(() => parseFixture(name)).toThrow(ConfigError);
    expect(() => parseFixture(name)).toThrow(message);
  });

  test.each([
    ['[]', '(top level): not a JSON object'],
    ['{"registry-mirrors": ["mirror.example.com"]}', 'registry-mirrors.0: a URL such as https://mirror.example.com'],
    ['{"proxies": {"http-proxy": 3128}}', 'proxies.http-proxy: Invalid input: expected string, received number'],
  ])('%s', (text, message) => {
    expect(() => parseDaemonConfig(text, 'daemon.json')).toThrow(`daemon.json: ${message}`);
  });
});
