import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildRecord, recordPath } from '../build/build-record';
import { CommandError, ConfigError, PluginError, VerificationError } from '../../core/failure/errors';
import type { NormalizedManifestOptions } from '../../core/options/manifest';
import { failureLogPath, type FailureRecord } from '../../infra/run/failure-log';
import type { Arch } from '../../core/platform';
import { DOCKER, type Docker } from '../../cli/docker/cli';
import type { RunOptions } from '../../cli/exec';
import {
  archSources,
  classifyRegistryError,
  type ManifestContext,
  manifestFailure,
  manifestLine,
  manifestOutcome,
  type ManifestRecord,
  manifestRecordPath,
  manifestTags,
  publishManifest,
  sourceRefs,
  writeManifestRecord,
} from './publish';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/buildx', name), 'utf8');

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

// imagetools-0.13-inspect-json-created-list.txt: the list `imagetools create` made from two per-arch pushes.
const M_REPO = '127.0.0.1:5000/cap/m';
const M_TAG = `${M_REPO}:1`;
const M_LIST = 'sha256:efe52ab0220060dd0b9b73adac6cc0d1d64f4b8f14e0402d7364935383449644';
const M_AMD64 = 'sha256:2ee5d689801d2d194d87f927fab3ab2bf3e99c057b28959d9da3a3856530b70c';
const M_ARM64 = 'sha256:9a7180c8897c29381130df4a725254d7bf1a48b4e7294a74cd83b919b6a25121';

// imagetools-0.13-inspect-json-provenance-*.txt: per-arch pushes with provenance, and the index made from them.
const P_REPO = '127.0.0.1:5000/cap/p';
const P_TAG = `${P_REPO}:1`;
const P_INDEX = 'sha256:5c5e0e65502e884232202fbc0fb988f6b6f249af011f1f1de32502f154e97fcf';
const P_ARM64_INDEX = 'sha256:349b391538c5d374de87dfe306583d8195fbc697e01c8786556a7d913d8f9033';
const P_AMD64_IMAGE = 'sha256:ee5c963ae02bad91cc9939c849517341d878cc8537ba28eed371608f171951c4';
const P_ARM64_IMAGE = 'sha256:73010c7a034a618656d3f2a5aa76161ea5846876f313bf981634d7b1a6cec817';

type Descriptor = {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
};
const platformOf = (d: Descriptor) => `${d.platform?.os}/${d.platform?.architecture}`;

/**
 * What `imagetools inspect <repo>@<digest>` shows of one image of the created list. Derived from
 * imagetools-0.13-inspect-json-created-list.txt: the list's descriptor of that platform as the manifest, the list's
 * config of that platform as the image (the per-arch pushes themselves were not captured as inspect output).
 */
function createdListImage(arch: Arch): string {
  const list = JSON.parse(fixture('imagetools-0.13-inspect-json-created-list.txt'));
  const descriptor = (list.manifest.manifests as Descriptor[]).find((d) => platformOf(d) === `linux/${arch}`);
  if (!descriptor) throw new Error(`no linux/${arch} in the created list`);
  const { mediaType, digest, size } = descriptor;
  return JSON.stringify({
    name: `${M_REPO}@${digest}`,
    manifest: { mediaType, digest, size },
    image: list.image[`linux/${arch}`],
  });
}

/**
 * The per-arch index the e2e helper pushes for a provenance build (pushAsProvenanceIndex in
 * nx-multiarch-e2e/src/registry.ts), serialized as it does: an image and its attestation manifest.
 */
function provenanceIndexBody(image: Descriptor, attestation: Descriptor, arch: Arch): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      {
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.size,
        platform: { os: 'linux', architecture: arch },
      },
      {
        mediaType: attestation.mediaType,
        digest: attestation.digest,
        size: attestation.size,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.digest': image.digest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
      },
    ],
  });
}
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * The amd64 twin of imagetools-0.13-inspect-json-provenance-arm64.txt (only the arm64 one was captured). Derived: the
 * arm64 output with the amd64 image and attestation descriptors and the amd64 config of
 * imagetools-0.13-inspect-json-provenance-index.txt, and the digest of the index the helper would have pushed for
 * them (a spec below checks that this reproduces the captured arm64 index's digest).
 */
function provenanceAmd64(): { digest: string; output: string } {
  const index = JSON.parse(fixture('imagetools-0.13-inspect-json-provenance-index.txt'));
  const [image, attestation] = index.manifest.manifests as Descriptor[];
  const digest = sha256(provenanceIndexBody(image, attestation, 'amd64'));
  const json = JSON.parse(fixture('imagetools-0.13-inspect-json-provenance-arm64.txt'));
  json.name = `${P_REPO}:1-amd64`;
  json.manifest.digest = digest;
  json.manifest.manifests = [image, attestation];
  json.image = index.image['linux/amd64'];
  return { digest, output: JSON.stringify(json, null, 2) };
}

/** What one docker command answers: captured stdout, or the captured output of a failure. */
type Reply = { stdout: string; stderr?: string } | { failure: string };
const ok = (name: string): Reply => ({ stdout: fixture(name) });
const failed = (name: string): Reply => ({ failure: fixture(name) });
const MISSING = failed('imagetools-0.13-inspect-missing.txt');

interface Call {
  file: string;
  args: readonly string[];
  options: RunOptions;
}

/**
 * A registry that replays captured imagetools output. `refs` is what each tag or `repo@digest` names now; anything
 * else answers as imagetools does for a missing ref. `create` makes each --tag name `created`, after failing with
 * `createFailures` first; `lag` reads of a new tag still find nothing (an eventually consistent registry).
 */
function fakeRegistry(setup: {
  refs?: Record<string, Reply>;
  created?: Reply;
  createFailures?: Reply[];
  lag?: number;
}) {
  const refs = new Map(Object.entries(setup.refs ?? {}));
  const lagging = new Map<string, number>();
  const createFailures = [...(setup.createFailures ?? [])];
  const calls: Call[] = [];
  const reply = (args: readonly string[]): Reply => {
    if (args[2] === 'inspect') {
      const ref = args[args.indexOf('--format') - 1];
      const lag = lagging.get(ref) ?? 0;
      if (lag > 0) lagging.set(ref, lag - 1);
      return lag > 0 ? MISSING : (refs.get(ref) ?? MISSING);
    }
    if (args[2] === 'create') {
      const failure = createFailures.shift();
      if (failure) return failure;
      if (!setup.created) throw new Error('this test does not expect imagetools create');
      for (const [i, arg] of args.entries()) {
        if (args[i - 1] !== '--tag') continue;
        refs.set(arg, setup.created);
        lagging.set(arg, setup.lag ?? 0);
      }
      return { stdout: '', stderr: fixture('imagetools-0.13-create.txt') };
    }
    throw new Error(`unexpected command: docker ${args.join(' ')}`);
  };
  const runner: Docker = async (args, options) => {
    const file = DOCKER;
    calls.push({ file, args: [...args], options });
    const answer = reply(args);
    if ('failure' in answer) {
      throw new CommandError([file, ...args], 1, answer.failure.trimEnd(), false, 'exited with code 1');
    }
    const stderr = answer.stderr ?? '';
    return { exitCode: 0, stdout: answer.stdout, stderr, all: `${answer.stdout}${stderr}`, durationMs: 5 };
  };
  const inspected = () =>
    calls.filter((c) => c.args[2] === 'inspect').map((c) => c.args[c.args.indexOf('--format') - 1]);
  const creates = () => calls.filter((c) => c.args[2] === 'create').map((c) => c.args);
  return { runner, calls, inspected, creates };
}

const workDir = () => mkdtempSync(join(tmpdir(), 'manifest-publish-'));

function options(
  dir: string,
  image: string,
  fields: Partial<NormalizedManifestOptions> = {},
): NormalizedManifestOptions {
  return {
    project: image,
    platforms: ['amd64', 'arm64'],
    builtNow: ['amd64', 'arm64'],
    images: [{ name: image }],
    naming: { registry: '127.0.0.1:5000', imagePrefix: 'cap/', tag: '1' },
    extraTags: [],
    partial: false,
    pushedDir: join(dir, 'dist/pushed', image),
    outputDir: join(dir, 'dist/manifests', image),
    timeoutMs: 300_000,
    verifyTimeoutMs: 30_000,
    policy: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, rateLimitBaseDelayMs: 15_000 },
    stateDir: join(dir, '.nx-multiarch'),
    dryRun: false,
    ...fields,
  };
}

/** The record push-image leaves for one pushed (image, platform). */
function writePushed(
  o: NormalizedManifestOptions,
  image: string,
  arch: Arch,
  fields: Partial<BuildRecord> = {},
): string {
  const record: BuildRecord = {
    project: o.project,
    image,
    ref: `${o.naming.registry}/${o.naming.imagePrefix}${image}:${o.naming.tag}-${arch}`,
    platform: `linux/${arch}`,
    source: 'dockerfile',
    status: 'built',
    loaded: true,
    pushed: true,
    attempts: 1,
    noCache: false,
    durationMs: 1_000,
    finishedAt: '2026-11-25T05:18:09.000Z',
    ...fields,
  };
  const file = recordPath(o.pushedDir, image, arch);
  mkdirSync(o.pushedDir, { recursive: true });
  writeFileSync(file, JSON.stringify(record));
  return file;
}

function context(o: NormalizedManifestOptions, runner: Docker, builder?: string) {
  const logs: string[] = [];
  const warnings: string[] = [];
  const sleeps: number[] = [];
  const ctx: ManifestContext = {
    options: o,
    ...(builder && { builder }),
    docker: runner,
    env: { PATH: '/usr/bin' },
    log: (line) => logs.push(line),
    warn: (line) => warnings.push(line),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { ctx, logs, warnings, sleeps };
}

const failures = (o: NormalizedManifestOptions): FailureRecord[] => {
  const file = failureLogPath(o.stateDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as FailureRecord);
};

describe('manifestTags', () => {
  const base = options('/ws', 'm');

  // prettier-ignore
  test.each<[string, Partial<NormalizedManifestOptions>, string[]]>([
    ['the component tag', {}, ['127.0.0.1:5000/cap/m:1']],
    ['extra tags after it, each once', { extraTags: ['extra', '1', 'sha-3f2a1c', 'extra'] }, [
      '127.0.0.1:5000/cap/m:1', '127.0.0.1:5000/cap/m:extra', '127.0.0.1:5000/cap/m:sha-3f2a1c',
    ]],
    ['no registry, no prefix', { naming: { registry: '', imagePrefix: '', tag: 'latest' } }, ['m:latest']],
    ['a registry with a path and a trailing slash', {
      naming: { registry: 'reg.corp:5000/team/', imagePrefix: 'acme-', tag: '2.0' }, extraTags: ['stable'],
    }, ['reg.corp:5000/team/acme-m:2.0', 'reg.corp:5000/team/acme-m:stable']],
  ])('%s', (_name, fields, expected) => {
    expect(manifestTags({ ...base, ...fields }, 'm')).toEqual(expected);
  });
});

describe('archSources', () => {
  it('takes the digest push-image recorded for each platform, in the order of platforms', () => {
    const o = options(workDir(), 'm', { platforms: ['arm64', 'amd64'] });
    writePushed(o, 'm', 'amd64', { digest: M_AMD64 });
    writePushed(o, 'm', 'arm64', { digest: M_ARM64 });
    expect(archSources(o, 'm')).toEqual([
      { arch: 'arm64', ref: `${M_REPO}:1-arm64`, recordFile: `${o.pushedDir}/m-arm64.json`, digest: M_ARM64 },
      { arch: 'amd64', ref: `${M_REPO}:1-amd64`, recordFile: `${o.pushedDir}/m-amd64.json`, digest: M_AMD64 },
    ]);
  });

  // prettier-ignore
  test.each<[string, (o: NormalizedManifestOptions) => void, (file: string) => string]>([
    ['no record', () => undefined, (file) => `no record: ${file}`],
    ['a torn record', (o) => {
      mkdirSync(o.pushedDir, { recursive: true });
      writeFileSync(recordPath(o.pushedDir, 'm', 'arm64'), '{"ref": "127.0.0.1:5000/cap/m:1-ar');
    }, (file) => `no record: ${file}`],
    ['a record about another tag', (o) => writePushed(o, 'm', 'arm64', { ref: `${M_REPO}:0.9-arm64`, digest: M_ARM64 }),
      (file) => `${file} is about 127.0.0.1:5000/cap/m:0.9-arm64`],
    ['a build that was only loaded', (o) => writePushed(o, 'm', 'arm64', { pushed: false, imageId: 'sha256:c0ffee' }),
      (file) => `${file}: not pushed`],
    ['a push without a digest', (o) => writePushed(o, 'm', 'arm64', { pushed: true }), (file) => `${file}: not pushed`],
    ['a digest that was not pushed', (o) => writePushed(o, 'm', 'arm64', { pushed: false, digest: M_ARM64 }),
      (file) => `${file}: not pushed`],
  ])('has no digest for %s, and says why', (_name, prepare, absent) => {
    const o = options(workDir(), 'm', { platforms: ['arm64'] });
    prepare(o);
    const recordFile = `${o.pushedDir}/m-arm64.json`;
    // A torn record is set aside with a warning (infra/state/torn-file.ts).
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(archSources(o, 'm')).toEqual([
        { arch: 'arm64', ref: `${M_REPO}:1-arm64`, recordFile, absent: absent(recordFile) },
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('sourceRefs', () => {
  it('names a pushed image by digest, and falls back to the per-arch tag', () => {
    const o = options('/ws', 'm');
    expect(
      sourceRefs(o, 'm', [
        { arch: 'amd64', ref: `${M_REPO}:1-amd64`, recordFile: '/ws/a.json', digest: M_AMD64 },
        { arch: 'arm64', ref: `${M_REPO}:1-arm64`, recordFile: '/ws/b.json', absent: 'no record: /ws/b.json' },
      ]),
    ).toEqual([`${M_REPO}@${M_AMD64}`, `${M_REPO}:1-arm64`]);
  });
});

describe('classifyRegistryError', () => {
  const argv = ['docker', 'buildx', 'imagetools', 'inspect', M_TAG, '--format', '{{json .}}'];
  const exited = (name: string) => new CommandError(argv, 1, fixture(name).trimEnd(), false, 'exited with code 1');

  // prettier-ignore
  test.each<[string, string, string, string]>([
    ['imagetools-0.13-inspect-missing.txt', 'permanent', 'not-found', 'ERROR: 127.0.0.1:5000/cap/m:nope: not found'],
    ['imagetools-0.13-create-missing-source.txt', 'permanent', 'not-found',
      'ERROR: 127.0.0.1:5000/cap/m:nope: not found'],
    ['imagetools-0.13-inspect-refused.txt', 'transient', 'refused',
      'ERROR: failed to do request: Head "http://127.0.0.1:5999/v2/cap/m/manifests/1": dial tcp 127.0.0.1:5999: ' +
      'connect: connection refused'],
    ['imagetools-0.13-create-refused.txt', 'transient', 'refused',
      'ERROR: failed to do request: Head "http://127.0.0.1:5999/v2/cap/m/blobs/' +
      'sha256:d204f13ebba508fdb123cac7aed07a6333b42c97051d0a12cde8b01a4a30110e": ' +
      'dial tcp 127.0.0.1:5999: connect: connection refused'],
  ])('%s: %s %s', (name, failureClass, kind, evidence) => {
    expect(classifyRegistryError(exited(name))).toMatchObject({ class: failureClass, kind, evidence });
  });

  it('calls our own timeout transient', () => {
    const error = new CommandError(argv, undefined, '', true, 'timed out after 300 s');
    expect(classifyRegistryError(error)).toMatchObject({ class: 'transient', kind: 'timeout' });
  });

  test.each([
    [
      'an error of ours',
      new PluginError('imagetools inspect r: output is not JSON'),
      'imagetools inspect r: output is not JSON',
    ],
    ['something thrown that is not an error', 'boom', 'boom'],
  ])('calls %s permanent', (_name, error, evidence) => {
    expect(classifyRegistryError(error)).toEqual({ class: 'permanent', kind: 'unknown', evidence });
  });
});

describe('manifestFailure', () => {
  it("keeps a registry command's own class", () => {
    const argv = ['docker', 'buildx', 'imagetools', 'create', '--tag', M_TAG];
    const tail = fixture('imagetools-0.13-create-refused.txt').trimEnd();
    expect(manifestFailure(new CommandError(argv, 1, tail, false, 'exited with code 1'))).toMatchObject({
      class: 'transient',
      kind: 'refused',
    });
  });

  // prettier-ignore
  test.each<[string, PluginError, string, string]>([
    ['a bad option', new ConfigError('project m, target manifest', 'platforms', "unknown platform 'x86'", 'use amd64'),
      'config', "project m, target manifest: platforms: unknown platform 'x86'. Fix: use amd64"],
    ['a wrong image', new VerificationError(`${M_TAG}-arm64 in the registry is linux/amd64, not linux/arm64`),
      'verification', '127.0.0.1:5000/cap/m:1-arm64 in the registry is linux/amd64, not linux/arm64'],
    ['a platform that was not pushed', new PluginError('the index needs linux/arm64, which was not pushed\nmore'),
      'not-found', 'the index needs linux/arm64, which was not pushed'],
    ['credentials in the message', new PluginError('https://ci:s3cret@reg.corp/v2/ refused'),
      'not-found', 'https://***@reg.corp/v2/ refused'],
  ])('calls %s permanent, with the first line of its message', (_name, error, kind, evidence) => {
    expect(manifestFailure(error)).toEqual({ class: 'permanent', kind, evidence });
  });
});

const record = (fields: Partial<ManifestRecord> = {}): ManifestRecord => ({
  project: 'm',
  image: 'm',
  ref: M_TAG,
  tags: [M_TAG],
  digest: M_LIST,
  mediaType: DOCKER_LIST,
  platforms: { 'linux/amd64': M_AMD64, 'linux/arm64': M_ARM64 },
  attestations: 0,
  missing: [],
  status: 'created',
  durationMs: 1_200,
  finishedAt: '2026-11-25T05:18:10.000Z',
  ...fields,
});

describe('manifestLine', () => {
  // prettier-ignore
  test.each<[string, Partial<ManifestRecord>, string]>([
    ['a new index', {},
      '✔ 127.0.0.1:5000/cap/m:1 created: linux/amd64 2ee5d689801d, linux/arm64 9a7180c8897c'],
    ['an index that was already there, under extra tags too', {
      status: 'unchanged', tags: [M_TAG, `${M_REPO}:extra`, `${M_REPO}:sha-3f2a1c`],
    }, '✔ 127.0.0.1:5000/cap/m:1 (also 127.0.0.1:5000/cap/m:extra, 127.0.0.1:5000/cap/m:sha-3f2a1c) unchanged: ' +
      'linux/amd64 2ee5d689801d, linux/arm64 9a7180c8897c'],
    ['an index with attestations', {
      ref: P_TAG, tags: [P_TAG], attestations: 2,
      platforms: { 'linux/amd64': P_AMD64_IMAGE, 'linux/arm64': P_ARM64_IMAGE },
    }, '✔ 127.0.0.1:5000/cap/p:1 created: linux/amd64 ee5c963ae02b, linux/arm64 73010c7a034a, 2 attestation(s)'],
    ['a partial index', {
      ref: P_TAG, tags: [P_TAG], platforms: { 'linux/arm64': P_ARM64_IMAGE }, attestations: 1,
      missing: [{ platform: 'linux/amd64', reason: 'no record: /ws/dist/pushed/p/p-amd64.json' }],
    }, '✔ 127.0.0.1:5000/cap/p:1 created: linux/arm64 73010c7a034a, 1 attestation(s); WITHOUT linux/amd64'],
  ])('%s', (_name, fields, expected) => {
    expect(manifestLine(record(fields))).toBe(expected);
  });
});

describe('writeManifestRecord', () => {
  it('writes <outputDir>/<image>.json, creating the directory', () => {
    const outputDir = join(workDir(), 'dist/manifests/m');
    writeManifestRecord(outputDir, record());
    expect(manifestRecordPath(outputDir, 'm')).toBe(`${outputDir}/m.json`);
    expect(readFileSync(`${outputDir}/m.json`, 'utf8')).toBe(`${JSON.stringify(record(), null, 2)}\n`);
  });
});

describe('the captured fixtures the variants here are derived from', () => {
  it('the dry run printed the very bytes create pushed: their digest is the created list', () => {
    const dryRun = fixture('imagetools-0.13-create-dry-run.txt').trimEnd();
    expect(sha256(dryRun)).toBe(M_LIST);
    // Two-space JSON: a reordered variant serialized the same way is what buildx would have pushed for it.
    expect(JSON.stringify(JSON.parse(dryRun), null, 2)).toBe(dryRun);
  });

  it('the layout of the e2e helper reproduces the captured arm64 provenance index (the amd64 twin uses it)', () => {
    const captured = JSON.parse(fixture('imagetools-0.13-inspect-json-provenance-arm64.txt'));
    const [image, attestation] = captured.manifest.manifests as Descriptor[];
    expect(sha256(provenanceIndexBody(image, attestation, 'arm64'))).toBe(P_ARM64_INDEX);
    expect(captured.manifest.digest).toBe(P_ARM64_INDEX);
  });
});

describe('publishManifest', () => {
  /** Both per-arch images of the created list pushed and recorded; the registry has them by digest. */
  function pushedList(fields: Partial<NormalizedManifestOptions> = {}) {
    const o = options(workDir(), 'm', fields);
    writePushed(o, 'm', 'amd64', { digest: M_AMD64 });
    writePushed(o, 'm', 'arm64', { digest: M_ARM64 });
    const images: Record<string, Reply> = {
      [`${M_REPO}@${M_AMD64}`]: { stdout: createdListImage('amd64') },
      [`${M_REPO}@${M_ARM64}`]: { stdout: createdListImage('arm64') },
    };
    return { o, images };
  }
  const CREATED_LIST = ok('imagetools-0.13-inspect-json-created-list.txt');
  const SOURCES = [`${M_REPO}@${M_AMD64}`, `${M_REPO}@${M_ARM64}`];

  it('creates the index when the tag is absent, from each pushed image by digest, and reads it back', async () => {
    const { o, images } = pushedList();
    const registry = fakeRegistry({ refs: images, created: CREATED_LIST });
    const { ctx, logs, warnings } = context(o, registry.runner, 'nx-multiarch');
    const published = await publishManifest(ctx, 'm');
    expect(published).toEqual({
      project: 'm',
      image: 'm',
      ref: M_TAG,
      tags: [M_TAG],
      digest: M_LIST,
      mediaType: DOCKER_LIST,
      platforms: { 'linux/amd64': M_AMD64, 'linux/arm64': M_ARM64 },
      attestations: 0,
      missing: [],
      status: 'created',
      durationMs: expect.any(Number),
      finishedAt: expect.any(String),
    });
    const create = ['buildx', 'imagetools', 'create', '--builder', 'nx-multiarch', '--tag', M_TAG, ...SOURCES];
    expect(registry.creates()).toEqual([create]);
    // The per-arch images first, then the tag before and after create.
    expect(registry.inspected()).toEqual([...SOURCES, M_TAG, M_TAG]);
    // Every command on the builder whose registry config (plain HTTP, mirrors) imagetools must use.
    for (const call of registry.calls) expect(call.args.slice(3, 5)).toEqual(['--builder', 'nx-multiarch']);
    expect(logs).toEqual([`docker ${create.join(' ')}`]);
    expect(warnings).toEqual([]);
    // A lookup's not-found is an answer: nothing in failures.jsonl.
    expect(failures(o)).toEqual([]);
    expect(manifestLine(published)).toBe(
      '✔ 127.0.0.1:5000/cap/m:1 created: linux/amd64 2ee5d689801d, linux/arm64 9a7180c8897c',
    );
  });
  it('runs lookups quietly and create echoed, under the timeout, with the registry environment', async () => {
    const { o, images } = pushedList({ timeoutMs: 45_000 });
    const registry = fakeRegistry({ refs: images, created: CREATED_LIST });
    const { ctx } = context(o, registry.runner);
    await publishManifest(ctx, 'm');
    expect(registry.calls.map((c) => [c.file, c.args[2], c.options])).toEqual([
      ['docker', 'inspect', { timeoutMs: 45_000, env: ctx.env, echo: false, prefix: `[${SOURCES[0]}] ` }],
      ['docker', 'inspect', { timeoutMs: 45_000, env: ctx.env, echo: false, prefix: `[${SOURCES[1]}] ` }],
      ['docker', 'inspect', { timeoutMs: 45_000, env: ctx.env, echo: false, prefix: `[${M_TAG}] ` }],
      ['docker', 'create', { timeoutMs: 45_000, env: ctx.env, echo: true, prefix: `[${M_TAG}] ` }],
      ['docker', 'inspect', { timeoutMs: 45_000, env: ctx.env, echo: false, prefix: `[${M_TAG}] ` }],
    ]);
    // No builder: buildx's current one.
    expect(registry.creates()).toEqual([['buildx', 'imagetools', 'create', '--tag', M_TAG, ...SOURCES]]);
  });

  it('publishes every tag with one create, extra tags included, and reads each back', async () => {
    const { o, images } = pushedList({ extraTags: ['extra', '1'] });
    const registry = fakeRegistry({ refs: images, created: CREATED_LIST });
    const { ctx } = context(o, registry.runner);
    const published = await publishManifest(ctx, 'm');
    const extra = `${M_REPO}:extra`;
    expect(published).toMatchObject({ ref: M_TAG, tags: [M_TAG, extra], digest: M_LIST, status: 'created' });
    expect(registry.creates()).toEqual([
      ['buildx', 'imagetools', 'create', '--tag', M_TAG, '--tag', extra, ...SOURCES],
    ]);
    expect(registry.inspected()).toEqual([...SOURCES, M_TAG, extra, M_TAG, extra]);
    expect(manifestLine(published)).toBe(
      '✔ 127.0.0.1:5000/cap/m:1 (also 127.0.0.1:5000/cap/m:extra) created: ' +
        'linux/amd64 2ee5d689801d, linux/arm64 9a7180c8897c',
    );
  });

  it('changes nothing when every tag already is exactly the index', async () => {
    const { o, images } = pushedList({ extraTags: ['extra'] });
    const registry = fakeRegistry({ refs: { ...images, [M_TAG]: CREATED_LIST, [`${M_REPO}:extra`]: CREATED_LIST } });
    const { ctx, logs } = context(o, registry.runner);
    const published = await publishManifest(ctx, 'm');
    expect(published).toMatchObject({ digest: M_LIST, status: 'unchanged', missing: [] });
    expect(registry.creates()).toEqual([]);
    expect(logs).toEqual([]);
    expect(manifestLine(published)).toMatch(
      /^✔ 127\.0\.0\.1:5000\/cap\/m:1 \(also 127\.0\.0\.1:5000\/cap\/m:extra\) unchanged: /,
    );
  });

  it('publishes one new index under every tag when one of them is not it yet', async () => {
    const { o, images } = pushedList({ extraTags: ['extra'] });
    const registry = fakeRegistry({ refs: { ...images, [M_TAG]: CREATED_LIST }, created: CREATED_LIST });
    const { ctx } = context(o, registry.runner);
    const published = await publishManifest(ctx, 'm');
    expect(published).toMatchObject({ tags: [M_TAG, `${M_REPO}:extra`], status: 'created' });
    expect(registry.creates()).toEqual([
      ['buildx', 'imagetools', 'create', '--tag', M_TAG, '--tag', `${M_REPO}:extra`, ...SOURCES],
    ]);
  });

  it('replaces an older index under the tag', async () => {
    const { o, images } = pushedList();
    // The tag names another list (imagetools-0.13-inspect-json-index.txt): other images of both platforms.
    const older = ok('imagetools-0.13-inspect-json-index.txt');
    const registry = fakeRegistry({ refs: { ...images, [M_TAG]: older }, created: CREATED_LIST });
    const { ctx } = context(o, registry.runner);
    expect(await publishManifest(ctx, 'm')).toMatchObject({ digest: M_LIST, status: 'created' });
    expect(registry.creates()).toHaveLength(1);
  });

  it('keeps reading the new index back while the registry does not show it yet', async () => {
    const { o, images } = pushedList();
    const registry = fakeRegistry({ refs: images, created: CREATED_LIST, lag: 1 });
    const { ctx, sleeps } = context(o, registry.runner);
    expect(await publishManifest(ctx, 'm')).toMatchObject({ digest: M_LIST, status: 'created' });
    expect(registry.inspected()).toEqual([...SOURCES, M_TAG, M_TAG, M_TAG]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(0);
    expect(sleeps[0]).toBeLessThanOrEqual(1_000);
    // MANIFEST_UNKNOWN while it propagates is not a failure.
    expect(failures(o)).toEqual([]);
  });

  it('fails verification when the registry still does not show the index after verifyTimeout', async () => {
    const { o, images } = pushedList({ verifyTimeoutMs: 0 });
    const registry = fakeRegistry({ refs: images, created: CREATED_LIST, lag: 1 });
    const { ctx } = context(o, registry.runner);
    const error = await publishManifest(ctx, 'm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as Error).message).toBe(
      '127.0.0.1:5000/cap/m:1 was published, but read back from the registry it is not in the registry',
    );
  });

  it('fails verification when the tag reads back as another index', async () => {
    const { o, images } = pushedList({ verifyTimeoutMs: 0 });
    // As if another run published its own images under the tag meanwhile: imagetools-0.13-inspect-json-index.txt.
    const registry = fakeRegistry({ refs: images, created: ok('imagetools-0.13-inspect-json-index.txt') });
    const { ctx } = context(o, registry.runner);
    const error = await publishManifest(ctx, 'm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as Error).message).toBe(
      '127.0.0.1:5000/cap/m:1 was published, but read back from the registry ' +
        'its linux/amd64 entry points at 8a9ac0bf8d9b, not the 2ee5d689801d pushed for linux/amd64; ' +
        'its linux/arm64 entry points at 41567611d868, not the 9a7180c8897c pushed for linux/arm64',
    );
  });

  it('repairs tags that name different indexes of the same images, each right on its own', async () => {
    const { o, images } = pushedList({ extraTags: ['extra'] });
    // Derived: the created list with its two entries in the other order, another index of the same images. Its bytes
    // are the dry run's (imagetools-0.13-create-dry-run.txt, the created list's own bytes) reordered.
    const dryRun = JSON.parse(fixture('imagetools-0.13-create-dry-run.txt'));
    dryRun.manifests.reverse();
    const reorderedDigest = sha256(JSON.stringify(dryRun, null, 2));
    const reordered = JSON.parse(fixture('imagetools-0.13-inspect-json-created-list.txt'));
    reordered.name = `${M_REPO}:extra`;
    reordered.manifest.digest = reorderedDigest;
    reordered.manifest.manifests.reverse();
    const registry = fakeRegistry({
      refs: { ...images, [M_TAG]: CREATED_LIST, [`${M_REPO}:extra`]: { stdout: JSON.stringify(reordered) } },
      created: CREATED_LIST,
    });
    const { ctx } = context(o, registry.runner);
    // One index under both tags again, instead of failing on every run.
    expect(await publishManifest(ctx, 'm')).toMatchObject({ digest: M_LIST, status: 'created' });
    expect(registry.creates()).toEqual([
      ['buildx', 'imagetools', 'create', '--tag', M_TAG, '--tag', `${M_REPO}:extra`, ...SOURCES],
    ]);
  });

  it('refuses to publish without a platform that was not pushed, naming it and the fix', async () => {
    const o = options(workDir(), 'm');
    writePushed(o, 'm', 'amd64', { digest: M_AMD64 });
    const registry = fakeRegistry({ refs: { [`${M_REPO}@${M_AMD64}`]: { stdout: createdListImage('amd64') } } });
    const { ctx } = context(o, registry.runner);
    const error = await publishManifest(ctx, 'm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(error).not.toBeInstanceOf(VerificationError);
    expect((error as Error).message).toBe(
      `the index needs linux/arm64, which was not pushed (no record: ${o.pushedDir}/m-arm64.json). ` +
        'Fix: nx run m:push-image --platform=arm64, or allow an index without it: --partial',
    );
    expect(registry.inspected()).toEqual([`${M_REPO}@${M_AMD64}`]);
    expect(registry.creates()).toEqual([]);
  });

  it('says so when --platform left the missing platform out of this run', async () => {
    const o = options(workDir(), 'm', { builtNow: ['amd64'] });
    writePushed(o, 'm', 'amd64', { digest: M_AMD64 });
    const registry = fakeRegistry({ refs: { [`${M_REPO}@${M_AMD64}`]: { stdout: createdListImage('amd64') } } });
    const { ctx } = context(o, registry.runner);
    await expect(publishManifest(ctx, 'm')).rejects.toThrow(
      'Fix: nx run m:push-image --platform=arm64 (this run built only amd64: --platform), ' +
        'or allow an index without it: --partial',
    );
  });

  it('counts a recorded push the registry no longer has as not pushed', async () => {
    const { o, images } = pushedList();
    delete images[`${M_REPO}@${M_ARM64}`];
    const registry = fakeRegistry({ refs: images });
    const { ctx } = context(o, registry.runner);
    await expect(publishManifest(ctx, 'm')).rejects.toThrow(
      `the index needs linux/arm64, which was not pushed (${M_REPO}@${M_ARM64} (pushed as ${M_REPO}:1-arm64) ` +
        'is no longer in the registry). Fix: nx run m:push-image --platform=arm64',
    );
    expect(registry.creates()).toEqual([]);
    // That lookup's not-found is the answer, not a failure.
    expect(failures(o)).toEqual([]);
  });

  it('names every missing platform in one fix, and fails even with --partial when none was pushed', async () => {
    const o = options(workDir(), 'm', { partial: true });
    const registry = fakeRegistry({});
    const { ctx, warnings } = context(o, registry.runner);
    await expect(publishManifest(ctx, 'm')).rejects.toThrow(
      `the index needs linux/amd64, which was not pushed (no record: ${o.pushedDir}/m-amd64.json); ` +
        `linux/arm64, which was not pushed (no record: ${o.pushedDir}/m-arm64.json). ` +
        'Fix: nx run m:push-image --platform=amd64,arm64',
    );
    expect(registry.calls).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('refuses a per-arch image of the wrong platform and creates nothing', async () => {
    const o = options(workDir(), 'm');
    writePushed(o, 'm', 'amd64', { digest: M_AMD64 });
    // The arm64 push recorded the amd64 image's digest: its tag names amd64 bytes.
    writePushed(o, 'm', 'arm64', { digest: M_AMD64 });
    const registry = fakeRegistry({ refs: { [`${M_REPO}@${M_AMD64}`]: { stdout: createdListImage('amd64') } } });
    const { ctx } = context(o, registry.runner);
    const error = await publishManifest(ctx, 'm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as Error).message).toBe(
      '127.0.0.1:5000/cap/m:1-arm64 in the registry is linux/amd64, not linux/arm64',
    );
    expect(registry.creates()).toEqual([]);
    expect(registry.inspected()).not.toContain(M_TAG);
  });

  it('retries a create the registry refused, logging the attempt', async () => {
    const { o, images } = pushedList();
    const registry = fakeRegistry({
      refs: images,
      created: CREATED_LIST,
      createFailures: [failed('imagetools-0.13-create-refused.txt')],
    });
    const { ctx, warnings, sleeps } = context(o, registry.runner);
    expect(await publishManifest(ctx, 'm')).toMatchObject({ digest: M_LIST, status: 'created' });
    const create = ['buildx', 'imagetools', 'create', '--tag', M_TAG, ...SOURCES];
    expect(registry.creates()).toEqual([create, create]);
    const evidence =
      'ERROR: failed to do request: Head "http://127.0.0.1:5999/v2/cap/m/blobs/sha256:d204f13ebba508fdb123cac7aed07a' +
      '6333b42c97051d0a12cde8b01a4a30110e": dial tcp 127.0.0.1:5999: connect: connection refused';
    const logged = failures(o);
    expect(logged).toEqual([
      {
        time: expect.any(String),
        operation: 'manifest',
        project: 'm',
        image: M_TAG,
        attempt: 1,
        retryInMs: expect.any(Number),
        class: 'transient',
        kind: 'refused',
        evidence,
        exitCode: 1,
        timedOut: false,
        outputTail: fixture('imagetools-0.13-create-refused.txt').trimEnd(),
        argv: ['docker', ...create],
        message: expect.stringMatching(/^docker buildx imagetools exited with code 1:\n#1 \[internal\] pushing /),
      },
    ]);
    // Half fixed, half random: between half the base delay and all of it.
    expect(logged[0].retryInMs).toBeGreaterThanOrEqual(500);
    expect(logged[0].retryInMs).toBeLessThanOrEqual(1_000);
    expect(sleeps).toEqual([logged[0].retryInMs]);
    expect(warnings).toEqual([`${M_TAG}: refused (${evidence}); attempt 2 in 1 s`]);
  });

  it('does not retry a create whose source is gone, and logs why', async () => {
    const { o, images } = pushedList();
    const registry = fakeRegistry({
      refs: images,
      created: CREATED_LIST,
      createFailures: [failed('imagetools-0.13-create-missing-source.txt')],
    });
    const { ctx, sleeps, warnings } = context(o, registry.runner);
    const error = await publishManifest(ctx, 'm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).outputTail).toBe('ERROR: 127.0.0.1:5000/cap/m:nope: not found');
    expect(registry.creates()).toHaveLength(1);
    expect(sleeps).toEqual([]);
    // No "attempt 2" announced: there is none.
    expect(warnings).toEqual([]);
    expect(failures(o)).toEqual([
      expect.objectContaining({
        operation: 'manifest',
        image: M_TAG,
        attempt: 1,
        class: 'permanent',
        kind: 'not-found',
        evidence: 'ERROR: 127.0.0.1:5000/cap/m:nope: not found',
      }),
    ]);
    expect(failures(o)[0]).not.toHaveProperty('retryInMs');
  });

  it("gives up on a registry that refuses every lookup, after the policy's attempts, logging each", async () => {
    const { o } = pushedList({
      policy: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, rateLimitBaseDelayMs: 0 },
    });
    const refused = failed('imagetools-0.13-inspect-refused.txt');
    const registry = fakeRegistry({ refs: { [SOURCES[0]]: refused, [SOURCES[1]]: refused } });
    const { ctx, sleeps, warnings } = context(o, registry.runner);
    const error = await publishManifest(ctx, 'm').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(registry.inspected()).toEqual([SOURCES[0], SOURCES[0], SOURCES[0]]);
    expect(sleeps).toHaveLength(2);
    expect(warnings.map((w) => w.replace(/ in \d+ s$/, ''))).toEqual([
      expect.stringMatching(/; attempt 2$/),
      expect.stringMatching(/; attempt 3$/),
    ]);
    const logged = failures(o);
    expect(logged.map((f) => [f.attempt, f.class, f.kind, f.image, f.retryInMs !== undefined])).toEqual([
      [1, 'transient', 'refused', SOURCES[0], true],
      [2, 'transient', 'refused', SOURCES[0], true],
      [3, 'transient', 'refused', SOURCES[0], false],
    ]);
    expect(logged[0].argv).toEqual(['docker', 'buildx', 'imagetools', 'inspect', SOURCES[0], '--format', '{{json .}}']);
  });

  describe('with provenance (each per-arch push is an index of the image and its attestation)', () => {
    const amd64 = provenanceAmd64();
    const P_SOURCES = [`${P_REPO}@${amd64.digest}`, `${P_REPO}@${P_ARM64_INDEX}`];

    it('creates the index from the per-arch indexes and checks it lists their images', async () => {
      const o = options(workDir(), 'p');
      writePushed(o, 'p', 'amd64', { digest: amd64.digest });
      writePushed(o, 'p', 'arm64', { digest: P_ARM64_INDEX });
      const registry = fakeRegistry({
        refs: {
          [P_SOURCES[0]]: { stdout: amd64.output },
          [P_SOURCES[1]]: ok('imagetools-0.13-inspect-json-provenance-arm64.txt'),
        },
        created: ok('imagetools-0.13-inspect-json-provenance-index.txt'),
      });
      const { ctx } = context(o, registry.runner);
      const published = await publishManifest(ctx, 'p');
      expect(published).toMatchObject({
        ref: P_TAG,
        digest: P_INDEX,
        mediaType: OCI_INDEX,
        // The images, not the per-arch indexes nor the attestation manifests.
        platforms: { 'linux/amd64': P_AMD64_IMAGE, 'linux/arm64': P_ARM64_IMAGE },
        attestations: 2,
        missing: [],
        status: 'created',
      });
      // The per-arch indexes are the sources: their attestations come along.
      expect(registry.creates()).toEqual([['buildx', 'imagetools', 'create', '--tag', P_TAG, ...P_SOURCES]]);
    });

    it('is unchanged when the tag already is that index', async () => {
      const o = options(workDir(), 'p');
      writePushed(o, 'p', 'amd64', { digest: amd64.digest });
      writePushed(o, 'p', 'arm64', { digest: P_ARM64_INDEX });
      const registry = fakeRegistry({
        refs: {
          [P_SOURCES[0]]: { stdout: amd64.output },
          [P_SOURCES[1]]: ok('imagetools-0.13-inspect-json-provenance-arm64.txt'),
          [P_TAG]: ok('imagetools-0.13-inspect-json-provenance-index.txt'),
        },
      });
      const { ctx } = context(o, registry.runner);
      expect(await publishManifest(ctx, 'p')).toMatchObject({ digest: P_INDEX, status: 'unchanged', attestations: 2 });
      expect(registry.creates()).toEqual([]);
    });

    it('publishes a partial index with --partial, warning about the platform left out', async () => {
      const o = options(workDir(), 'p', { partial: true });
      writePushed(o, 'p', 'arm64', { digest: P_ARM64_INDEX });
      const registry = fakeRegistry({
        refs: { [P_SOURCES[1]]: ok('imagetools-0.13-inspect-json-provenance-arm64.txt') },
        // An index made from the one arm64 index lists what it lists: the image and its attestation.
        created: ok('imagetools-0.13-inspect-json-provenance-arm64.txt'),
      });
      const { ctx, warnings } = context(o, registry.runner);
      const published = await publishManifest(ctx, 'p');
      const absent = `no record: ${o.pushedDir}/p-amd64.json`;
      expect(published).toMatchObject({
        ref: P_TAG,
        platforms: { 'linux/arm64': P_ARM64_IMAGE },
        attestations: 1,
        missing: [{ platform: 'linux/amd64', reason: absent }],
        status: 'created',
      });
      expect(registry.creates()).toEqual([['buildx', 'imagetools', 'create', '--tag', P_TAG, P_SOURCES[1]]]);
      expect(warnings).toEqual([
        `p: publishing a partial index (--partial): the index needs linux/amd64, which was not pushed (${absent}). ` +
          'Fix: nx run p:push-image --platform=amd64',
      ]);
      expect(manifestLine(published)).toBe(
        '✔ 127.0.0.1:5000/cap/p:1 created: linux/arm64 73010c7a034a, 1 attestation(s); WITHOUT linux/amd64',
      );
    });

    it('refuses an arm64 index pushed under the amd64 tag', async () => {
      const o = options(workDir(), 'p');
      writePushed(o, 'p', 'amd64', { digest: P_ARM64_INDEX });
      writePushed(o, 'p', 'arm64', { digest: P_ARM64_INDEX });
      const registry = fakeRegistry({
        refs: { [P_SOURCES[1]]: ok('imagetools-0.13-inspect-json-provenance-arm64.txt') },
      });
      const { ctx } = context(o, registry.runner);
      const error = await publishManifest(ctx, 'p').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VerificationError);
      expect((error as Error).message).toBe(
        '127.0.0.1:5000/cap/p:1-amd64 in the registry is linux/arm64, not linux/amd64',
      );
      expect(registry.creates()).toEqual([]);
    });
  });
});

describe('manifestOutcome', () => {
  const FINISHED = Date.parse('2026-11-25T05:18:10.000Z');

  // prettier-ignore
  test.each<[string, Partial<ManifestRecord>, ReturnType<typeof manifestOutcome>]>([
    ['a new index: built', {}, {
      image: 'm', platform: 'index', status: 'built', detail: 'created', startedAt: FINISHED - 1_200,
      endedAt: FINISHED, ref: M_TAG, digest: M_LIST,
    }],
    ['every tag already was this index: cached', { status: 'unchanged', durationMs: 300 }, {
      image: 'm', platform: 'index', status: 'cached', detail: 'unchanged', startedAt: FINISHED - 300,
      endedAt: FINISHED, ref: M_TAG, digest: M_LIST,
    }],
    ['a partial index says so', {
      ref: P_TAG, tags: [P_TAG], digest: P_INDEX, platforms: { 'linux/arm64': P_ARM64_IMAGE },
      missing: [{ platform: 'linux/amd64', reason: 'no record: /ws/dist/pushed/p/p-amd64.json' }],
    }, {
      image: 'm', platform: 'index', status: 'built', detail: 'created, partial', startedAt: FINISHED - 1_200,
      endedAt: FINISHED, ref: P_TAG, digest: P_INDEX,
    }],
    ['an unchanged partial index', {
      status: 'unchanged', missing: [{ platform: 'linux/arm64', reason: 'not pushed' }],
    }, {
      image: 'm', platform: 'index', status: 'cached', detail: 'unchanged, partial', startedAt: FINISHED - 1_200,
      endedAt: FINISHED, ref: M_TAG, digest: M_LIST,
    }],
  ])('%s', (_name, fields, expected) => {
    expect(manifestOutcome('m', record(fields))).toEqual(expected);
  });

  describe('a failure', () => {
    const NOW = Date.parse('2026-11-25T05:20:00.000Z');
    beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
    afterEach(() => jest.restoreAllMocks());

    test.each<[string, Pick<FailureRecord, 'class' | 'kind' | 'evidence'>]>([
      [
        'a platform nobody pushed',
        {
          class: 'permanent',
          kind: 'missing-platform',
          evidence: 'the index needs linux/arm64, which was not pushed (no record: /ws/dist/pushed/m/m-arm64.json)',
        },
      ],
      [
        'a registry that refused',
        {
          class: 'transient',
          kind: 'refused',
          evidence: 'dial tcp 127.0.0.1:5000: connect: connection refused',
        },
      ],
    ])('%s: failed, from its start to now, with its class, kind and evidence', (_name, failure) => {
      expect(manifestOutcome('m', { failure, startedAt: NOW - 4_000 })).toEqual({
        image: 'm',
        platform: 'index',
        status: 'failed',
        startedAt: NOW - 4_000,
        endedAt: NOW,
        failure,
      });
    });

    it('keeps only class, kind and evidence of what manifestFailure gives', () => {
      const failure = { ...manifestFailure(new PluginError('no such index')), extra: 'dropped' };
      expect(manifestOutcome('m', { failure, startedAt: NOW }).failure).toEqual({
        class: 'permanent',
        kind: 'not-found',
        evidence: 'no such index',
      });
    });
  });
});
