import type { Arch } from '../platform';
import { parseImageReference } from './reference';
import { archTag, imageRepository, type ImageNaming } from './tag';

describe('imageRepository', () => {
  test.each([
    [{ registry: '', imagePrefix: '', tag: 'latest' }, 'gateway', 'gateway'],
    [{ registry: '', imagePrefix: 'demo/', tag: 'latest' }, 'gateway', 'demo/gateway'],
    [{ registry: '', imagePrefix: 'platform-', tag: 'latest' }, 'api', 'platform-api'],
    [{ registry: '127.0.0.1:5000', imagePrefix: 'acme/', tag: '1.0' }, 'api', '127.0.0.1:5000/acme/api'],
    [{ registry: '127.0.0.1:5000/', imagePrefix: 'acme/', tag: '1.0' }, 'api', '127.0.0.1:5000/acme/api'],
    [{ registry: 'localhost:5000//', imagePrefix: '', tag: '1.0' }, 'api-init', 'localhost:5000/api-init'],
    [
      { registry: 'registry.example.com/team', imagePrefix: 'platform-', tag: '1.0' },
      'worker',
      'registry.example.com/team/platform-worker',
    ],
  ])('%j, %s -> %s', (naming: ImageNaming, name, expected) => {
    expect(imageRepository(naming, name)).toBe(expected);
  });
});

describe('archTag', () => {
  test.each([
    [{ registry: '', imagePrefix: 'demo/', tag: 'latest' }, 'gateway', 'arm64', 'demo/gateway:latest-arm64'],
    [{ registry: '', imagePrefix: '', tag: 'latest' }, 'hub', 'amd64', 'hub:latest-amd64'],
    [
      { registry: '127.0.0.1:5000', imagePrefix: 'acme/', tag: '1.2.3-rc.1' },
      'api-init',
      'amd64',
      '127.0.0.1:5000/acme/api-init:1.2.3-rc.1-amd64',
    ],
    [
      { registry: 'localhost:5000/', imagePrefix: '', tag: 'v2.0' },
      'worker',
      'arm64',
      'localhost:5000/worker:v2.0-arm64',
    ],
  ])('%j, %s, %s -> %s', (naming: ImageNaming, name, arch, expected) => {
    expect(archTag(naming, name, arch as Arch)).toBe(expected);
  });

  // The tag must read back as the tag, not as part of a registry port or the repository.
  test.each([
    [
      { registry: '127.0.0.1:5000', imagePrefix: 'acme/', tag: '1.2.3-rc.1' },
      'api',
      'arm64',
      { registry: '127.0.0.1:5000', repository: 'acme/api', tag: '1.2.3-rc.1-arm64' },
    ],
    [
      { registry: 'localhost:5000', imagePrefix: '', tag: 'latest' },
      'gateway',
      'amd64',
      { registry: 'localhost:5000', repository: 'gateway', tag: 'latest-amd64' },
    ],
    [
      { registry: '', imagePrefix: '', tag: 'latest' },
      'gateway',
      'amd64',
      { registry: 'docker.io', repository: 'library/gateway', tag: 'latest-amd64' },
    ],
    [
      { registry: '', imagePrefix: 'demo/', tag: '2024.10.01' },
      'portal',
      'arm64',
      { registry: 'docker.io', repository: 'demo/portal', tag: '2024.10.01-arm64' },
    ],
  ])('%j, %s, %s reads back as %j', (naming: ImageNaming, name, arch, expected) => {
    expect(parseImageReference(archTag(naming, name, arch as Arch))).toStrictEqual(expected);
  });
});
