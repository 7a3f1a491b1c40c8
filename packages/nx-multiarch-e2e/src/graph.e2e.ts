import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labEnv } from './lab';
import { docker, nx, tempWorkspace } from './workspace';

const SERVICE = {
  'images/svc/Dockerfile':
    'FROM alpine:3.20\nRUN mkdir -p /srv && echo ok > /srv/health\nCMD ["httpd", "-f", "-p", "8080", "-h", "/srv"]\n',
};

function serviceConsumer(health: string, timeout: number): Record<string, string> {
  return {
    ...SERVICE,
    'images/app/Dockerfile':
      'FROM alpine:3.20\nARG SVC\nRUN printf "GET /health HTTP/1.0\\r\\n\\r\\n" | nc -w 5 ${SVC%:*} ${SVC##*:} | grep " 200 "\n',
    'images/app/multiarch.json': JSON.stringify({
      phase: 'dependent',
      services: [{ project: 'svc', port: 8080, health, timeout, buildArgs: { SVC: '{ip}:{port}' } }],
    }),
  };
}

const serviceContainers = () =>
  docker(['ps', '-a', '--filter', 'label=nx-multiarch.service=svc', '--format', '{{.Names}}']).output.trim();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `nx run app:build-image` the way a terminal does, waits for `ready`, then presses Ctrl-C: the terminal sends
 * SIGINT to the whole foreground process group. Returns nx's exit code and the service containers left the moment
 * nx has exited: Nx waits for the task's process, and build-image ends only once its services are gone, so there is
 * nothing to wait for (a container found later was left behind by a process that had already ended).
 */
async function interrupt(root: string, ready: (containers: string) => boolean, env: Record<string, string> = {}) {
  // Only this run's containers: one an earlier test left behind fails that test, not this one too.
  const before = serviceContainers().split('\n');
  const containers = () =>
    serviceContainers()
      .split('\n')
      .filter((name) => name && !before.includes(name))
      .join('\n');
  const child = spawn(join(root, 'node_modules/.bin/nx'), ['run', 'app:build-image', '--platform=amd64'], {
    cwd: root,
    env: { ...process.env, ...labEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...env },
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 300_000;
  while (!ready(containers()) && Date.now() < deadline) await sleep(100);
  const running = containers();
  process.kill(-(child.pid as number), 'SIGINT');
  const code = await exited;
  return { running, code, left: containers() };
}

/**
 * A directory whose `docker` is the real CLI started late, as on a saturated machine, where an interrupt lands
 * before a `docker` command has reached the daemon; it touches `inspecting` while a `container inspect` starts.
 */
function slowDocker(root: string, seconds: number): { path: string; inspecting: string } {
  const real = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
  const bin = join(root, 'slow-docker');
  const inspecting = join(root, 'inspecting');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/sh\n[ "$1 $2" = "container inspect" ] && : > '${inspecting}'\nsleep ${seconds}\nexec '${real}' "$@"\n`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return { path: `${bin}:${process.env.PATH}`, inspecting };
}

// Nx prints `[local cache]` or `[existing outputs match the cache, left as is]` after a task it did not run.
const fromCache = (output: string, task: string) =>
  new RegExp(`nx run ${task.replace(':', ':')}.*\\[(local cache|existing outputs match the cache)`).test(output);

describe('build-time services', () => {
  it('runs the service for the build and removes it afterwards', () => {
    const root = tempWorkspace(serviceConsumer('/health', 30), { imagePrefix: 'e2e-svc/' });
    const { status, output } = nx(['run', 'app:build-image', '--platform=amd64'], root);
    expect({ status, tail: output.split('\n').slice(-20).join('\n') }).toMatchObject({ status: 0 });
    expect(output).toMatch(/svc \(amd64\) is healthy at http:\/\/[\d.]+:8080\/health/);
    expect(output).toMatch(/--build-arg SVC=[\d.]+:8080 --add-host svc:[\d.]+/);
    expect(serviceContainers()).toBe('');
  });

  it('fails the dependent with the service health reason, not a build error', () => {
    const root = tempWorkspace(serviceConsumer('/missing', 3), { imagePrefix: 'e2e-svc/' });
    const { status, output } = nx(['run', 'app:build-image', '--platform=amd64'], root);
    expect(status).not.toBe(0);
    expect(output).toMatch(
      /nx-multiarch: app: build-time service svc \(e2e-svc\/svc:latest-amd64\) for app's amd64 build did not become healthy: GET http:\/\/[\d.]+:8080\/missing did not succeed within 3 s \(last: HTTP 404\)/,
    );
    // The service never became healthy: nothing was built (no progress from app's build).
    expect(output).not.toContain('[app linux/amd64]');
    // The run report's cell says so, with the remedy for a service.
    const runDir = join(
      root,
      '.nx-multiarch/runs',
      readFileSync(join(root, '.nx-multiarch/runs/last-run'), 'utf8').trim(),
    );
    const cells = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).cells;
    const app = cells.find((c: { row: string }) => c.row === 'app');
    expect(app).toMatchObject({
      status: 'failed',
      failure: { class: 'permanent', kind: 'service' },
      remedy: expect.stringContaining('a build-time service did not start or become healthy'),
    });
    // It gave up after the service's 3 s, not the 120 s of the default timeout: the time of app's cell
    // (starting the service, waiting, removing it), not of the whole nx run, which a busy machine stretches.
    expect(app.durationMs).toBeLessThan(60_000);
    expect(serviceContainers()).toBe('');
  });

  it('removes the service when the run is interrupted (Ctrl-C), before nx exits', async () => {
    const root = tempWorkspace(serviceConsumer('/missing', 300), { imagePrefix: 'e2e-svc/' });
    // As soon as the container exists: `docker run` may still be starting it.
    const { running, code, left } = await interrupt(root, (containers) => containers !== '');
    expect(running).toMatch(/^nx-multiarch-app-svc-amd64-/);
    expect(code).not.toBe(0);
    expect(left).toBe('');
  });

  it('removes the service when Ctrl-C lands on a docker command and Nx then kills every process of the task', async () => {
    // Before: process/exec.ts passed the SIGINT on to the `docker rm` the interrupt had just started, Nx's SIGTERM
    // to every process under the task (tree-kill) killed the next one before it reached the daemon, and the failed
    // health check let build-image return, so Nx's runner ended the process with the service still running.
    const root = tempWorkspace(serviceConsumer('/missing', 300), { imagePrefix: 'e2e-svc/' });
    const docker = slowDocker(root, 0.5);
    const { running, code, left } = await interrupt(root, () => existsSync(docker.inspecting), { PATH: docker.path });
    expect(running).toMatch(/^nx-multiarch-app-svc-amd64-/);
    expect(code).not.toBe(0);
    expect(left).toBe('');
  });

  it('refuses to feed an arm64 build from a service that only exists for amd64', () => {
    const files = serviceConsumer('/health', 30);
    files['images/svc/multiarch.json'] = JSON.stringify({ platforms: ['amd64'] });
    const root = tempWorkspace(files, { imagePrefix: 'e2e-svc/' });
    const { status, output } = nx(['run', 'app:build-image', '--platform=arm64'], root);
    expect(status).not.toBe(0);
    expect(output).toContain(
      'services[svc].platform is match, but svc builds only amd64, so it cannot serve the arm64 build',
    );
    expect(serviceContainers()).toBe('');
  });
});

describe('templates', () => {
  const files = {
    '.env.example': 'ALPINE_VERSION=3.20\nGREETING=hello\nDB_PASSWORD=not-for-builds\n',
    'images/web/Dockerfile.tpl':
      'ARG ALPINE_VERSION={{ALPINE_VERSION}}\nFROM alpine:${ALPINE_VERSION}\nARG DB_PASSWORD\nRUN echo "{{GREETING}}" > /greeting\n',
  };

  it('renders once, from .env created from .env.example, and again only when a value changes', () => {
    const root = tempWorkspace(files, { imagePrefix: 'e2e-tpl/' });
    const first = nx(['run', 'web:build-image', '--platform=amd64'], root);
    expect({ status: first.status, tail: first.output.split('\n').slice(-20).join('\n') }).toMatchObject({ status: 0 });
    expect(first.output).toContain('nx-multiarch: created .env from .env.example');
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe(files['.env.example']);
    expect(readFileSync(join(root, 'images/web/Dockerfile'), 'utf8')).toContain('RUN echo "hello" > /greeting');
    // Declared, but named like a secret: withheld, and its value is never printed.
    expect(first.output).toContain('not passing DB_PASSWORD from .env as build args');
    expect(first.output).not.toContain('not-for-builds');

    // Nx loads .env into the environment it hashes: the run that created .env hashed without it, so one re-render
    // (same text, file untouched), then cache hits.
    nx(['run', 'web:render'], root);
    const again = nx(['run', 'web:render'], root);
    expect(fromCache(again.output, 'web:render')).toBe(true);

    writeFileSync(join(root, '.env'), 'GREETING=bonjour\n');
    const changed = nx(['run', 'web:render'], root);
    expect(fromCache(changed.output, 'web:render')).toBe(false);
    expect(readFileSync(join(root, 'images/web/Dockerfile'), 'utf8')).toContain('RUN echo "bonjour" > /greeting');
  });

  it('fails naming every unresolved placeholder and its line, and writes nothing', () => {
    const root = tempWorkspace(
      {
        ...files,
        'images/web/Dockerfile.tpl': `${files['images/web/Dockerfile.tpl']}LABEL owner={{OWNER}} build={{BUILD_ID}}\nENV HOME={{OWNER}}\n`,
      },
      { imagePrefix: 'e2e-tpl/' },
    );
    const { status, output } = nx(['run', 'web:build-image', '--platform=amd64'], root);
    expect(status).not.toBe(0);
    expect(output).toContain(
      'images/web/Dockerfile.tpl: placeholders: no value for OWNER (lines 5, 6), BUILD_ID (line 5). ' +
        'Fix: define OWNER, BUILD_ID in .env or .env.example',
    );
    expect(existsSync(join(root, 'images/web/Dockerfile'))).toBe(false);
  });
});

describe('the project graph', () => {
  it('reports a dependency cycle by name', () => {
    const root = tempWorkspace({
      'images/a/Dockerfile': 'FROM b:latest\n',
      'images/b/Dockerfile': 'FROM alpine:3.20\n',
      'images/b/multiarch.json': JSON.stringify({ phase: 'dependent', after: ['a'] }),
    });
    const { status, output } = nx(['show', 'projects'], root);
    expect(status).not.toBe(0);
    expect(output).toContain(
      'the components depend on each other in a cycle: a -> b (a uses its image: images/a/Dockerfile) -> a (b lists it in "after")',
    );
  });

  it('reports a bad component config naming the file and field', () => {
    const root = tempWorkspace({
      'images/a/Dockerfile': 'FROM alpine:3.20\n',
      'images/a/multiarch.json': JSON.stringify({ services: [{ project: 'a', port: 'http' }] }),
    });
    const { status, output } = nx(['show', 'projects'], root);
    expect(status).not.toBe(0);
    expect(output).toContain(
      'images/a/multiarch.json: services.0.port: Invalid input: expected number, received string',
    );
  });

  it('a change to a foundation changes its dependents hash (with caching on, the dependent rebuilds)', () => {
    const root = tempWorkspace({
      'nx.json': JSON.stringify({
        targetDefaults: { 'build-image': { cache: true } },
        plugins: [{ plugin: 'nx-multiarch', options: { builder: { driver: 'docker' }, imagePrefix: 'e2e-hash/' } }],
      }),
      'images/base/Dockerfile': 'FROM alpine:3.20\nRUN echo 1 > /base\n',
      'images/app/Dockerfile': 'FROM e2e-hash/base:latest-${TARGETARCH}\nRUN cat /base\n',
      'images/leaf/Dockerfile': 'FROM alpine:3.20\n',
    });
    const args = ['run-many', '-t', 'build-image', '--platform=amd64'];
    expect(nx(args, root).status).toBe(0);
    const cached = nx(args, root);
    for (const p of ['base', 'app', 'leaf']) expect(fromCache(cached.output, `${p}:build-image`)).toBe(true);
    writeFileSync(join(root, 'images/base/Dockerfile'), 'FROM alpine:3.20\nRUN echo 2 > /base\n');
    const changed = nx(args, root);
    expect(changed.status).toBe(0);
    expect(fromCache(changed.output, 'base:build-image')).toBe(false);
    expect(fromCache(changed.output, 'app:build-image')).toBe(false);
    expect(fromCache(changed.output, 'leaf:build-image')).toBe(true);
  });
});
