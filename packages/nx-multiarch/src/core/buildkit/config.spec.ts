import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDaemonConfig } from '../docker-config/daemon';
import { certsDirLookup } from './certificates';
import {
  buildkitdConfigFromDocker,
  inCidr,
  isInsecureRegistry,
  parseMirror,
  stringifyBuildkitdConfig,
  type CertificateLookup,
  type ExtraRegistry,
} from './config';

const fixtures = join(__dirname, '../../../test/fixtures');

// Certificates as dockerd would find them under /etc/docker/certs.d (fixed paths keep the golden files portable).
const certificates: CertificateLookup = (host) =>
  host === 'harbor.corp.example'
    ? {
        ca: ['/etc/docker/certs.d/harbor.corp.example/ca.crt'],
        keypair: [
          {
            cert: '/etc/docker/certs.d/harbor.corp.example/client.cert',
            key: '/etc/docker/certs.d/harbor.corp.example/client.key',
          },
        ],
      }
    : undefined;

const cases: Array<[string, Record<string, ExtraRegistry>, string[]]> = [
  ['lab', {}, []],
  [
    'corporate',
    { '127.0.0.1:5000': { http: true }, 'harbor.corp.example': { mirrors: ['harbor-cache.corp.example'] } },
    [
      'insecure-registries: the range 172.16.0.0/12 cannot be written in buildkitd.toml; list the registries in it by host:port ' +
        'in the plugin option "registries" so the builder skips TLS verification for them too',
    ],
  ],
  [
    'wrong-keys',
    {},
    ["insecure-registries: 'http://old.example:5000' should not have a scheme; read as 'old.example:5000'"],
  ],
  ['empty', {}, []],
];

describe('buildkitd.toml from daemon.json (golden files)', () => {
  test.each(cases)('%s', (name, extra, warnings) => {
    const daemonFile = join(fixtures, 'daemon', `${name}.json`);
    const daemon = parseDaemonConfig(readFileSync(daemonFile, 'utf8'), `/etc/docker/daemon.json`);
    const result = buildkitdConfigFromDocker(daemon, extra, certificates);
    const toml = stringifyBuildkitdConfig(result.config, '/etc/docker/daemon.json');
    const golden = join(fixtures, 'buildkitd', `${name}.toml`);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, toml);
    expect(toml).toBe(readFileSync(golden, 'utf8'));
    expect(result.warnings).toEqual(warnings);
  });

  it('lists every mirror for docker.io, without scheme, in order, and never the proxy credentials', () => {
    const toml = readFileSync(join(fixtures, 'buildkitd', 'corporate.toml'), 'utf8');
    expect(toml).toContain(
      '[registry."docker.io"]\nmirrors = [ "mirror.gcr.io", "10.20.0.5:5000", "harbor.corp.example/v2/proxy-dockerhub", "192.168.10.4:8443" ]',
    );
    expect(toml).not.toContain('s3cret');
  });

  it('is the same bytes for the same input (the builder fingerprint depends on it)', () => {
    const daemon = parseDaemonConfig(readFileSync(join(fixtures, 'daemon', 'corporate.json'), 'utf8'), 'd.json');
    const once = stringifyBuildkitdConfig(buildkitdConfigFromDocker(daemon, {}, certificates).config, 'd.json');
    const twice = stringifyBuildkitdConfig(buildkitdConfigFromDocker(daemon, {}, certificates).config, 'd.json');
    expect(once).toBe(twice);
  });
});

describe('parseMirror', () => {
  test.each([
    ['http://127.0.0.1:5000', { host: '127.0.0.1:5000', location: '127.0.0.1:5000', http: true }],
    ['https://mirror.gcr.io', { host: 'mirror.gcr.io', location: 'mirror.gcr.io', http: false }],
    ['https://harbor.corp/v2/proxy/', { host: 'harbor.corp', location: 'harbor.corp/v2/proxy', http: false }],
    ['https://[fd00::5]:5000', { host: '[fd00::5]:5000', location: '[fd00::5]:5000', http: false }],
  ])('%s', (url, expected) => {
    expect(parseMirror(url)).toEqual(expected);
  });
});

describe('insecure registries', () => {
  test.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['192.168.10.4', '192.168.0.0/16', true],
    ['harbor.corp', '10.0.0.0/8', false],
  ])('inCidr(%s, %s) = %s', (ip, cidr, expected) => {
    expect(inCidr(ip, cidr)).toBe(expected);
  });

  test.each([
    ['registry.corp:5000', ['registry.corp:5000'], true],
    ['registry.corp:5000', ['registry.corp'], true],
    ['registry.corp:5000', ['other.corp:5000'], false],
    ['192.168.10.4:8443', ['192.168.0.0/16'], true],
    ['127.0.0.1:5000', [], true],
    ['localhost:5000', [], true],
    ['mirror.gcr.io', ['10.0.0.0/8'], false],
  ])('isInsecureRegistry(%s, %j) = %s', (host, list, expected) => {
    expect(isInsecureRegistry(host, list)).toBe(expected);
  });
});

describe('certsDirLookup', () => {
  it('finds CA files and cert/key pairs the way dockerd does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certs-'));
    mkdirSync(join(dir, 'registry.corp:5000'));
    for (const file of ['ca.crt', 'client.cert', 'client.key', 'orphan.cert'])
      writeFileSync(join(dir, 'registry.corp:5000', file), '');
    expect(certsDirLookup(dir)('registry.corp:5000')).toEqual({
      ca: [join(dir, 'registry.corp:5000/ca.crt')],
      keypair: [{ cert: join(dir, 'registry.corp:5000/client.cert'), key: join(dir, 'registry.corp:5000/client.key') }],
    });
    expect(certsDirLookup(dir)('other:5000')).toBeUndefined();
  });
});
