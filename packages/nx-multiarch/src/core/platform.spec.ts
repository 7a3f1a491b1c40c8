import { ConfigError } from './failure/errors';
import { ociPlatform, ownPlatforms, parsePlatforms } from './platform';

describe('parsePlatforms', () => {
  test.each([
    ['arm64', ['arm64']],
    ['linux/arm64', ['arm64']],
    ['amd64,arm64', ['amd64', 'arm64']],
    [' linux/amd64 , arm64 ', ['amd64', 'arm64']],
    ['arm64,linux/arm64', ['arm64']],
    [
      ['arm64', 'amd64'],
      ['arm64', 'amd64'],
    ],
  ])('%j -> %j', (input, expected) => {
    expect(parsePlatforms(input, 'test')).toEqual(expected);
  });

  test.each([['s390x'], ['linux/arm/v7'], ['amd64,riscv64'], ['']])('rejects %j by name', (input) => {
    expect(() => parsePlatforms(input, 'nx.json', 'platforms')).toThrow(ConfigError);
    expect(() => parsePlatforms(input, 'nx.json', 'platforms')).toThrow(
      /^nx\.json: platforms: .*Fix: use one of amd64, arm64/,
    );
  });

  it('names the bad value', () => {
    expect(() => parsePlatforms('amd64,riscv64', 'cli')).toThrow("unknown platform 'riscv64'");
  });

  it('maps arch to the OCI platform', () => {
    expect(ociPlatform('arm64')).toBe('linux/arm64');
  });
});

describe('ownPlatforms', () => {
  test.each([
    [['amd64', 'arm64'], ['amd64', 'arm64'], ['amd64', 'arm64'], []],
    [['arm64', 'amd64'], ['amd64'], ['amd64'], ['arm64']],
    [['arm64'], ['amd64'], [], ['arm64']],
    [['arm64', 'amd64'], undefined, ['arm64', 'amd64'], []],
  ] as const)('asked %j of a component of %j: builds %j, leaves out %j', (asked, own, built, not) => {
    expect(ownPlatforms(asked, own)).toEqual({ built, not });
  });
});
