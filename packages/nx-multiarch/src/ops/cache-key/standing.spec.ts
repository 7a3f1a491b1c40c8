import type { DaemonObjects } from '../../cli/docker/objects';
import type { BuilderState } from '../../infra/state/builder-state';
import type { BuildRecord } from '../build/build-record';
import { builderContainer, builderStanding, imagesStanding, prefetchStanding } from './standing';

const ID = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const OTHER = 'sha256:2222222222222222222222222222222222222222222222222222222222222222';

const record = (fields: Partial<BuildRecord> = {}): BuildRecord => ({
  project: 'hub',
  image: 'hub',
  ref: 'demo/hub:latest-arm64',
  platform: 'linux/arm64',
  source: 'dockerfile',
  status: 'built',
  imageId: ID,
  loaded: true,
  pushed: false,
  taskHash: 'inputs-1',
  attempts: 1,
  noCache: false,
  durationMs: 1000,
  finishedAt: '2026-12-05T10:00:00.000Z',
  ...fields,
});

const daemon = (images: Record<string, string[]>, containers: Record<string, string> = {}): DaemonObjects => ({
  images: new Map(Object.entries(images)),
  containers: new Map(Object.entries(containers).map(([name, id]) => [name, { id, running: true }])),
});

const noLayout = () => undefined;

describe('imagesStanding', () => {
  it.each<[string, BuildRecord[], DaemonObjects | undefined, ReturnType<typeof imagesStanding>]>([
    ['nothing recorded (the first run here)', [], undefined, { ok: true }],
    ['the recorded image under its tag', [record()], daemon({ [ID]: ['demo/hub:latest-arm64'] }), { ok: true }],
    [
      'a Docker Hub reference, listed in its familiar form',
      [record({ ref: 'docker.io/library/hub:latest-arm64' })],
      daemon({ [ID]: ['hub:latest-arm64'] }),
      { ok: true },
    ],
    [
      'the image gone',
      [record()],
      daemon({ [OTHER]: ['demo/hub:latest-arm64'] }),
      { ok: false, why: 'demo/hub:latest-arm64 (111111111111) left the daemon' },
    ],
    [
      'its tag moved to another image (the recorded one still there, untagged)',
      [record()],
      daemon({ [ID]: [], [OTHER]: ['demo/hub:latest-arm64'] }),
      { ok: false, why: 'demo/hub:latest-arm64 names another image' },
    ],
    ['a daemon that did not answer', [record()], undefined, { ok: false, why: 'the daemon did not answer' }],
    [
      'a pushed image (the registry is the build task’s to check)',
      [record({ pushed: true, digest: 'sha256:dd' })],
      daemon({ [ID]: ['demo/hub:latest-arm64'] }),
      { ok: false, why: 'demo/hub:latest-arm64 was pushed; the build checks the registry itself' },
    ],
  ])('%s', (_, records, found, standing) => {
    expect(imagesStanding(records, found, noLayout)).toEqual(standing);
  });

  it('checks the OCI layout a container builder wrote for dependents', () => {
    const withLayout = record({ layout: { dir: '/ws/.nx-multiarch/produced/hub-arm64', digest: 'sha256:aa' } });
    const found = daemon({ [ID]: ['demo/hub:latest-arm64'] });
    expect(imagesStanding([withLayout], found, () => 'sha256:aa')).toEqual({ ok: true });
    expect(imagesStanding([withLayout], found, () => 'sha256:bb')).toEqual({
      ok: false,
      why: '/ws/.nx-multiarch/produced/hub-arm64 no longer holds demo/hub:latest-arm64',
    });
  });
});

describe('builderStanding', () => {
  const state = (fields: Partial<BuilderState> = {}): BuilderState => ({
    name: 'nxm',
    driver: 'docker-container',
    hostNetwork: true,
    buildxVersion: '0.13.1',
    containerId: 'c1',
    updatedAt: '2026-12-05T10:00:00.000Z',
    ...fields,
  });
  const known = () => true;

  it.each<[string, BuilderState | undefined, DaemonObjects | undefined, boolean, ReturnType<typeof builderStanding>]>([
    ['never set up here', undefined, undefined, false, { ok: true }],
    ['the docker driver (nothing of ours to lose)', state({ driver: 'docker' }), undefined, false, { ok: true }],
    ['its container, the very one', state(), daemon({}, { [builderContainer('nxm')]: 'c1' }), true, { ok: true }],
    ['a remote builder buildx still knows', state({ driver: 'remote' }), undefined, true, { ok: true }],
    ['not bootstrapped (no container recorded)', state({ containerId: undefined }), daemon({}), true, { ok: true }],
    ['removed from buildx', state(), daemon({}), false, { ok: false, why: 'builder nxm was removed' }],
    [
      'its container gone',
      state(),
      daemon({}),
      true,
      { ok: false, why: 'the BuildKit container of builder nxm is gone' },
    ],
    [
      'its container replaced',
      state(),
      daemon({}, { buildx_buildkit_nxm0: 'c2' }),
      true,
      { ok: false, why: 'the BuildKit container of builder nxm was replaced' },
    ],
    ['a daemon that did not answer', state(), undefined, true, { ok: false, why: 'the daemon did not answer' }],
  ])('%s', (_, recorded, found, instance, standing) => {
    expect(builderStanding(recorded, found, instance ? known : () => false)).toEqual(standing);
  });
});

describe('prefetchStanding', () => {
  const keys = ['docker.io/library/alpine:3.20|linux/amd64', 'docker.io/library/alpine:3.20|linux/arm64'];

  it.each<[string, Record<string, string>, DaemonObjects | undefined, ReturnType<typeof prefetchStanding>]>([
    ['nothing fetched into the daemon (a container builder, or the first run)', {}, undefined, { ok: true }],
    [
      'every fetched image still there, tagged or not',
      { [keys[0]]: ID, [keys[1]]: OTHER },
      daemon({ [ID]: [], [OTHER]: [] }),
      { ok: true },
    ],
    [
      'one gone',
      { [keys[0]]: ID, [keys[1]]: OTHER },
      daemon({ [ID]: [] }),
      { ok: false, why: 'docker.io/library/alpine:3.20|linux/arm64 (222222222222) left the daemon' },
    ],
    ['a record of an image this run does not fetch', { 'busybox:1|linux/amd64': OTHER }, daemon({}), { ok: true }],
  ])('%s', (_, recorded, found, standing) => {
    expect(prefetchStanding(recorded, keys, found)).toEqual(standing);
  });
});
