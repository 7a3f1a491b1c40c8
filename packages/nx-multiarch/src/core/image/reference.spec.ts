import { canonicalName, parseImageReference } from './reference';

const DIGEST = 'sha256:e9ac71e2b8e279a8372741b7a0293afda17650d926900233ec3a7b2b7c22a246';

describe('parseImageReference', () => {
  test.each([
    // Docker Hub familiar names
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['library/alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['gitea/gitea:1.22', { registry: 'docker.io', repository: 'gitea/gitea', tag: '1.22' }],
    ['acme/team/app', { registry: 'docker.io', repository: 'acme/team/app' }],
    ['my_org/app', { registry: 'docker.io', repository: 'my_org/app' }],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['docker.io/library/alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['docker.io/acme/app', { registry: 'docker.io', repository: 'acme/app' }],
    // index.docker.io is the legacy name of Docker Hub
    ['index.docker.io/alpine:latest', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['index.docker.io/acme/app', { registry: 'docker.io', repository: 'acme/app' }],
    // a first component is a host when it has '.' or ':', is localhost, or has upper-case letters
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x' }],
    ['localhost:5000/x:1.0', { registry: 'localhost:5000', repository: 'x', tag: '1.0' }],
    ['127.0.0.1:5000/a/b:tag', { registry: '127.0.0.1:5000', repository: 'a/b', tag: 'tag' }],
    ['registry.internal:5000/platform/node', { registry: 'registry.internal:5000', repository: 'platform/node' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    ['[::1]:5000/app:2', { registry: '[::1]:5000', repository: 'app', tag: '2' }],
    ['ghcr.io/astral-sh/uv:0.4.18', { registry: 'ghcr.io', repository: 'astral-sh/uv', tag: '0.4.18' }],
    [
      'mcr.microsoft.com/windows/servercore:ltsc2022',
      {
        registry: 'mcr.microsoft.com',
        repository: 'windows/servercore',
        tag: 'ltsc2022',
      },
    ],
    ['MyRegistry/app', { registry: 'MyRegistry', repository: 'app' }],
    // with no slash, `host:port` reads as `repository:tag`, as Docker reads it
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
    // tags with dots, dashes and underscores
    ['acme/gateway:1.2.3-rc.1-arm64', { registry: 'docker.io', repository: 'acme/gateway', tag: '1.2.3-rc.1-arm64' }],
    ['node:20.11.1-bookworm-slim', { registry: 'docker.io', repository: 'library/node', tag: '20.11.1-bookworm-slim' }],
    ['acme/app:v1_2.build-7', { registry: 'docker.io', repository: 'acme/app', tag: 'v1_2.build-7' }],
    ['demo/gateway:latest-', { registry: 'docker.io', repository: 'demo/gateway', tag: 'latest-' }],
    // digests
    [`alpine@${DIGEST}`, { registry: 'docker.io', repository: 'library/alpine', digest: DIGEST }],
    [`alpine:3.20@${DIGEST}`, { registry: 'docker.io', repository: 'library/alpine', tag: '3.20', digest: DIGEST }],
    [`localhost:5000/x@${DIGEST}`, { registry: 'localhost:5000', repository: 'x', digest: DIGEST }],
    [
      `gcr.io/distroless/static-debian12:nonroot@${DIGEST}`,
      { registry: 'gcr.io', repository: 'distroless/static-debian12', tag: 'nonroot', digest: DIGEST },
    ],
    [
      `127.0.0.1:5000/acme/api:1.0-amd64@${DIGEST}`,
      { registry: '127.0.0.1:5000', repository: 'acme/api', tag: '1.0-amd64', digest: DIGEST },
    ],
  ])('%s', (ref, expected) => {
    expect(parseImageReference(ref)).toStrictEqual(expected);
  });
});

describe('canonicalName', () => {
  test.each([
    ['alpine', 'docker.io/library/alpine'],
    ['alpine:3.20', 'docker.io/library/alpine'],
    ['library/alpine', 'docker.io/library/alpine'],
    ['docker.io/alpine:edge', 'docker.io/library/alpine'],
    [`index.docker.io/library/alpine:3.20@${DIGEST}`, 'docker.io/library/alpine'],
    ['acme/gateway:latest-arm64', 'docker.io/acme/gateway'],
    ['docker.io/acme/gateway', 'docker.io/acme/gateway'],
    ['127.0.0.1:5000/acme/gateway:1.0-amd64', '127.0.0.1:5000/acme/gateway'],
    ['localhost:5000/x', 'localhost:5000/x'],
    [`localhost:5000/x@${DIGEST}`, 'localhost:5000/x'],
    ['registry.internal:5000/platform/node', 'registry.internal:5000/platform/node'],
  ])('%s -> %s', (ref, expected) => {
    expect(canonicalName(ref)).toBe(expected);
  });
});
