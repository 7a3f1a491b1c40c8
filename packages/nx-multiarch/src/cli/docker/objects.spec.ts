import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectObjectsArgs, onlyMissingNames, parseInspectedObjects } from './objects';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/docker', name), 'utf8');

describe('inspectObjectsArgs', () => {
  it('asks for every name in one call, after `--` so no name reads as a flag', () => {
    expect(inspectObjectsArgs(['buildx_buildkit_b0', 'sha256:abc'])).toEqual([
      'inspect',
      '--',
      'buildx_buildkit_b0',
      'sha256:abc',
    ]);
  });
});

describe('parseInspectedObjects', () => {
  // Captured from dockerd 20.10: a builder container, an image by ID, and two names it did not know (exit 1).
  it('sorts what the daemon found into containers and images, and leaves out what it did not', () => {
    const found = parseInspectedObjects(fixture('inspect-container-image-missing.json'));
    expect([...found.containers.keys()]).toEqual(['buildx_buildkit_nx-multiarch0']);
    expect(found.containers.get('buildx_buildkit_nx-multiarch0')).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      running: true,
    });
    expect([...found.images.entries()]).toEqual([
      [expect.stringMatching(/^sha256:[0-9a-f]{64}$/), ['demo/gateway:latest-amd64']],
    ]);
  });

  it('reads an empty answer (every name missing) as nothing found', () => {
    expect(parseInspectedObjects('[]\n')).toEqual({ images: new Map(), containers: new Map() });
    expect(parseInspectedObjects('')).toEqual({ images: new Map(), containers: new Map() });
  });

  it('refuses output that is not an inspect array', () => {
    expect(() => parseInspectedObjects('{"Id":1}')).toThrow(/unexpected docker inspect output/);
  });
});

describe('onlyMissingNames', () => {
  it.each([
    ['', true],
    ['Error: No such object: sha256:0000\nError: No such object: no-such-container', true],
    ['Cannot connect to the Docker daemon at unix:///tmp/x.sock. Is the docker daemon running?', false],
    [
      'Error: No such object: a\nerror during connect: Get "http://%2Frun%2Fdocker.sock/v1.41/containers/a/json"',
      false,
    ],
  ])('%j: %s', (stderr, missingOnly) => {
    expect(onlyMissingNames(stderr)).toBe(missingOnly);
  });
});
