import { webUrl } from './remote';

describe('webUrl', () => {
  test.each([
    ['https://github.com/acme/platform.git', 'https://github.com/acme/platform'],
    ['https://ci:s3cret@git.example.com/acme/platform.git', 'https://git.example.com/acme/platform'],
    ['https://x-access-token:ghs_abc@github.com/acme/platform', 'https://github.com/acme/platform'],
    ['https://github.com/acme/platform/?ref=main#readme', 'https://github.com/acme/platform'],
    ['http://gitea.lab:3000/acme/platform.git', 'http://gitea.lab:3000/acme/platform'],
    ['git@github.com:acme/platform.git', 'https://github.com/acme/platform'],
    ['github.com:acme/platform', 'https://github.com/acme/platform'],
    ['ssh://git@git.example.com:2222/acme/platform.git', 'https://git.example.com/acme/platform'],
    ['git+ssh://git@github.com/acme/platform.git', 'https://github.com/acme/platform'],
    ['git://git.example.com/acme/platform.git', 'https://git.example.com/acme/platform'],
    ['  https://github.com/acme/platform.git\n', 'https://github.com/acme/platform'],
  ])('%s -> %s', (remote, url) => {
    expect(webUrl(remote)).toBe(url);
  });

  test.each([['/srv/git/platform.git'], ['../platform'], ['file:///srv/git/platform.git'], ['']])(
    '%j (a local repository) has no web address',
    (remote) => {
      expect(webUrl(remote)).toBeUndefined();
    },
  );
});
