import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PushedImage } from '../../cli/buildx/imagetools';
import type { LocalImage } from '../../cli/docker/image';
import {
  type BuildRecord,
  type Found,
  ledgerDir,
  ledgerImageIds,
  readLedger,
  readRecord,
  recordPath,
  registryRefusal,
  reuseRefusal,
  type Wanted,
} from './build-record';

const REF = 'registry.local:5000/shop/api:dev';
const IMAGE_ID = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const OTHER_ID = 'sha256:2222222222222222222222222222222222222222222222222222222222222222';
const DIGEST = 'sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd';
const OTHER_DIGEST = 'sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';

const record = (fields: Partial<BuildRecord> = {}): BuildRecord => ({
  project: 'api',
  image: 'api',
  ref: REF,
  platform: 'linux/arm64',
  source: 'dockerfile',
  status: 'built',
  imageId: IMAGE_ID,
  digest: DIGEST,
  loaded: true,
  pushed: true,
  taskHash: 'hash-1',
  attempts: 1,
  noCache: false,
  durationMs: 1200,
  finishedAt: '2025-01-02T03:04:05.000Z',
  ...fields,
});

const wanted = (fields: Partial<Wanted> = {}): Wanted => ({
  ref: REF,
  arch: 'arm64',
  taskHash: 'hash-1',
  load: true,
  push: true,
  ...fields,
});

const local = (id = IMAGE_ID): LocalImage => ({
  id,
  os: 'linux',
  architecture: 'arm64',
  repoTags: [REF],
  repoDigests: [],
});

const pushed = (digest = DIGEST): PushedImage => ({
  name: REF,
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  platforms: ['linux/arm64'],
  entries: [],
  attestations: 0,
});

const everything: Found = { local: local(), pushed: pushed() };

describe('reuseRefusal', () => {
  test.each<[string, BuildRecord | undefined, Wanted, Found, string | undefined]>([
    ['no earlier build', undefined, wanted(), everything, 'no earlier build'],
    ['Nx gave no task hash', record(), wanted({ taskHash: undefined }), everything, 'Nx gave no task hash'],
    [
      'Nx gave an empty task hash',
      record({ taskHash: '' }),
      wanted({ taskHash: '' }),
      everything,
      'Nx gave no task hash',
    ],
    ['another task hash', record({ taskHash: 'hash-0' }), wanted(), everything, 'inputs changed'],
    ['a record without task hash', record({ taskHash: undefined }), wanted(), everything, 'inputs changed'],
    ['another ref', record({ ref: `${REF}-old` }), wanted(), everything, 'another image'],
    ['another platform', record(), wanted({ arch: 'amd64' }), everything, 'another image'],
    // load wanted
    ['load wanted, earlier build not loaded', record({ loaded: false }), wanted(), everything, 'it was not loaded'],
    ['load wanted, no image ID recorded', record({ imageId: undefined }), wanted(), everything, 'it was not loaded'],
    [
      'load wanted, image gone from the daemon',
      record(),
      wanted(),
      { pushed: pushed() },
      `${REF} is no longer in the daemon`,
    ],
    [
      'load wanted, tag names another image',
      record(),
      wanted(),
      { local: local(OTHER_ID), pushed: pushed() },
      `${REF} now names another image`,
    ],
    [
      'load and push both broken: the daemon is named first',
      record(),
      wanted(),
      {},
      `${REF} is no longer in the daemon`,
    ],
    // push wanted
    ['push wanted, earlier build not pushed', record({ pushed: false }), wanted(), everything, 'it was not pushed'],
    ['push wanted, no digest recorded', record({ digest: undefined }), wanted(), everything, 'it was not pushed'],
    [
      'push wanted, image gone from the registry',
      record(),
      wanted(),
      { local: local() },
      `${REF} is no longer in the registry`,
    ],
    [
      'push wanted, registry tag names another digest',
      record(),
      wanted(),
      { local: local(), pushed: pushed(OTHER_DIGEST) },
      `${REF} in the registry now names another image`,
    ],
    // container builders: the layout for dependents, the images it was built from
    [
      'layout wanted, none recorded',
      record(),
      wanted({ layout: '/p/gw-arm64' }),
      { ...everything, layoutDigest: OTHER_DIGEST },
      'its image for dependents is not at /p/gw-arm64',
    ],
    [
      'layout wanted, gone',
      record({ layout: { dir: '/p/gw-arm64', digest: OTHER_DIGEST } }),
      wanted({ layout: '/p/gw-arm64' }),
      everything,
      'its image for dependents is not at /p/gw-arm64',
    ],
    [
      'layout wanted, another image in it',
      record({ layout: { dir: '/p/gw-arm64', digest: OTHER_DIGEST } }),
      wanted({ layout: '/p/gw-arm64' }),
      { ...everything, layoutDigest: `sha256:${'1'.repeat(64)}` },
      '/p/gw-arm64 now holds another image',
    ],
    [
      'layout wanted and still there',
      record({ layout: { dir: '/p/gw-arm64', digest: OTHER_DIGEST } }),
      wanted({ layout: '/p/gw-arm64' }),
      { ...everything, layoutDigest: OTHER_DIGEST },
      undefined,
    ],
    [
      'built from another digest of a component image',
      record({ contexts: ['gw:1-arm64=oci-layout:///p@sha256:aa'] }),
      wanted({ contexts: ['gw:1-arm64=oci-layout:///p@sha256:bb'] }),
      everything,
      'the images of other components it is built from changed',
    ],
    [
      'built from the same component images',
      record({ contexts: ['gw:1-arm64=oci-layout:///p@sha256:aa'] }),
      wanted({ contexts: ['gw:1-arm64=oci-layout:///p@sha256:aa'] }),
      everything,
      undefined,
    ],
    // reusable
    ['load and push wanted, both still there', record(), wanted(), everything, undefined],
    [
      'only load wanted: the registry does not matter',
      record({ pushed: false, digest: undefined }),
      wanted({ push: false }),
      { local: local() },
      undefined,
    ],
    [
      'only push wanted: the daemon does not matter',
      record({ loaded: false, imageId: undefined }),
      wanted({ load: false }),
      { pushed: pushed() },
      undefined,
    ],
    [
      'neither load nor push wanted (cache only)',
      record({ loaded: false, pushed: false, imageId: undefined, digest: undefined }),
      wanted({ load: false, push: false }),
      {},
      undefined,
    ],
  ])('%s -> %p', (_name, previous, want, found, expected) => {
    expect(reuseRefusal(previous, want, found)).toBe(expected);
  });
});

describe('registryRefusal (another machine pushed it)', () => {
  const LABEL = 'org.nx-multiarch.inputs';
  const wanted = { ref: REF, arch: 'arm64' as const, taskHash: 'h1' };
  const labelled = (platform: string, inputs?: string): PushedImage => ({
    ...pushed(),
    platforms: [platform],
    labels: { [platform]: inputs ? { [LABEL]: inputs } : {} },
  });

  test.each<[string, PushedImage | undefined, string | undefined]>([
    ['the same inputs, this platform: reused', labelled('linux/arm64', 'h1'), undefined],
    ['the registry adds a variant', labelled('linux/arm64/v8', 'h1'), undefined],
    ['not pushed', undefined, `${REF} is not in the registry`],
    ['another platform', labelled('linux/amd64', 'h1'), `${REF} in the registry is not linux/arm64`],
    ['other inputs', labelled('linux/arm64', 'h0'), `${REF} in the registry was built from other inputs`],
    [
      'no label (built by something else)',
      labelled('linux/arm64'),
      `${REF} in the registry was built from other inputs`,
    ],
  ])('%s', (_name, image, refusal) => {
    expect(registryRefusal(image ? { pushed: image } : {}, wanted, LABEL)).toBe(refusal);
  });
});

describe('recordPath', () => {
  it('names the file after image and arch', () => {
    expect(recordPath('/ws/dist/images/api', 'api-init', 'amd64')).toBe('/ws/dist/images/api/api-init-amd64.json');
  });
});

describe('readRecord', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-multiarch-record-spec-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('is undefined when there is no file', () => {
    expect(readRecord(join(dir, 'missing.json'))).toBeUndefined();
  });

  it('is undefined for a torn file, set aside with a warning', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(readRecord(write('torn.json', '{"ref": "registry.local:5000/shop/api:dev", "platfo'))).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/torn\.json could not be read .*set aside as torn\.json\.torn-/),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('is undefined for an empty file, set aside with a warning', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(readRecord(write('empty.json', ''))).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  test.each([
    ['without a ref', () => JSON.stringify({ ...record(), ref: undefined })],
    ['without a platform', () => JSON.stringify({ ...record(), platform: 42 })],
    ['that is not an object', () => 'null'],
  ])('is undefined for JSON %s, set aside as no build record', (name, text) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(readRecord(write(`${name.replace(/ /g, '-')}.json`, text()))).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('could not be read (not a build record: no ref or platform)'),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('returns a valid record as written', () => {
    const written = record({ status: 'cached', attempts: 2, noCache: true });
    expect(readRecord(write('api-arm64.json', JSON.stringify(written, null, 2)))).toEqual(written);
  });
});

describe('the ledger', () => {
  const state = () => mkdtempSync(join(tmpdir(), 'ledger-'));
  const write = (dir: string, file: string, fields: Partial<BuildRecord>) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(record(fields)));
  };

  it('keys a build output by its last two segments under the state directory', () => {
    expect(ledgerDir('/ws/.nx-multiarch', '/ws/dist/images/api')).toBe('/ws/.nx-multiarch/records/images/api');
    expect(ledgerDir('/ws/.nx-multiarch', '/ws/dist/pushed/api')).toBe('/ws/.nx-multiarch/records/pushed/api');
  });

  it('reads the records of the images and platforms asked for, and skips metadata and torn files', () => {
    const dir = join(state(), 'records/images/api');
    write(dir, 'api-amd64.json', { platform: 'linux/amd64' });
    write(dir, 'api-arm64.json', {});
    write(dir, 'api-init-arm64.json', { image: 'api-init' });
    writeFileSync(join(dir, 'api-arm64.metadata.json'), '{}');
    writeFileSync(join(dir, 'api-init-amd64.json'), '{"ref": ');
    const platforms = (records: BuildRecord[]) => records.map((r) => `${r.image} ${r.platform}`);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(platforms(readLedger(dir, ['api', 'api-init'], ['amd64', 'arm64']))).toEqual([
      'api linux/amd64',
      'api linux/arm64',
      'api-init linux/arm64',
    ]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('api-init-amd64.json could not be read'));
    warn.mockRestore();
    expect(platforms(readLedger(dir, ['api'], ['arm64']))).toEqual(['api linux/arm64']);
    expect(readLedger(join(dir, 'none'), ['api'], ['arm64'])).toEqual([]);
  });

  it('lists the image IDs of every loaded build, for the one inspect of a run', () => {
    const root = state();
    write(join(root, 'records/images/api'), 'api-arm64.json', { imageId: IMAGE_ID });
    write(join(root, 'records/images/hub'), 'hub-arm64.json', { imageId: OTHER_ID });
    write(join(root, 'records/pushed/hub'), 'hub-amd64.json', { loaded: false, imageId: undefined });
    writeFileSync(join(root, 'records/stray.json'), '{}');
    expect(ledgerImageIds(root).sort()).toEqual([IMAGE_ID, OTHER_ID]);
    expect(ledgerImageIds(join(root, 'none'))).toEqual([]);
  });
});
