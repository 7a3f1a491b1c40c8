import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseImagesOf, type BaseImage, platformArgs } from '../../core/component/images';
import { parseDockerfile } from '../../core/dockerfile/parse';
import type { Arch } from '../../core/platform';
import { familiarRef, qualifiedRef } from '../../core/image/reference';
import { byImage, type ComponentPulls, isValidReference, planPrefetch, type PrefetchItem } from './plan';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const noOwners = new Map<string, string>();

/** A component that pulls the same images for each of `targets`. */
const pulls = (project: string, refs: string[], targets: Arch[] = ['amd64', 'arm64']): ComponentPulls => ({
  project,
  builds: targets.map((target) => ({ target, images: refs.map((ref) => ({ ref, arch: target })) })),
});

describe('qualifiedRef', () => {
  test.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['index.docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['gitea/gitea:1.22', 'docker.io/gitea/gitea:1.22'],
    ['127.0.0.1:5000/x/y:1', '127.0.0.1:5000/x/y:1'],
    [`ghcr.io/a/b@${DIGEST}`, `ghcr.io/a/b@${DIGEST}`],
    [`ghcr.io/a/b:1@${DIGEST}`, `ghcr.io/a/b:1@${DIGEST}`],
    [`alpine@${DIGEST}`, `docker.io/library/alpine@${DIGEST}`],
    ['localhost:5000/a', 'localhost:5000/a:latest'],
  ])('%s → %s', (ref, expected) => {
    expect(qualifiedRef(ref)).toBe(expected);
  });
});

describe('familiarRef', () => {
  test.each([
    ['docker.io/library/alpine:latest', 'alpine:latest'],
    ['docker.io/library/alpine:3.20', 'alpine:3.20'],
    [`docker.io/library/alpine@${DIGEST}`, `alpine@${DIGEST}`],
    ['docker.io/gitea/gitea:1.22', 'gitea/gitea:1.22'],
    ['127.0.0.1:5000/x/y:1', '127.0.0.1:5000/x/y:1'],
    [`ghcr.io/a/b@${DIGEST}`, `ghcr.io/a/b@${DIGEST}`],
    [`ghcr.io/a/b:1@${DIGEST}`, `ghcr.io/a/b:1@${DIGEST}`],
    ['localhost:5000/a:latest', 'localhost:5000/a:latest'],
  ])('%s → %s', (ref, expected) => {
    expect(familiarRef(ref)).toBe(expected);
  });

  test.each(['alpine', 'alpine:3.20', 'gitea/gitea:1.22', '127.0.0.1:5000/x/y:1', `ghcr.io/a/b:1@${DIGEST}`])(
    'undoes qualifiedRef for %s',
    (ref) => {
      expect(familiarRef(qualifiedRef(ref))).toBe(ref.includes(':') ? ref : `${ref}:latest`);
    },
  );
});

describe('isValidReference', () => {
  test.each([
    'alpine',
    'alpine:3.20',
    'docker.io/library/alpine:3.20',
    'gitea/gitea:1.22',
    '127.0.0.1:5000/x/y:1',
    'localhost:5000/a',
    `ghcr.io/a/b@${DIGEST}`,
    `ghcr.io/a/b:1@${DIGEST}`,
    'my_org/a__b/c-d.e:v1.0-rc_1',
    `alpine:${'a'.repeat(128)}`,
  ])('%s is valid', (ref) => {
    expect(isValidReference(ref)).toBe(true);
  });

  test.each([
    ['an upper-case repository', 'Alpine:3.20'],
    ['an upper-case path component', 'ghcr.io/Org/app:1'],
    ['a space in the name', 'alpine 3.20'],
    ['a space in the tag', 'alpine:3 20'],
    ['an empty tag', 'alpine:'],
    ['a tag longer than 128 characters', `alpine:${'a'.repeat(129)}`],
    ['a tag starting with a dot', 'alpine:.3'],
    ['a digest too short', 'alpine@sha256:abc123'],
    ['a digest that is not hex', `alpine@sha256:${'z'.repeat(64)}`],
    ['a digest without algorithm', `alpine@${'0'.repeat(64)}`],
    ['a leading dash', '-alpine:3.20'],
    ['an empty reference', ''],
    ['an unresolved ARG left empty', ':3.20'],
    ['an empty digest', 'alpine@'],
    ['a tag and an empty digest', 'alpine:3.20@'],
  ])('%s is invalid: %s', (_name, ref) => {
    expect(isValidReference(ref)).toBe(false);
  });
});

describe('planPrefetch', () => {
  it('fetches an image shared by 10 components once per platform, listing every component', () => {
    const projects = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const plan = planPrefetch(
      projects.map((p) => pulls(p, ['alpine:3.20'])),
      noOwners,
    );
    expect(plan).toEqual({
      items: [
        { ref: 'docker.io/library/alpine:3.20', arch: 'amd64', projects },
        { ref: 'docker.io/library/alpine:3.20', arch: 'arm64', projects },
      ],
      skipped: [],
      naiveFetches: 20,
    });
  });

  it('treats the short and the qualified spelling of one image as one item', () => {
    const plan = planPrefetch(
      [
        pulls('gateway', ['alpine:3.20'], ['arm64']),
        pulls('api', ['docker.io/library/alpine:3.20', 'index.docker.io/library/alpine:3.20'], ['arm64']),
      ],
      noOwners,
    );
    expect(plan.items).toEqual([{ ref: 'docker.io/library/alpine:3.20', arch: 'arm64', projects: ['gateway', 'api'] }]);
    expect(plan.naiveFetches).toBe(3);
  });

  it('keeps different tags and digests of one repository apart', () => {
    const plan = planPrefetch([pulls('api', ['alpine:3.20', 'alpine:3.19', `alpine@${DIGEST}`], ['amd64'])], noOwners);
    expect(plan.items.map((item) => item.ref)).toEqual([
      'docker.io/library/alpine:3.19',
      'docker.io/library/alpine:3.20',
      `docker.io/library/alpine@${DIGEST}`,
    ]);
  });

  it('skips images built by a component of the workspace, once per image and reason', () => {
    const owners = new Map([['docker.io/demo/gateway', 'gateway']]);
    const plan = planPrefetch(
      [
        pulls('gateway', ['alpine:3.20']),
        pulls('portal', ['demo/gateway:latest', 'docker.io/demo/gateway:latest']),
        pulls('worker', ['demo/gateway:latest'], ['arm64']),
      ],
      owners,
    );
    expect(plan).toEqual({
      items: [
        { ref: 'docker.io/library/alpine:3.20', arch: 'amd64', projects: ['gateway'] },
        { ref: 'docker.io/library/alpine:3.20', arch: 'arm64', projects: ['gateway'] },
      ],
      skipped: [{ ref: 'demo/gateway:latest', projects: ['portal', 'worker'], reason: 'built by component gateway' }],
      // Only what a naive script would fetch too: it builds component images, it does not pull them.
      naiveFetches: 2,
    });
  });

  it('skips refs with unresolved ARGs, foreign platforms and invalid references, saying why', () => {
    const images: BaseImage[] = [
      { ref: ':3.20', arch: 'amd64', unresolved: ['BASE'] },
      { ref: '-', arch: 'amd64', unresolved: ['REGISTRY', 'NAME'] },
      { ref: 'alpine:3.20', arch: 'amd64', unsupportedPlatform: 'linux/riscv64' },
      { ref: 'Alpine:3.20', arch: 'amd64' },
      { ref: 'busybox:1.36', arch: 'amd64' },
    ];
    const plan = planPrefetch(
      [
        { project: 'api', builds: [{ target: 'amd64', images }] },
        { project: 'worker', builds: [{ target: 'amd64', images: images.slice(0, 1) }] },
      ],
      noOwners,
    );
    expect(plan).toEqual({
      items: [{ ref: 'docker.io/library/busybox:1.36', arch: 'amd64', projects: ['api'] }],
      skipped: [
        { ref: ':3.20', projects: ['api', 'worker'], reason: 'no value for $BASE' },
        { ref: '-', projects: ['api'], reason: 'no value for $REGISTRY, $NAME' },
        {
          ref: 'alpine:3.20',
          projects: ['api'],
          reason: 'FROM --platform=linux/riscv64 is not a platform built here',
        },
        { ref: 'Alpine:3.20', projects: ['api'], reason: 'not a valid image reference' },
      ],
      naiveFetches: 1,
    });
  });

  it('sorts items by reference, then platform', () => {
    const plan = planPrefetch(
      [
        pulls('a', ['node:20'], ['arm64', 'amd64']),
        pulls('b', ['127.0.0.1:5000/lab/base:1', 'alpine:3.20'], ['arm64', 'amd64']),
      ],
      noOwners,
    );
    expect(plan.items.map((item) => `${item.ref} ${item.arch}`)).toEqual([
      '127.0.0.1:5000/lab/base:1 amd64',
      '127.0.0.1:5000/lab/base:1 arm64',
      'docker.io/library/alpine:3.20 amd64',
      'docker.io/library/alpine:3.20 arm64',
      'docker.io/library/node:20 amd64',
      'docker.io/library/node:20 arm64',
    ]);
  });

  it('plans a cross-compiling Dockerfile: the $BUILDPLATFORM stage once for both targets', () => {
    const text = readFileSync(join(__dirname, '../../../test/fixtures/dockerfiles/go-cross.Dockerfile'), 'utf8');
    const builds = (['amd64', 'arm64'] as const).map((target) => ({
      target,
      images: baseImagesOf(parseDockerfile(text, platformArgs(target, 'amd64')), target),
    }));
    const plan = planPrefetch([{ project: 'server', builds }], noOwners);
    const distroless =
      'gcr.io/distroless/static-debian12:nonroot@sha256:e9ac71e2b8e279a8372741b7a0293afda17650d926900233ec3a7b2b7c22a246';
    expect(plan).toEqual({
      items: [
        { ref: 'docker.io/golangci/golangci-lint:v1.61.0-alpine', arch: 'amd64', projects: ['server'] },
        { ref: 'docker.io/golangci/golangci-lint:v1.61.0-alpine', arch: 'arm64', projects: ['server'] },
        { ref: 'docker.io/library/golang:1.22-alpine3.20', arch: 'amd64', projects: ['server'] },
        { ref: distroless, arch: 'amd64', projects: ['server'] },
        { ref: distroless, arch: 'arm64', projects: ['server'] },
      ],
      skipped: [],
      naiveFetches: 6,
    });
  });
});

describe('byImage', () => {
  it("groups one image's platforms together, in plan order", () => {
    const items: PrefetchItem[] = [
      { ref: 'docker.io/library/alpine:3.20', arch: 'amd64', projects: ['a'] },
      { ref: 'docker.io/library/alpine:3.20', arch: 'arm64', projects: ['a'] },
      { ref: 'docker.io/library/busybox:1.36', arch: 'arm64', projects: ['b'] },
      { ref: 'ghcr.io/a/b:1', arch: 'amd64', projects: ['c'] },
      { ref: 'ghcr.io/a/b:1', arch: 'arm64', projects: ['c'] },
    ];
    expect(byImage(items)).toEqual([[items[0], items[1]], [items[2]], [items[3], items[4]]]);
  });

  it('keeps the order of first appearance when an image comes back later', () => {
    const a1: PrefetchItem = { ref: 'a', arch: 'amd64', projects: [] };
    const b1: PrefetchItem = { ref: 'b', arch: 'amd64', projects: [] };
    const a2: PrefetchItem = { ref: 'a', arch: 'arm64', projects: [] };
    expect(byImage([a1, b1, a2])).toEqual([[a1, a2], [b1]]);
  });

  it('returns no groups for no items', () => {
    expect(byImage([])).toEqual([]);
  });
});
