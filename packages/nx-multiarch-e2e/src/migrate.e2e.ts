import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, exec, imagePlatform, nx, runImage, tempWorkspace } from './workspace';

// A prefix nothing was ever pushed under: the lab's registry is also the Docker Hub mirror (container-builder.e2e.ts).
const RUN = `mg${Date.now().toString(36)}`;
const BUILDER = 'e2e-migrate';

// A build.sh platform, as small as the lab allows: built from the repository root, phases in build.conf, two images
// from one Dockerfile in build-targets.conf, an upstream image in dependency.conf.tpl, a config template the
// Dockerfile copies rendered, a directory that is neither.
// Base images from the lab's mirror only; no RUN step, so nothing waits on QEMU.
const PLATFORM: Record<string, string> = {
  // No plugin yet: the migration registers it.
  'nx.json': '{}',
  '.env.example': 'GITEA_VERSION=1.22\nREDIS_VERSION=7.2-alpine\nHUB_NAME=e2e-hub\n',
  '.dockerignore': 'node_modules\n.nx\n.nx-multiarch\ndist\n',
  'src/gitea/Dockerfile.tpl': 'FROM gitea/gitea:{{GITEA_VERSION}}\nCOPY src/gitea/entrypoint.sh /usr/local/bin/\n',
  'src/gitea/dependency.conf.tpl': 'gitea/gitea:{{GITEA_VERSION}}\n',
  'src/gitea/build.conf': 'BUILD_PHASE=foundation\n',
  'src/gitea/entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
  'src/hub/Dockerfile': 'FROM alpine:3.20\nCOPY src/shared/motd /etc/motd\nCOPY src/hub/hub.conf /etc/hub.conf\n',
  'src/hub/hub.conf.tpl': 'name {{HUB_NAME}}\n',
  'src/hub/build.conf': 'BUILD_PHASE=foundation\nUSE_PREBUILD=false\n',
  'src/api/Dockerfile': [
    'FROM busybox:1.36 AS api',
    'COPY src/api/api.sh /api.sh',
    'FROM busybox:1.36 AS api-init',
    'COPY src/api/init.sh /init.sh',
    '',
  ].join('\n'),
  'src/api/build-targets.conf': `# target image\napi ${RUN}-api\napi-init ${RUN}-api-init\n`,
  'src/api/build.conf': 'BUILD_PHASE=dependent\n',
  'src/api/api.sh': 'echo api\n',
  'src/api/init.sh': 'echo init\n',
  // No build.conf: build.sh's default phase, dependent.
  'src/worker/Dockerfile': 'FROM alpine:3.20\nCOPY src/shared/motd /etc/motd\n',
  'src/cache/dependency.conf.tpl': 'redis:{{REDIS_VERSION}}\n',
  'src/shared/motd': 'from the repository root\n',
};

const FOUNDATIONS = ['cache', 'gitea', 'hub'];
const DEPENDENTS = ['api', 'worker'];
const IMAGES: Array<[string, string]> = [
  ['cache', 'cache'],
  ['gitea', 'gitea'],
  ['hub', 'hub'],
  ['api', 'api'],
  ['api', 'api-init'],
  ['worker', 'worker'],
];

const tail = (output: string, lines = 25) => output.split('\n').slice(-lines).join('\n');

describe('nx g nx-multiarch:migrate on a build.sh platform', () => {
  const root = tempWorkspace(PLATFORM);
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  // As typed by a user: nx() adds --output-style, which a generator would take for one of its options.
  const migrate = (...args: string[]) =>
    exec(join(root, 'node_modules/.bin/nx'), ['g', 'nx-multiarch:migrate', ...args, '--no-interactive'], root);
  const written = () =>
    ['nx.json', ...['api', 'cache', 'hub', 'worker'].map((c) => `src/${c}/multiarch.json`)].map(read);

  /** Sets plugin options over what the migration wrote. */
  function pluginOptions(options: Record<string, unknown>): void {
    const nxJson = JSON.parse(read('nx.json'));
    nxJson.plugins[0].options = { ...nxJson.plugins[0].options, ...options };
    writeFileSync(join(root, 'nx.json'), JSON.stringify(nxJson));
  }

  /** When each image's build started and finished, from the records build-image writes. */
  function timing(project: string, image: string): { start: number; end: number } {
    const record = JSON.parse(read(`dist/images/${project}/${image}-arm64.json`));
    const end = Date.parse(record.finishedAt);
    return { start: end - record.durationMs, end };
  }

  afterAll(() => docker(['buildx', 'rm', BUILDER]));

  it('--dry-run shows what it would write and writes nothing', () => {
    const { status, output } = migrate('--dry-run');
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    expect(output).toContain('UPDATE nx.json');
    expect(output).toContain('CREATE src/api/multiarch.json');
    expect(read('nx.json')).toBe('{}');
  });

  it('registers the plugin and writes what build.sh implied, printing what it could not map and a summary', () => {
    const { status, output } = migrate();
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    expect(JSON.parse(read('nx.json')).plugins).toEqual([
      { plugin: 'nx-multiarch', options: { components: ['src/*'], imagePrefix: `${RUN}-`, context: '.' } },
    ]);
    expect(JSON.parse(read('src/api/multiarch.json'))).toEqual({
      phase: 'dependent',
      images: [
        { name: 'api', target: 'api' },
        { name: 'api-init', target: 'api-init' },
      ],
    });
    expect(JSON.parse(read('src/worker/multiarch.json'))).toEqual({ phase: 'dependent' });
    expect(JSON.parse(read('src/cache/multiarch.json'))).toEqual({ upstream: 'redis:7.2-alpine' });
    expect(JSON.parse(read('src/hub/multiarch.json'))).toEqual({ templates: ['hub.conf.tpl'] });
    // A foundation with nothing else to say: the plugin's defaults are build.sh's settings.
    expect(output).not.toContain('CREATE src/gitea/multiarch.json');
    expect(output).toContain('src/gitea/dependency.conf.tpl: gitea/gitea:1.22 not mapped');
    expect(output).toContain('src/hub/build.conf: USE_PREBUILD not mapped');
    expect(output).toContain('src/shared: no Dockerfile, Dockerfile.tpl or dependency.conf: not a component');
    expect(output).toContain(
      '5 components in src/: foundations gitea, hub; dependents api, worker; upstream cache; not components shared',
    );
  });

  it('a second run changes nothing', () => {
    const before = written();
    const { status, output } = migrate();
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    expect(output).not.toMatch(/^(CREATE|UPDATE) /m);
    expect(written()).toEqual(before);
  });

  it('the graph has the phase edges: every dependent after every foundation', () => {
    const { status, output } = nx(['graph', '--file=stdout'], root);
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    const dependencies: Record<string, Array<{ target: string; type: string }>> = JSON.parse(
      output.slice(output.indexOf('{')),
    ).graph.dependencies;
    const edges = [...FOUNDATIONS, ...DEPENDENTS]
      .flatMap((source) => (dependencies[source] ?? []).map((d) => `${source} -> ${d.target} ${d.type}`))
      .sort();
    expect(edges).toEqual(DEPENDENTS.flatMap((d) => FOUNDATIONS.map((f) => `${d} -> ${f} implicit`)).sort());
  });

  describe.each([
    ['docker-container', { driver: 'docker-container', name: BUILDER }, `${RUN}-`],
    ['docker', { driver: 'docker' }, `${RUN}-dk-`],
  ])('nx run-many -t build-image --platform=arm64 on the %s driver', (_, builder, prefix) => {
    let run: { status: number | null; output: string };
    beforeAll(() => {
      pluginOptions({ builder, imagePrefix: prefix });
      rmSync(join(root, 'dist'), { recursive: true, force: true });
      run = nx(['run-many', '-t', 'build-image', '--platform=arm64'], root);
    });

    it('builds every image for arm64 from the repository root', () => {
      expect({ status: run.status, tail: tail(run.output) }).toMatchObject({ status: 0 });
      for (const [, image] of IMAGES) expect(imagePlatform(`${prefix}${image}:latest-arm64`)).toBe('linux/arm64');
      // COPY src/shared/motd: only a repository-root context has it; hub.conf was rendered from .env before the build.
      const { output } = runImage(`${prefix}hub:latest-arm64`, 'arm64', ['cat', '/etc/motd', '/etc/hub.conf']);
      expect(output).toContain('from the repository root\nname e2e-hub');
    });

    it('builds the foundations (and pulls the upstream image) before any dependent starts', () => {
      const lastFoundation = Math.max(
        ...IMAGES.filter(([p]) => FOUNDATIONS.includes(p)).map(([p, i]) => timing(p, i).end),
      );
      const firstDependent = Math.min(
        ...IMAGES.filter(([p]) => DEPENDENTS.includes(p)).map(([p, i]) => timing(p, i).start),
      );
      expect(firstDependent).toBeGreaterThanOrEqual(lastFoundation);
    });
  });
});
