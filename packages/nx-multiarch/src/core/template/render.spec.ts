import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../failure/errors';
import { placeholders, renderedPath, renderLeniently, renderTemplate, type Placeholder } from './render';
import { thrown } from '../../../test/thrown';

const FIXTURE = join(__dirname, '../../../test/fixtures/templates/Dockerfile.tpl');
const template = readFileSync(FIXTURE, 'utf8');
const FILE = 'packages/api/Dockerfile.tpl';

const values = {
  UBUNTU_VERSION: '24.04',
  GOLANG_IMAGE: 'golang:1.23-bookworm',
  'multiarch.tag': '1.4.0',
  SOURCE_URL: 'https://git.example.com/acme/api',
};

describe('placeholders', () => {
  it('lists the fixture template in order of first appearance, with every line', () => {
    expect(placeholders(template)).toEqual([
      { name: 'UBUNTU_VERSION', lines: [2] },
      { name: 'GOLANG_IMAGE', lines: [4] },
      { name: 'multiarch.tag', lines: [7, 10] },
      { name: 'SOURCE_URL', lines: [10] },
    ]);
  });

  test.each<[string, string, Placeholder[]]>([
    ['no placeholder', 'FROM alpine:3.20\nRUN true\n', []],
    ['one', 'FROM {{BASE_IMAGE}}', [{ name: 'BASE_IMAGE', lines: [1] }]],
    [
      'whitespace inside the braces',
      'FROM {{ BASE_IMAGE }}\nFROM {{  BASE_IMAGE\t}}',
      [{ name: 'BASE_IMAGE', lines: [1, 2] }],
    ],
    ['a dotted plugin value', 'LABEL version={{multiarch.tag}}', [{ name: 'multiarch.tag', lines: [1] }]],
    ['a deeper dotted name', '{{a.b_2.C}}', [{ name: 'a.b_2.C', lines: [1] }]],
    [
      'lower case and underscores',
      '{{_private}} {{mixed_Case9}}',
      [
        { name: '_private', lines: [1] },
        { name: 'mixed_Case9', lines: [1] },
      ],
    ],
    [
      'order of first appearance, not alphabetical',
      '{{B}}\n{{A}}\n{{B}}',
      [
        { name: 'B', lines: [1, 3] },
        { name: 'A', lines: [2] },
      ],
    ],
    ['repeated on one line: the line once', 'FROM {{X}}:{{X}}', [{ name: 'X', lines: [1] }]],
    ['repeated on several lines', '{{X}}\n\n{{X}}\nRUN echo\n{{ X }}', [{ name: 'X', lines: [1, 3, 5] }]],
    [
      'CRLF line endings',
      'ARG A={{A}}\r\nARG B={{B}}\r\n',
      [
        { name: 'A', lines: [1] },
        { name: 'B', lines: [2] },
      ],
    ],
    ['not a shell/Dockerfile variable ${VAR}', 'FROM ubuntu:${UBUNTU_VERSION}\nENV X=${X:-1} Y=$Y', []],
    ['not an empty {{}}', 'RUN echo {{}} {{ }}', []],
    ['not a name starting with a digit {{1A}}', 'RUN echo {{1A}}', []],
    ['not single braces {NAME}', 'RUN echo {NAME}', []],
    ['not a name with a dash or space', '{{A-B}} {{A B}}', []],
    ['not a dotted name with an empty part', '{{multiarch.}} {{.tag}} {{a..b}}', []],
  ])('%s', (_name, text, expected) => {
    expect(placeholders(text)).toEqual(expected);
  });
});

describe('renderTemplate', () => {
  it('renders the fixture template, leaving ${VAR} for the Dockerfile', () => {
    expect(renderTemplate(template, values, FILE)).toBe(
      [
        '# syntax=docker/dockerfile:1',
        'ARG UBUNTU_VERSION=24.04',
        '',
        'FROM golang:1.23-bookworm AS build',
        'WORKDIR /src',
        'COPY . .',
        'RUN go build -ldflags "-X main.version=1.4.0" -o /out/app ./cmd/app',
        '',
        'FROM ubuntu:${UBUNTU_VERSION}',
        'LABEL org.opencontainers.image.version="1.4.0" org.opencontainers.image.source="https://git.example.com/acme/api"',
        'ARG APP_USER=app',
        'COPY --from=build /out/app /usr/local/bin/app',
        'USER ${APP_USER}',
        'ENTRYPOINT ["/usr/local/bin/app"]',
        '',
      ].join('\n'),
    );
  });

  test.each<[string, string, Record<string, string>, string]>([
    ['an empty value is a value', 'ARG SUFFIX={{SUFFIX}}', { SUFFIX: '' }, 'ARG SUFFIX='],
    ['values the template does not use are ignored', 'FROM {{A}}', { A: 'alpine', B: 'unused' }, 'FROM alpine'],
    ['whitespace inside the braces', 'FROM {{ A }}:{{A}}', { A: 'x' }, 'FROM x:x'],
    ['replacement patterns in a value stay literal', '{{A}}', { A: "$& $1 $$ $` $'" }, "$& $1 $$ $` $'"],
    ['a value that looks like a placeholder is not rendered again', '{{A}}', { A: '{{B}}' }, '{{B}}'],
    ['no placeholder: unchanged', 'FROM ${BASE}', {}, 'FROM ${BASE}'],
  ])('%s', (_name, text, given, expected) => {
    expect(renderTemplate(text, given, FILE)).toBe(expected);
  });

  it('fails with a ConfigError naming the file, every missing name with its lines, and the fix', () => {
    const error = thrown(() => renderTemplate(template, { UBUNTU_VERSION: '24.04', SOURCE_URL: '' }, FILE));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      source: FILE,
      field: 'placeholders',
      problem: 'no value for GOLANG_IMAGE (line 4), multiarch.tag (lines 7, 10)',
      fix: "define GOLANG_IMAGE, multiarch.tag in .env or .env.example (or the plugin's templateValues)",
    });
    expect((error as ConfigError).message).toBe(
      'packages/api/Dockerfile.tpl: placeholders: no value for GOLANG_IMAGE (line 4), multiarch.tag (lines 7, 10). ' +
        "Fix: define GOLANG_IMAGE, multiarch.tag in .env or .env.example (or the plugin's templateValues)",
    );
  });

  it('lists every missing name when none has a value', () => {
    expect(() => renderTemplate(template, {}, FILE)).toThrow(
      'no value for UBUNTU_VERSION (line 2), GOLANG_IMAGE (line 4), multiarch.tag (lines 7, 10), SOURCE_URL (line 10)',
    );
  });

  it('does not take a name inherited from Object.prototype as a value', () => {
    expect(() => renderTemplate('RUN {{toString}} {{constructor}}', {}, FILE)).toThrow(
      'packages/api/Dockerfile.tpl: placeholders: no value for toString (line 1), constructor (line 1)',
    );
  });
});

describe('renderLeniently', () => {
  test.each<[string, string, Record<string, string>, string]>([
    ['renders what it can, leaves the rest as written', 'FROM {{A}}:{{ B }}', { A: 'alpine' }, 'FROM alpine:{{ B }}'],
    ['an empty value is a value', 'ARG X={{X}}', { X: '' }, 'ARG X='],
    ['nothing known: unchanged', 'FROM {{A}} AS {{ B }}', {}, 'FROM {{A}} AS {{ B }}'],
    ['replacement patterns in a value stay literal', '{{A}}', { A: '$&' }, '$&'],
    ['an Object.prototype name is not a value', '{{constructor}}', {}, '{{constructor}}'],
  ])('%s', (_name, text, given, expected) => {
    expect(renderLeniently(text, given)).toBe(expected);
  });

  it('renders the fixture without the missing values and never throws', () => {
    const rendered = renderLeniently(template, { UBUNTU_VERSION: '24.04', 'multiarch.tag': 'latest' });
    expect(rendered.split('\n').slice(0, 10)).toEqual([
      '# syntax=docker/dockerfile:1',
      'ARG UBUNTU_VERSION=24.04',
      '',
      'FROM {{GOLANG_IMAGE}} AS build',
      'WORKDIR /src',
      'COPY . .',
      'RUN go build -ldflags "-X main.version=latest" -o /out/app ./cmd/app',
      '',
      'FROM ubuntu:${UBUNTU_VERSION}',
      'LABEL org.opencontainers.image.version="latest" org.opencontainers.image.source="{{ SOURCE_URL }}"',
    ]);
  });

  it('gives what renderTemplate gives when every value is there', () => {
    expect(renderLeniently(template, values)).toBe(renderTemplate(template, values, FILE));
  });
});

describe('renderedPath', () => {
  test.each([
    ['packages/x/Dockerfile.tpl', 'packages/x/Dockerfile'],
    ['Dockerfile.tpl', 'Dockerfile'],
    ['packages/x/conf/nginx.conf.tpl', 'packages/x/conf/nginx.conf'],
    ['packages/x/Dockerfile', 'packages/x/Dockerfile'],
    ['packages/x/a.tpl.bak', 'packages/x/a.tpl.bak'],
    ['packages/x/Dockerfile.TPL', 'packages/x/Dockerfile.TPL'],
    ['packages/x.tpl/Dockerfile', 'packages/x.tpl/Dockerfile'],
  ])('%s -> %s', (template, expected) => {
    expect(renderedPath(template)).toBe(expected);
  });
});
