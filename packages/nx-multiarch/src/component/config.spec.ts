import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors';
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
