import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY } from './registry';
import { docker, exec, nx, tempWorkspace } from './workspace';

jest.setTimeout(600_000);

// OCI labels from the workspace's git checkout, and attestations on a container builder.
const PREFIX = 'e2e-meta/';
const TAG = `meta-${Date.now().toString(36)}`;
const BUILDER = 'nx-multiarch-meta';
const PASSWORD = `pw-${Date.now()}`;
const ORIGIN = `https://meta-user:${PASSWORD}@git.example.com/acme/platform.git`;
const COMMITTED = '2024-05-06T07:08:09Z';
const DOCKERFILE = 'FROM busybox:1.36\nRUN uname -m > /arch\n';

const tail = (output: string, lines = 25) => output.split('\n').slice(-lines).join('\n');

function git(root: string, ...args: string[]): string {
  const env = {
    GIT_AUTHOR_NAME: 'CI',
    GIT_AUTHOR_EMAIL: 'ci@example.com',
    GIT_COMMITTER_NAME: 'CI',
    GIT_COMMITTER_EMAIL: 'ci@example.com',
    GIT_AUTHOR_DATE: '2024-05-06T09:08:09+02:00',
    GIT_COMMITTER_DATE: '2024-05-06T09:08:09+02:00',
  };
  const { status, output } = exec('git', args, root, 30_000, env);
  if (status !== 0) throw new Error(`git ${args.join(' ')}: ${output}`);
  return output.trim();
}

/** A workspace that is a git checkout with one commit and an origin whose URL carries a password. */
function checkout(pluginOptions: Record<string, unknown>, files: Record<string, string> = {}): string {
  const root = tempWorkspace(
    {
      'images/app/Dockerfile': DOCKERFILE,
      '.gitignore': 'node_modules\n.nx\ndist\n.nx-multiarch\n.env\n',
      ...files,
    },
    pluginOptions,
  );
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'first');
  git(root, 'remote', 'add', 'origin', ORIGIN);
  return root;
}

/** Every file under `dir` whose text contains `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => !path.includes('node_modules') && statSync(path).isFile())
    .filter((path) => readFileSync(path, 'utf8').includes(needle));
}

const inspect = (ref: string, format: string) => docker(['image', 'inspect', '--format', format, ref]).output.trim();

describe('OCI labels on the docker driver, from the checkout', () => {
  const ref = `${PREFIX}app:${TAG}-amd64`;
  const root = checkout({
    imagePrefix: PREFIX,
    tag: TAG,
    prefetch: false,
    build: { labels: { 'com.example.team': 'platform' } },
  });
  let run: { status: number | null; output: string };
  beforeAll(() => {
    // Attestations asked for on a driver that cannot export them: dropped, said once, the build still succeeds.
    run = nx(['run', 'app:build-image', '--platform=amd64', '--provenance=max', '--sbom'], root);
  });
  afterAll(() => docker(['image', 'rm', '-f', ref]));

  it('labels the image with source, revision, created, version and the user label', () => {
    expect({ status: run.status, tail: tail(run.output) }).toMatchObject({ status: 0 });
    expect(JSON.parse(inspect(ref, '{{json .Config.Labels}}'))).toEqual({
      'org.opencontainers.image.source': 'https://git.example.com/acme/platform',
      'org.opencontainers.image.revision': git(root, 'rev-parse', 'HEAD'),
      'org.opencontainers.image.created': COMMITTED,
      'org.opencontainers.image.version': TAG,
      'com.example.team': 'platform',
    });
  });

  it('drops provenance and SBOM on the docker driver, saying so once', () => {
    expect(run.output.match(/the docker driver cannot attach attestations/g)).toHaveLength(1);
    expect(run.output).toContain('building without provenance (mode=max) and sbom');
    expect(run.output).toMatch(/buildx build /);
    expect(run.output).not.toMatch(/buildx build .*--(provenance|sbom)/);
  });

  it('never prints the origin password, nor writes it into labels, state, logs or records', () => {
    expect(run.output).not.toContain(PASSWORD);
    expect(inspect(ref, '{{json .Config.Labels}}')).not.toContain(PASSWORD);
    expect(filesContaining(join(root, '.nx-multiarch'), PASSWORD)).toEqual([]);
    expect(filesContaining(join(root, 'dist'), PASSWORD)).toEqual([]);
  });

  it('gives the same image ID when rebuilt from the cache: created is the commit time, not the build time', () => {
    const first = inspect(ref, '{{.Id}}');
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const again = nx(['run', 'app:build-image', '--platform=amd64'], root);
    expect({ status: again.status, tail: tail(again.output) }).toMatchObject({ status: 0 });
    expect(again.output).toMatch(/✔ app linux\/amd64 cached/);
    expect(inspect(ref, '{{.Id}}')).toBe(first);
  });

  it('ociLabels false leaves only the user labels', () => {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const plain = nx(['run', 'app:build-image', '--platform=amd64', '--ociLabels=false'], root);
    expect({ status: plain.status, tail: tail(plain.output) }).toMatchObject({ status: 0 });
    expect(JSON.parse(inspect(ref, '{{json .Config.Labels}}'))).toEqual({ 'com.example.team': 'platform' });
  });
});

describe('provenance on a docker-container builder, pushed and published as a manifest', () => {
  const repository = `${REGISTRY}/${PREFIX}app`;
  // Pushed, not loaded: Docker's classic image store (Engine 20.10) cannot load an image with attestations.
  const pushOnly = { name: 'app', targets: { 'push-image': { options: { load: false } } } };
  const root = checkout(
    {
      imagePrefix: PREFIX,
      registry: REGISTRY,
      tag: TAG,
      prefetch: false,
      build: { provenance: 'min' },
      builder: { driver: 'docker-container', name: BUILDER },
    },
    { 'images/app/project.json': JSON.stringify(pushOnly) },
  );
  let run: { status: number | null; output: string };
  beforeAll(() => {
    run = nx(['run', 'app:manifest', '--platform=amd64,arm64'], root);
  });
  afterAll(() => docker(['buildx', 'rm', BUILDER]));

  it('pushes each platform with --provenance=mode=min, and the manifest target verifies and publishes', () => {
    expect({ status: run.status, tail: tail(run.output) }).toMatchObject({ status: 0 });
    expect(run.output.match(/ --provenance=mode=min --push /g)).toHaveLength(2);
    expect(run.output).not.toContain('cannot carry attestations');
    expect(run.output).toContain(`✔ ${repository}:${TAG}`);
    const record = JSON.parse(readFileSync(join(root, 'dist/manifests/app/app.json'), 'utf8'));
    expect(record).toMatchObject({ status: 'created', missing: [], attestations: 2 });
    expect(Object.keys(record.platforms).sort()).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test.each(['amd64', 'arm64'])('the %s push is an index with an attestation manifest', (arch) => {
    const raw = docker(['buildx', 'imagetools', 'inspect', '--raw', `${repository}:${TAG}-${arch}`]);
    expect(raw.status).toBe(0);
    const index = JSON.parse(raw.output) as { manifests: Array<{ annotations?: Record<string, string> }> };
    const types = index.manifests.map((m) => m.annotations?.['vnd.docker.reference.type'] ?? 'image');
    expect(types.sort()).toEqual(['attestation-manifest', 'image']);
  });

  it('the published index carries the attestations beside both platforms, and the labels', () => {
    const raw = docker(['buildx', 'imagetools', 'inspect', '--raw', `${repository}:${TAG}`]);
    expect(raw.status).toBe(0);
    const index = JSON.parse(raw.output) as {
      manifests: Array<{ platform?: { architecture: string }; annotations?: Record<string, string> }>;
    };
    const attestations = index.manifests.filter(
      (m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
    );
    expect(attestations).toHaveLength(2);
    expect(index.manifests.length).toBe(4);
    // The pushed image's config, as the registry serves it (nothing was loaded).
    const config = docker(['buildx', 'imagetools', 'inspect', `${repository}:${TAG}`, '--format', '{{json .Image}}']);
    const images = JSON.parse(config.output) as Record<string, { config: { Labels: Record<string, string> } }>;
    const labels = images['linux/arm64'].config.Labels;
    expect(labels).toMatchObject({
      'org.opencontainers.image.revision': git(root, 'rev-parse', 'HEAD'),
      'org.opencontainers.image.version': TAG,
    });
    expect(labels['org.opencontainers.image.source']).toBe('https://git.example.com/acme/platform');
    // The checkout's own config has the password (so the case is real); nothing the plugin wrote or printed does.
    expect(readFileSync(join(root, '.git/config'), 'utf8')).toContain(PASSWORD);
    expect(run.output).not.toContain(PASSWORD);
    expect(filesContaining(join(root, 'dist'), PASSWORD)).toEqual([]);
  });
});
