import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instructions, parseDockerfile, secretMountId } from './parse';

const FIXTURES = join(__dirname, '../../../test/fixtures/dockerfiles');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const DIGEST = 'sha256:e9ac71e2b8e279a8372741b7a0293afda17650d926900233ec3a7b2b7c22a246';
const DISTROLESS = `gcr.io/distroless/static-debian12:nonroot@${DIGEST}`;

describe('instructions', () => {
  test.each([
    [
      'upper-cases keywords and ignores leading whitespace',
      'from alpine\n  run echo hi\nCoPy a b\n',
      [
        { line: 1, keyword: 'FROM', rest: 'alpine' },
        { line: 2, keyword: 'RUN', rest: 'echo hi' },
        { line: 3, keyword: 'COPY', rest: 'a b' },
      ],
    ],
    [
      'skips blank lines and comments, but not a # after an instruction',
      '# comment\n\nFROM a\n   # indented comment\nRUN b # not a comment\n',
      [
        { line: 3, keyword: 'FROM', rest: 'a' },
        { line: 5, keyword: 'RUN', rest: 'b # not a comment' },
      ],
    ],
    [
      'joins continuation lines as they are, on the first line number',
      'FROM a\nRUN apt-get update && \\\n    apt-get install -y curl\nEXPOSE 80\n',
      [
        { line: 1, keyword: 'FROM', rest: 'a' },
        { line: 2, keyword: 'RUN', rest: 'apt-get update &&     apt-get install -y curl' },
        { line: 4, keyword: 'EXPOSE', rest: '80' },
      ],
    ],
    [
      'adds no space where a line is split mid-word',
      'FROM alpine:3.\\\n20 AS base\n',
      [{ line: 1, keyword: 'FROM', rest: 'alpine:3.20 AS base' }],
    ],
    ['allows spaces and tabs after the escape', 'RUN a \\ \t\nb\n', [{ line: 1, keyword: 'RUN', rest: 'a b' }]],
    [
      'drops comments inside a continuation, even one ending in the escape',
      'RUN a \\\n# comment\n  # indented comment \\\n  b\nFROM x\n',
      [
        { line: 1, keyword: 'RUN', rest: 'a   b' },
        { line: 5, keyword: 'FROM', rest: 'x' },
      ],
    ],
    [
      'skips empty lines inside a continuation',
      'RUN a \\\n\n   \n  b\nFROM x\n',
      [
        { line: 1, keyword: 'RUN', rest: 'a   b' },
        { line: 5, keyword: 'FROM', rest: 'x' },
      ],
    ],
    [
      'continues through a line holding only the escape',
      'RUN a \\\n\\\nb\n',
      [{ line: 1, keyword: 'RUN', rest: 'a b' }],
    ],
    [
      'does not continue after an escaped escape',
      'RUN echo \\\\\nFROM x\n',
      [
        { line: 1, keyword: 'RUN', rest: 'echo \\\\' },
        { line: 2, keyword: 'FROM', rest: 'x' },
      ],
    ],
    [
      'keeps an instruction cut short by the end of the file',
      'FROM a\nRUN b \\\n',
      [
        { line: 1, keyword: 'FROM', rest: 'a' },
        { line: 2, keyword: 'RUN', rest: 'b' },
      ],
    ],
    [
      'reads CRLF line endings',
      'FROM a\r\nRUN b \\\r\n  c\r\n\r\nCMD d\r\n',
      [
        { line: 1, keyword: 'FROM', rest: 'a' },
        { line: 2, keyword: 'RUN', rest: 'b   c' },
        { line: 5, keyword: 'CMD', rest: 'd' },
      ],
    ],
    ['drops a UTF-8 byte-order mark', '\uFEFFFROM alpine\n', [{ line: 1, keyword: 'FROM', rest: 'alpine' }]],
    [
      'joins `c:\\` with the next line under the default escape (the Dockerfile reference example)',
      'FROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n',
      [
        { line: 1, keyword: 'FROM', rest: 'microsoft/nanoserver' },
        { line: 2, keyword: 'COPY', rest: 'testfile.txt c:RUN dir c:' },
      ],
    ],
    [
      'takes a backtick escape from the `# escape=` directive',
      '# escape=`\n\nFROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n  /b\n',
      [
        { line: 3, keyword: 'FROM', rest: 'microsoft/nanoserver' },
        { line: 4, keyword: 'COPY', rest: 'testfile.txt c:\\' },
        { line: 5, keyword: 'RUN', rest: 'dir c:\\   /b' },
      ],
    ],
    [
      'reads the directive case-insensitively, with spaces',
      '#  ESCAPE = `\nRUN a `\nb\n',
      [{ line: 2, keyword: 'RUN', rest: 'a b' }],
    ],
    [
      'reads the directive after a byte-order mark, with CRLF line endings',
      '\uFEFF# escape=`\r\nRUN a `\r\nb\r\n',
      [{ line: 2, keyword: 'RUN', rest: 'a b' }],
    ],
    [
      'reads `escape` after the `syntax` and `check` directives',
      '# syntax=docker/dockerfile:1.7\n# check=skip=JSONArgsRecommended;error=true\n# escape=`\nRUN a `\nb\n',
      [{ line: 4, keyword: 'RUN', rest: 'a b' }],
    ],
    [
      'stops reading directives at an unknown one',
      '# foo=bar\n# escape=`\nRUN a `\nb\n',
      [
        { line: 3, keyword: 'RUN', rest: 'a `' },
        { line: 4, keyword: 'B', rest: '' },
      ],
    ],
    [
      'stops reading directives at a comment',
      '# Build the API.\n# escape=`\nRUN a `\nb\n',
      [
        { line: 3, keyword: 'RUN', rest: 'a `' },
        { line: 4, keyword: 'B', rest: '' },
      ],
    ],
    [
      'stops reading directives at a blank line',
      '\n# escape=`\nRUN a `\nb\n',
      [
        { line: 3, keyword: 'RUN', rest: 'a `' },
        { line: 4, keyword: 'B', rest: '' },
      ],
    ],
    [
      'treats a directive after an instruction as a comment',
      'FROM a\n# escape=`\nRUN b `\nc\n',
      [
        { line: 1, keyword: 'FROM', rest: 'a' },
        { line: 3, keyword: 'RUN', rest: 'b `' },
        { line: 4, keyword: 'C', rest: '' },
      ],
    ],
    [
      'skips a RUN heredoc body',
      'RUN <<EOF\nFROM evil\nEOF\nFROM alpine\n',
      [
        { line: 1, keyword: 'RUN', rest: '<<EOF' },
        { line: 4, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'skips a COPY heredoc body holding Python imports',
      'COPY <<EOF /app/main.py\nfrom flask import Flask\nEOF\nFROM alpine\n',
      [
        { line: 1, keyword: 'COPY', rest: '<<EOF /app/main.py' },
        { line: 4, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'skips an ADD heredoc body with a quoted terminator',
      "ADD <<'END' /etc/motd\nfrom here\nEND\nFROM alpine\n",
      [
        { line: 1, keyword: 'ADD', rest: "<<'END' /etc/motd" },
        { line: 4, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'ends a `<<-` heredoc at a tab-indented terminator',
      'RUN <<-"EOT" sh\n\tfrom=1\n\tEOT\nFROM alpine\n',
      [
        { line: 1, keyword: 'RUN', rest: '<<-"EOT" sh' },
        { line: 4, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'ends a `<<` heredoc only at an unindented terminator',
      'RUN <<EOF\n\tEOF\nfrom x\nEOF\nFROM alpine\n',
      [
        { line: 1, keyword: 'RUN', rest: '<<EOF' },
        { line: 5, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'reads several heredocs in order, and one opened on a file descriptor',
      'RUN <<A cat > a && 3<<B cat /dev/fd/3 > b\nfrom a\nA\nfrom b\nB\nFROM alpine\n',
      [
        { line: 1, keyword: 'RUN', rest: '<<A cat > a && 3<<B cat /dev/fd/3 > b' },
        { line: 6, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'opens a heredoc with spaces after `<<`, on a continued line',
      'RUN --mount=type=cache,target=/var/cache \\\n    cat > /etc/conf << EOF\nfrom x\nEOF\nFROM alpine\n',
      [
        { line: 1, keyword: 'RUN', rest: '--mount=type=cache,target=/var/cache     cat > /etc/conf << EOF' },
        { line: 5, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'skips an ONBUILD RUN heredoc body',
      'ONBUILD RUN <<EOF\nfrom x\nEOF\nFROM alpine\n',
      [
        { line: 1, keyword: 'ONBUILD', rest: 'RUN <<EOF' },
        { line: 4, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    [
      'opens no heredoc from a quoted `<<`, a here-string, `cat<<X`, a bare `<<-` or another instruction',
      'RUN echo "<<A" \'<<B\' && cat <<<C && cat<<D && x <<-\nLABEL <<E\nFROM alpine\n',
      [
        { line: 1, keyword: 'RUN', rest: 'echo "<<A" \'<<B\' && cat <<<C && cat<<D && x <<-' },
        { line: 2, keyword: 'LABEL', rest: '<<E' },
        { line: 3, keyword: 'FROM', rest: 'alpine' },
      ],
    ],
    ['finds nothing in an empty file', '', []],
    ['finds nothing in comments only', '# syntax=docker/dockerfile:1\n# nothing here\n', []],
  ])('%s', (_name, text, expected) => {
    expect(instructions(text)).toStrictEqual(expected);
  });
});

describe('parseDockerfile', () => {
  test.each([
    [
      'substitutes a global ARG default in FROM',
      'ARG BASE=alpine:3.20\nFROM $BASE\n',
      {},
      {
        globalArgs: { BASE: 'alpine:3.20' },
        declaredArgs: ['BASE'],
        stages: [{ line: 2, ref: 'alpine:3.20', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['alpine:3.20'],
        secrets: [],
      },
    ],
    [
      'lets a build arg override a global ARG default',
      'ARG BASE=alpine:3.20\nFROM ${BASE}\n',
      { BASE: 'debian:12-slim' },
      {
        globalArgs: { BASE: 'debian:12-slim' },
        declaredArgs: ['BASE'],
        stages: [{ line: 2, ref: 'debian:12-slim', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['debian:12-slim'],
        secrets: [],
      },
    ],
    [
      'lets a build arg set a global ARG declared without a default',
      'ARG BASE\nFROM ${BASE}\n',
      { BASE: 'busybox:1.36' },
      {
        globalArgs: { BASE: 'busybox:1.36' },
        declaredArgs: ['BASE'],
        stages: [{ line: 2, ref: 'busybox:1.36', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['busybox:1.36'],
        secrets: [],
      },
    ],
    [
      'reports a global ARG without a default or build arg as unresolved',
      'ARG TAG\nFROM acme/base:${TAG}-amd64\n',
      {},
      {
        globalArgs: { TAG: undefined },
        declaredArgs: ['TAG'],
        stages: [{ line: 2, ref: 'acme/base:-amd64', kind: 'image', unresolved: ['TAG'] }],
        copyFrom: [],
        images: ['acme/base:-amd64'],
        secrets: [],
      },
    ],
    [
      'expands a global ARG default with the ARGs before it',
      'ARG REGISTRY=127.0.0.1:5000\nARG IMAGE=${REGISTRY}/acme/base\nFROM ${IMAGE}:1.0\n',
      {},
      {
        globalArgs: { REGISTRY: '127.0.0.1:5000', IMAGE: '127.0.0.1:5000/acme/base' },
        declaredArgs: ['REGISTRY', 'IMAGE'],
        stages: [{ line: 3, ref: '127.0.0.1:5000/acme/base:1.0', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['127.0.0.1:5000/acme/base:1.0'],
        secrets: [],
      },
    ],
    [
      'expands a global ARG default with a build arg given for an earlier ARG',
      'ARG REGISTRY=127.0.0.1:5000\nARG IMAGE=${REGISTRY}/acme/base\nFROM ${IMAGE}:1.0\n',
      { REGISTRY: 'registry.example.com' },
      {
        globalArgs: { REGISTRY: 'registry.example.com', IMAGE: 'registry.example.com/acme/base' },
        declaredArgs: ['REGISTRY', 'IMAGE'],
        stages: [{ line: 3, ref: 'registry.example.com/acme/base:1.0', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['registry.example.com/acme/base:1.0'],
        secrets: [],
      },
    ],
    [
      'takes a build arg as it is, not expanded',
      'ARG REGISTRY=127.0.0.1:5000\nARG IMAGE=${REGISTRY}/acme/base\nFROM ${IMAGE}:1.0\n',
      { IMAGE: '${REGISTRY}/other' },
      {
        globalArgs: { REGISTRY: '127.0.0.1:5000', IMAGE: '${REGISTRY}/other' },
        declaredArgs: ['REGISTRY', 'IMAGE'],
        stages: [{ line: 3, ref: '${REGISTRY}/other:1.0', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['${REGISTRY}/other:1.0'],
        secrets: [],
      },
    ],
    [
      'reads several ARGs on one line, with quotes; single quotes keep a default literal',
      'ARG A=1 B C="two words" D=\'${A}\' E="${A}"\nFROM scratch\n',
      {},
      {
        globalArgs: { A: '1', B: undefined, C: 'two words', D: '${A}', E: '1' },
        declaredArgs: ['A', 'B', 'C', 'D', 'E'],
        stages: [{ line: 2, ref: 'scratch', kind: 'scratch', unresolved: [] }],
        copyFrom: [],
        images: [],
        secrets: [],
      },
    ],
    [
      'keeps a global ARG value when the ARG is repeated without a default',
      'ARG VERSION=3.20\nARG VERSION\nFROM alpine:$VERSION\n',
      {},
      {
        globalArgs: { VERSION: '3.20' },
        declaredArgs: ['VERSION'],
        stages: [{ line: 3, ref: 'alpine:3.20', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['alpine:3.20'],
        secrets: [],
      },
    ],
    [
      'does not let a build arg without a global ARG reach FROM, nor an ARG declared in a stage',
      'FROM ${BASE:-alpine}\nARG BASE=node\nFROM ${BASE:-busybox}\n',
      { BASE: 'debian' },
      {
        globalArgs: {},
        declaredArgs: ['BASE'],
        stages: [
          { line: 1, ref: 'alpine', kind: 'image', unresolved: [] },
          { line: 3, ref: 'busybox', kind: 'image', unresolved: [] },
        ],
        copyFrom: [],
        images: ['alpine', 'busybox'],
        secrets: [],
      },
    ],
    [
      'lets the automatic platform ARGs reach FROM and --platform without an ARG line',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM acme/base:${TARGETOS}-${TARGETARCH}\n',
      { BUILDPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'arm64' },
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'golang:1.22', kind: 'image', unresolved: [], platform: 'linux/amd64', alias: 'build' },
          { line: 2, ref: 'acme/base:linux-arm64', kind: 'image', unresolved: [] },
        ],
        copyFrom: [],
        images: ['golang:1.22', 'acme/base:linux-arm64'],
        secrets: [],
      },
    ],
    [
      'leaves out a --platform whose variables are not known',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 1, ref: 'golang:1.22', kind: 'image', unresolved: [], alias: 'build' }],
        copyFrom: [],
        images: ['golang:1.22'],
        secrets: [],
      },
    ],
    [
      'keeps a constant --platform',
      'FROM --platform=linux/arm64 alpine\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 1, ref: 'alpine', kind: 'image', unresolved: [], platform: 'linux/arm64' }],
        copyFrom: [],
        images: ['alpine'],
        secrets: [],
      },
    ],
    [
      'applies `:-`, `:+` and `-` to ARGs set, empty and unset',
      'ARG TAG=\nARG VARIANT\nFROM node:${TAG:-20}${VARIANT:+-$VARIANT}\nFROM python${TAG-3.12}:${TAG:-3.12}\n',
      {},
      {
        globalArgs: { TAG: '', VARIANT: undefined },
        declaredArgs: ['TAG', 'VARIANT'],
        stages: [
          { line: 3, ref: 'node:20', kind: 'image', unresolved: [] },
          { line: 4, ref: 'python:3.12', kind: 'image', unresolved: [] },
        ],
        copyFrom: [],
        images: ['node:20', 'python:3.12'],
        secrets: [],
      },
    ],
    [
      'applies `:+` once a build arg sets the ARG',
      'ARG TAG=\nARG VARIANT\nFROM node:${TAG:-20}${VARIANT:+-$VARIANT}\n',
      { VARIANT: 'alpine' },
      {
        globalArgs: { TAG: '', VARIANT: 'alpine' },
        declaredArgs: ['TAG', 'VARIANT'],
        stages: [{ line: 3, ref: 'node:20-alpine', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['node:20-alpine'],
        secrets: [],
      },
    ],
    [
      'lower-cases AS aliases, reads `as` in any case and matches --from case-insensitively',
      'FROM golang AS Build\nFROM build as test\nfrom build\nCOPY --from=bUiLd /a /b\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'golang', kind: 'image', unresolved: [], alias: 'build' },
          { line: 2, ref: 'build', kind: 'stage', unresolved: [], alias: 'test' },
          { line: 3, ref: 'build', kind: 'stage', unresolved: [] },
        ],
        copyFrom: [{ line: 4, ref: 'bUiLd', kind: 'stage' }],
        images: ['golang'],
        secrets: [],
      },
    ],
    [
      'treats FROM <earlier stage> as a stage, and a name only defined later as an image',
      'FROM base\nFROM alpine AS base\nFROM base\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'base', kind: 'image', unresolved: [] },
          { line: 2, ref: 'alpine', kind: 'image', unresolved: [], alias: 'base' },
          { line: 3, ref: 'base', kind: 'stage', unresolved: [] },
        ],
        copyFrom: [],
        images: ['base', 'alpine'],
        secrets: [],
      },
    ],
    [
      'lets a stage alias shadow an image of the same name',
      'FROM node:20 AS alpine\nFROM alpine\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'node:20', kind: 'image', unresolved: [], alias: 'alpine' },
          { line: 2, ref: 'alpine', kind: 'stage', unresolved: [] },
        ],
        copyFrom: [],
        images: ['node:20'],
        secrets: [],
      },
    ],
    [
      'treats scratch as neither an image nor a stage',
      'FROM scratch AS rootfs\nFROM scratch\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'scratch', kind: 'scratch', unresolved: [], alias: 'rootfs' },
          { line: 2, ref: 'scratch', kind: 'scratch', unresolved: [] },
        ],
        copyFrom: [],
        images: [],
        secrets: [],
      },
    ],
    [
      'resolves COPY --from=<index> to a stage',
      'FROM golang AS build\nFROM node AS web\nFROM alpine\nCOPY --from=0 /out /bin\nCOPY --from=1 /dist /www\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'golang', kind: 'image', unresolved: [], alias: 'build' },
          { line: 2, ref: 'node', kind: 'image', unresolved: [], alias: 'web' },
          { line: 3, ref: 'alpine', kind: 'image', unresolved: [] },
        ],
        copyFrom: [
          { line: 4, ref: '0', kind: 'stage' },
          { line: 5, ref: '1', kind: 'stage' },
        ],
        images: ['golang', 'node', 'alpine'],
        secrets: [],
      },
    ],
    [
      'reads FROM <number> as an image name, not a stage index',
      'FROM golang AS build\nFROM 0\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'golang', kind: 'image', unresolved: [], alias: 'build' },
          { line: 2, ref: '0', kind: 'image', unresolved: [] },
        ],
        copyFrom: [],
        images: ['golang', '0'],
        secrets: [],
      },
    ],
    [
      'reads COPY --from=<image> among other flags',
      'FROM alpine\nCOPY --chown=app:app --from=nginx:1.27-alpine --link /etc/nginx /etc/nginx\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 1, ref: 'alpine', kind: 'image', unresolved: [] }],
        copyFrom: [{ line: 2, ref: 'nginx:1.27-alpine', kind: 'image' }],
        images: ['alpine', 'nginx:1.27-alpine'],
        secrets: [],
      },
    ],
    [
      'reads `from=` of every RUN --mount, any key case, stage or image',
      'FROM golang AS build\nFROM alpine\nRUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=build,source=/out,target=/in --mount=type=bind,FROM=busybox:1.36,target=/bb true\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'golang', kind: 'image', unresolved: [], alias: 'build' },
          { line: 2, ref: 'alpine', kind: 'image', unresolved: [] },
        ],
        copyFrom: [
          { line: 3, ref: 'build', kind: 'stage' },
          { line: 3, ref: 'busybox:1.36', kind: 'image' },
        ],
        images: ['golang', 'alpine', 'busybox:1.36'],
        secrets: [],
      },
    ],
    [
      'reads RUN --mount from= as a stage name or an image, never a stage index',
      'FROM golang AS build\nFROM alpine\nRUN --mount=from=BUILD,target=/b --mount=from=0,source=/go/bin,target=/gobin ls\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'golang', kind: 'image', unresolved: [], alias: 'build' },
          { line: 2, ref: 'alpine', kind: 'image', unresolved: [] },
        ],
        copyFrom: [
          { line: 3, ref: 'BUILD', kind: 'stage' },
          { line: 3, ref: '0', kind: 'image' },
        ],
        images: ['golang', 'alpine', '0'],
        secrets: [],
      },
    ],
    [
      'reads only the flags of RUN and COPY, not their command or paths',
      'FROM alpine\nRUN docker run --mount=type=bind,from=evil,target=/x alpine\nCOPY ./--from=evil /x\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 1, ref: 'alpine', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['alpine'],
        secrets: [],
      },
    ],
    [
      'ignores FROM and COPY --from inside a heredoc body',
      'FROM python:3.12\nRUN <<EOF\nfrom x import y\nCOPY --from=evil:1 / /\nEOF\nCOPY --from=ghcr.io/astral-sh/uv:0.4 /uv /uv\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 1, ref: 'python:3.12', kind: 'image', unresolved: [] }],
        copyFrom: [{ line: 6, ref: 'ghcr.io/astral-sh/uv:0.4', kind: 'image' }],
        images: ['python:3.12', 'ghcr.io/astral-sh/uv:0.4'],
        secrets: [],
      },
    ],
    [
      'reads lower-case instructions',
      'from alpine as base\ncopy --from=base / /\nrun --mount=type=bind,from=busybox,target=/b true\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 1, ref: 'alpine', kind: 'image', unresolved: [], alias: 'base' }],
        copyFrom: [
          { line: 2, ref: 'base', kind: 'stage' },
          { line: 3, ref: 'busybox', kind: 'image' },
        ],
        images: ['alpine', 'busybox'],
        secrets: [],
      },
    ],
    [
      'reads a FROM split over continuation lines',
      'FROM \\\n  --platform=$BUILDPLATFORM \\\n  golang:1.22 \\\n  AS build\n',
      { BUILDPLATFORM: 'linux/arm64' },
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'golang:1.22', kind: 'image', unresolved: [], platform: 'linux/arm64', alias: 'build' },
        ],
        copyFrom: [],
        images: ['golang:1.22'],
        secrets: [],
      },
    ],
    [
      'lists an image once however often it is used',
      'FROM alpine AS a\nFROM alpine AS b\nCOPY --from=alpine / /\nRUN --mount=from=alpine,target=/x true\n',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 1, ref: 'alpine', kind: 'image', unresolved: [], alias: 'a' },
          { line: 2, ref: 'alpine', kind: 'image', unresolved: [], alias: 'b' },
        ],
        copyFrom: [
          { line: 3, ref: 'alpine', kind: 'image' },
          { line: 4, ref: 'alpine', kind: 'image' },
        ],
        images: ['alpine'],
        secrets: [],
      },
    ],
  ])('%s', (_name, text, args, expected) => {
    expect(parseDockerfile(text, args)).toStrictEqual(expected);
  });

  it('takes no image from a COPY --from with a variable, which BuildKit does not expand (a stage FROM it does)', () => {
    const text = [
      'ARG TAG=1',
      'FROM acme/base:${TAG}-${TARGETARCH} AS neighbour',
      'FROM alpine:3.20',
      'COPY --from=acme/tools:${TAG} /bin/tool /bin/tool',
      'COPY --from=neighbour /x /x',
    ].join('\n');
    const parsed = parseDockerfile(text, { TARGETARCH: 'arm64' });
    expect(parsed.copyFrom).toStrictEqual([{ line: 5, ref: 'neighbour', kind: 'stage' }]);
    expect(parsed.images).toStrictEqual(['acme/base:1-arm64', 'alpine:3.20']);
  });

  it('finds nothing in an empty Dockerfile', () => {
    expect(parseDockerfile('')).toStrictEqual({
      globalArgs: {},
      declaredArgs: [],
      stages: [],
      copyFrom: [],
      images: [],
      secrets: [],
    });
  });
});

describe('parseDockerfile on real-world Dockerfiles', () => {
  test.each([
    [
      'api.Dockerfile',
      {},
      {
        globalArgs: { BUILDER_IMAGE: 'busybox:1.36', RUNTIME_IMAGE: 'alpine:3.20' },
        declaredArgs: ['BUILDER_IMAGE', 'RUNTIME_IMAGE', 'TARGETARCH'],
        stages: [
          { line: 5, ref: 'busybox:1.36', kind: 'image', unresolved: [], alias: 'build' },
          { line: 12, ref: 'alpine:3.20', kind: 'image', unresolved: [], alias: 'api' },
          { line: 16, ref: 'api', kind: 'stage', unresolved: [], alias: 'api-init' },
        ],
        copyFrom: [
          { line: 13, ref: 'build', kind: 'stage' },
          { line: 17, ref: 'build', kind: 'stage' },
        ],
        images: ['busybox:1.36', 'alpine:3.20'],
        secrets: [],
      },
    ],
    [
      'api.Dockerfile',
      { BUILDER_IMAGE: '127.0.0.1:5000/library/busybox:1.36', TARGETARCH: 'arm64' },
      {
        globalArgs: { BUILDER_IMAGE: '127.0.0.1:5000/library/busybox:1.36', RUNTIME_IMAGE: 'alpine:3.20' },
        declaredArgs: ['BUILDER_IMAGE', 'RUNTIME_IMAGE', 'TARGETARCH'],
        stages: [
          { line: 5, ref: '127.0.0.1:5000/library/busybox:1.36', kind: 'image', unresolved: [], alias: 'build' },
          { line: 12, ref: 'alpine:3.20', kind: 'image', unresolved: [], alias: 'api' },
          { line: 16, ref: 'api', kind: 'stage', unresolved: [], alias: 'api-init' },
        ],
        copyFrom: [
          { line: 13, ref: 'build', kind: 'stage' },
          { line: 17, ref: 'build', kind: 'stage' },
        ],
        images: ['127.0.0.1:5000/library/busybox:1.36', 'alpine:3.20'],
        secrets: [],
      },
    ],
    [
      'gateway.Dockerfile',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 2, ref: 'alpine:3.20', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['alpine:3.20'],
        secrets: [],
      },
    ],
    [
      'hub.Dockerfile',
      {},
      {
        globalArgs: { BASE_IMAGE: 'alpine:3.20' },
        declaredArgs: ['BASE_IMAGE', 'TARGETARCH'],
        stages: [
          { line: 4, ref: 'alpine:3.20', kind: 'image', unresolved: [], alias: 'index' },
          { line: 11, ref: 'alpine:3.20', kind: 'image', unresolved: [] },
        ],
        copyFrom: [{ line: 13, ref: 'index', kind: 'stage' }],
        images: ['alpine:3.20'],
        secrets: [],
      },
    ],
    [
      'portal.Dockerfile',
      {},
      {
        globalArgs: { TAG: 'latest' },
        declaredArgs: ['TAG'],
        stages: [{ line: 3, ref: 'demo/gateway:latest-', kind: 'image', unresolved: ['TARGETARCH'] }],
        copyFrom: [],
        images: ['demo/gateway:latest-'],
        secrets: [],
      },
    ],
    [
      'portal.Dockerfile',
      { TAG: '2.0', TARGETARCH: 'amd64' },
      {
        globalArgs: { TAG: '2.0' },
        declaredArgs: ['TAG'],
        stages: [{ line: 3, ref: 'demo/gateway:2.0-amd64', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['demo/gateway:2.0-amd64'],
        secrets: [],
      },
    ],
    [
      'vcs.Dockerfile',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [{ line: 2, ref: 'gitea/gitea:1.22', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['gitea/gitea:1.22'],
        secrets: [],
      },
    ],
    [
      'worker.Dockerfile',
      { TARGETARCH: 'arm64', HUB_ADDRESS: '10.0.0.2:8081' },
      {
        globalArgs: { BASE_IMAGE: 'alpine:3.20' },
        declaredArgs: ['BASE_IMAGE', 'TARGETARCH', 'HUB_ADDRESS'],
        stages: [{ line: 3, ref: 'alpine:3.20', kind: 'image', unresolved: [] }],
        copyFrom: [],
        images: ['alpine:3.20'],
        secrets: [],
      },
    ],
    [
      'go-cross.Dockerfile',
      {},
      {
        globalArgs: {
          GO_VERSION: '1.22',
          ALPINE_VERSION: '3.20',
          REGISTRY: 'docker.io',
          GOLANG_IMAGE: 'docker.io/library/golang:1.22-alpine3.20',
          RUNTIME_IMAGE: DISTROLESS,
        },
        declaredArgs: [
          'GO_VERSION',
          'ALPINE_VERSION',
          'REGISTRY',
          'GOLANG_IMAGE',
          'RUNTIME_IMAGE',
          'TARGETOS',
          'TARGETARCH',
        ],
        stages: [
          { line: 11, ref: 'docker.io/library/golang:1.22-alpine3.20', kind: 'image', unresolved: [], alias: 'build' },
          { line: 24, ref: 'docker.io/library/golang:1.22-alpine3.20', kind: 'image', unresolved: [], alias: 'lint' },
          { line: 29, ref: DISTROLESS, kind: 'image', unresolved: [], alias: 'runtime' },
          { line: 35, ref: 'scratch', kind: 'scratch', unresolved: [], alias: 'export' },
        ],
        copyFrom: [
          { line: 25, ref: 'golangci/golangci-lint:v1.61.0-alpine', kind: 'image' },
          { line: 30, ref: 'build', kind: 'stage' },
          { line: 36, ref: '0', kind: 'stage' },
        ],
        images: ['docker.io/library/golang:1.22-alpine3.20', 'golangci/golangci-lint:v1.61.0-alpine', DISTROLESS],
        secrets: [],
      },
    ],
    [
      'go-cross.Dockerfile',
      { GO_VERSION: '1.23', BUILDPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'arm64' },
      {
        globalArgs: {
          GO_VERSION: '1.23',
          ALPINE_VERSION: '3.20',
          REGISTRY: 'docker.io',
          GOLANG_IMAGE: 'docker.io/library/golang:1.23-alpine3.20',
          RUNTIME_IMAGE: DISTROLESS,
        },
        declaredArgs: [
          'GO_VERSION',
          'ALPINE_VERSION',
          'REGISTRY',
          'GOLANG_IMAGE',
          'RUNTIME_IMAGE',
          'TARGETOS',
          'TARGETARCH',
        ],
        stages: [
          {
            line: 11,
            ref: 'docker.io/library/golang:1.23-alpine3.20',
            kind: 'image',
            unresolved: [],
            platform: 'linux/amd64',
            alias: 'build',
          },
          {
            line: 24,
            ref: 'docker.io/library/golang:1.23-alpine3.20',
            kind: 'image',
            unresolved: [],
            platform: 'linux/amd64',
            alias: 'lint',
          },
          { line: 29, ref: DISTROLESS, kind: 'image', unresolved: [], alias: 'runtime' },
          { line: 35, ref: 'scratch', kind: 'scratch', unresolved: [], alias: 'export' },
        ],
        copyFrom: [
          { line: 25, ref: 'golangci/golangci-lint:v1.61.0-alpine', kind: 'image' },
          { line: 30, ref: 'build', kind: 'stage' },
          { line: 36, ref: '0', kind: 'stage' },
        ],
        images: ['docker.io/library/golang:1.23-alpine3.20', 'golangci/golangci-lint:v1.61.0-alpine', DISTROLESS],
        secrets: [],
      },
    ],
    [
      'python-heredoc.Dockerfile',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 2, ref: 'python:3.12-slim-bookworm', kind: 'image', unresolved: [], alias: 'base' },
          { line: 6, ref: 'base', kind: 'stage', unresolved: [], alias: 'deps' },
          { line: 13, ref: 'base', kind: 'stage', unresolved: [], alias: 'app' },
        ],
        copyFrom: [
          { line: 7, ref: 'ghcr.io/astral-sh/uv:0.4.18', kind: 'image' },
          { line: 14, ref: 'deps', kind: 'stage' },
          { line: 31, ref: 'busybox:1.36-musl', kind: 'image' },
        ],
        images: ['python:3.12-slim-bookworm', 'ghcr.io/astral-sh/uv:0.4.18', 'busybox:1.36-musl'],
        secrets: [],
      },
    ],
    [
      'legacy.Dockerfile',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          { line: 2, ref: 'registry.internal:5000/platform/node', kind: 'image', unresolved: [], alias: 'deps' },
          { line: 11, ref: 'localhost:5000/acme/base:1.2.3-rc.1', kind: 'image', unresolved: [] },
        ],
        copyFrom: [
          { line: 12, ref: 'DEPS', kind: 'stage' },
          { line: 13, ref: '127.0.0.1:5000/acme/assets:2024.10.01-build.7', kind: 'image' },
        ],
        images: [
          'registry.internal:5000/platform/node',
          'localhost:5000/acme/base:1.2.3-rc.1',
          '127.0.0.1:5000/acme/assets:2024.10.01-build.7',
        ],
        secrets: [],
      },
    ],
    [
      'component.Dockerfile',
      {},
      {
        globalArgs: {
          REGISTRY: '127.0.0.1:5000',
          IMAGE_PREFIX: 'acme/',
          TAG: undefined,
          DEBUG: undefined,
          BASE_REGISTRY: undefined,
        },
        declaredArgs: ['REGISTRY', 'IMAGE_PREFIX', 'TAG', 'DEBUG', 'BASE_REGISTRY'],
        stages: [
          {
            line: 9,
            ref: '127.0.0.1:5000/acme/gateway:latest-',
            kind: 'image',
            unresolved: ['TARGETARCH'],
            alias: 'gateway',
          },
          { line: 10, ref: '127.0.0.1:5000/acme/api:latest-', kind: 'image', unresolved: ['TARGETARCH'], alias: 'api' },
          { line: 12, ref: 'gcr.io/distroless/base-debian12:nonroot', kind: 'image', unresolved: [] },
        ],
        copyFrom: [
          { line: 13, ref: 'gateway', kind: 'stage' },
          { line: 14, ref: 'api', kind: 'stage' },
        ],
        images: [
          '127.0.0.1:5000/acme/gateway:latest-',
          '127.0.0.1:5000/acme/api:latest-',
          'gcr.io/distroless/base-debian12:nonroot',
        ],
        secrets: [],
      },
    ],
    [
      'component.Dockerfile',
      { TAG: '1.4.0', TARGETARCH: 'arm64', DEBUG: '1', BASE_REGISTRY: 'mirror.internal:5000' },
      {
        globalArgs: {
          REGISTRY: '127.0.0.1:5000',
          IMAGE_PREFIX: 'acme/',
          TAG: '1.4.0',
          DEBUG: '1',
          BASE_REGISTRY: 'mirror.internal:5000',
        },
        declaredArgs: ['REGISTRY', 'IMAGE_PREFIX', 'TAG', 'DEBUG', 'BASE_REGISTRY'],
        stages: [
          { line: 9, ref: '127.0.0.1:5000/acme/gateway:1.4.0-arm64', kind: 'image', unresolved: [], alias: 'gateway' },
          { line: 10, ref: '127.0.0.1:5000/acme/api:1.4.0-arm64', kind: 'image', unresolved: [], alias: 'api' },
          {
            line: 12,
            ref: 'mirror.internal:5000/distroless/base-debian12:debug-nonroot',
            kind: 'image',
            unresolved: [],
          },
        ],
        copyFrom: [
          { line: 13, ref: 'gateway', kind: 'stage' },
          { line: 14, ref: 'api', kind: 'stage' },
        ],
        images: [
          '127.0.0.1:5000/acme/gateway:1.4.0-arm64',
          '127.0.0.1:5000/acme/api:1.4.0-arm64',
          'mirror.internal:5000/distroless/base-debian12:debug-nonroot',
        ],
        secrets: [],
      },
    ],
    [
      'windows.Dockerfile',
      {},
      {
        globalArgs: {},
        declaredArgs: [],
        stages: [
          {
            line: 3,
            ref: 'mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022',
            kind: 'image',
            unresolved: [],
            alias: 'build',
          },
          { line: 10, ref: 'mcr.microsoft.com/windows/servercore:ltsc2022', kind: 'image', unresolved: [] },
        ],
        copyFrom: [{ line: 15, ref: 'build', kind: 'stage' }],
        images: [
          'mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022',
          'mcr.microsoft.com/windows/servercore:ltsc2022',
        ],
        secrets: [],
      },
    ],
  ])('%s with %j', (file, args, expected) => {
    expect(parseDockerfile(fixture(file), args)).toStrictEqual(expected);
  });

  it('reads the Windows fixture as written: byte-order mark, CRLF and backtick continuations', () => {
    const text = fixture('windows.Dockerfile');
    expect([text.startsWith('\uFEFF'), text.includes('\r\n')]).toStrictEqual([true, true]);
    expect(instructions(text).filter((i) => i.keyword === 'RUN')).toStrictEqual([
      { line: 6, keyword: 'RUN', rest: 'dotnet publish -c Release     -o C:\\app     --no-self-contained' },
      {
        line: 12,
        keyword: 'RUN',
        rest:
          "$ProgressPreference = 'SilentlyContinue';     Invoke-WebRequest -Uri https://example.invalid/tool.zip" +
          ' -OutFile C:\\tool.zip;     Expand-Archive C:\\tool.zip -DestinationPath C:\\tool',
      },
    ]);
  });

  test.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.Dockerfile')))(
    '%s parses the same with LF and CRLF line endings',
    (file) => {
      const lf = fixture(file).replace(/\r\n/g, '\n');
      const parsed = parseDockerfile(lf, { TARGETARCH: 'arm64' });
      expect(parsed.stages.length).toBeGreaterThan(0);
      expect(parseDockerfile(lf.replace(/\n/g, '\r\n'), { TARGETARCH: 'arm64' })).toStrictEqual(parsed);
    },
  );
});

describe('secret mounts', () => {
  it('lists the ids RUN --mount=type=secret reads, the id defaulting to the target file name', () => {
    const text = [
      'FROM alpine:3.20',
      'RUN --mount=type=secret,id=npm_token,required=true cat /run/secrets/npm_token',
      'RUN --mount=type=cache,target=/root/.cache --mount=type=secret,target=/root/.netrc make',
      'RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci',
      'RUN --mount=type=bind,from=busybox:1.36,target=/bb ls /bb',
    ].join('\n');
    expect(parseDockerfile(text).secrets).toEqual(['npm_token', '.netrc']);
  });

  test.each([
    ['type=secret,id=a', 'a'],
    ['type=secret,dst=/run/secrets/b', 'b'],
    ['type=secret,destination=/x/c,mode=0400', 'c'],
    ['type=secret', undefined],
    ['type=cache,id=d,target=/d', undefined],
    ['TYPE=secret,ID=e', 'e'],
  ])('secretMountId(%s) is %s', (mount, id) => {
    expect(secretMountId(mount)).toBe(id);
  });
});
