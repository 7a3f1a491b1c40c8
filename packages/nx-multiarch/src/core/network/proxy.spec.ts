import { firstProxies, proxiesFromEnv, proxyBuildArgs, redactText, redactUrl, resolveProxies } from './proxy';

describe('proxiesFromEnv', () => {
  test.each([
    [
      { HTTP_PROXY: 'http://a:3128', https_proxy: 'http://b:3128', no_proxy: 'localhost' },
      { httpProxy: 'http://a:3128', httpsProxy: 'http://b:3128', noProxy: 'localhost' },
    ],
    [{ HTTP_PROXY: 'http://upper', http_proxy: 'http://lower' }, { httpProxy: 'http://upper' }],
    [{ HTTP_PROXY: '', http_proxy: 'http://lower' }, { httpProxy: 'http://lower' }],
    [{}, {}],
  ])('%j', (env, expected) => {
    expect(proxiesFromEnv(env)).toEqual(expected);
  });
});

describe('resolveProxies', () => {
  const daemon = { httpsProxy: 'http://daemon:3128' };
  const clientConfig = { httpsProxy: 'http://client:3128', noProxy: 'client.local' };
  const env = { httpProxy: 'http://env:3128' };

  it('gives each path its own order of sources, field by field', () => {
    expect(resolveProxies({ daemon, clientConfig, env })).toEqual({
      builder: { httpProxy: 'http://env:3128', httpsProxy: 'http://daemon:3128', noProxy: 'client.local' },
      client: { httpProxy: 'http://env:3128', httpsProxy: 'http://daemon:3128', noProxy: 'client.local' },
      runSteps: { httpProxy: 'http://env:3128', httpsProxy: 'http://client:3128', noProxy: 'client.local' },
    });
  });

  it('first wins', () => {
    expect(firstProxies({ httpProxy: 'a' }, { httpProxy: 'b', noProxy: 'c' })).toEqual({
      httpProxy: 'a',
      noProxy: 'c',
    });
  });
});

describe('proxyBuildArgs', () => {
  it('sets the predefined ARGs in both cases', () => {
    expect(proxyBuildArgs({ httpProxy: 'http://p:3128', noProxy: 'localhost,127.0.0.1' })).toEqual({
      HTTP_PROXY: 'http://p:3128',
      http_proxy: 'http://p:3128',
      NO_PROXY: 'localhost,127.0.0.1',
      no_proxy: 'localhost,127.0.0.1',
    });
  });
});

describe('redaction', () => {
  test.each([
    ['http://user:s3cr%40t@proxy.corp:3128', 'http://***@proxy.corp:3128'],
    ['https://token@registry.example.com/v2/', 'https://***@registry.example.com/v2/'],
    ['http://proxy.corp:3128', 'http://proxy.corp:3128'],
    ['proxy.corp:3128', 'proxy.corp:3128'],
  ])('redactUrl(%s)', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('redacts every URL credential in free text (argv, errors, inspect output)', () => {
    const text =
      'Driver Options: env.http_proxy="http://user:secret@proxy.example:3128" env.HTTPS_PROXY="http://u:p@p2:8080" network="host"';
    expect(redactText(text)).toBe(
      'Driver Options: env.http_proxy="http://***@proxy.example:3128" env.HTTPS_PROXY="http://***@p2:8080" network="host"',
    );
    expect(redactText(text)).not.toMatch(/secret|u:p/);
  });

  it('takes the user info up to the last @ (a password may contain one, as Go parses it)', () => {
    expect(redactText('proxy http://alice:p@ss@proxy.corp:3128/x failed')).toBe(
      'proxy http://***@proxy.corp:3128/x failed',
    );
    expect(redactUrl('http://alice:p@ss@proxy.corp:3128')).toBe('http://***@proxy.corp:3128');
  });
});
