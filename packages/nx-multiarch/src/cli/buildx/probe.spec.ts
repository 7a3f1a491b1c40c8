import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeProbeArgs, nativeProbeDockerfile, parseNativeAnswer, probeOutputFile } from './probe';

// Captured from the lab: two host buildkitd (remote driver), arm64 declared for the second, both on an amd64 VM.
const CAPTURED = join(__dirname, '../../../test/fixtures/buildx/probe-two-remote-nodes');

describe('nativeProbeArgs', () => {
  // prettier-ignore
  test.each([
    ['two platforms', ['amd64', 'arm64'] as const, ['buildx', 'build', '--builder', 'sx', '--platform', 'linux/amd64,linux/arm64', '--build-arg', 'PROBE_IMAGE=busybox:1.36', '--no-cache', '--progress', 'plain', '--output', 'type=local,dest=/t/p/out', '--file', '/t/p/Dockerfile', '/t/p']],
    ['one platform', ['arm64'] as const, ['buildx', 'build', '--builder', 'sx', '--platform', 'linux/arm64', '--build-arg', 'PROBE_IMAGE=busybox:1.36', '--no-cache', '--progress', 'plain', '--output', 'type=local,dest=/t/p/out', '--file', '/t/p/Dockerfile', '/t/p']],
  ])('%s', (_name, platforms, argv) => {
    expect(nativeProbeArgs('sx', platforms, 'busybox:1.36', '/t/p')).toEqual(argv);
  });
});

describe('probeOutputFile', () => {
  test.each([
    [['amd64', 'arm64'] as const, 'arm64' as const, '/t/p/out/linux_arm64/native'],
    [['arm64'] as const, 'arm64' as const, '/t/p/out/native'],
  ])('%j, %s', (platforms, arch, file) => {
    expect(probeOutputFile('/t/p', arch, platforms)).toBe(file);
  });
});

describe('nativeProbeDockerfile', () => {
  it('runs uname -m in a stage pinned to the build platform, so nothing is emulated', () => {
    expect(nativeProbeDockerfile()).toContain('FROM --platform=$BUILDPLATFORM ${PROBE_IMAGE} AS probe');
    expect(nativeProbeDockerfile()).toContain('"$(uname -m)"');
  });
});

describe('parseNativeAnswer', () => {
  it.each([
    ['linux_amd64', { buildPlatform: 'linux/amd64', machine: 'x86_64', native: 'amd64' }],
    ['linux_arm64', { buildPlatform: 'linux/amd64', machine: 'x86_64', native: 'amd64' }],
  ])('reads the captured answer for %s (the arm64 node runs on x86_64)', (dir, answer) => {
    expect(parseNativeAnswer(readFileSync(join(CAPTURED, dir, 'native'), 'utf8'))).toEqual(answer);
  });

  test.each([
    ['linux/arm64 linux/arm64 aarch64\n', { buildPlatform: 'linux/arm64', machine: 'aarch64', native: 'arm64' }],
    ['linux/arm64 linux/riscv64 riscv64', { buildPlatform: 'linux/riscv64', machine: 'riscv64' }],
    ['', undefined],
    ['linux/arm64 linux/arm64', undefined],
  ])('%j', (text, answer) => {
    expect(parseNativeAnswer(text)).toEqual(answer);
  });
});
