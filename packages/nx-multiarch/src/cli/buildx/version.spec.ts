import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atLeast, buildkitdConfigFlag, parseBuildxVersion } from './version';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');

describe('parseBuildxVersion', () => {
  test.each([
    [fixture('version-0.13.txt'), { raw: '0.13.1+ds1', major: 0, minor: 13, patch: 1 }],
    [fixture('version-0.29.txt'), { raw: '0.29.1+ds1', major: 0, minor: 29, patch: 1 }],
    [
      'github.com/docker/buildx v0.30.1 9e5b5ba1b1c5e7c1b5c0b1d1b2f0c1e1a1b2c3d4\n',
      { raw: '0.30.1', major: 0, minor: 30, patch: 1 },
    ],
    ['github.com/docker/buildx v0.12.1-desktop.4 6a4b5c\n', { raw: '0.12.1-desktop.4', major: 0, minor: 12, patch: 1 }],
  ])('%j', (stdout, expected) => {
    expect(parseBuildxVersion(stdout)).toEqual(expected);
  });

  it('says what it could not read', () => {
    expect(() => parseBuildxVersion("docker: 'buildx' is not a docker command.")).toThrow(
      "cannot read the buildx version from: docker: 'buildx' is not a docker command.",
    );
  });
});

describe('flags chosen by version', () => {
  test.each([
    ['0.12.1', '--config'],
    ['0.13.0', '--buildkitd-config'],
    ['0.29.1', '--buildkitd-config'],
    ['1.0.0', '--buildkitd-config'],
  ])('buildx %s uses %s', (raw, flag) => {
    const [major, minor, patch] = raw.split('.').map(Number);
    expect(buildkitdConfigFlag({ raw, major, minor, patch })).toBe(flag);
  });

  it('compares major and minor', () => {
    expect(atLeast({ raw: '1.2.0', major: 1, minor: 2, patch: 0 }, 0, 30)).toBe(true);
    expect(atLeast({ raw: '0.9.9', major: 0, minor: 9, patch: 9 }, 0, 13)).toBe(false);
  });
});
