import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../errors';
import { imagetoolsInspectArgs, parsePushedImage } from './imagetools';

const fixture = (name: string) => readFileSync(join(__dirname, '../../test/fixtures/buildx', name), 'utf8');

describe('imagetoolsInspectArgs', () => {
  // prettier-ignore
  test.each<[string, string, string | undefined, string[]]>([
    ['on buildx\'s current builder', 'reg:5000/demo/api:1.0-arm64', undefined, [
      'buildx', 'imagetools', 'inspect', 'reg:5000/demo/api:1.0-arm64', '--format', '{{json .}}',
    ]],
    ['on a named builder', 'reg:5000/demo/api:1.0-arm64', 'nx-multiarch', [
      'buildx', 'imagetools', 'inspect', '--builder', 'nx-multiarch', 'reg:5000/demo/api:1.0-arm64',
      '--format', '{{json .}}',
    ]],
    ['an empty builder name is no builder', 'demo/api:latest-amd64', '', [
      'buildx', 'imagetools', 'inspect', 'demo/api:latest-amd64', '--format', '{{json .}}',
    ]],
  ])('%s', (_name, ref, builder, expected) => {
    expect(imagetoolsInspectArgs(ref, builder)).toEqual(expected);
  });
});

describe('parsePushedImage', () => {
  it('reads a single-platform image manifest (buildx 0.13)', () => {
    expect(parsePushedImage(fixture('imagetools-0.13-inspect-json-single.txt'), '127.0.0.1:5000/cap/ok:arm64')).toEqual(
      {
        name: '127.0.0.1:5000/cap/ok:arm64',
        digest: 'sha256:41567611d8684ea9c4a1171880cbe40d6bd413421c02b615568027e6e7cdd0f1',
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        platforms: ['linux/arm64'],
      },
    );
  });

  it('reads a manifest list with one config per platform (buildx 0.13)', () => {
    expect(parsePushedImage(fixture('imagetools-0.13-inspect-json-index.txt'), '127.0.0.1:5000/cap/ok:multi')).toEqual({
      name: '127.0.0.1:5000/cap/ok:multi',
      digest: 'sha256:4a81aaf9e73c9f0d6fe521e8f325e2864a753e8a560116b75e366e5e8ccfe67b',
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('leaves out the unknown/unknown attestation entry of an index', () => {
    // Derived from imagetools-0.13-inspect-json-index.txt (not captured): an OCI index as BuildKit writes it with
    // provenance, whose image map has an `unknown/unknown` entry for the attestation manifest.
    const json = JSON.parse(fixture('imagetools-0.13-inspect-json-index.txt'));
    json.manifest.mediaType = 'application/vnd.oci.image.index.v1+json';
    json.image['unknown/unknown'] = { architecture: 'unknown', os: 'unknown', rootfs: { type: 'layers' } };
    const pushed = parsePushedImage(JSON.stringify(json), '127.0.0.1:5000/cap/ok:multi');
    expect(pushed.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(pushed.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('keeps a platform variant', () => {
    const json = JSON.parse(fixture('imagetools-0.13-inspect-json-single.txt'));
    json.image.variant = 'v8';
    expect(parsePushedImage(JSON.stringify(json), 'r').platforms).toEqual(['linux/arm64/v8']);
  });

  it('has no platforms when the output has no image', () => {
    const json = JSON.parse(fixture('imagetools-0.13-inspect-json-single.txt'));
    delete json.image;
    expect(parsePushedImage(JSON.stringify(json), 'r').platforms).toEqual([]);
  });

  test.each([
    ['invalid JSON', 'ERROR: not found', /^imagetools inspect reg:5000\/demo\/api:1\.0-arm64: output is not JSON \(/],
    [
      'JSON of the wrong shape',
      JSON.stringify({ name: 'reg:5000/demo/api:1.0-arm64', manifest: { digest: 42 } }),
      /^imagetools inspect reg:5000\/demo\/api:1\.0-arm64: unexpected output: /,
    ],
    ['a JSON array', '[]', /^imagetools inspect reg:5000\/demo\/api:1\.0-arm64: unexpected output: /],
  ])('rejects %s, naming the ref', (_name, text, message) => {
    const parse = () => parsePushedImage(text, 'reg:5000/demo/api:1.0-arm64');
    expect(parse).toThrow(PluginError);
    expect(parse).toThrow(message);
  });
});
