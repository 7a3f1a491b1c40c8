import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPrefetchRecord, recordKey, recordPath, updatePrefetchRecord } from './prefetch-record';

const AMD64_ID = 'sha256:0d3dfda4d8997c270238c1bdcf82b64b20950e891b9e439404ebee01aa235196';
const ARM64_ID = 'sha256:988d989340b088fa8e21053fbdcfa7b51e859dca4e2282005197b3edde786afa';
const ALPINE = 'docker.io/library/alpine:3.20';

const stateDir = () => mkdtempSync(join(tmpdir(), 'prefetch-record-'));

describe('recordKey', () => {
  test.each([
    [ALPINE, 'amd64', 'docker.io/library/alpine:3.20|linux/amd64'],
    ['127.0.0.1:5000/x/y:1', 'arm64', '127.0.0.1:5000/x/y:1|linux/arm64'],
  ] as const)('%s %s → %s', (ref, arch, expected) => {
    expect(recordKey(ref, arch)).toBe(expected);
  });
});

describe('readPrefetchRecord', () => {
  it('is empty without a file (the state directory need not exist)', () => {
    expect(readPrefetchRecord(join(stateDir(), 'never-created'))).toEqual({});
  });

  test.each([
    ['corrupt JSON', '{"version": 1, "images": {'],
    ['another version', JSON.stringify({ version: 2, images: { [recordKey(ALPINE, 'amd64')]: AMD64_ID } })],
    ['no version', JSON.stringify({ images: { [recordKey(ALPINE, 'amd64')]: AMD64_ID } })],
    ['an id that is not a string', JSON.stringify({ version: 1, images: { [recordKey(ALPINE, 'amd64')]: 42 } })],
    ['an empty file', ''],
  ])('is empty for %s, a file that is no JSON set aside with a warning', (_name, text) => {
    const dir = stateDir();
    writeFileSync(recordPath(dir), text);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(readPrefetchRecord(dir)).toEqual({});
      const torn = text === '' || text.startsWith('{"version": 1, "images": {');
      expect(warn).toHaveBeenCalledTimes(torn ? 1 : 0);
    } finally {
      warn.mockRestore();
    }
  });

  it('reads the image ids of a version 1 record', () => {
    const dir = stateDir();
    const images = { [recordKey(ALPINE, 'amd64')]: AMD64_ID, [recordKey(ALPINE, 'arm64')]: ARM64_ID };
    writeFileSync(recordPath(dir), JSON.stringify({ version: 1, images }));
    expect(readPrefetchRecord(dir)).toEqual(images);
  });
});

describe('updatePrefetchRecord', () => {
  it('creates the record in a state directory that does not exist yet', async () => {
    const dir = join(stateDir(), '.nx-multiarch');
    await updatePrefetchRecord(dir, { [recordKey(ALPINE, 'amd64')]: AMD64_ID });
    expect(JSON.parse(readFileSync(join(dir, 'prefetch.json'), 'utf8'))).toEqual({
      version: 1,
      images: { 'docker.io/library/alpine:3.20|linux/amd64': AMD64_ID },
    });
    expect(existsSync(join(dir, 'prefetch.lock'))).toBe(false);
  });

  it('merges into the entries already there, replacing the ones updated', async () => {
    const dir = stateDir();
    await updatePrefetchRecord(dir, {
      [recordKey(ALPINE, 'amd64')]: 'sha256:old',
      [recordKey('docker.io/library/busybox:1.36', 'arm64')]: ARM64_ID,
    });
    await updatePrefetchRecord(dir, { [recordKey(ALPINE, 'amd64')]: AMD64_ID, [recordKey(ALPINE, 'arm64')]: ARM64_ID });
    expect(readPrefetchRecord(dir)).toEqual({
      'docker.io/library/alpine:3.20|linux/amd64': AMD64_ID,
      'docker.io/library/alpine:3.20|linux/arm64': ARM64_ID,
      'docker.io/library/busybox:1.36|linux/arm64': ARM64_ID,
    });
  });

  it('replaces a corrupt record rather than failing', async () => {
    const dir = stateDir();
    writeFileSync(recordPath(dir), 'not json');
    jest.spyOn(console, 'warn').mockImplementationOnce(() => undefined);
    await updatePrefetchRecord(dir, { [recordKey(ALPINE, 'arm64')]: ARM64_ID });
    expect(readPrefetchRecord(dir)).toEqual({ [recordKey(ALPINE, 'arm64')]: ARM64_ID });
  });

  it('writes nothing for no updates', async () => {
    const dir = stateDir();
    await updatePrefetchRecord(dir, {});
    expect(existsSync(recordPath(dir))).toBe(false);
  });

  it('keeps the entries of two concurrent updates', async () => {
    const dir = stateDir();
    await Promise.all([
      updatePrefetchRecord(dir, { [recordKey(ALPINE, 'amd64')]: AMD64_ID }),
      updatePrefetchRecord(dir, { [recordKey(ALPINE, 'arm64')]: ARM64_ID }),
    ]);
    expect(readPrefetchRecord(dir)).toEqual({
      [recordKey(ALPINE, 'amd64')]: AMD64_ID,
      [recordKey(ALPINE, 'arm64')]: ARM64_ID,
    });
  });
});
