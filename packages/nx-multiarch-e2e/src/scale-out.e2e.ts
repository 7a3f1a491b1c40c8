import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildkitNode, type BuildkitNode, parseHistories, removeBuildkitBinaries } from './buildkit-node';
import { ownDockerd, type OwnDockerd } from './own-dockerd';
import { failureLines, stepRuns } from './fault-matrix';
import { getManifest } from './registry';
import { startRemoteCache } from './remote-cache-server';
import { docker, nxAsync, runImage, startNx, tempWorkspace, waitFor } from './workspace';

// Scale-out as a team sets it up: one BuildKit machine per platform (here two host buildkitd, the second declared
// for arm64), a `remote` builder of both, and proof from each node's own build history of what ran where.

const LAB_REGISTRY = process.env.LAB_REGISTRY ?? '127.0.0.1:5000';
const DAEMON_JSON = JSON.stringify({
  'registry-mirrors': [`http://${LAB_REGISTRY}`],
  'insecure-registries': [LAB_REGISTRY],
});
const WORKSPACE = 'e2e-workspace';

/** The builds a node recorded for `platform` whose steps include `text`. */
const ranOn = (node: BuildkitNode, platform: string, text: string) =>
  node.builds().filter((b) => b.platform === platform && b.steps.some((step) => step.includes(text))).length;

describe('scale-out: a remote builder of two BuildKit nodes, one per platform', () => {
  const builder = `e2e-scale-${process.pid}`;
  let amd: BuildkitNode;
  let arm: BuildkitNode;
  let root: string;
  const builderOptions = () => ({
    name: builder,
    driver: 'remote',
    endpoint: amd.address,
    platforms: ['amd64'],
    nodes: [{ name: 'armnode', endpoint: arm.address, platforms: ['arm64'] }],
    daemonConfig: 'ops/daemon.json',
    timeout: 120,
  });
  const configFile = () => join(root, `.nx-multiarch/builders/${builder}/buildkitd.toml`);

  beforeAll(async () => {
    [amd, arm] = await Promise.all([buildkitNode('amd'), buildkitNode('arm')]);
    // As a new machine comes: buildkitd with no configuration at all (no mirror: Docker Hub is unreachable here).
    await Promise.all([amd.start(''), arm.start('')]);
    root = tempWorkspace(
      { 'ops/daemon.json': DAEMON_JSON, 'images/hub/Dockerfile': 'FROM alpine:3.20\nRUN uname -m > /arch\n' },
      { imagePrefix: 'e2e-scale/', builder: builderOptions() },
    );
  }, 120_000);
  afterAll(async () => {
    docker(['buildx', 'rm', builder]);
    await Promise.all([amd?.remove(), arm?.remove()]);
    removeBuildkitBinaries();
  }, 120_000);

  it('builder-setup says once what the nodes need, and measures them once they have it', async () => {
    const first = await nxAsync(['run', `${WORKSPACE}:builder-setup`], root);
    expect({ status: first.status, tail: first.output.slice(-2000) }).toMatchObject({ status: 0 });
    expect(first.output).toContain(
      `remote BuildKit nodes read their own buildkitd.toml, which nx-multiarch cannot change: copy ${configFile()}`,
    );
    expect(first.output).toContain(`${builder}0 (${amd.address}), armnode (${arm.address})`);
    // Without the mirror the nodes cannot pull the probe image: said, and the declared platforms taken.
    expect(first.output).toMatch(
      /could not ask the builder's nodes what they run natively \(busybox:1\.36 probe: .*registry-1\.docker\.io/,
    );
    expect(readFileSync(configFile(), 'utf8')).toMatch(/mirrors = \[ ?"127\.0\.0\.1:5000" ?\]/);

    // The operator does what the note says: the generated file on each node, buildkitd restarted.
    const generated = readFileSync(configFile(), 'utf8');
    await Promise.all([amd.kill(), arm.kill()]);
    await Promise.all([amd.start(generated), arm.start(generated)]);

    const again = await nxAsync(['run', `${WORKSPACE}:builder-setup`, '--skip-nx-cache'], root);
    expect({ status: again.status, tail: again.output.slice(-2000) }).toMatchObject({ status: 0 });
    expect(again.output).not.toContain('remote BuildKit nodes read their own buildkitd.toml');
    expect(again.output).toContain('builds without QEMU: linux/amd64 (measured)');
    // Both "machines" are this amd64 VM: the node declared for arm64 would emulate, and builder-setup says so.
    expect(again.output).toContain(
      `node armnode (${arm.address}) is declared for linux/arm64 but its machine is x86_64: linux/arm64 builds there ` +
        'run under QEMU',
    );
    const state = JSON.parse(readFileSync(join(root, '.nx-multiarch/builder.json'), 'utf8'));
    expect(state.platformNodes).toEqual([
      { arch: 'amd64', node: `${builder}0`, endpoint: amd.address, machine: 'x86_64', native: 'amd64' },
      { arch: 'arm64', node: 'armnode', endpoint: arm.address, machine: 'x86_64', native: 'amd64' },
    ]);
  }, 300_000);

  it('builds each platform on the node declared for it: the nodes’ own histories say so', async () => {
    const nonce = `scale-${Date.now()}`;
    const dockerfile = join(root, 'images/hub/Dockerfile');
    writeFileSync(dockerfile, `FROM alpine:3.20\nRUN echo ${nonce} && uname -m > /arch\n`);
    const run = await nxAsync(['run', 'hub:build-image', '--platform=amd64,arm64'], root);
    expect({ status: run.status, tail: run.output.slice(-6000) }).toMatchObject({ status: 0 });
    expect([ranOn(amd, 'linux/amd64', nonce), ranOn(amd, 'linux/arm64', nonce)]).toEqual([1, 0]);
    expect([ranOn(arm, 'linux/arm64', nonce), ranOn(arm, 'linux/amd64', nonce)]).toEqual([1, 0]);
    // Loaded into the lab's daemon from the remote nodes, each the platform it says.
    for (const [arch, machine] of [
      ['amd64', 'x86_64'],
      ['arm64', 'aarch64'],
    ]) {
      expect(runImage(`e2e-scale/hub:latest-${arch}`, arch, ['cat', '/arch']).output.trim()).toBe(machine);
    }
  }, 400_000);

  it('a node that goes away mid-build: the build fails as builder-node, naming the node, and builds once it is back', async () => {
    const nonce = `gone-${Date.now()}`;
    writeFileSync(
      join(root, 'images/hub/Dockerfile'),
      `FROM alpine:3.20\nRUN echo ${nonce} && sleep 20 && uname -m > /arch\n`,
    );
    const started = startNx(['run', 'hub:build-image', '--platform=arm64', '--attempts=2', '--retryDelay=1'], root);
    await waitFor('the arm64 RUN step on armnode', () => stepRuns(root, 'hub', nonce), 240_000);
    const generated = readFileSync(configFile(), 'utf8');
    await arm.kill();
    const run = await started.exited;
    expect(run.status).not.toBe(0);
    const failures = failureLines(root).filter((f) => f.project === 'hub');
    expect(failures.map((f) => `${f.class}/${f.kind}`)).toEqual(['transient/builder-node', 'transient/builder-node']);
    expect(failures.map((f) => f.node)).toEqual([`armnode (${arm.address})`, `armnode (${arm.address})`]);
    expect(run.output).toContain(
      `the BuildKit node armnode (${arm.address}), which builds linux/arm64, stopped answering`,
    );

    await arm.start(generated);
    const again = await nxAsync(['run', 'hub:build-image', '--platform=arm64'], root);
    expect({ status: again.status, tail: again.output.slice(-2000) }).toMatchObject({ status: 0 });
    expect(ranOn(arm, 'linux/arm64', nonce)).toBe(1);
    expect(existsSync(arm.log)).toBe(true);
  }, 400_000);

  it('two CI machines, one remote cache and one registry: the second reuses what the first pushed, builds the rest', async () => {
    const nonce = `clones-${Date.now()}`;
    const prefix = `e2e-clones-${Date.now()}/`;
    const cache = await startRemoteCache();
    try {
      const a = tempWorkspace(
        {
          ...cloneFiles(nonce),
          'nx.json': JSON.stringify({
            plugins: [
              {
                plugin: 'nx-multiarch',
                options: { registry: LAB_REGISTRY, imagePrefix: prefix, builder: builderOptions() },
              },
            ],
            // Pushed only: the registry is then the one place the image is, where another machine finds it.
            targetDefaults: { 'push-image': { options: { load: false } }, check: { cache: true } },
          }),
        },
        {},
      );
      git(a, ['init', '-q']);
      git(a, ['add', '-A']);
      git(a, ['commit', '-q', '-m', 'platform']);
      const b = `${a}-clone`;
      git(a, ['clone', '-q', a, b]);
      symlinkSync(readlinkSync(join(a, 'node_modules')), join(b, 'node_modules'));

      const targets = ['run-many', '-t', 'push-image,check', '--platform=amd64,arm64'];
      const first = await nxAsync([...targets, '--projects=hub,tools'], a, cache.env);
      expect({ status: first.status, tail: first.output.slice(-3000) }).toMatchObject({ status: 0 });
      const pushedHub = JSON.parse(readFileSync(join(a, 'dist/pushed/hub/hub-arm64.json'), 'utf8'));
      const hubBuilds = () => ranOn(amd, 'linux/amd64', `${nonce}-hub`) + ranOn(arm, 'linux/arm64', `${nonce}-hub`);
      expect(hubBuilds()).toBe(2);

      const second = await nxAsync(targets, b, cache.env);
      expect({ status: second.status, tail: second.output.slice(-3000) }).toMatchObject({ status: 0 });
      for (const platform of ['linux/amd64', 'linux/arm64']) {
        expect(second.output).toContain(
          `✔ hub ${platform} reused (same inputs, pushed by another machine: found in the registry)`,
        );
        expect(second.output).toMatch(new RegExp(`✔ api ${platform} built in`));
      }
      // No build of hub ran anywhere for the second machine; api, never pushed, was built on each node.
      expect(hubBuilds()).toBe(2);
      expect([ranOn(amd, 'linux/amd64', `${nonce}-api`), ranOn(arm, 'linux/arm64', `${nonce}-api`)]).toEqual([1, 1]);
      // Its record names the very manifest the first machine pushed, which the registry serves under the tag.
      const reused = JSON.parse(readFileSync(join(b, 'dist/pushed/hub/hub-arm64.json'), 'utf8'));
      expect(reused).toMatchObject({ status: 'reused', fromRegistry: true, digest: pushedHub.digest });
      expect((await getManifest(`${prefix}hub`, 'latest-arm64'))?.digest).toBe(pushedHub.digest);
      expect(await getManifest(`${prefix}api`, 'latest-arm64')).toBeDefined();
      // The workspace's own cacheable target came from the shared cache.
      expect(second.output).toMatch(/nx run tools:check.*\[remote cache\]/);
      expect(cache.requests.filter((r) => r.method === 'GET' && r.status === 200).length).toBeGreaterThan(0);
    } finally {
      await cache.close();
    }
  }, 600_000);
});

const git = (cwd: string, args: string[]) =>
  execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', ...args], { cwd, timeout: 60_000 });

/** A small platform as a repository holds it: two components and a project with a cacheable check. */
function cloneFiles(nonce: string): Record<string, string> {
  return {
    '.gitignore': 'node_modules\n.nx\ndist\n.nx-multiarch\n.env\ntools/out\n',
    'ops/daemon.json': DAEMON_JSON,
    'images/hub/Dockerfile': `FROM alpine:3.20\nRUN echo ${nonce}-hub && uname -m > /arch\n`,
    'images/api/Dockerfile': `FROM alpine:3.20\nRUN echo ${nonce}-api && uname -m > /arch\n`,
    'tools/project.json': JSON.stringify({
      name: 'tools',
      targets: {
        check: {
          executor: 'nx:run-commands',
          outputs: ['{projectRoot}/out'],
          options: {
            forwardAllArgs: false,
            command:
              "node -e \"require('fs').mkdirSync('tools/out',{recursive:true});require('fs').writeFileSync('tools/out/checked.txt','ok')\"",
          },
        },
      },
    }),
  };
}

describe('scale-out: a docker-container builder with a node appended on another Docker host', () => {
  const builder = `e2e-appended-${process.pid}`;
  let other: OwnDockerd;
  let root: string;
  // The BuildKit container of a node keeps its history: asked through the Docker host it runs on.
  const nodeBuilds = (container: string, env: Record<string, string> = {}) =>
    parseHistories(docker(['exec', container, 'buildctl', 'debug', 'histories', '--format', '{{json .}}'], env).output);

  beforeAll(async () => {
    other = await ownDockerd(1024);
    root = tempWorkspace(
      { 'ops/daemon.json': DAEMON_JSON, 'images/hub/Dockerfile': 'FROM alpine:3.20\nRUN uname -m > /arch\n' },
      {
        imagePrefix: 'e2e-appended/',
        builder: {
          name: builder,
          driver: 'docker-container',
          platforms: ['amd64'],
          nodes: [{ name: 'armbox', endpoint: other.host, platforms: ['arm64'] }],
          daemonConfig: 'ops/daemon.json',
          timeout: 300,
        },
      },
    );
  }, 120_000);
  afterAll(async () => {
    docker(['buildx', 'rm', builder]);
    await other?.remove();
  }, 180_000);

  it('builder-setup gives both nodes the generated buildkitd.toml; each platform builds on its own Docker host', async () => {
    const setup = await nxAsync(['run', `${WORKSPACE}:builder-setup`], root);
    expect({ status: setup.status, tail: setup.output.slice(-2000) }).toMatchObject({ status: 0 });
    expect(setup.output).toContain(`--node armbox --driver docker-container`);
    expect(setup.output).toContain(`node armbox (${other.host}) is declared for linux/arm64 but its machine is x86_64`);
    expect(docker(['ps', '--format', '{{.Names}}'], other.env).output).toContain('buildx_buildkit_armbox');

    const nonce = `appended-${Date.now()}`;
    writeFileSync(join(root, 'images/hub/Dockerfile'), `FROM alpine:3.20\nRUN echo ${nonce} && uname -m > /arch\n`);
    const run = await nxAsync(['run', 'hub:build-image', '--platform=amd64,arm64'], root);
    expect({ status: run.status, tail: run.output.slice(-3000) }).toMatchObject({ status: 0 });
    const ran = (builds: ReturnType<typeof nodeBuilds>, platform: string) =>
      builds.filter((b) => b.platform === platform && b.steps.some((s) => s.includes(nonce))).length;
    const local = nodeBuilds(`buildx_buildkit_${builder}0`);
    const appended = nodeBuilds('buildx_buildkit_armbox', other.env);
    // Docker Hub is unreachable: armbox pulled alpine through the mirror its generated buildkitd.toml names.
    expect([ran(local, 'linux/amd64'), ran(local, 'linux/arm64')]).toEqual([1, 0]);
    expect([ran(appended, 'linux/arm64'), ran(appended, 'linux/amd64')]).toEqual([1, 0]);
    expect(runImage('e2e-appended/hub:latest-arm64', 'arm64', ['cat', '/arch']).output.trim()).toBe('aarch64');
  }, 600_000);
});
