import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuilderInspect } from '../../cli/buildx/builder';
import {
  builderCheck,
  buildxCheck,
  daemonCheck,
  dnsCheck,
  mirrorCheck,
  proxyCheck,
  qemuCheck,
  tokenCheck,
} from './check';
import { checksJson, formatChecks } from './report';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');
// /proc/sys/fs/binfmt_misc/qemu-aarch64 as the lab registers it.
const registered =
  'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\noffset 0\nmagic 7f454c46\n';

describe('checks', () => {
  test.each([
    ['daemon up', daemonCheck('20.10.24', undefined, 12), { verdict: 'ok', detail: 'Docker Engine 20.10.24 answers' }],
    [
      'daemon down',
      daemonCheck(undefined, 'Cannot connect to the Docker daemon', 3),
      { verdict: 'fail', remedy: expect.stringContaining('point DOCKER_HOST at the daemon') },
    ],
    ['buildx old', buildxCheck({ raw: '0.12.1', major: 0, minor: 12, patch: 1 }, undefined), { verdict: 'warn' }],
    ['buildx missing', buildxCheck(undefined, "'buildx' is not a docker command"), { verdict: 'fail' }],
    ['native arch', qemuCheck('amd64', 'amd64', undefined), { verdict: 'ok', detail: 'amd64 is native here' }],
    [
      'qemu registered',
      qemuCheck('arm64', 'amd64', registered),
      { verdict: 'ok', detail: 'qemu-aarch64 registered (flags POF)' },
    ],
    [
      'qemu missing',
      qemuCheck('arm64', 'amd64', undefined),
      { verdict: 'fail', detail: expect.stringContaining('not registered') },
    ],
    ['qemu without F', qemuCheck('arm64', 'amd64', registered.replace('POF', 'PO')), { verdict: 'warn' }],
    ['qemu disabled', qemuCheck('arm64', 'amd64', registered.replace('enabled', 'disabled')), { verdict: 'fail' }],
    [
      'qemu probe ran',
      qemuCheck('arm64', 'amd64', registered, { output: 'aarch64\n' }),
      { verdict: 'ok', detail: expect.stringContaining('uname -m in an arm64 container: aarch64') },
    ],
    [
      'no QEMU, but a native arm64 node in the builder',
      qemuCheck('arm64', 'amd64', undefined, undefined, ['amd64', 'arm64']),
      { verdict: 'ok', detail: 'arm64 builds on a native node of the builder' },
    ],
    [
      'no QEMU, and the builder is native for amd64 only',
      qemuCheck('arm64', 'amd64', undefined, undefined, ['amd64']),
      { verdict: 'fail', detail: expect.stringContaining('not registered') },
    ],
    ['qemu probe lied', qemuCheck('arm64', 'amd64', registered, { output: 'x86_64' }), { verdict: 'fail' }],
    [
      'mirror alive',
      mirrorCheck('http://127.0.0.1:5000', { ok: true, ms: 4, status: 200 }),
      { verdict: 'ok', detail: 'http://127.0.0.1:5000/v2/ answered 200 in 4 ms' },
    ],
    [
      'mirror dead',
      mirrorCheck('https://u:p@mirror.corp', { ok: false, ms: 3001, error: 'timed out after 3 s' }),
      {
        id: 'mirror:https://***@mirror.corp',
        verdict: 'fail',
        detail: 'https://***@mirror.corp/v2/ is dead: timed out after 3 s (3001 ms)',
      },
    ],
    [
      'proxy down',
      proxyCheck('http-proxy', 'http://u:p@proxy:3128', { ok: false, ms: 1, error: 'ECONNREFUSED' }),
      { verdict: 'fail', detail: 'http-proxy http://***@proxy:3128 is unreachable: ECONNREFUSED' },
    ],
    [
      'no DNS behind mirrors',
      dnsCheck('auth.docker.io', { ok: false, ms: 1, error: 'ENOTFOUND' }, true),
      { verdict: 'warn' },
    ],
    [
      'no DNS, no mirrors',
      dnsCheck('auth.docker.io', { ok: false, ms: 1, error: 'ENOTFOUND' }, false),
      { verdict: 'fail' },
    ],
    [
      'no token, no mirrors',
      tokenCheck({ ok: false, ms: 5000, error: 'timed out after 5 s' }, false),
      { verdict: 'fail', remedy: expect.stringContaining('failed to fetch oauth token') },
    ],
  ])('%s', (_name, check, expected) => {
    expect(check).toMatchObject(expected);
  });
});

describe('builderCheck', () => {
  it('a missing builder points at builder-setup', () => {
    expect(builderCheck('nx-multiarch', undefined, 'f', 'no builder "nx-multiarch" found')).toMatchObject({
      verdict: 'fail',
      detail: 'builder nx-multiarch does not exist (no builder "nx-multiarch" found)',
      remedy: 'run the builder-setup target (nx run <workspace>:builder-setup)',
    });
  });

  it('a current docker-container builder that has not started yet is a warning', () => {
    const builder = parseBuilderInspect(fixture('inspect-0.29-docker-container.txt'));
    expect(builderCheck('capture-test', builder, 'abc123')).toEqual({
      id: 'builder',
      verdict: 'warn',
      detail:
        'builder capture-test (docker-container): host network, entitlement, current config; capture-test0 inactive',
      remedy: 'it starts on first use; to check now: docker buildx inspect --bootstrap capture-test',
    });
  });

  it('a builder from an older daemon.json fails with the remedy', () => {
    const builder = parseBuilderInspect(fixture('inspect-0.13-docker-container.txt'));
    expect(builderCheck('capture-test', builder, 'fffff')).toMatchObject({
      verdict: 'fail',
      detail: 'builder capture-test: node capture-test0 was set up from an older daemon.json or other options',
    });
  });

  it('a builder without host network or entitlement fails', () => {
    const text = fixture('inspect-0.13-docker-container.txt')
      .replace(' network="host"', '')
      .replace('--allow-insecure-entitlement network.host', '');
    expect(builderCheck('capture-test', parseBuilderInspect(text), 'abc123').detail).toBe(
      'builder capture-test: node capture-test0 is not on the host network; node capture-test0 lacks --allow-insecure-entitlement network.host',
    );
  });
});

describe('report', () => {
  const checks = [
    daemonCheck('20.10.24', undefined, 12),
    mirrorCheck('http://127.0.0.1:1', { ok: false, ms: 2, error: 'ECONNREFUSED' }),
    dnsCheck('auth.docker.io', { ok: false, ms: 1, error: 'ENOTFOUND' }, true),
  ];

  it('prints a verdict, the finding and the remedy per line, then totals', () => {
    expect(formatChecks(checks)).toBe(
      [
        'ok    daemon                     Docker Engine 20.10.24 answers',
        'fail  mirror:http://127.0.0.1:1  http://127.0.0.1:1/v2/ is dead: ECONNREFUSED (2 ms)',
        `${' '.repeat(33)}-> fix or remove this mirror in daemon.json, then rerun builder-setup: BuildKit tries mirrors in order and each dead one costs a timeout`,
        'warn  dns:auth.docker.io         auth.docker.io does not resolve: ENOTFOUND',
        `${' '.repeat(33)}-> fine while every base image comes through a mirror`,
        'diagnose: 1 failed, 1 warnings, 1 ok',
      ].join('\n'),
    );
  });

  it('has a JSON form for machines', () => {
    expect(JSON.parse(checksJson(checks))).toEqual({ summary: { ok: 1, warn: 1, fail: 1, skip: 0 }, checks });
  });
});
