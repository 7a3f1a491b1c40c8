import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from '../dockerfile/parse';
import type { Arch } from '../platform';
import { type BaseImage, baseImagesOf, platformArgs } from './images';

const dockerfile = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/dockerfiles', name), 'utf8');

/** What a build of `target` on a `build` machine pulls, as the plugin reads the Dockerfile for it. */
const pulled = (text: string, target: Arch, build: Arch = 'amd64') =>
  baseImagesOf(parseDockerfile(text, platformArgs(target, build)), target);

describe('platformArgs', () => {
  test.each<[Arch, Arch, Record<string, string>]>([
    [
      'arm64',
      'amd64',
      {
        TARGETPLATFORM: 'linux/arm64',
        TARGETOS: 'linux',
        TARGETARCH: 'arm64',
        TARGETVARIANT: '',
        BUILDPLATFORM: 'linux/amd64',
        BUILDOS: 'linux',
        BUILDARCH: 'amd64',
        BUILDVARIANT: '',
      },
    ],
    [
      'amd64',
      'arm64',
      {
        TARGETPLATFORM: 'linux/amd64',
        TARGETOS: 'linux',
        TARGETARCH: 'amd64',
        TARGETVARIANT: '',
        BUILDPLATFORM: 'linux/arm64',
        BUILDOS: 'linux',
        BUILDARCH: 'arm64',
        BUILDVARIANT: '',
      },
    ],
  ])('target %s on %s', (target, build, expected) => {
    expect(platformArgs(target, build)).toEqual(expected);
  });
});

describe('baseImagesOf', () => {
  test.each<[string, string, Arch, Arch, BaseImage[]]>([
    [
      'a plain FROM is pulled for the target',
      'FROM alpine:3.20\n',
      'arm64',
      'amd64',
      [{ ref: 'alpine:3.20', arch: 'arm64' }],
    ],
    [
      'a $BUILDPLATFORM stage is pulled for the build machine',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build /out /app\n',
      'arm64',
      'amd64',
      [
        { ref: 'golang:1.22', arch: 'amd64' },
        { ref: 'alpine:3.20', arch: 'arm64' },
      ],
    ],
    [
      '${BUILDPLATFORM} in braces, on an arm64 build machine',
      'FROM --platform=${BUILDPLATFORM} golang:1.22\n',
      'amd64',
      'arm64',
      [{ ref: 'golang:1.22', arch: 'arm64' }],
    ],
    [
      'a fixed --platform wins over the target',
      'FROM --platform=linux/amd64 x\n',
      'arm64',
      'amd64',
      [{ ref: 'x', arch: 'amd64' }],
    ],
    ['linux/arm64/v8 is arm64', 'FROM --platform=linux/arm64/v8 x\n', 'amd64', 'amd64', [{ ref: 'x', arch: 'arm64' }]],
    ['linux/aarch64 is arm64', 'FROM --platform=linux/aarch64 x\n', 'amd64', 'amd64', [{ ref: 'x', arch: 'arm64' }]],
    [
      'x86_64 (no OS, any case) is amd64',
      'FROM --platform=X86_64 x\n',
      'arm64',
      'arm64',
      [{ ref: 'x', arch: 'amd64' }],
    ],
    [
      'a platform not built here is flagged, for the target',
      'FROM --platform=linux/riscv64 x\n',
      'arm64',
      'amd64',
      [{ ref: 'x', arch: 'arm64', unsupportedPlatform: 'linux/riscv64' }],
    ],
    [
      '$TARGETARCH in the image name, without an ARG line (automatic)',
      'FROM base-${TARGETARCH}\n',
      'arm64',
      'amd64',
      [{ ref: 'base-arm64', arch: 'arm64' }],
    ],
    [
      '$TARGETARCH in the image name for the other target',
      'FROM base-${TARGETARCH}\n',
      'amd64',
      'arm64',
      [{ ref: 'base-amd64', arch: 'amd64' }],
    ],
    [
      'COPY --from an image is pulled for the target',
      'FROM alpine:3.20\nCOPY --from=busybox:1.36 /bin/busybox /bin/busybox\n',
      'arm64',
      'amd64',
      [
        { ref: 'alpine:3.20', arch: 'arm64' },
        { ref: 'busybox:1.36', arch: 'arm64' },
      ],
    ],
    [
      'RUN --mount from= an image is pulled for the target',
      'FROM alpine:3.20\nRUN --mount=type=bind,from=node:20,source=/usr/local/bin/node,target=/n /n -v\n',
      'amd64',
      'amd64',
      [
        { ref: 'alpine:3.20', arch: 'amd64' },
        { ref: 'node:20', arch: 'amd64' },
      ],
    ],
    [
      'stages (by alias or index) and scratch are not pulled',
      'FROM scratch AS empty\nFROM alpine:3.20 AS Base\nFROM base\nCOPY --from=empty / /\nCOPY --from=1 /etc /etc\n' +
        'RUN --mount=from=base,target=/b true\n',
      'arm64',
      'amd64',
      [{ ref: 'alpine:3.20', arch: 'arm64' }],
    ],
    [
      'an ARG without a value is reported unresolved',
      'ARG BASE\nFROM ${BASE}:1\n',
      'arm64',
      'amd64',
      [{ ref: ':1', arch: 'arm64', unresolved: ['BASE'] }],
    ],
    [
      'a variable never declared is unresolved too',
      'FROM ${REGISTRY}/app:${TAG}\n',
      'amd64',
      'amd64',
      [{ ref: '/app:', arch: 'amd64', unresolved: ['REGISTRY', 'TAG'] }],
    ],
    [
      'an ARG default resolves',
      'ARG BASE=alpine\nFROM ${BASE}:3.20\n',
      'arm64',
      'amd64',
      [{ ref: 'alpine:3.20', arch: 'arm64' }],
    ],
    [
      'one image and platform used several ways is listed once',
      'FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nCOPY --from=alpine:3.20 /etc/os-release /\n',
      'arm64',
      'amd64',
      [{ ref: 'alpine:3.20', arch: 'arm64' }],
    ],
    [
      'the build stage and a target stage of one image collapse when build and target are the same',
      'FROM --platform=$BUILDPLATFORM alpine:3.20 AS tools\nFROM alpine:3.20\n',
      'amd64',
      'amd64',
      [{ ref: 'alpine:3.20', arch: 'amd64' }],
    ],
    [
      'but stay apart when they differ',
      'FROM --platform=$BUILDPLATFORM alpine:3.20 AS tools\nFROM alpine:3.20\n',
      'arm64',
      'amd64',
      [
        { ref: 'alpine:3.20', arch: 'amd64' },
        { ref: 'alpine:3.20', arch: 'arm64' },
      ],
    ],
  ])('%s', (_name, text, target, build, expected) => {
    expect(pulled(text, target, build)).toStrictEqual(expected);
  });

  it('needs the platform args: without them $TARGETARCH is unresolved', () => {
    expect(baseImagesOf(parseDockerfile('FROM base-${TARGETARCH}\n'), 'arm64')).toStrictEqual([
      { ref: 'base-', arch: 'arm64', unresolved: ['TARGETARCH'] },
    ]);
  });

  const DISTROLESS =
    'gcr.io/distroless/static-debian12:nonroot@sha256:e9ac71e2b8e279a8372741b7a0293afda17650d926900233ec3a7b2b7c22a246';

  test.each<[string, Arch, Arch, BaseImage[]]>([
    ['gateway.Dockerfile', 'arm64', 'amd64', [{ ref: 'alpine:3.20', arch: 'arm64' }]],
    [
      'api.Dockerfile',
      'arm64',
      'amd64',
      [
        { ref: 'busybox:1.36', arch: 'arm64' },
        { ref: 'alpine:3.20', arch: 'arm64' },
      ],
    ],
    [
      'go-cross.Dockerfile',
      'arm64',
      'amd64',
      [
        { ref: 'docker.io/library/golang:1.22-alpine3.20', arch: 'amd64' },
        { ref: DISTROLESS, arch: 'arm64' },
        { ref: 'golangci/golangci-lint:v1.61.0-alpine', arch: 'arm64' },
      ],
    ],
    [
      'go-cross.Dockerfile',
      'amd64',
      'arm64',
      [
        { ref: 'docker.io/library/golang:1.22-alpine3.20', arch: 'arm64' },
        { ref: DISTROLESS, arch: 'amd64' },
        { ref: 'golangci/golangci-lint:v1.61.0-alpine', arch: 'amd64' },
      ],
    ],
  ])('%s built for %s on %s', (file, target, build, expected) => {
    expect(pulled(dockerfile(file), target, build)).toStrictEqual(expected);
  });
});
