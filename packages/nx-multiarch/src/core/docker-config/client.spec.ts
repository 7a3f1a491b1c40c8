import { clientConfigPath, parseClientProxies } from './client';

describe('clientConfigPath', () => {
  test.each([
    [{}, '/root/.docker/config.json'],
    [{ DOCKER_CONFIG: '/ci/docker' }, '/ci/docker/config.json'],
  ])('%j', (env, expected) => {
    expect(clientConfigPath(env, '/root')).toBe(expected);
  });
});

describe('parseClientProxies', () => {
  const config = JSON.stringify({
    auths: { 'registry.example.com': { auth: 'c2VjcmV0OnNlY3JldA==' } },
    proxies: {
      default: { httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy: '*.local' },
      'tcp://docker.remote:2376': { httpsProxy: 'http://remote-proxy:3128' },
    },
  });

  it('reads proxies.default', () => {
    expect(parseClientProxies(config, 'config.json')).toEqual({
      httpProxy: 'http://proxy:3128',
      httpsProxy: 'http://proxy:3128',
      noProxy: '*.local',
    });
  });

  it('prefers the entry for the Docker host in use', () => {
    expect(parseClientProxies(config, 'config.json', 'tcp://docker.remote:2376')).toEqual({
      httpsProxy: 'http://remote-proxy:3128',
    });
  });

  it('has nothing to say without proxies', () => {
    expect(parseClientProxies('{"auths":{}}', 'config.json')).toEqual({});
  });

  it('names the file and field of a bad value', () => {
    expect(() => parseClientProxies('{"proxies":{"default":{"httpProxy":1}}}', '/root/.docker/config.json')).toThrow(
      '/root/.docker/config.json: proxies.default.httpProxy: Invalid input: expected string, received number',
    );
  });
});
