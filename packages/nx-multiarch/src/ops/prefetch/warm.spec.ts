import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuilderState } from '../../infra/state/builder-state';
import { describeTarget, type WarmTarget, warmBuildArgs, warmDockerfile, warmResult, warmTargetOf } from './warm';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');

describe('warmBuildArgs', () => {
  // prettier-ignore
  test.each<[string, Parameters<typeof warmBuildArgs>, string[]]>([
    ['arm64 on a container builder', ['nx-multiarch', 'arm64', '/ws/.nx-multiarch/prefetch/0123456789abcdef'], [
      'buildx', 'build', '--builder', 'nx-multiarch', '--platform', 'linux/arm64', '--output', 'type=cacheonly',
      '--progress', 'plain', '--file', '/ws/.nx-multiarch/prefetch/0123456789abcdef/Dockerfile',
      '/ws/.nx-multiarch/prefetch/0123456789abcdef',
    ]],
    ['amd64 on a remote builder', ['farm', 'amd64', '/tmp/warm'], [
      'buildx', 'build', '--builder', 'farm', '--platform', 'linux/amd64', '--output', 'type=cacheonly',
      '--progress', 'plain', '--file', '/tmp/warm/Dockerfile', '/tmp/warm',
    ]],
  ])('%s', (_name, args, expected) => {
    expect(warmBuildArgs(...args)).toEqual(expected);
  });
});

describe('warmDockerfile', () => {
  test.each([
    ['docker.io/library/alpine:3.20', 'FROM docker.io/library/alpine:3.20\n'],
    [
      'ghcr.io/a/b:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'FROM ghcr.io/a/b:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    ],
  ])('%s', (ref, expected) => {
    expect(warmDockerfile(ref)).toBe(expected);
  });
});

describe('warmResult', () => {
  test.each([
    ['the FROM step ran: fetched', 'warm-cacheonly-fetched.txt', 'fetched'],
    ['the FROM step was CACHED: present', 'warm-cacheonly-cached.txt', 'present'],
  ])('%s (%s)', (_name, file, expected) => {
    expect(warmResult(fixture(file))).toBe(expected);
  });

  it('reads CRLF output the same way', () => {
    expect(warmResult(fixture('warm-cacheonly-cached.txt').replace(/\n/g, '\r\n'))).toBe('present');
  });

  it('is undefined without a FROM step', () => {
    const text = fixture('warm-cacheonly-fetched.txt').split('\n#4 ')[0];
    expect(text).toContain('#3 DONE');
    expect(warmResult(text)).toBeUndefined();
  });

  it('is undefined when the FROM step started but neither finished nor was cached', () => {
    const text = fixture('warm-cacheonly-fetched.txt').replace(/^#4 DONE.*$/m, '');
    expect(warmResult(text)).toBeUndefined();
  });

  it('is undefined for empty output', () => {
    expect(warmResult('')).toBeUndefined();
  });
});

describe('warmTargetOf', () => {
  test.each<[string, Pick<BuilderState, 'name' | 'driver'> | undefined, WarmTarget]>([
    ['no builder-setup: the default builder, the daemon', undefined, { kind: 'daemon' }],
    ['docker driver', { name: 'default', driver: 'docker' }, { kind: 'daemon', builder: 'default' }],
    [
      'docker-container driver',
      { name: 'nx-multiarch', driver: 'docker-container' },
      { kind: 'builder', builder: 'nx-multiarch' },
    ],
    ['remote driver', { name: 'farm', driver: 'remote' }, { kind: 'builder', builder: 'farm' }],
  ])('%s', (_name, state, expected) => {
    expect(warmTargetOf(state)).toEqual(expected);
  });
});

describe('describeTarget', () => {
  test.each<[WarmTarget, string]>([
    [{ kind: 'daemon' }, "the Docker daemon's image store"],
    [{ kind: 'daemon', builder: 'default' }, "the Docker daemon's image store (builder default, docker driver)"],
    [{ kind: 'builder', builder: 'nx-multiarch' }, 'the build cache of builder nx-multiarch'],
  ])('%j', (target, expected) => {
    expect(describeTarget(target)).toBe(expected);
  });
});
