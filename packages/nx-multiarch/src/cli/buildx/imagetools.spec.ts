import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import { imagetoolsCreateArgs, imagetoolsInspectArgs, parsePushedImage, type PushedImage } from './imagetools';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');

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

describe('imagetoolsCreateArgs', () => {
  const tag = '127.0.0.1:5000/cap/m:1';
  const extra = '127.0.0.1:5000/cap/m:extra';
  const amd64 = '127.0.0.1:5000/cap/m@sha256:2ee5d689801d2d194d87f927fab3ab2bf3e99c057b28959d9da3a3856530b70c';
  const arm64 = '127.0.0.1:5000/cap/m@sha256:9a7180c8897c29381130df4a725254d7bf1a48b4e7294a74cd83b919b6a25121';

  // prettier-ignore
  test.each<[string, string[], string[], string | undefined, boolean | undefined, string[]]>([
    ['one tag from two digests, on buildx\'s current builder', [tag], [amd64, arm64], undefined, undefined, [
      'buildx', 'imagetools', 'create', '--tag', tag, amd64, arm64,
    ]],
    ['on a named builder', [tag], [amd64, arm64], 'nx-multiarch', false, [
      'buildx', 'imagetools', 'create', '--builder', 'nx-multiarch', '--tag', tag, amd64, arm64,
    ]],
    ['an empty builder name is no builder', [tag], [amd64], '', false, [
      'buildx', 'imagetools', 'create', '--tag', tag, amd64,
    ]],
    ['a dry run prints the index and pushes nothing', [tag], [amd64, arm64], undefined, true, [
      'buildx', 'imagetools', 'create', '--dry-run', '--tag', tag, amd64, arm64,
    ]],
    ['a dry run on a named builder', [tag], [amd64, arm64], 'nx-multiarch', true, [
      'buildx', 'imagetools', 'create', '--builder', 'nx-multiarch', '--dry-run', '--tag', tag, amd64, arm64,
    ]],
    ['several tags, in their order', [tag, extra], [amd64, arm64], undefined, false, [
      'buildx', 'imagetools', 'create', '--tag', tag, '--tag', extra, amd64, arm64,
    ]],
    ['per-arch tags as sources', ['demo/api:latest'], ['demo/api:latest-amd64', 'demo/api:latest-arm64'], '', false, [
      'buildx', 'imagetools', 'create', '--tag', 'demo/api:latest', 'demo/api:latest-amd64', 'demo/api:latest-arm64',
    ]],
  ])('%s', (_name, tags, sources, builder, dryRun, expected) => {
    expect(imagetoolsCreateArgs(tags, sources, builder, dryRun)).toEqual(expected);
  });
});

describe('parsePushedImage', () => {
  const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
  const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
  const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
  const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

  // prettier-ignore
  test.each<[string, string, Omit<PushedImage, 'labels'>]>([
    ['a single-platform image manifest', 'imagetools-0.13-inspect-json-single.txt', {
      name: '127.0.0.1:5000/cap/ok:arm64',
      digest: 'sha256:41567611d8684ea9c4a1171880cbe40d6bd413421c02b615568027e6e7cdd0f1',
      mediaType: DOCKER_MANIFEST,
      platforms: ['linux/arm64'],
      entries: [],
      attestations: 0,
    }],
    ['a manifest list with one config per platform', 'imagetools-0.13-inspect-json-index.txt', {
      name: '127.0.0.1:5000/cap/ok:multi',
      digest: 'sha256:4a81aaf9e73c9f0d6fe521e8f325e2864a753e8a560116b75e366e5e8ccfe67b',
      mediaType: DOCKER_LIST,
      platforms: ['linux/amd64', 'linux/arm64'],
      entries: [
        { platform: 'linux/amd64', mediaType: DOCKER_MANIFEST,
          digest: 'sha256:8a9ac0bf8d9b6bdb8d49c967feeeec3a0f6288a8e7159163a7d6a56d9db10fc7' },
        { platform: 'linux/arm64', mediaType: DOCKER_MANIFEST,
          digest: 'sha256:41567611d8684ea9c4a1171880cbe40d6bd413421c02b615568027e6e7cdd0f1' },
      ],
      attestations: 0,
    }],
    ['the list imagetools create made from two per-arch pushes', 'imagetools-0.13-inspect-json-created-list.txt', {
      name: '127.0.0.1:5000/cap/m:1',
      digest: 'sha256:efe52ab0220060dd0b9b73adac6cc0d1d64f4b8f14e0402d7364935383449644',
      mediaType: DOCKER_LIST,
      platforms: ['linux/amd64', 'linux/arm64'],
      entries: [
        { platform: 'linux/amd64', mediaType: DOCKER_MANIFEST,
          digest: 'sha256:2ee5d689801d2d194d87f927fab3ab2bf3e99c057b28959d9da3a3856530b70c' },
        { platform: 'linux/arm64', mediaType: DOCKER_MANIFEST,
          digest: 'sha256:9a7180c8897c29381130df4a725254d7bf1a48b4e7294a74cd83b919b6a25121' },
      ],
      attestations: 0,
    }],
    ['a per-arch push with provenance', 'imagetools-0.13-inspect-json-provenance-arm64.txt', {
      name: '127.0.0.1:5000/cap/p:1-arm64',
      digest: 'sha256:349b391538c5d374de87dfe306583d8195fbc697e01c8786556a7d913d8f9033',
      mediaType: OCI_INDEX,
      platforms: ['linux/arm64'],
      entries: [
        { platform: 'linux/arm64', mediaType: OCI_MANIFEST,
          digest: 'sha256:73010c7a034a618656d3f2a5aa76161ea5846876f313bf981634d7b1a6cec817' },
      ],
      attestations: 1,
    }],
    ['the index made from two provenance pushes', 'imagetools-0.13-inspect-json-provenance-index.txt', {
      name: '127.0.0.1:5000/cap/p:1',
      digest: 'sha256:5c5e0e65502e884232202fbc0fb988f6b6f249af011f1f1de32502f154e97fcf',
      mediaType: OCI_INDEX,
      platforms: ['linux/amd64', 'linux/arm64'],
      entries: [
        { platform: 'linux/amd64', mediaType: OCI_MANIFEST,
          digest: 'sha256:ee5c963ae02bad91cc9939c849517341d878cc8537ba28eed371608f171951c4' },
        { platform: 'linux/arm64', mediaType: OCI_MANIFEST,
          digest: 'sha256:73010c7a034a618656d3f2a5aa76161ea5846876f313bf981634d7b1a6cec817' },
      ],
      attestations: 2,
    }],
  ])('reads %s (buildx 0.13)', (_name, file, expected) => {
    // Labels: none in these captures (images built without any); see the labelled capture below.
    expect(parsePushedImage(fixture(file), expected.name)).toEqual({ ...expected, labels: expect.any(Object) });
  });

  test.each([
    [
      'imagetools-0.13-inspect-json-provenance-arm64.txt',
      ['sha256:3c344439a89fe786dbe060cca5be09f1a9615a874e1e86315fdd90ae3df4d6b6'],
    ],
    [
      'imagetools-0.13-inspect-json-provenance-index.txt',
      [
        'sha256:3afecfe4954e9051752dee6fe3d6b22befd72499ef505b41efd01f8879c2583d',
        'sha256:3c344439a89fe786dbe060cca5be09f1a9615a874e1e86315fdd90ae3df4d6b6',
      ],
    ],
  ])('%s: the attestation manifests are counted, never entries', (file, attestationDigests) => {
    const pushed = parsePushedImage(fixture(file), 'r');
    const listed = JSON.parse(fixture(file)).manifest.manifests as Array<{ digest: string }>;
    expect(pushed.attestations).toBe(attestationDigests.length);
    expect(pushed.entries).toHaveLength(listed.length - attestationDigests.length);
    for (const digest of attestationDigests) expect(pushed.entries.map((e) => e.digest)).not.toContain(digest);
    expect(pushed.entries.map((e) => e.platform)).not.toContain('unknown/unknown');
  });

  test.each<[string, (descriptor: Record<string, unknown>) => void]>([
    ['only its annotation marks it', (d) => delete d.platform],
    ['only its unknown/unknown platform marks it', (d) => delete d.annotations],
  ])('leaves out an attestation manifest when %s', (_name, change) => {
    // Derived from imagetools-0.13-inspect-json-provenance-arm64.txt: one marker of the attestation entry removed.
    const json = JSON.parse(fixture('imagetools-0.13-inspect-json-provenance-arm64.txt'));
    change(json.manifest.manifests[1]);
    const pushed = parsePushedImage(JSON.stringify(json), 'r');
    expect(pushed.entries.map((e) => e.digest)).toEqual([
      'sha256:73010c7a034a618656d3f2a5aa76161ea5846876f313bf981634d7b1a6cec817',
    ]);
    expect(pushed.attestations).toBe(1);
  });

  it('keeps the variant of an index entry', () => {
    // Derived from imagetools-0.13-inspect-json-index.txt: the arm64 entry declares its variant.
    const json = JSON.parse(fixture('imagetools-0.13-inspect-json-index.txt'));
    json.manifest.manifests[1].platform.variant = 'v8';
    expect(parsePushedImage(JSON.stringify(json), 'r').entries.map((e) => e.platform)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
    ]);
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
