import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, nx, nxAsync, tempWorkspace } from './workspace';

// Real buildx (0.13 installed, 0.29 from sid under its own DOCKER_CONFIG) creating docker-container
// builders. They are not bootstrapped: privileged containers cannot start on this VM (see README).
const BUILDX = [
  ['0.13', {}],
  ['0.29', { DOCKER_CONFIG: process.env.LAB_BUILDX_ALT_CONFIG ?? '/var/lib/nx-multiarch-lab/buildx-sid' }],
] as const;

function daemonJson(mirrors: string[]): string {
  return JSON.stringify({
    'registry-mirrors': mirrors,
    'insecure-registries': ['harbor.corp.example', '10.0.0.0/8'],
    proxies: {
      'http-proxy': 'http://build:s3cret@127.0.0.1:3128',
      'https-proxy': 'http://build:s3cret@127.0.0.1:3128',
      'no-proxy': 'localhost,127.0.0.1',
    },
  });
}

describe.each(BUILDX)('builder-setup with buildx %s', (version, env) => {
  const builder = `e2e-builder-${version.replace('.', '-')}`;
  const mirrors = [
    `http://${process.env.LAB_REGISTRY ?? '127.0.0.1:5000'}`,
    'https://mirror.gcr.io',
    'https://harbor.corp.example/v2/proxy/',
  ];
  let root: string;
  let project: string;

  beforeAll(() => {
    root = tempWorkspace(
      { 'ops/daemon.json': daemonJson(mirrors), 'images/app/Dockerfile': 'FROM alpine:3.20\n' },
      {
        builder: {
          name: builder,
          driver: 'docker-container',
          daemonConfig: 'ops/daemon.json',
          bootstrap: false,
          certsDir: 'certs.d',
        },
      },
    );
    mkdirSync(join(root, 'certs.d/harbor.corp.example'), { recursive: true });
    writeFileSync(join(root, 'certs.d/harbor.corp.example/ca.crt'), '-----BEGIN CERTIFICATE-----\n');
    project = 'e2e-workspace';
    docker(['buildx', 'rm', builder], env);
  });
  afterAll(() => docker(['buildx', 'rm', builder], env));

  const inspect = () => docker(['buildx', 'inspect', builder], env).output;
  // buildx prints driver options and stored files in map order, which changes from call to call.
  const state = () =>
    inspect()
      .split('\n')
      .map((line) => (line.startsWith('Driver Options:') ? (line.match(/\S+="[^"]*"/g) ?? []).sort().join(' ') : line))
      .sort()
      .join('\n');

  it('creates a host-network builder with the entitlement, the proxies and the generated config', () => {
    const { status, output } = nx(['run', `${project}:builder-setup`], root, env);
    expect({ status, output }).toMatchObject({ status: 0 });
    expect(output).toContain(`builder ${builder} (docker-container, buildx ${version}`);
    expect(output).toMatch(/: created/);
    expect(output).not.toContain('s3cret');
    const inspected = inspect();
    expect(inspected).toContain('network="host"');
    expect(inspected).toContain('env.https_proxy="http://build:s3cret@127.0.0.1:3128"');
    expect(inspected).toMatch(/BuildKit daemon flags:\s+--allow-insecure-entitlement network.host/);
    if (version === '0.29') {
      // buildx >= 0.14 shows the config it stored: every mirror, the http and insecure registries, the CA.
      expect(inspected).toContain('mirrors = ["127.0.0.1:5000", "mirror.gcr.io", "harbor.corp.example/v2/proxy"]');
      expect(inspected).toMatch(/\[registry\."127\.0\.0\.1:5000"\]\s+> +http = true/);
      expect(inspected).toMatch(
        /\[registry\."harbor\.corp\.example"\]\s+> +ca = \["\/etc\/buildkit\/certs\/harbor\.corp\.example\/ca\.crt"\]\s+> +insecure = true/,
      );
    }
  });

  it('changes nothing on a second run: Nx restores it, its hasher having found the builder as it was left', () => {
    const before = state();
    const { status, output } = nx(['run', `${project}:builder-setup`], root, env);
    expect(status).toBe(0);
    expect(output).toMatch(new RegExp(`nx run ${project}:builder-setup +\\[(local cache|existing outputs match)`));
    expect(state()).toBe(before);
    // Asked to run anyway, it finds nothing to do.
    const forced = nx(['run', `${project}:builder-setup`, '--skip-nx-cache'], root, env);
    expect(forced.output).toMatch(/: unchanged/);
    expect(state()).toBe(before);
  });

  it('recreates the builder when daemon.json changes', () => {
    writeFileSync(join(root, 'ops/daemon.json'), daemonJson([...mirrors, 'https://mirror2.corp.example']));
    const { status, output } = nx(['run', `${project}:builder-setup`], root, env);
    expect(status).toBe(0);
    expect(output).toContain(
      `builder ${builder} is out of date (node ${builder}0 was set up from other options or another buildkitd.toml); recreating it`,
    );
    expect(output).toMatch(/: recreated/);
    if (version === '0.29') expect(inspect()).toContain('"mirror2.corp.example"');
  });

  it('--dryRun prints the argv and TOML with credentials redacted, and changes nothing', () => {
    writeFileSync(join(root, 'ops/daemon.json'), daemonJson(mirrors));
    const before = state();
    const { status, output } = nx(['run', `${project}:builder-setup`, '--dryRun'], root, env);
    expect(status).toBe(0);
    expect(output).toContain(`would run: docker buildx create --name ${builder}`);
    expect(output).toContain('env.http_proxy=http://***@127.0.0.1:3128');
    expect(output).toContain('mirrors = [ "127.0.0.1:5000", "mirror.gcr.io", "harbor.corp.example/v2/proxy" ]');
    expect(output).not.toContain('s3cret');
    expect(state()).toBe(before);
  });

  it('two setups at once do not race: one creates, the other finds it done', async () => {
    docker(['buildx', 'rm', builder], env);
    const runs = await Promise.all([
      nxAsync(['run', `${project}:builder-setup`], root, env),
      nxAsync(['run', `${project}:builder-setup`], root, env),
    ]);
    expect(runs.map((r) => r.status)).toEqual([0, 0]);
    const outcomes = runs.map((r) => /: (created|unchanged|recreated)\b/.exec(r.output)?.[1]).sort();
    expect(outcomes).toEqual(['created', 'unchanged']);
  });

  it('a malformed daemon.json fails with its path and leaves the builder as it was', () => {
    const before = state();
    writeFileSync(join(root, 'ops/daemon.json'), '{ "registry-mirrors": [ }');
    const { status, output } = nx(['run', `${project}:builder-setup`], root, env);
    expect(status).not.toBe(0);
    expect(output).toContain(`${join(root, 'ops/daemon.json')}: (file): not valid JSON`);
    expect(state()).toBe(before);
  });

  it('the failure is logged and the run report explains it: config, the file named, and the remedy', () => {
    const runs = join(root, '.nx-multiarch/runs');
    const record = JSON.parse(
      readFileSync(join(runs, readFileSync(join(runs, 'last-run'), 'utf8').trim(), 'run.json'), 'utf8'),
    );
    expect(record.success).toBe(false);
    expect(record.taskProblems).toEqual([
      {
        task: `${project}:builder-setup`,
        failure: {
          class: 'permanent',
          kind: 'config',
          evidence: expect.stringContaining(`${join(root, 'ops/daemon.json')}: (file): not valid JSON`),
        },
        remedy: expect.stringMatching(
          /^bad configuration: the message names the file, the field and the fix\. Check: /,
        ),
      },
    ]);
    const logged = readFileSync(join(root, '.nx-multiarch/failures.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(logged.at(-1)).toMatchObject({ operation: 'builder-setup', project, kind: 'config', run: record.id });
  });
});

describe('builder-setup with a node declared for arm64 (a Docker context standing in for an arm64 machine)', () => {
  const builder = 'e2e-builder-native';
  // The lab has one daemon: a Docker context to it stands in for the arm64 machine (buildx refuses the same endpoint
  // twice, and connects to a node's endpoint when it creates it; the node is never booted).
  const endpoint = 'e2e-arm64-node';
  const setup = (nodes: unknown[]) =>
    tempWorkspace(
      { 'images/app/Dockerfile': 'FROM alpine:3.20\n' },
      { builder: { name: builder, driver: 'docker-container', bootstrap: false, platforms: ['amd64'], nodes } },
    );
  const stateOf = (root: string) => JSON.parse(readFileSync(join(root, '.nx-multiarch/builder.json'), 'utf8'));
  beforeAll(() => {
    docker(['buildx', 'rm', builder]);
    docker(['context', 'rm', '-f', endpoint]);
    const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    expect(docker(['context', 'create', endpoint, '--docker', `host=${host}`]).status).toBe(0);
  });
  afterAll(() => {
    docker(['buildx', 'rm', builder]);
    docker(['context', 'rm', '-f', endpoint]);
  });

  it('appends the node with its platform, and measures it: the stand-in "arm64 machine" is this VM, so arm64 emulates', () => {
    const root = setup([{ name: 'arm64-native', endpoint, platforms: ['arm64'] }]);
    const { status, output } = nx(['run', 'e2e-workspace:builder-setup'], root);
    expect({ status, output }).toMatchObject({ status: 0 });
    expect(docker(['buildx', 'inspect', builder]).output).toMatch(
      /Name:\s+arm64-native\s+Endpoint:\s+e2e-arm64-node[\s\S]*Platforms:\s+linux\/arm64\*/,
    );
    // Declared is not native: the probe ran `uname -m` on the node and the kernel said x86_64.
    expect(output).toContain(
      'node arm64-native (e2e-arm64-node) is declared for linux/arm64 but its machine is x86_64',
    );
    expect(output).toContain('builds without QEMU: linux/amd64 (measured)');
    expect(stateOf(root)).toMatchObject({
      nativePlatforms: ['amd64'],
      platformNodes: [
        { arch: 'amd64', node: `${builder}0`, machine: 'x86_64', native: 'amd64' },
        { arch: 'arm64', node: 'arm64-native', endpoint, machine: 'x86_64', native: 'amd64' },
      ],
    });
  });

  it('without the node, arm64 runs under QEMU: only the Docker host is native', () => {
    const root = setup([]);
    const { status, output } = nx(['run', 'e2e-workspace:builder-setup'], root);
    expect({ status, output }).toMatchObject({ status: 0 });
    expect(output).toContain('builds without QEMU: linux/amd64\n');
    expect(stateOf(root).nativePlatforms).toEqual(['amd64']);
  });
});
