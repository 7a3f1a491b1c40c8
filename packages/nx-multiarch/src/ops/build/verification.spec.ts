import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuildMetadata } from '../../cli/buildx/build';
import { parsePushedImage, type PushedImage } from '../../cli/buildx/imagetools';
import type { LocalImage } from '../../cli/docker/image';
import { VerificationError } from '../../core/failure/errors';
import { verifyFound, verifyLoaded, verifyPushed } from './verification';

const REF = 'reg:5000/demo/api:1.0-arm64';

describe('verifyLoaded', () => {
  const arm64: LocalImage = {
    id: 'sha256:6ed84b9200059c5b8ca44ca54187a026c2dc6d871955d77215debfe2cf8c26c7',
    os: 'linux',
    architecture: 'arm64',
    repoTags: [REF],
    repoDigests: [],
  };

  it('fails when the daemon does not have the image', () => {
    expect(() => verifyLoaded(undefined, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyLoaded(undefined, REF, 'arm64')).toThrow(`${REF} was built, but the daemon does not have it`);
  });

  it('fails when the image is for another arch', () => {
    const amd64: LocalImage = { ...arm64, architecture: 'amd64' };
    expect(() => verifyLoaded(amd64, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyLoaded(amd64, REF, 'arm64')).toThrow(`${REF} is linux/amd64 but linux/arm64 was requested`);
  });

  it('fails when the tag names another image than the one this build wrote', () => {
    const written = 'sha256:244e0f0bc311c7e8d137fee00de54017bc85ef3fd3671b2060f83e16180362d5';
    expect(() => verifyLoaded(arm64, REF, 'arm64', written)).toThrow(VerificationError);
    expect(() => verifyLoaded(arm64, REF, 'arm64', written)).toThrow(
      `${REF} in the daemon is ${arm64.id}, not the ${written} this build wrote`,
    );
  });

  it('returns the image when it is the one written, for the arch', () => {
    expect(verifyLoaded(arm64, REF, 'arm64', arm64.id)).toBe(arm64);
  });

  it('returns the image when no image id is known (a pull)', () => {
    expect(verifyLoaded(arm64, REF, 'arm64')).toBe(arm64);
  });
});

describe('verifyPushed', () => {
  const pushed: PushedImage = {
    name: REF,
    digest: 'sha256:41567611d8684ea9c4a1171880cbe40d6bd413421c02b615568027e6e7cdd0f1',
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    platforms: ['linux/arm64'],
    entries: [],
    attestations: 0,
  };

  it('fails when the registry does not have the tag', () => {
    expect(() => verifyPushed(undefined, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyPushed(undefined, REF, 'arm64')).toThrow(`${REF} was pushed, but the registry does not have it`);
  });

  it('fails when the tag points at another digest than the one this build pushed', () => {
    const ours = 'sha256:8a9ac0bf8d9b6bdb8d49c967feeeec3a0f6288a8e7159163a7d6a56d9db10fc7';
    expect(() => verifyPushed(pushed, REF, 'arm64', ours)).toThrow(VerificationError);
    expect(() => verifyPushed(pushed, REF, 'arm64', ours)).toThrow(
      `${REF} in the registry is ${pushed.digest}, not the ${ours} this build pushed`,
    );
  });

  it('fails when the registry has the tag for another platform', () => {
    const amd64: PushedImage = { ...pushed, platforms: ['linux/amd64'] };
    expect(() => verifyPushed(amd64, REF, 'arm64')).toThrow(VerificationError);
    expect(() => verifyPushed(amd64, REF, 'arm64')).toThrow(
      `${REF} in the registry is for linux/amd64, not linux/arm64`,
    );
    expect(() => verifyPushed({ ...pushed, platforms: [] }, REF, 'arm64')).toThrow(
      `${REF} in the registry is for no platform, not linux/arm64`,
    );
  });

  it('accepts the digest this build pushed, for the platform', () => {
    expect(() => verifyPushed(pushed, REF, 'arm64', pushed.digest)).not.toThrow();
    expect(verifyPushed(pushed, REF, 'arm64')).toBeUndefined();
  });

  it('accepts an index that has the platform among others', () => {
    const index: PushedImage = { ...pushed, platforms: ['linux/amd64', 'linux/arm64'] };
    expect(() => verifyPushed(index, REF, 'arm64')).not.toThrow();
  });
});

describe('verifyPushed on what a docker-container builder really pushes (buildx 0.13, BuildKit 0.32)', () => {
  const fixtures = join(__dirname, '../../../test/fixtures/buildx');
  const ref = '127.0.0.1:5000/expdemo/gw:latest-arm64';
  // The registry holds an index: the image and its provenance attestation manifest.
  const pushed = parsePushedImage(
    readFileSync(join(fixtures, 'imagetools-0.13-inspect-json-container-push.txt'), 'utf8'),
    ref,
  );
  // buildx's --metadata-file reports the platform manifest inside it.
  const metadata = parseBuildMetadata(
    readFileSync(join(fixtures, 'metadata-0.13-container-load-push-oci.json'), 'utf8'),
    'metadata.json',
  );

  it('accepts the platform manifest the build reported, inside the index the tag names', () => {
    expect(pushed.digest).not.toBe(metadata.digest);
    expect(pushed.attestations).toBe(1);
    expect(() => verifyPushed(pushed, ref, 'arm64', metadata.digest)).not.toThrow();
  });

  it('accepts the index digest itself', () => {
    expect(() => verifyPushed(pushed, ref, 'arm64', pushed.digest)).not.toThrow();
  });

  it('refuses the attestation manifest, another platform, and a digest the tag does not hold', () => {
    const other = `sha256:${'0'.repeat(64)}`;
    expect(() => verifyPushed(pushed, ref, 'arm64', other)).toThrow(
      `${ref} in the registry is ${pushed.digest} (an index of ${metadata.digest}), not the ${other} this build pushed`,
    );
    expect(() => verifyPushed(pushed, ref, 'amd64', metadata.digest)).toThrow(VerificationError);
    const attestation = 'sha256:490c960836cacad7e45e443d72468276d51f3afa125a922b0a140575b73e8991';
    expect(() => verifyPushed(pushed, ref, 'arm64', attestation)).toThrow(VerificationError);
  });
});

describe('verifyPushed with a variant', () => {
  it('accepts linux/arm64/v8 for arm64', () => {
    expect(() =>
      verifyPushed(
        {
          name: 'r/x:1',
          digest: 'sha256:a',
          mediaType: 'm',
          platforms: ['linux/arm64/v8'],
          entries: [],
          attestations: 0,
        },
        'r/x:1',
        'arm64',
        'sha256:a',
      ),
    ).not.toThrow();
  });
});

describe('verifyFound', () => {
  const id = 'sha256:6ed84b9200059c5b8ca44ca54187a026c2dc6d871955d77215debfe2cf8c26c7';
  const local: LocalImage = { id, os: 'linux', architecture: 'arm64', repoTags: [REF], repoDigests: [] };
  const index = 'sha256:5c5e0e65502e884232202fbc0fb988f6b6f249af011f1f1de32502f154e97fcf';
  const image = 'sha256:73010c7a034a618656d3f2a5aa76161ea5846876f313bf981634d7b1a6cec817';
  const pushed: PushedImage = {
    name: REF,
    digest: index,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    platforms: ['linux/arm64'],
    entries: [{ platform: 'linux/arm64', digest: image, mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
    attestations: 1,
  };
  const layout = '/ws/.nx-multiarch/produced/reg_5000_demo_api-arm64';
  const everywhere = { ref: REF, load: true, push: true, layout };

  it('returns the image ID in the daemon and the digest the tag names in the registry', () => {
    const found = { local, pushed, layoutDigest: image };
    expect(verifyFound(everywhere, found, 'arm64', { imageId: id, digest: image })).toEqual({
      imageId: id,
      digest: index,
    });
  });

  it('claims nothing for a pull: what the tags name is checked for the platform only', () => {
    expect(verifyFound({ ref: REF, load: true, push: false }, { local }, 'arm64', {})).toEqual({ imageId: id });
    expect(() =>
      verifyFound({ ref: REF, load: true, push: false }, { local: { ...local, architecture: 'amd64' } }, 'arm64', {}),
    ).toThrow(VerificationError);
  });

  it('looks only where the build put the image', () => {
    expect(verifyFound({ ref: REF, load: false, push: true }, { pushed }, 'arm64', { digest: image })).toEqual({
      digest: index,
    });
    expect(
      verifyFound({ ref: REF, load: true, push: false }, { local, pushed: undefined }, 'arm64', { imageId: id }),
    ).toEqual({
      imageId: id,
    });
  });

  it('fails when the daemon or the registry holds another image than the one claimed', () => {
    const other = `sha256:${'0'.repeat(64)}`;
    expect(() => verifyFound(everywhere, { local, pushed, layoutDigest: image }, 'arm64', { imageId: other })).toThrow(
      `${REF} in the daemon is ${id}, not the ${other} this build wrote`,
    );
    expect(() => verifyFound(everywhere, { local, pushed, layoutDigest: image }, 'arm64', { digest: other })).toThrow(
      VerificationError,
    );
  });

  it('fails when no OCI layout was written for the dependents', () => {
    expect(() => verifyFound(everywhere, { local, pushed }, 'arm64', {})).toThrow(
      `${REF}: buildx wrote no OCI layout at ${layout} for its dependents`,
    );
  });
});
