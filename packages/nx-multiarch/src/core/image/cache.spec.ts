import { ConfigError } from '../failure/errors';
import { cacheFlags, type CacheFlags, type CacheSettings } from './cache';

const none: CacheSettings = { registryCache: false, cacheMode: 'max', cacheFrom: [], cacheTo: [] };
const naming = { registry: '127.0.0.1:5000', imagePrefix: 'acme/', tag: '1.0' };
const SOURCE = 'project api';

describe('cacheFlags', () => {
  // prettier-ignore
  test.each<[string, Partial<CacheSettings>, 'docker' | 'docker-container' | 'remote', CacheFlags]>([
    ['nothing asked, nothing passed', {}, 'docker-container', { from: [], to: [] }],
    [
      'the registry cache: one ref per image and platform, mode max',
      { registryCache: true },
      'docker-container',
      {
        from: ['type=registry,ref=127.0.0.1:5000/acme/api:buildcache-arm64'],
        to: ['type=registry,ref=127.0.0.1:5000/acme/api:buildcache-arm64,mode=max'],
      },
    ],
    [
      'mode min, and more sources after the registry cache, placeholders filled',
      { registryCache: true, cacheMode: 'min', cacheFrom: ['type=local,src=/ci/cache/{image}-{arch}'], cacheTo: ['type=local,dest=/ci/cache/{image}-{arch}'] },
      'remote',
      {
        from: ['type=registry,ref=127.0.0.1:5000/acme/api:buildcache-arm64', 'type=local,src=/ci/cache/api-arm64'],
        to: ['type=registry,ref=127.0.0.1:5000/acme/api:buildcache-arm64,mode=min', 'type=local,dest=/ci/cache/api-arm64'],
      },
    ],
    [
      'gha as buildx takes it, with a scope per image and platform',
      { cacheFrom: ['type=gha,scope={repository}-{arch}'], cacheTo: ['type=gha,mode=max,scope={repository}-{arch}'] },
      'docker-container',
      {
        from: ['type=gha,scope=127.0.0.1:5000/acme/api-arm64'],
        to: ['type=gha,mode=max,scope=127.0.0.1:5000/acme/api-arm64'],
      },
    ],
    [
      'the docker driver imports the registry cache but exports inline, and says so',
      { registryCache: true },
      'docker',
      {
        from: ['type=registry,ref=127.0.0.1:5000/acme/api:buildcache-arm64'],
        to: ['type=inline'],
        note:
          'the docker driver cannot export type=registry,ref=127.0.0.1:5000/acme/api:buildcache-arm64,mode=max: ' +
          'exporting type=inline instead (cache in the image itself, mode=min); a docker-container builder ' +
          '(builder-setup driver) exports registry caches',
      },
    ],
    ['inline on the docker driver is fine as it is', { cacheTo: ['type=inline'] }, 'docker', { from: [], to: ['type=inline'] }],
  ])('%s', (_name, settings, driver, expected) => {
    expect(cacheFlags({ ...none, ...settings }, naming, 'api', 'arm64', driver, SOURCE)).toEqual(expected);
  });

  test.each<[string, Partial<CacheSettings>, typeof naming, string]>([
    [
      'the registry cache without a registry',
      { registryCache: true },
      { ...naming, registry: '' },
      'project api: registryCache: needs a registry to keep the cache in. Fix: set registry (plugin option or --registry), or give cacheFrom/cacheTo',
    ],
    [
      'an unknown placeholder',
      { cacheTo: ['type=local,dest=/c/{project}'] },
      naming,
      'project api: cacheTo: type=local,dest=/c/{project} has unknown placeholder(s) {project}. Fix: use {image}, {arch}, {registry} or {repository}',
    ],
  ])('refuses %s, naming the field and the fix', (_name, settings, names, message) => {
    const run = () => cacheFlags({ ...none, ...settings }, names, 'api', 'arm64', 'docker-container', SOURCE);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });
});
