import { PluginError } from '../../core/failure/errors';
import {
  contextFlags,
  contextKey,
  layoutDir,
  layoutOutput,
  parseLayoutIndex,
  type Producer,
  producedContexts,
  producedRepositories,
} from './produced';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('layoutDir', () => {
  test.each([
    ['demo/gateway:latest-amd64', 'amd64', '/ws/.nx-multiarch/produced/docker.io_demo_gateway-amd64'],
    ['demo/gateway:1.0-arm64', 'arm64', '/ws/.nx-multiarch/produced/docker.io_demo_gateway-arm64'],
    ['127.0.0.1:5000/acme/hub:x-arm64', 'arm64', '/ws/.nx-multiarch/produced/127.0.0.1_5000_acme_hub-arm64'],
  ] as const)('%s for %s', (ref, arch, dir) => {
    expect(layoutDir('/ws/.nx-multiarch', ref, arch)).toBe(dir);
  });
});

test('layoutOutput writes a directory, not a tarball', () => {
  expect(layoutOutput('/ws/p/x')).toBe('type=oci,dest=/ws/p/x,tar=false');
});

describe('contextKey: the name BuildKit looks a FROM image up by', () => {
  test.each([
    ['demo/gateway:latest-amd64', 'demo/gateway:latest-amd64'],
    ['docker.io/demo/gateway:latest-amd64', 'demo/gateway:latest-amd64'],
    ['docker.io/library/base:latest', 'base'],
    ['base', 'base'],
    ['127.0.0.1:5000/demo/hub:1.0-arm64', '127.0.0.1:5000/demo/hub:1.0-arm64'],
  ])('%s -> %s', (ref, key) => {
    expect(contextKey(ref)).toBe(key);
  });
});

describe('parseLayoutIndex', () => {
  // The index.json buildx 0.13 wrote for `--output type=oci,dest=...,tar=false` on a docker-container builder.
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: DIGEST,
        size: 480,
        annotations: { 'org.opencontainers.image.created': '2026-12-05T06:00:00Z' },
      },
    ],
  };

  it('reads the digest of the one image', () => {
    expect(parseLayoutIndex(JSON.stringify(index), '/d/index.json')).toBe(DIGEST);
  });

  test.each([
    ['not JSON', '{', /^\/d\/index\.json: not JSON \(/],
    ['no manifests', JSON.stringify({ manifests: [] }), /^\/d\/index\.json: not an OCI layout index: /],
    [
      'two images',
      JSON.stringify({ manifests: [index.manifests[0], index.manifests[0]] }),
      /^\/d\/index\.json: holds 2 images where one was written; remove the directory$/,
    ],
  ])('%s is an error naming the file', (_name, text, message) => {
    expect(() => parseLayoutIndex(text, '/d/index.json')).toThrow(PluginError);
    expect(() => parseLayoutIndex(text, '/d/index.json')).toThrow(message);
  });
});

describe('producedContexts', () => {
  const gateway: Producer = {
    project: 'gateway',
    images: [{ name: 'gateway' }],
    naming: { registry: '', imagePrefix: 'demo/' },
  };
  const hub: Producer = {
    project: 'hub',
    images: [{ name: 'hub' }, { name: 'hub-init' }],
    naming: { registry: '127.0.0.1:5000', imagePrefix: 'demo/' },
  };
  const cache: Producer = {
    project: 'cache',
    images: [{ name: 'cache' }],
    naming: { registry: '', imagePrefix: 'demo/' },
    upstream: 'redis:7.2-alpine',
  };
  const owners = producedRepositories([gateway, hub, cache]);
  const digests = new Map([
    ['/s/produced/docker.io_demo_gateway-arm64', DIGEST],
    ['/s/produced/127.0.0.1_5000_demo_hub-amd64', DIGEST],
    ['/s/produced/127.0.0.1_5000_demo_hub-init-arm64', DIGEST],
  ]);
  const read = (dir: string) => digests.get(dir);
  const args = { TARGETARCH: 'arm64', TAG: 'latest' };

  it('pins an image FROM a component, named as the Dockerfile names it after ARG substitution', () => {
    const text = 'ARG TAG=1.0\nFROM demo/gateway:${TAG}-${TARGETARCH}\nRUN true\n';
    const contexts = producedContexts(text, args, 'arm64', owners, '/s', read);
    expect(contextFlags(contexts)).toEqual([
      `demo/gateway:latest-arm64=oci-layout:///s/produced/docker.io_demo_gateway-arm64@${DIGEST}`,
    ]);
    expect(contexts[0]).toMatchObject({ project: 'gateway', ref: 'demo/gateway:latest-arm64' });
  });

  it('covers COPY --from and RUN --mount from=, with or without the registry the producer pushes to', () => {
    const text = [
      'FROM alpine:3.20',
      'COPY --from=demo/hub:latest-amd64 /etc/hub /etc/hub',
      'RUN --mount=type=bind,from=127.0.0.1:5000/demo/hub-init:latest-arm64,target=/i ls /i',
    ].join('\n');
    expect(contextFlags(producedContexts(text, args, 'arm64', owners, '/s', read))).toEqual([
      `demo/hub:latest-amd64=oci-layout:///s/produced/127.0.0.1_5000_demo_hub-amd64@${DIGEST}`,
      `127.0.0.1:5000/demo/hub-init:latest-arm64=oci-layout:///s/produced/127.0.0.1_5000_demo_hub-init-arm64@${DIGEST}`,
    ]);
  });

  it('hands an upstream component over as the image it pulls', () => {
    const text = 'FROM demo/cache:latest-arm64\n';
    expect(contextFlags(producedContexts(text, args, 'arm64', owners, '/s', read))).toEqual([
      'demo/cache:latest-arm64=docker-image://redis:7.2-alpine',
    ]);
  });

  it('leaves alone images nobody here builds, multi-arch tags, and unresolved references', () => {
    const text =
      'FROM alpine:3.20 AS a\nFROM demo/gateway:1.0 AS b\nFROM demo/gateway:${NOPE}-arm64\nFROM other/gateway:latest-arm64\n';
    expect(producedContexts(text, {}, 'arm64', owners, '/s', read)).toEqual([]);
  });

  it('fails naming the build to run when the producer left no image', () => {
    const text = 'FROM demo/gateway:latest-amd64\n';
    const run = () => producedContexts(text, args, 'amd64', owners, '/s', read);
    expect(run).toThrow(PluginError);
    expect(run).toThrow(
      'uses demo/gateway:latest-amd64, built by component gateway, but no image of that build is at ' +
        "/s/produced/docker.io_demo_gateway-amd64 (a container builder cannot see the daemon's images). " +
        'Fix: build it first, nx run gateway:build-image --platform=amd64',
    );
  });

  it('in a dry run names the layout without a digest instead of failing', () => {
    const text = 'FROM demo/gateway:latest-amd64\n';
    expect(contextFlags(producedContexts(text, args, 'amd64', owners, '/s', read, true))).toEqual([
      'demo/gateway:latest-amd64=oci-layout:///s/produced/docker.io_demo_gateway-amd64',
    ]);
  });
});
