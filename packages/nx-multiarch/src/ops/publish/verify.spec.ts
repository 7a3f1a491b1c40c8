import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { thrown } from '../../../test/thrown';
import { parsePushedImage, type PushedImage } from '../../cli/buildx/imagetools';
import { VerificationError } from '../../core/failure/errors';
import type { Arch } from '../../core/platform';
import { describeEntries, type ExpectedEntry, indexProblems, isPlatformOf, platformManifest } from './verify';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');
const inspectJson = (name: string) => JSON.parse(fixture(`imagetools-0.13-inspect-json-${name}.txt`));
const pushed = (name: string) => parsePushedImage(fixture(`imagetools-0.13-inspect-json-${name}.txt`), name);
/** A variant of a captured inspect output: `change` edits its JSON. */
const derived = (name: string, change: (json: any) => void): PushedImage => {
  const json = inspectJson(name);
  change(json);
  return parsePushedImage(JSON.stringify(json), name);
};

// The digests behind the captured indexes.
const CREATED_AMD64 = 'sha256:2ee5d689801d2d194d87f927fab3ab2bf3e99c057b28959d9da3a3856530b70c';
const CREATED_ARM64 = 'sha256:9a7180c8897c29381130df4a725254d7bf1a48b4e7294a74cd83b919b6a25121';
const PROVENANCE_AMD64 = 'sha256:ee5c963ae02bad91cc9939c849517341d878cc8537ba28eed371608f171951c4';
const PROVENANCE_ARM64 = 'sha256:73010c7a034a618656d3f2a5aa76161ea5846876f313bf981634d7b1a6cec817';
const SINGLE_ARM64 = 'sha256:41567611d8684ea9c4a1171880cbe40d6bd413421c02b615568027e6e7cdd0f1';

const created: ExpectedEntry[] = [
  { arch: 'amd64', digest: CREATED_AMD64 },
  { arch: 'arm64', digest: CREATED_ARM64 },
];

describe('isPlatformOf', () => {
  // prettier-ignore
  test.each<[string, Arch, boolean]>([
    ['linux/arm64', 'arm64', true],
    ['linux/arm64/v8', 'arm64', true],
    ['linux/amd64', 'amd64', true],
    ['linux/amd64', 'arm64', false],
    ['linux/arm64', 'amd64', false],
    ['linux/arm64v8', 'arm64', false],
    ['unknown/unknown', 'amd64', false],
    ['windows/amd64', 'amd64', false],
  ])('%s is of %s: %s', (platform, arch, expected) => {
    expect(isPlatformOf(platform, arch)).toBe(expected);
  });
});

describe('platformManifest', () => {
  it("is a single image manifest's own digest", () => {
    expect(platformManifest(pushed('single'), '127.0.0.1:5000/cap/ok:arm64', 'arm64')).toBe(SINGLE_ARM64);
  });

  it('is the one image of a per-arch index pushed with provenance, not the index', () => {
    const index = pushed('provenance-arm64');
    const digest = platformManifest(index, '127.0.0.1:5000/cap/p:1-arm64', 'arm64');
    expect(digest).toBe(PROVENANCE_ARM64);
    expect(digest).not.toBe(index.digest);
  });

  it('accepts an arm64 image that declares its variant (linux/arm64/v8)', () => {
    // Derived from imagetools-0.13-inspect-json-single.txt: the config declares variant v8.
    const single = derived('single', (json) => (json.image.variant = 'v8'));
    expect(single.platforms).toEqual(['linux/arm64/v8']);
    expect(platformManifest(single, '127.0.0.1:5000/cap/ok:arm64', 'arm64')).toBe(SINGLE_ARM64);
  });

  it('accepts a provenance index whose arm64 entry declares its variant', () => {
    // Derived from imagetools-0.13-inspect-json-provenance-arm64.txt: the config and the entry declare variant v8.
    const index = derived('provenance-arm64', (json) => {
      json.image.variant = 'v8';
      json.manifest.manifests[0].platform.variant = 'v8';
    });
    expect(platformManifest(index, '127.0.0.1:5000/cap/p:1-arm64', 'arm64')).toBe(PROVENANCE_ARM64);
  });

  // prettier-ignore
  test.each<[string, () => PushedImage, string, Arch, string]>([
    ['an arm64 image pushed as amd64', () => pushed('single'), '127.0.0.1:5000/cap/ok:amd64', 'amd64',
      '127.0.0.1:5000/cap/ok:amd64 in the registry is linux/arm64, not linux/amd64'],
    ['an arm64 provenance index pushed as amd64', () => pushed('provenance-arm64'), '127.0.0.1:5000/cap/p:1-amd64',
      'amd64', '127.0.0.1:5000/cap/p:1-amd64 in the registry is linux/arm64, not linux/amd64'],
    ['an index of two platforms', () => pushed('index'), '127.0.0.1:5000/cap/ok:multi', 'arm64',
      '127.0.0.1:5000/cap/ok:multi in the registry is linux/amd64, linux/arm64, not linux/arm64'],
    ['an index of two platforms, provenance included', () => pushed('provenance-index'), '127.0.0.1:5000/cap/p:1',
      'amd64', '127.0.0.1:5000/cap/p:1 in the registry is linux/amd64, linux/arm64, not linux/amd64'],
    // Derived from imagetools-0.13-inspect-json-single.txt: inspect showed no config.
    ['an image whose platform is unknown', () => derived('single', (json) => delete json.image), 'r:1-arm64', 'arm64',
      'r:1-arm64 in the registry is no platform, not linux/arm64'],
    // Derived from imagetools-0.13-inspect-json-created-list.txt: inspect showed only the arm64 config.
    ['an index listing another platform than its configs show',
      () => derived('created-list', (json) => delete json.image['linux/amd64']), 'reg/m:1-arm64', 'arm64',
      'reg/m:1-arm64 in the registry is an index of linux/amd64, linux/arm64, not one linux/arm64 image'],
    // Derived from imagetools-0.13-inspect-json-created-list.txt: the amd64 entry relabelled arm64, its config gone.
    ['an index of two arm64 images', () => derived('created-list', (json) => {
      json.manifest.manifests[0].platform.architecture = 'arm64';
      delete json.image['linux/amd64'];
    }), 'reg/m:1-arm64', 'arm64',
      'reg/m:1-arm64 in the registry is an index of linux/arm64, linux/arm64, not one linux/arm64 image'],
  ])('refuses %s, naming both platforms', (_name, image, ref, arch, message) => {
    const error = thrown(() => platformManifest(image(), ref, arch));
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as Error).message).toBe(message);
  });
});

describe('indexProblems', () => {
  it('finds none in the list imagetools create made from the two per-arch pushes', () => {
    expect(indexProblems(pushed('created-list'), created)).toEqual([]);
  });

  it('finds none in an index of provenance pushes: attestation manifests are not images', () => {
    const index = pushed('provenance-index');
    expect(index.attestations).toBe(2);
    expect(
      indexProblems(index, [
        { arch: 'amd64', digest: PROVENANCE_AMD64 },
        { arch: 'arm64', digest: PROVENANCE_ARM64 },
      ]),
    ).toEqual([]);
  });

  it('finds none in a one-platform provenance index (its attestation is no extra platform)', () => {
    expect(indexProblems(pushed('provenance-arm64'), [{ arch: 'arm64', digest: PROVENANCE_ARM64 }])).toEqual([]);
  });

  it('matches an arm64 entry that declares its variant', () => {
    // Derived from imagetools-0.13-inspect-json-created-list.txt: the arm64 entry declares variant v8.
    const index = derived('created-list', (json) => (json.manifest.manifests[1].platform.variant = 'v8'));
    expect(indexProblems(index, created)).toEqual([]);
  });

  it('says which image each entry points at when the digests are swapped', () => {
    // Derived from imagetools-0.13-inspect-json-created-list.txt: the two entries' digests swapped.
    const swapped = derived('created-list', (json) => {
      const [amd64, arm64] = json.manifest.manifests;
      [amd64.digest, arm64.digest] = [arm64.digest, amd64.digest];
    });
    expect(indexProblems(swapped, created)).toEqual([
      'its linux/amd64 entry points at 9a7180c8897c, the linux/arm64 image, ' +
        'not the 2ee5d689801d pushed for linux/amd64',
      'its linux/arm64 entry points at 2ee5d689801d, the linux/amd64 image, ' +
        'not the 9a7180c8897c pushed for linux/arm64',
    ]);
  });

  it('finds an older index under the tag: entries that point at images not pushed now', () => {
    expect(indexProblems(pushed('index'), created)).toEqual([
      'its linux/amd64 entry points at 8a9ac0bf8d9b, not the 2ee5d689801d pushed for linux/amd64',
      'its linux/arm64 entry points at 41567611d868, not the 9a7180c8897c pushed for linux/arm64',
    ]);
  });

  it('finds a missing platform', () => {
    // Derived from imagetools-0.13-inspect-json-created-list.txt: the arm64 entry removed.
    const amd64Only = derived('created-list', (json) => json.manifest.manifests.pop());
    expect(indexProblems(amd64Only, created)).toEqual(['it has no linux/arm64 image']);
  });

  it('finds an extra platform', () => {
    expect(indexProblems(pushed('created-list'), [{ arch: 'amd64', digest: CREATED_AMD64 }])).toEqual([
      'it also lists linux/arm64 9a7180c8897c',
    ]);
  });

  it('finds two entries of one platform', () => {
    // Derived from imagetools-0.13-inspect-json-created-list.txt: the amd64 entry relabelled arm64.
    const twice = derived('created-list', (json) => (json.manifest.manifests[0].platform.architecture = 'arm64'));
    expect(indexProblems(twice, created)).toEqual(['it has no linux/amd64 image', 'it lists 2 linux/arm64 images']);
  });

  it('never counts attestation manifests, even when images are missing', () => {
    // Derived from imagetools-0.13-inspect-json-provenance-index.txt: the amd64 image entry removed, its
    // attestation manifest kept.
    const index = derived('provenance-index', (json) => json.manifest.manifests.splice(0, 1));
    expect(index.attestations).toBe(2);
    expect(
      indexProblems(index, [
        { arch: 'amd64', digest: PROVENANCE_AMD64 },
        { arch: 'arm64', digest: PROVENANCE_ARM64 },
      ]),
    ).toEqual(['it has no linux/amd64 image']);
  });

  test.each<[string, () => PushedImage | undefined, string[]]>([
    ['a single image', () => pushed('single'), ['it is a single image (linux/arm64), not an index']],
    [
      'a single image without a config',
      // Derived from imagetools-0.13-inspect-json-single.txt: inspect showed no config.
      () => derived('single', (json) => delete json.image),
      ['it is a single image (application/vnd.docker.distribution.manifest.v2+json), not an index'],
    ],
    ['nothing (not in the registry)', () => undefined, ['it is not in the registry']],
  ])('refuses %s', (_name, image, problems) => {
    expect(indexProblems(image(), created)).toEqual(problems);
  });
});

describe('describeEntries', () => {
  test.each<[string, string, string]>([
    ['created-list', 'linux/amd64 2ee5d689801d, linux/arm64 9a7180c8897c', 'a list'],
    ['provenance-index', 'linux/amd64 ee5c963ae02b, linux/arm64 73010c7a034a', 'an index without its attestations'],
    ['single', 'no images', 'a single image'],
  ])('%s: %s (%s)', (name, expected) => {
    expect(describeEntries(pushed(name).entries)).toBe(expected);
  });
});
