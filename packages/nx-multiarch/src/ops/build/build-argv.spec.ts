import { resolveProxies } from '../../core/network/proxy';
import { type BuildImageExecutorSchema, normalizeBuildImageOptions } from '../../core/options/build-image';
import type { BuilderState } from '../../infra/state/builder-state';
import { type BuildInputs, dockerfileArgv } from './build-argv';

const builder = (driver: BuilderState['driver']): BuilderState => ({
  name: driver === 'docker' ? 'default' : 'nx-multiarch',
  driver,
  hostNetwork: false,
  buildxVersion: '0.13.1',
  updatedAt: '2026-11-25T04:00:00.000Z',
});

function argv(
  options: Partial<BuildImageExecutorSchema>,
  driver: BuilderState['driver'],
  labels?: Record<string, string>,
  noCache = false,
): string[] {
  const normalized = normalizeBuildImageOptions(
    { context: 'images/api', images: [{ name: 'api' }], load: false, push: true, ...options },
    'api',
    '/ws',
  );
  const inputs: BuildInputs = {
    options: normalized,
    environment: {
      builder: builder(driver),
      proxies: resolveProxies({ daemon: {}, clientConfig: {}, env: {} }),
      envArgs: { args: {}, withheld: [] },
      values: {},
      secretMounts: [],
    },
    secrets: { flags: [], env: {}, values: [], missing: [] },
    services: { buildArgs: {}, addHosts: [] },
    ...(labels && { labels }),
  };
  if (normalized.source.kind !== 'dockerfile') throw new Error('a Dockerfile build');
  const { load, push } = normalized;
  const out = { refs: ['api:latest-arm64'], metadataFile: '/ws/m.json', load, push, contexts: [] };
  return dockerfileArgv(inputs, normalized.source, { name: 'api' }, 'arm64', out)(noCache);
}

const head = (name: string) => [
  'buildx',
  'build',
  '--builder',
  name,
  '--platform',
  'linux/arm64',
  '--file',
  '/ws/images/api/Dockerfile',
  '--progress',
  'plain',
  '--metadata-file',
  '/ws/m.json',
  '--tag',
  'api:latest-arm64',
];

describe('dockerfileArgv: the build-image options that are buildx flags', () => {
  // prettier-ignore
  test.each<[string, Partial<BuildImageExecutorSchema>, BuilderState['driver'], Record<string, string> | undefined, string[]]>([
    [
      'the labels prepareBuild computed, annotations, ssh',
      { annotations: ['manifest:org.opencontainers.image.title=api'], ssh: ['default'] },
      'docker-container',
      { 'org.opencontainers.image.version': 'latest', team: 'core' },
      [
        ...head('nx-multiarch'), '--ssh', 'default', '--label', 'org.opencontainers.image.version=latest',
        '--label', 'team=core', '--annotation', 'manifest:org.opencontainers.image.title=api', '--push', '/ws/images/api',
      ],
    ],
    [
      'the user labels alone when none were computed',
      { labels: { team: 'core' } },
      'docker-container',
      undefined,
      [...head('nx-multiarch'), '--label', 'team=core', '--push', '/ws/images/api'],
    ],
    [
      'provenance true is mode=min, with an SBOM, on a container builder',
      { provenance: true, sbom: true },
      'docker-container',
      undefined,
      [...head('nx-multiarch'), '--provenance=mode=min', '--sbom=true', '--push', '/ws/images/api'],
    ],
    [
      'provenance dropped when the image is loaded too (the classic store cannot take an index)',
      { provenance: 'min', sbom: true, load: true },
      'docker-container',
      undefined,
      [...head('nx-multiarch'), '--load', '--push', '/ws/images/api'],
    ],
    [
      'provenance max on a remote builder',
      { provenance: 'max' },
      'remote',
      undefined,
      [...head('nx-multiarch'), '--provenance=mode=max', '--push', '/ws/images/api'],
    ],
    [
      'provenance false stays false on a container builder',
      { provenance: false, sbom: false },
      'docker-container',
      undefined,
      [...head('nx-multiarch'), '--provenance=false', '--sbom=false', '--push', '/ws/images/api'],
    ],
    [
      'the docker driver drops provenance and SBOM (it cannot export them)',
      { provenance: 'max', sbom: true },
      'docker',
      undefined,
      [...head('default'), '--push', '/ws/images/api'],
    ],
    [
      'noCache and pull on every attempt, extra args last before the context',
      { noCache: true, pull: true, extraArgs: ['--shm-size', '2g'] },
      'docker',
      undefined,
      [...head('default'), '--no-cache', '--pull', '--push', '--shm-size', '2g', '/ws/images/api'],
    ],
  ])('%s', (_name, options, driver, labels, expected) => {
    expect(argv(options, driver, labels)).toEqual(expected);
  });

  it('a retry without the cache adds --no-cache once, whatever the noCache option', () => {
    expect(argv({ noCache: true }, 'docker', undefined, true).filter((a) => a === '--no-cache')).toHaveLength(1);
    expect(argv({}, 'docker', undefined, true)).toContain('--no-cache');
    expect(argv({}, 'docker', undefined, false)).not.toContain('--no-cache');
  });
});
