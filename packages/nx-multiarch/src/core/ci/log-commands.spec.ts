import type { CiKind } from './environment';
import {
  blockEnd,
  blockStart,
  errorCommand,
  type ErrorAnnotation,
  escapeData,
  escapeProperty,
  sectionName,
} from './log-commands';

const NOW = Date.parse('2026-11-25T10:00:00.750Z');
const SECONDS = 1795600800;

describe('escapeData', () => {
  test.each([
    ['plain text: a, b', 'plain text: a, b'],
    ['100%', '100%25'],
    ['%0A stays literal', '%250A stays literal'],
    ['one\ntwo', 'one%0Atwo'],
    ['crlf\r\nend', 'crlf%0D%0Aend'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(escapeData(input)).toBe(expected);
  });
});

describe('escapeProperty', () => {
  test.each([
    ['api linux/arm64: run-step', 'api linux/arm64%3A run-step'],
    ['a,b', 'a%2Cb'],
    ['50%: a,\nb\r', '50%25%3A a%2C%0Ab%0D'],
    ['src/api/Dockerfile', 'src/api/Dockerfile'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeProperty(input)).toBe(expected);
  });
});

describe('sectionName', () => {
  test.each([
    ['api linux/arm64', 'api_linux_arm64'],
    ['api/api-init linux/amd64', 'api_api-init_linux_amd64'],
    ['Web.UI linux/amd64', 'web.ui_linux_amd64'],
    ['@acme/web  linux/amd64', '_acme_web_linux_amd64'],
    ['svc_1 linux/arm64', 'svc_1_linux_arm64'],
  ])('%j -> %s', (title, expected) => {
    expect(sectionName(title)).toBe(expected);
  });
});

describe('blockStart / blockEnd', () => {
  test.each<[CiKind, string, string | undefined, string | undefined]>([
    ['github', 'api linux/arm64', '::group::api linux/arm64', '::endgroup::'],
    ['github', 'a%b linux/amd64', '::group::a%25b linux/amd64', '::endgroup::'],
    [
      'gitlab',
      'api linux/arm64',
      `\x1b[0Ksection_start:${SECONDS}:api_linux_arm64[collapsed=true]\r\x1b[0Kapi linux/arm64`,
      `\x1b[0Ksection_end:${SECONDS}:api_linux_arm64\r\x1b[0K`,
    ],
    [
      'gitlab',
      'api/api-init linux/amd64',
      `\x1b[0Ksection_start:${SECONDS}:api_api-init_linux_amd64[collapsed=true]\r\x1b[0Kapi/api-init linux/amd64`,
      `\x1b[0Ksection_end:${SECONDS}:api_api-init_linux_amd64\r\x1b[0K`,
    ],
    ['plain', 'api linux/arm64', undefined, undefined],
  ])('%s %j', (kind, title, start, end) => {
    expect(blockStart(kind, title, NOW)).toBe(start);
    expect(blockEnd(kind, title, NOW)).toBe(end);
  });

  it('keeps a GitLab title on its line', () => {
    expect(blockStart('gitlab', 'a\nb', NOW)).toBe(`\x1b[0Ksection_start:${SECONDS}:a_b[collapsed=true]\r\x1b[0Ka b`);
  });
});

describe('errorCommand', () => {
  const EVIDENCE = 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2';
  test.each<[string, ErrorAnnotation, string]>([
    [
      'file and line',
      { file: 'apps/api/Dockerfile', line: 12, title: 'api linux/amd64: run-step', message: EVIDENCE },
      `::error file=apps/api/Dockerfile,line=12,title=api linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      'file without a line',
      { file: 'apps/api/Dockerfile', title: 'api linux/arm64: verification', message: 'amd64, not arm64' },
      '::error file=apps/api/Dockerfile,title=api linux/arm64%3A verification::amd64, not arm64',
    ],
    [
      'a line without a file is dropped',
      { line: 3, title: 'redis linux/amd64: not-found', message: 'manifest unknown' },
      '::error title=redis linux/amd64%3A not-found::manifest unknown',
    ],
    [
      'properties and data escaped',
      { file: 'a,b/Dockerfile', line: 1, title: 'x/y linux/amd64: dns', message: '50% done\nthen: lookup failed' },
      '::error file=a%2Cb/Dockerfile,line=1,title=x/y linux/amd64%3A dns::50%25 done%0Athen: lookup failed',
    ],
  ])('%s', (_, annotation, expected) => {
    expect(errorCommand(annotation)).toBe(expected);
  });
});
