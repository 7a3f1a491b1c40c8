import { parseServerArch, serverArchArgs } from './server';

describe('serverArchArgs', () => {
  it('asks the server, not the client, for its arch', () => {
    expect(serverArchArgs()).toEqual(['version', '--format', '{{.Server.Arch}}']);
  });
});

describe('parseServerArch', () => {
  test.each([
    // Captured from Docker 20.10.24 in the lab: `docker version --format '{{.Server.Arch}}'`.
    ['amd64\n', 'amd64'],
    ['arm64\n', 'arm64'],
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['s390x\n', undefined],
    ['', undefined],
  ])('%j is %s', (stdout, arch) => {
    expect(parseServerArch(stdout)).toBe(arch);
  });
});
