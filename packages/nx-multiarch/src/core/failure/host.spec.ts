import { hostIn, isDockerHubHost } from './host';

describe('isDockerHubHost', () => {
  test.each<[string, boolean]>([
    ['registry-1.docker.io', true],
    ['auth.docker.io', true],
    ['index.docker.io', true],
    ['docker.io', true],
    ['registry.hub.docker.com', true],
    ['production.cloudflare.docker.com', true],
    ['docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com', true],
    ['Registry-1.Docker.IO:443', true],
    ['mirror.gcr.io', false],
    ['127.0.0.1:5000', false],
    ['docker.io.example.com', false],
    ['www.docker.com', false],
  ])('%s', (host, expected) => {
    expect(isDockerHubHost(host)).toBe(expected);
  });
});

describe('hostIn', () => {
  test.each<[string, string, string | undefined]>([
    [
      'the last URL: the innermost request',
      'failed to resolve: GET https://Registry.Example.com/v2/: Get "https://auth.example.com:8443/token": EOF',
      'auth.example.com:8443',
    ],
    [
      "Docker Hub's documentation links are not endpoints",
      'toomanyrequests: You have reached your pull rate limit. https://www.docker.com/increase-rate-limit',
      undefined,
    ],
    ['a DNS lookup', 'dial tcp: lookup REG.example.com on 127.0.0.53:53: no such host', 'reg.example.com'],
    [
      'a registry in an image reference',
      'failed to resolve source metadata for localhost:5000/app:1: EOF',
      'localhost:5000',
    ],
    ['a bare host with a port in an image reference', 'pull "mirror:5000/library/alpine": refused', 'mirror:5000'],
    ['a Docker Hub short name names no registry', 'pull access denied for library/alpine', undefined],
    ['no host at all', 'exec format error', undefined],
  ])('%s', (_, line, expected) => {
    expect(hostIn(line)).toBe(expected);
  });
});
