import { createdTime, imageLabels } from './labels';

const git = {
  revision: '3f2a1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49',
  committedAt: '2024-05-06T07:08:09Z',
  source: 'https://github.com/acme/platform',
};

describe('imageLabels', () => {
  // prettier-ignore
  test.each<[string, Parameters<typeof imageLabels>, Record<string, string>]>([
    [
      'the four OCI labels from the checkout and the tag',
      [{ ociLabels: true, labels: {} }, git, '1.4', git.committedAt],
      {
        'org.opencontainers.image.source': 'https://github.com/acme/platform',
        'org.opencontainers.image.revision': '3f2a1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49',
        'org.opencontainers.image.created': '2024-05-06T07:08:09Z',
        'org.opencontainers.image.version': '1.4',
      },
    ],
    [
      "the user's labels win over the defaults",
      [{ ociLabels: true, labels: { 'org.opencontainers.image.version': '1.4.2', team: 'core' } }, git, '1.4', undefined],
      {
        'org.opencontainers.image.source': 'https://github.com/acme/platform',
        'org.opencontainers.image.revision': '3f2a1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49',
        'org.opencontainers.image.version': '1.4.2',
        team: 'core',
      },
    ],
    [
      'outside a repository: only the version',
      [{ ociLabels: true, labels: {} }, {}, 'latest', undefined],
      { 'org.opencontainers.image.version': 'latest' },
    ],
    [
      "ociLabels false: only the user's",
      [{ ociLabels: false, labels: { team: 'core' } }, git, '1.4', git.committedAt],
      { team: 'core' },
    ],
  ])('%s', (_name, args, labels) => {
    expect(imageLabels(...args)).toEqual(labels);
  });
});

describe('createdTime', () => {
  test.each([
    ['the commit time', git, undefined, '2024-05-06T07:08:09Z'],
    ['SOURCE_DATE_EPOCH over the commit time', git, '1700000000', '2023-11-14T22:13:20Z'],
    ['a SOURCE_DATE_EPOCH that is no number is ignored', git, 'yesterday', '2024-05-06T07:08:09Z'],
    ['nothing without a commit time', {}, undefined, undefined],
  ])('%s', (_name, facts, epoch, created) => {
    expect(createdTime(facts, epoch)).toBe(created);
  });
});
