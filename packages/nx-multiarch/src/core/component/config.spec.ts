import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../failure/errors';
import { parseComponentConfig, readComponentConfig } from './config';

describe('parseComponentConfig', () => {
  it('accepts every documented field', () => {
    const config = {
      name: 'api',
      phase: 'dependent',
      platforms: ['arm64'],
      images: [
        { name: 'api', target: 'api' },
        { name: 'api-init', target: 'api-init' },
      ],
      buildArgs: { VERSION: '1' },
      network: 'host',
    };
    expect(parseComponentConfig(JSON.stringify(config), 'src/api/multiarch.json')).toEqual(config);
  });

  test.each([
    ['{ "phase": "foundation", }', 'src/a/multiarch.json: (file): not valid JSON'],
    ['{ "phase": "base" }', 'src/a/multiarch.json: phase: Invalid option: expected one of "foundation"|"dependent"'],
    ['{ "images": [{ "name": "API" }] }', 'src/a/multiarch.json: images.0.name: lower-case letters'],
    ['{ "images": [] }', 'src/a/multiarch.json: images: Too small'],
    [
      '{ "buildArgs": { "X": 1 } }',
      'src/a/multiarch.json: buildArgs.X: Invalid input: expected string, received number',
    ],
    [
      '{ "upstreem": "redis" }',
      "src/a/multiarch.json: (top level): unknown key(s) upstreem. Fix: remove or rename 'upstreem'",
    ],
  ])('%s is rejected naming file and field', (text, message) => {
    const error = (() => {
      try {
        parseComponentConfig(text, 'src/a/multiarch.json');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.startsWith(message)).toBe(true);
  });
});

describe('parseComponentConfig: order, templates, tags and build-time services', () => {
  const FILE = 'src/worker/multiarch.json';

  it('accepts after, templates, tag, tags and services, filling in the service defaults', () => {
    const config = {
      phase: 'dependent',
      after: ['hub', 'api'],
      templates: ['conf/nginx.conf.tpl', 'index.html.tpl'],
      tag: '1.4.0',
      tags: ['stable', 'sha-0a1b2c3', '1.4'],
      services: [{ project: 'hub', port: 8080 }],
    };
    expect(parseComponentConfig(JSON.stringify(config), FILE)).toEqual({
      ...config,
      services: [{ project: 'hub', port: 8080, health: '/', timeout: 120, platform: 'match' }],
    });
  });

  it('keeps every service field that is given', () => {
    const service = {
      project: 'hub',
      image: 'hub-api',
      port: 443,
      health: '/healthz?ready=1',
      timeout: 300,
      hostname: 'hub.internal',
      buildArgs: { HUB_URL: 'http://{host}:{port}', HUB_IP: '{ip}', HUB: '{url}/v1', PLAIN: 'no placeholder' },
      platform: 'native',
    };
    expect(parseComponentConfig(JSON.stringify({ services: [service] }), FILE)).toEqual({ services: [service] });
  });

  test.each([
    ['{ "tag": "latest" }', { tag: 'latest' }],
    ['{ "tag": "_1.0-rc.1" }', { tag: '_1.0-rc.1' }],
    ['{ "tags": [] }', { tags: [] }],
    ['{ "after": [] }', { after: [] }],
    ['{ "services": [] }', { services: [] }],
    ['{ "templates": ["a.tpl"] }', { templates: ['a.tpl'] }],
  ])('accepts %s', (text, expected) => {
    expect(parseComponentConfig(text, FILE)).toEqual(expected);
  });

  // prettier-ignore
  test.each([
    ['{ "after": "hub" }', 'after: Invalid input: expected array, received string. Fix: correct the value as described'],
    ['{ "after": [""] }', 'after.0: Too small: expected string to have >=1 characters. Fix: correct the value as described'],
    ['{ "templates": ["conf/nginx.conf"] }', 'templates.0: a path inside the component ending in .tpl. Fix: correct the value as described'],
    ['{ "templates": ["/etc/nginx.conf.tpl"] }', 'templates.0: a path inside the component ending in .tpl. Fix: correct the value as described'],
    ['{ "templates": ["a.tpl", "b.tpl.bak"] }', 'templates.1: a path inside the component ending in .tpl. Fix: correct the value as described'],
    ['{ "templates": ["../shared/app.conf.tpl"] }', 'templates.0: a path inside the component ending in .tpl. Fix: correct the value as described'],
    ['{ "tag": "v1 beta" }', 'tag: a Docker tag: letters, digits, _ . -. Fix: correct the value as described'],
    ['{ "tag": "" }', 'tag: a Docker tag: letters, digits, _ . -. Fix: correct the value as described'],
    ['{ "tag": "-v1" }', 'tag: a Docker tag: letters, digits, _ . -. Fix: correct the value as described'],
    [`{ "tag": "${'a'.repeat(102)}" }`, 'tag: a Docker tag: letters, digits, _ . -. Fix: correct the value as described'],
    ['{ "tags": ["ok", "a:b"] }', 'tags.1: a Docker tag: letters, digits, _ . -. Fix: correct the value as described'],
    ['{ "services": {} }', 'services: Invalid input: expected array, received object. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub" }] }', 'services.0.port: Invalid input: expected number, received undefined. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 0 }] }', 'services.0.port: Too small: expected number to be >=1. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 65536 }] }', 'services.0.port: Too big: expected number to be <=65535. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80.5 }] }', 'services.0.port: Invalid input: expected int, received number. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": "8080" }] }', 'services.0.port: Invalid input: expected number, received string. Fix: correct the value as described'],
    ['{ "services": [{ "port": 80 }] }', 'services.0.project: Invalid input: expected string, received undefined. Fix: correct the value as described'],
    ['{ "services": [{ "project": "", "port": 80 }] }', 'services.0.project: Too small: expected string to have >=1 characters. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "image": "Hub" }] }', 'services.0.image: lower-case letters, digits and . _ - between them. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "health": "healthz" }] }', 'services.0.health: Invalid string: must start with "/". Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "timeout": 0 }] }', 'services.0.timeout: Too small: expected number to be >0. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "hostname": "hub_1" }] }', 'services.0.hostname: a host name. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "hostname": "-hub" }] }', 'services.0.hostname: a host name. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "platform": "arm64" }] }', 'services.0.platform: Invalid option: expected one of "match"|"native". Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "buildArgs": { "X": "http://{addr}:{port}" } }] }', 'services.0.buildArgs.X: placeholders must be one of {host} {ip} {port} {url}. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "buildArgs": { "X": "{}" } }] }', 'services.0.buildArgs.X: placeholders must be one of {host} {ip} {port} {url}. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "buildArgs": { "X": "{HOST}" } }] }', 'services.0.buildArgs.X: placeholders must be one of {host} {ip} {port} {url}. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80, "buildArgs": { "X": 1 } }] }', 'services.0.buildArgs.X: Invalid input: expected string, received number. Fix: correct the value as described'],
    ['{ "services": [{ "project": "hub", "port": 80 }, { "project": "db", "port": 5432, "prt": 1 }] }', "services.1: unknown key(s) prt. Fix: remove or rename 'prt'"],
  ])('%s is rejected naming file and field', (text, message) => {
    const error = (() => {
      try {
        parseComponentConfig(text, FILE);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${FILE}: ${message}`);
  });
});

describe('readComponentConfig', () => {
  it('treats a missing file as all defaults', () => {
    expect(readComponentConfig(mkdtempSync(join(tmpdir(), 'cfg-')), 'src/a')).toEqual({});
  });

  it('reads and validates the file, naming its workspace path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'multiarch.json'), '{"network":"bridge"}');
    expect(() => readComponentConfig(dir, 'images/a')).toThrow(/^images\/a\/multiarch\.json: network: /);
  });
});
