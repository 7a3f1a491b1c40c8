import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forwardProxy, type ForwardProxy } from './proxy-server';
import { getManifest, REGISTRY } from './registry';
import {
  demoWorkspaceFiles,
  docker,
  imagePlatform,
  nx,
  nxAsync,
  runImage,
  tempWorkspace,
  unameMachine,
} from './workspace';

// A prefix nothing was ever pushed under: the lab's registry is also the Docker Hub mirror, so an image once pushed as
// 127.0.0.1:5000/<prefix>/gateway would be served for docker.io/<prefix>/gateway and hide a FROM that went looking.
const PREFIX = `cb${Date.now().toString(36)}`;
const ALT = { DOCKER_CONFIG: process.env.LAB_BUILDX_ALT_CONFIG ?? '/var/lib/nx-multiarch-lab/buildx-sid' };

const tail = (output: string, lines = 25) => output.split('\n').slice(-lines).join('\n');

interface RunRecord {
  success: boolean;
  totals: { built: number; cached: number; failed: number; skipped: number };
  cells: Array<{ row: string; platform: string; status: string }>;
}

function lastRun(root: string): RunRecord {
  const id = readFileSync(join(root, '.nx-multiarch/runs/last-run'), 'utf8').trim();
  return JSON.parse(readFileSync(join(root, '.nx-multiarch/runs', id, 'run.json'), 'utf8'));
}

describe("the seeds' bug: an arm64 build on a docker-container builder that lacks the daemon's mirror", () => {
  const prefix = `${PREFIX}-seeds/`;
  const options = (daemonConfig?: string) => ({
    imagePrefix: prefix,
    prefetch: false,
    build: { attempts: 2, retryDelay: 1 },
    builder: { driver: 'docker-container', name: 'e2e-seeds', ...(daemonConfig && { daemonConfig }) },
  });
  const root = tempWorkspace(
    { 'images/app/Dockerfile': 'FROM alpine:3.20\nRUN uname -m > /arch\n', 'ops/daemon.json': '{}' },
    options('ops/daemon.json'),
  );

  const containers = () =>
    docker(['ps', '-a', '--filter', 'name=^buildx_buildkit_e2e-seeds0$', '--format', '{{.ID}}']).output.trim();
  let firstContainer = '';
  afterAll(() => docker(['buildx', 'rm', 'e2e-seeds']));

  it('fails on Docker Hub, classified dns, with the remedy that names the builder config', () => {
    const { status, output } = nx(['run', 'app:build-image', '--platform=arm64'], root);
    firstContainer = containers();
    expect(firstContainer).toMatch(/^[0-9a-f]{12}$/);
    expect(status).not.toBe(0);
    expect(output).toMatch(/lookup registry-1\.docker\.io .*no such host/);
    expect(output).toContain('✖ failed: dns');
    expect(output).toContain('a docker-container builder does not read daemon.json');
    const lines = readFileSync(join(root, '.nx-multiarch/failures.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({
      operation: 'build',
      platform: 'linux/arm64',
      class: 'transient',
      kind: 'dns',
    });
  });

  it("succeeds through the mirror once builder-setup gives the builder the lab's daemon.json", () => {
    const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
    // No daemonConfig: the lab's daemon.json, where Docker keeps one ($XDG_CONFIG_HOME/docker), with the mirror.
    nxJson.plugins[0].options = options();
    writeFileSync(join(root, 'nx.json'), JSON.stringify(nxJson));
    const { status, output } = nx(['run', 'app:build-image', '--platform=arm64'], root);
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    expect(output).toMatch(/builder e2e-seeds \(docker-container, buildx [\d.]+\S*\): recreated/);
    // The old BuildKit container is gone, a new one runs in its place.
    expect(containers()).toMatch(/^[0-9a-f]{12}$/);
    expect(containers()).not.toBe(firstContainer);
    expect(imagePlatform(`${prefix}app:latest-arm64`)).toBe('linux/arm64');
    expect(runImage(`${prefix}app:latest-arm64`, 'arm64', ['cat', '/arch']).output).toContain('aarch64');
  });
});

/** Every file under `dir` whose text contains `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => !path.includes('node_modules') && statSync(path).isFile())
    .filter((path) => readFileSync(path, 'utf8').includes(needle));
}

describe("a proxy in the builder's path to the registry (a name that resolves to 127.0.0.1, which Go proxies)", () => {
  const named = process.env.LAB_REGISTRY_NAMED ?? 'registry.lab.test:5000';
  const password = `s3cret-${Date.now()}`;
  const prefix = `${PREFIX}-proxy/`;
  let proxy: ForwardProxy;
  let root: string;
  let run: { status: number | null; output: string };
  beforeAll(async () => {
    proxy = await forwardProxy('build', password);
    const daemon = {
      'registry-mirrors': [`http://${named}`],
      'insecure-registries': [named],
      proxies: { 'http-proxy': proxy.url(), 'https-proxy': proxy.url() },
    };
    root = tempWorkspace(
      {
        'images/app/Dockerfile': 'FROM busybox:1.36\nRUN uname -m > /arch\n',
        'ops/daemon.json': JSON.stringify(daemon),
      },
      {
        imagePrefix: prefix,
        builder: { driver: 'docker-container', name: 'e2e-proxy', daemonConfig: 'ops/daemon.json' },
      },
    );
    // Not nx(): spawnSync would block this process, and with it the proxy.
    run = await nxAsync(['run', 'app:build-image', '--platform=arm64'], root);
  });
  afterAll(async () => {
    await proxy.close();
    docker(['buildx', 'rm', 'e2e-proxy']);
  });

  it("BuildKit pulls the base image through the proxy, with the proxy's credentials", () => {
    expect({ status: run.status, tail: tail(run.output) }).toMatchObject({ status: 0 });
    expect(proxy.forwarded).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^(GET|HEAD) ${named}/v2/library/busybox/manifests/`))]),
    );
    expect(proxy.refused).toBe(0);
    expect(runImage(`${prefix}app:latest-arm64`, 'arm64', ['cat', '/arch']).output).toContain('aarch64');
  });

  it('never prints the password, nor writes it into the state, logs or reports', () => {
    expect(run.output).not.toContain(password);
    expect(run.output).toContain('env.http_proxy=http://***@127.0.0.1:');
    expect(filesContaining(join(root, '.nx-multiarch'), password)).toEqual([]);
    expect(filesContaining(join(root, 'dist'), password)).toEqual([]);
  });
});

describe('a registry cache lets a new builder start warm (an ephemeral CI machine)', () => {
  const prefix = `${PREFIX}-cache/`;
  const ref = `${prefix}app:latest-arm64`;
  // The slow step stands for a real compile under QEMU: what a warm cache saves.
  const root = tempWorkspace(
    { 'images/app/Dockerfile': 'FROM alpine:3.20\nRUN sleep 4 && uname -m > /arch\nRUN echo done > /done\n' },
    {
      imagePrefix: prefix,
      registry: REGISTRY,
      build: { registryCache: true },
      builder: { driver: 'docker-container', name: 'e2e-cache' },
    },
  );
  afterAll(() => docker(['buildx', 'rm', 'e2e-cache']));
  const timed = () => {
    const started = Date.now();
    const run = nx(['run', 'app:build-image', '--platform=arm64'], root);
    return { ...run, seconds: (Date.now() - started) / 1000 };
  };
  const fresh = () => {
    // What a new CI machine has: no builder (so no BuildKit cache), no image, no record of an earlier build.
    docker(['buildx', 'rm', 'e2e-cache']);
    docker(['image', 'rm', '-f', `${REGISTRY}/${ref}`]);
    rmSync(join(root, 'dist'), { recursive: true, force: true });
  };

  it('exports the cache to the registry, then imports it on a recreated builder: the slow RUN step CACHED', () => {
    fresh();
    const cold = timed();
    expect({ status: cold.status, tail: tail(cold.output) }).toMatchObject({ status: 0 });
    expect(cold.output).toContain(`--cache-to type=registry,ref=${REGISTRY}/${prefix}app:buildcache-arm64,mode=max`);
    expect(cold.output).toMatch(/exporting cache to registry/);

    fresh();
    const warm = timed();
    expect({ status: warm.status, tail: tail(warm.output) }).toMatchObject({ status: 0 });
    expect(warm.output).toMatch(/builder e2e-cache \(docker-container, buildx [\d.]+\S*\): created/);
    expect(warm.output).toMatch(/importing cache manifest from/);
    expect(warm.output).toMatch(/#(\d+) \[2\/3\] RUN sleep 4 && uname -m > \/arch\n[^\n]*#\1 CACHED/);
    // The time saved, for the closing note of the issue.
    process.stdout.write(
      `registry cache: cold ${cold.seconds.toFixed(1)} s, warm on a new builder ${warm.seconds.toFixed(1)} s\n`,
    );
    expect(runImage(`${REGISTRY}/${ref}`, 'arm64', ['cat', '/arch']).output).toContain('aarch64');
  });

  it('on the docker driver: imports it, exports inline instead, and says so once', () => {
    const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
    nxJson.plugins[0].options.builder = { driver: 'docker' };
    writeFileSync(join(root, 'nx.json'), JSON.stringify(nxJson));
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const { status, output } = nx(['run', 'app:build-image', '--platform=arm64'], root);
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    expect(output.match(/the docker driver cannot export type=registry/g)).toHaveLength(1);
    expect(output).toContain('--cache-to type=inline');
  });
});

// The demo on the default driver with either buildx, and on the docker driver (the regression check).
describe.each([
  ['docker-container', 'buildx 0.13', {}],
  ['docker-container', 'buildx 0.29', ALT],
  ['docker', 'buildx 0.13', {}],
] as const)('the demo on a %s builder with %s: both platforms, push, manifest, report', (driver, buildx, env) => {
  const container = driver === 'docker-container';
  const prefix = `${PREFIX}-${container ? 'c' : 'd'}${buildx.slice(-2)}`;
  // buildx 0.13 and 0.29 name a builder's container alike: each gets a builder of its own.
  const builder = container ? { driver, name: `e2e-demo-${buildx.slice(-2)}` } : { driver, name: 'default' };
  const files = Object.fromEntries(
    Object.entries(demoWorkspaceFiles()).map(([path, text]) => [path, text.replaceAll('demo/', `${prefix}/`)]),
  );
  const root = tempWorkspace(files, { components: ['packages/demo/**'], imagePrefix: `${prefix}/`, builder });
  let build: { status: number | null; output: string };
  beforeAll(() => {
    build = nx(['run-many', '-t', 'build-image', '--platform=amd64,arm64'], root, env);
  });
  afterAll(() => container && docker(['buildx', 'rm', builder.name], env));

  it('builds every image for both platforms', () => {
    expect({ status: build.status, tail: tail(build.output) }).toMatchObject({ status: 0 });
    expect(lastRun(root)).toMatchObject({ success: true, totals: { failed: 0, skipped: 0 } });
    for (const arch of ['amd64', 'arm64']) {
      expect(imagePlatform(`${prefix}/portal:latest-${arch}`)).toBe(`linux/${arch}`);
    }
  });

  it('builds portal FROM the gateway image of this run, for its platform, without asking any registry', () => {
    for (const arch of ['amd64', 'arm64']) {
      // gateway made /www; portal's RUN step writes into it.
      const { output } = runImage(`${prefix}/portal:latest-${arch}`, arch, ['cat', '/www/index.html']);
      expect(output).toContain(`portal on gateway (${unameMachine(arch)})`);
      const context = `--build-context ${prefix}/gateway:latest-${arch}=oci-layout://`;
      if (!container) {
        // The docker driver builds FROM the image gateway's build loaded into the daemon.
        expect(build.output).not.toContain(context);
        continue;
      }
      // Pinned by the digest of the layout gateway's build wrote, and loaded from the client, not a registry.
      const gateway = JSON.parse(readFileSync(join(root, `dist/images/gateway/gateway-${arch}.json`), 'utf8'));
      expect(gateway.layout.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(build.output).toContain(`${context}${gateway.layout.dir}@${gateway.layout.digest}`);
      expect(build.output).toContain(`[portal linux/${arch}] #4 [context ${prefix}/gateway:latest-${arch}] OCI load`);
      expect(build.output).not.toContain(`load metadata for docker.io/${prefix}/gateway:latest-${arch}\n`);
    }
  });

  it('pushes each platform and publishes verified multi-arch indexes with manifest', async () => {
    const { status, output } = nx(
      ['run-many', '-t', 'manifest', '--platform=amd64,arm64', `--registry=${REGISTRY}`],
      root,
      env,
    );
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    expect(output).not.toContain('not the sha256:');
    const index = await getManifest(`${prefix}/portal`, 'latest');
    const platforms = (index?.manifest.manifests ?? [])
      .map((m) => `${m.platform?.os}/${m.platform?.architecture}`)
      .filter((p) => p !== 'unknown/unknown')
      .sort();
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64']);
    const record = lastRun(root);
    expect(record).toMatchObject({ success: true, totals: { failed: 0 } });
    // One index per image (api and api-init both), each created.
    const indexes = record.cells.filter((c) => c.platform === 'index');
    expect(indexes.map((c) => c.status)).toEqual(Array(8).fill('built'));
  });

  it('diagnose passes on the live builder', () => {
    const { status, output } = nx(['run', 'e2e-workspace:diagnose'], root, env);
    expect({ status, tail: tail(output) }).toMatchObject({ status: 0 });
    const detail = container
      ? `builder ${builder.name} \\(docker-container\\): host network, entitlement, current config; ${builder.name}0 running`
      : 'builder default uses the docker driver';
    expect(output).toMatch(new RegExp(`ok +builder +${detail}`));
  });

  it('leaves no build-time service container behind', () => {
    // worker's hub: the demo's one service (other files' services are theirs to check).
    const left = docker(['ps', '-a', '--filter', 'name=^nx-multiarch-worker-hub-', '--format', '{{.Names}}']);
    expect(left.output.trim()).toBe('');
  });
});
