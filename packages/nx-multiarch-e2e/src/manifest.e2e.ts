import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryStub } from './fault-servers';
import { configPlatform, type Fetched, getManifest, MEDIA, pushAsProvenanceIndex, REGISTRY } from './registry';
import { demoWorkspaceFiles, docker, nx, nxAsync, runImage, tempWorkspace, unameMachine } from './workspace';

jest.setTimeout(600_000);

// The demo platform published to the lab registry: per-arch pushes, then one index per image, checked through the
// registry's own HTTP API. A fresh repository prefix per run: the registry outlives workspaces.
const PREFIX = `e2e-manifest-${Date.now()}/`;
const IMAGES = ['gateway', 'vcs', 'api', 'api-init', 'cache', 'hub', 'portal', 'worker'];
const PROJECT_OF: Record<string, string> = { 'api-init': 'api' };
const ARCHES = ['amd64', 'arm64'];

function demoFiles(): Record<string, string> {
  const files = demoWorkspaceFiles();
  // Nx loads .env into the environment its hashes read; a first run that creates .env changes the dependents'
  // hashes once (they rebuild from the BuildKit cache with new digests). A workspace that has its .env already:
  files['.env'] = files['.env.example'];
  // portal is built FROM gateway's image, which now lives under the registry and prefix.
  files['packages/demo/portal/Dockerfile'] = files['packages/demo/portal/Dockerfile'].replace(
    'FROM demo/gateway:',
    `FROM ${REGISTRY}/${PREFIX}gateway:`,
  );
  return files;
}

const pushedRecord = (root: string, image: string, arch: string) =>
  join(root, `dist/pushed/${PROJECT_OF[image] ?? image}/${image}-${arch}.json`);
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const failures = (root: string) =>
  readFileSync(join(root, '.nx-multiarch/failures.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
const manifestLines = (output: string) =>
  [...output.matchAll(/nx-multiarch: ✔ (\S+) (created|unchanged):/g)].map((m) => [m[1], m[2]]).sort();

/** The index as the registry serves it: platform -> image manifest digest, with attestations apart. */
function indexEntries(index: Fetched): { images: Record<string, string>; attestations: number } {
  const images: Record<string, string> = {};
  let attestations = 0;
  for (const d of index.manifest.manifests ?? []) {
    if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') attestations++;
    else images[`${d.platform?.os}/${d.platform?.architecture}`] = d.digest;
  }
  return { images, attestations };
}

describe('manifest: the demo published as multi-arch images', () => {
  let root: string;
  let first: { status: number | null; output: string };
  const indexes = new Map<string, Fetched>();

  beforeAll(async () => {
    root = tempWorkspace(demoFiles(), {
      components: ['packages/demo/**'],
      registry: REGISTRY,
      imagePrefix: PREFIX,
      platforms: ARCHES,
    });
    first = nx(['run-many', '-t', 'manifest', '--platform=amd64,arm64'], root);
    for (const image of IMAGES) {
      const index = await getManifest(`${PREFIX}${image}`, 'latest');
      if (index) indexes.set(image, index);
    }
  });

  it('succeeds, creating one index per image', () => {
    expect({ status: first.status, tail: first.output.split('\n').slice(-20).join('\n') }).toMatchObject({ status: 0 });
    expect(manifestLines(first.output)).toEqual(
      IMAGES.map((image) => [`${REGISTRY}/${PREFIX}${image}:latest`, 'created']).sort(),
    );
  });

  test.each(IMAGES)(
    '%s:latest is an index of exactly linux/amd64 and linux/arm64, each the pushed image',
    async (image) => {
      const repository = `${PREFIX}${image}`;
      const index = indexes.get(image);
      expect(index?.mediaType).toBe(MEDIA.dockerList);
      const { images, attestations } = indexEntries(index as Fetched);
      expect(Object.keys(images).sort()).toEqual(['linux/amd64', 'linux/arm64']);
      expect(attestations).toBe(0);
      for (const arch of ARCHES) {
        // The entry is the digest push-image recorded, which is what the per-arch tag names, and its config is the arch.
        const record = readJson(pushedRecord(root, image, arch));
        const perArch = await getManifest(repository, `latest-${arch}`);
        expect(images[`linux/${arch}`]).toBe(record.digest);
        expect(perArch?.digest).toBe(record.digest);
        const entry = await getManifest(repository, images[`linux/${arch}`]);
        expect(await configPlatform(repository, entry?.manifest ?? { schemaVersion: 2 })).toBe(`linux/${arch}`);
      }
      // The task's own record agrees with the registry.
      const record = readJson(join(root, `dist/manifests/${PROJECT_OF[image] ?? image}/${image}.json`));
      expect(record).toMatchObject({ digest: index?.digest, platforms: images, status: 'created', missing: [] });
    },
  );

  test.each(['api', 'cache'])('pulling %s:latest for linux/arm64 gives arm64 code', (image) => {
    const ref = `${REGISTRY}/${PREFIX}${image}:latest`;
    expect(docker(['pull', '--platform', 'linux/arm64', ref]).status).toBe(0);
    const inspected = docker(['image', 'inspect', ref, '--format', '{{.Os}}/{{.Architecture}}']);
    expect(inspected.output.trim()).toBe('linux/arm64');
    const machine = runImage(ref, 'arm64', ['uname', '-m']);
    expect(machine.output.trim()).toBe(unameMachine('arm64'));
  });

  it('changes nothing when run again with the same digests, and says so', async () => {
    const again = nx(['run-many', '-t', 'manifest', '--platform=amd64,arm64'], root);
    expect(again.status).toBe(0);
    expect(manifestLines(again.output)).toEqual(
      IMAGES.map((image) => [`${REGISTRY}/${PREFIX}${image}:latest`, 'unchanged']).sort(),
    );
    expect(again.output).not.toContain('imagetools create');
    for (const image of IMAGES) {
      expect((await getManifest(`${PREFIX}${image}`, 'latest'))?.digest).toBe(indexes.get(image)?.digest);
    }
  });

  it('--dryRun prints the imagetools command, from the recorded digests, and publishes nothing', async () => {
    const { status, output } = nx(['run', 'api:manifest', '--dryRun', '--tags=dry-run-only'], root);
    expect(status).toBe(0);
    const repository = `${REGISTRY}/${PREFIX}api`;
    const [amd64, arm64] = ARCHES.map((arch) => readJson(pushedRecord(root, 'api', arch)).digest);
    expect(output).toContain(
      `dry run: api: docker buildx imagetools create --builder default --tag ${repository}:latest ` +
        `--tag ${repository}:dry-run-only ${repository}@${amd64} ${repository}@${arm64}`,
    );
    // push-image got --dryRun too: nothing was built.
    expect(output).toMatch(/dry run: api linux\/arm64: docker buildx build /);
    expect(await getManifest(`${PREFIX}api`, 'dry-run-only')).toBeUndefined();
  });

  it('fails naming the platform that was not pushed, publishes nothing, and --partial publishes the rest', async () => {
    const repository = `${PREFIX}lonely`;
    mkdirSync(join(root, 'packages/demo/lonely'));
    writeFileSync(join(root, 'packages/demo/lonely/Dockerfile'), `FROM alpine:3.20\nRUN echo ${Date.now()} > /stamp\n`);
    const failed = nx(['run', 'lonely:manifest', '--platform=amd64'], root);
    expect(failed.status).not.toBe(0);
    expect(failed.output).toMatch(
      new RegExp(
        `✖ ${REGISTRY}/${PREFIX}lonely:latest FAILED: the index needs linux/arm64, which was not pushed \\(no record: \\S+lonely-arm64\\.json\\)\\. Fix: nx run lonely:push-image --platform=arm64 \\(this run built only amd64: --platform\\)`,
      ),
    );
    expect(await getManifest(repository, 'latest')).toBeUndefined();
    expect(failures(root).filter((f) => f.operation === 'manifest' && f.project === 'lonely')).toEqual([
      expect.objectContaining({
        class: 'permanent',
        kind: 'missing-platform',
        image: `${REGISTRY}/${repository}:latest`,
      }),
    ]);

    const partial = nx(['run', 'lonely:manifest', '--platform=amd64', '--partial'], root);
    expect(partial.status).toBe(0);
    expect(partial.output).toContain('publishing a partial index (--partial)');
    expect(partial.output).toMatch(/✔ \S+lonely:latest created: linux\/amd64 \w{12}; WITHOUT linux\/arm64/);
    const index = await getManifest(repository, 'latest');
    expect(Object.keys(indexEntries(index as Fetched).images)).toEqual(['linux/amd64']);
  });

  it('refuses a per-arch push that is not its platform, and publishes nothing', async () => {
    // As if the arm64 push had recorded amd64 bytes: the index must never send arm64 users to an amd64 image.
    const amd64 = readJson(pushedRecord(root, 'hub', 'amd64'));
    const armFile = pushedRecord(root, 'hub', 'arm64');
    const arm64 = readJson(armFile);
    writeFileSync(armFile, JSON.stringify({ ...arm64, digest: amd64.digest }));
    const run = nx(['run', 'hub:manifest', '--excludeTaskDependencies', '--tags=wrong-arch'], root);
    writeFileSync(armFile, JSON.stringify(arm64));
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/FAILED: \S+hub:latest-arm64 in the registry is linux\/amd64, not linux\/arm64/);
    expect(await getManifest(`${PREFIX}hub`, 'wrong-arch')).toBeUndefined();
  });

  it('merges per-arch pushes that are provenance indexes, keeping their attestations out of the platforms', async () => {
    // A container builder pushes each platform as an index with a provenance attestation, and push-image records
    // that index's digest. The docker driver here cannot attest; the registry helper lays the index out as buildx does.
    for (const arch of ARCHES) {
      const file = pushedRecord(root, 'vcs', arch);
      const pushed = await pushAsProvenanceIndex(`${PREFIX}vcs`, `latest-${arch}`, arch);
      writeFileSync(file, JSON.stringify({ ...readJson(file), digest: pushed.digest }));
    }
    const run = nx(['run', 'vcs:manifest', '--excludeTaskDependencies', '--tags=with-provenance'], root);
    expect(run.status).toBe(0);
    const index = (await getManifest(`${PREFIX}vcs`, 'with-provenance')) as Fetched;
    expect(index.mediaType).toBe(MEDIA.ociIndex);
    const { images, attestations } = indexEntries(index);
    expect(Object.keys(images).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(attestations).toBe(2);
    for (const arch of ARCHES) {
      const perArch = (await getManifest(`${PREFIX}vcs`, `latest-${arch}`)) as Fetched;
      const image = perArch.manifest.manifests?.find((d) => d.platform?.architecture === arch);
      expect(images[`linux/${arch}`]).toBe(image?.digest);
    }
    expect(run.output).toMatch(/✔ \S+vcs:latest \(also \S+vcs:with-provenance\) created: .*, 2 attestation\(s\)/);
  });

  it('retries a registry that answers 503, then publishes', async () => {
    let failNext = 0;
    const stub = await registryStub(() => (failNext-- > 0 ? { status: 503 } : 'serve'), REGISTRY);
    try {
      const viaStub = `127.0.0.1:${stub.port}`;
      const ws = tempWorkspace(
        { 'images/flaky/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} > /stamp\n` },
        { registry: viaStub, imagePrefix: PREFIX, platforms: ARCHES },
      );
      // Async: the stub answers from this process, which a synchronous child would block.
      expect((await nxAsync(['run', 'flaky:push-image'], ws)).status).toBe(0);
      failNext = 1;
      const run = await nxAsync(['run', 'flaky:manifest', '--excludeTaskDependencies', '--retryDelay=0.2'], ws);
      expect({ status: run.status, tail: run.output.split('\n').slice(-10).join('\n') }).toMatchObject({ status: 0 });
      expect(run.output).toMatch(/server-error \(.*503 Service Unavailable.*\); attempt 2 in \d+ s/);
      expect(failures(ws)).toEqual([
        expect.objectContaining({ operation: 'manifest', class: 'transient', kind: 'server-error', attempt: 1 }),
      ]);
      expect(existsSync(join(ws, 'dist/manifests/flaky/flaky.json'))).toBe(true);
      const index = await getManifest(`${PREFIX}flaky`, 'latest');
      expect(Object.keys(indexEntries(index as Fetched).images).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    } finally {
      await stub.close();
    }
  });
});
