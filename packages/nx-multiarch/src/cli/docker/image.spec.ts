import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError, VerificationError } from '../../core/failure/errors';
import { inspectImageArgs, parseImageInspect, pullImageArgs, tagImageArgs, verifyImagePlatform } from './image';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures', name), 'utf8');

describe('argv', () => {
  test.each([
    [inspectImageArgs('demo/api:latest-arm64'), ['image', 'inspect', 'demo/api:latest-arm64']],
    [pullImageArgs('redis:7.2-alpine', 'arm64'), ['pull', '--platform', 'linux/arm64', 'redis:7.2-alpine']],
    [
      tagImageArgs('redis:7.2-alpine', 'demo/cache:latest-arm64'),
      ['tag', 'redis:7.2-alpine', 'demo/cache:latest-arm64'],
    ],
  ])('%j', (actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('parseImageInspect', () => {
  it('reads a built arm64 image (Engine 20.10)', () => {
    expect(parseImageInspect(fixture('image-inspect-arm64.json'))).toEqual({
      id: 'sha256:a40ac55544fc10ab7705fab0f9ca133efdd64e1c580b910c6420c4c8b25d6f94',
      os: 'linux',
      architecture: 'arm64',
      repoTags: ['demo/portal:latest-arm64'],
      repoDigests: [],
    });
  });

  it('reads a pulled and retagged upstream image', () => {
    const image = parseImageInspect(fixture('image-inspect-upstream-arm64.json'));
    expect(image).toMatchObject({ os: 'linux', architecture: 'arm64' });
    expect(image.repoTags).toEqual(expect.arrayContaining(['demo/cache:latest-arm64', 'redis:7.2-alpine']));
    expect(image.repoDigests).toEqual(expect.arrayContaining([expect.stringMatching(/^redis@sha256:[0-9a-f]{64}$/)]));
  });

  test.each([
    ['[]', /unexpected docker image inspect output/],
    ['Error: No such image', /not JSON/],
  ])('rejects %j', (text, message) => {
    expect(() => parseImageInspect(text)).toThrow(PluginError);
    expect(() => parseImageInspect(text)).toThrow(message);
  });
});

describe('verifyImagePlatform', () => {
  const image = { id: 'sha256:x', os: 'linux', architecture: 'amd64', repoTags: [], repoDigests: [] };

  it('accepts the requested arch', () => {
    expect(() => verifyImagePlatform(image, 'demo/a:latest-amd64', 'amd64')).not.toThrow();
  });

  it('fails an amd64 image built for arm64, naming both and where to look', () => {
    expect(() => verifyImagePlatform(image, 'demo/a:latest-arm64', 'arm64')).toThrow(
      new VerificationError(
        'demo/a:latest-arm64 is linux/amd64 but linux/arm64 was requested; check that QEMU is registered for arm64 ' +
          '(the diagnose target: nx run <workspace>:diagnose) and that the base image has arm64',
      ),
    );
  });
});
