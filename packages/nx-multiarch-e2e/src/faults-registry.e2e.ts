import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authRegistry, LOGIN, type AuthRegistry } from './auth-registry';
import { dockerSnapshot, failureKinds, failureLines, fault, filesUnder, lostChecks, summary } from './fault-matrix';
import { faultProxy, type FaultProxy, interceptingRegistry } from './fault-servers';
import { labEnv } from './lab';
import { getManifest, type Manifest, MEDIA } from './registry';
import { docker, imagePlatform, nxAsync, tempWorkspace } from './workspace';

// The fault matrix, part two: a proxy in the builder's path and registries that misbehave in ways the lab's shared
// registry cannot (a login, a push cut off, a wrong platform, a stall). Rows go to the same table (docs/reliability.md).

const WORKSPACE = 'e2e-workspace';
const LAB_REGISTRY = process.env.LAB_REGISTRY ?? '127.0.0.1:5000';
// The lab registry under a name: Go proxies names, never literal loopback addresses.
const NAMED = process.env.LAB_REGISTRY_NAMED ?? 'registry.lab.test:5000';

describe("fault matrix: a proxy in the builder's path", () => {
  const password = `pr0xy-${Date.now()}`;
  const builder = 'e2e-fault-proxy';
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await faultProxy('build', password);
  });
  afterAll(async () => {
    await proxy.close();
    docker(['buildx', 'rm', builder]);
  });

  /** A component FROM busybox on a container builder whose daemon.json sends every pull through the proxy. */
  function proxied(): string {
    const daemon = {
      'registry-mirrors': [`http://${NAMED}`],
      'insecure-registries': [NAMED],
      proxies: { 'http-proxy': proxy.url, 'https-proxy': proxy.url },
    };
    return tempWorkspace(
      {
        'images/fm-proxied/Dockerfile': `FROM busybox:1.36\nRUN echo ${Date.now()}\n`,
        'ops/daemon.json': JSON.stringify(daemon),
      },
      {
        imagePrefix: 'e2e-faults/',
        builder: { driver: 'docker-container', name: builder, daemonConfig: 'ops/daemon.json' },
        prefetch: { attempts: 2, retryDelay: 0.2, maxRetryDelay: 1, attemptTimeout: 4 },
      },
    );
  }

  /** Sets the proxy up as healthy for builder-setup, then switches it to `mode` and runs the build. */
  async function throughProxy(mode: FaultProxy['mode']) {
    const root = proxied();
    proxy.mode = 'forward';
    const setup = await nxAsync(['run', `${WORKSPACE}:builder-setup`], root);
    expect({ status: setup.status, output: setup.output.slice(-2000) }).toMatchObject({ status: 0 });
    const before = dockerSnapshot();
    proxy.mode = mode;
    const seen = proxy.requests.length;
    const started = Date.now();
    const run = await nxAsync(['run', 'fm-proxied:build-image', '--platform=amd64'], root);
    const seconds = (Date.now() - started) / 1000;
    const leaks = [
      ...(run.output.includes(password) ? ['the output'] : []),
      ...filesUnder(join(root, '.nx-multiarch')).filter((file) => readFileSync(file, 'utf8').includes(password)),
    ];
    return { root, run, seconds, leaks, reached: proxy.requests.length - seen, before };
  }

  const redacted = () => `http://***@127.0.0.1:${proxy.port}`;

  fault(
    'a proxy that resets every connection',
    'transient reset, retried (2 attempts), then failed; the retry lines and the remedy name the proxy, never its password',
    async () => {
      const { root, run, leaks, reached, before } = await throughProxy('reset');
      const result = summary(run.output, 'busybox:1.36');
      expect(result).toMatchObject({ status: 'FAILED', attempts: 2 });
      expect(failureKinds(root)).toEqual(['transient/reset', 'transient/reset']);
      expect(run.output).toContain(`failed (transient, reset: `);
      expect(run.output).toContain(`through the proxy ${redacted()}; retrying in`);
      expect(run.output).toContain(`(the request went through the proxy ${redacted()}); it was retried`);
      expect(reached).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
      return {
        outcome: `failed: transient reset x2 in ${result.seconds} s, the proxy named (password in 0 places)`,
        lost: lostChecks(root, run, { before }),
      };
    },
  );

  fault(
    'a proxy that accepts connections and never answers',
    'each attempt killed at attemptTimeout (4 s): transient timeout x2, then failed; the remedy names the proxy',
    async () => {
      const { root, run, leaks, reached, before } = await throughProxy('blackhole');
      const result = summary(run.output, 'busybox:1.36');
      expect(result).toMatchObject({ status: 'FAILED', attempts: 2 });
      expect(result.seconds).toBeGreaterThanOrEqual(8);
      expect(result.seconds).toBeLessThan(30);
      expect(failureKinds(root)).toEqual(['transient/timeout', 'transient/timeout']);
      expect(failureLines(root).every((line) => line.timedOut)).toBe(true);
      expect(run.output).toContain(
        `did not answer in time (slow link, dead proxy or a route that drops packets) (the request went through the proxy ${redacted()})`,
      );
      expect(reached).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
      return {
        outcome: `failed: transient timeout x2 in ${result.seconds} s, the proxy named`,
        lost: lostChecks(root, run, { before }),
      };
    },
  );

  fault(
    'a proxy that answers 407 Proxy Authentication Required',
    'permanent proxy-auth: 1 attempt, no retry; the remedy names the proxy and where its credentials go',
    async () => {
      const { root, run, leaks, reached, before } = await throughProxy('auth-required');
      const result = summary(run.output, 'busybox:1.36');
      expect(result).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(failureKinds(root)).toEqual(['permanent/proxy-auth']);
      expect(run.output).toContain('not retrying: another attempt cannot fix this');
      expect(run.output).toContain(
        `-> the proxy ${redacted()} asked for credentials (407) it did not get or did not accept. Check: put user:password in the proxy URL (daemon.json "proxies" for the builder`,
      );
      expect(reached).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
      return {
        outcome: `failed: permanent proxy-auth, 1 attempt in ${result.seconds} s; remedy names the proxy`,
        lost: lostChecks(root, run, { before }),
      };
    },
  );
});

/** Runs `docker login` into a DOCKER_CONFIG of its own: the password on stdin, as a CI job does. */
function login(host: string, user: string, password: string): string {
  const config = mkdtempSync(join(tmpdir(), 'nx-fault-docker-config-'));
  const result = spawnSync('docker', ['login', '--username', user, '--password-stdin', host], {
    env: { ...process.env, ...labEnv(), DOCKER_CONFIG: config },
    input: password,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`docker login ${host} failed: ${result.stderr}`);
  return config;
}

/** Credentials that once worked and no longer do: what a rotated password or an expired token leaves in config.json. */
function staleLogin(host: string, user: string): string {
  const config = mkdtempSync(join(tmpdir(), 'nx-fault-docker-config-'));
  const auth = Buffer.from(`${user}:rotated-${Date.now()}`).toString('base64');
  writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }));
  return config;
}

/** The platforms of an index in a registry that requires a login, read through its HTTP API. */
async function indexPlatforms(host: string, repository: string, tag: string): Promise<string[]> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    headers: {
      Accept: `${MEDIA.ociIndex}, ${MEDIA.dockerList}`,
      Authorization: `Basic ${Buffer.from(`${LOGIN.user}:${LOGIN.password}`).toString('base64')}`,
    },
  });
  if (!response.ok) return [`HTTP ${response.status}`];
  const index = (await response.json()) as Manifest;
  return (index.manifests ?? [])
    .filter((d) => d.platform?.architecture !== 'unknown')
    .map((d) => `${d.platform?.os}/${d.platform?.architecture}`)
    .sort();
}

describe('fault matrix: a registry that requires a login (docker-registry with htpasswd)', () => {
  let registry: AuthRegistry;
  beforeAll(async () => {
    registry = await authRegistry();
  });
  afterAll(() => registry.close());

  const workspace = () =>
    tempWorkspace(
      { 'images/fm-login/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} > /nonce\n` },
      { imagePrefix: 'e2e-faults-login/', registry: registry.host, manifest: { attempts: 2, retryDelay: 0.2 } },
    );

  fault(
    'a registry that requires a login, after docker login',
    'push-image and manifest publish amd64 + arm64 with the credentials docker login stored; none printed or copied',
    async () => {
      const config = login(registry.host, LOGIN.user, LOGIN.password);
      const root = workspace();
      const before = dockerSnapshot();
      const run = await nxAsync(['run-many', '-t', 'manifest', '--platform=amd64,arm64'], root, {
        DOCKER_CONFIG: config,
      });
      expect({ status: run.status, tail: run.output.slice(-3000) }).toMatchObject({ status: 0 });
      expect(await indexPlatforms(registry.host, 'e2e-faults-login/fm-login', 'latest')).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
      const auth = Buffer.from(`${LOGIN.user}:${LOGIN.password}`).toString('base64');
      const leaks = [LOGIN.password, auth].filter(
        (secret) =>
          run.output.includes(secret) ||
          filesUnder(join(root, '.nx-multiarch')).some((f) => readFileSync(f, 'utf8').includes(secret)),
      );
      expect(leaks).toEqual([]);
      return {
        outcome: 'pushed both platforms and published the index; the password (and its base64) in 0 places',
        lost: lostChecks(root, run, { failed: false, before }),
      };
    },
    300_000,
  );

  fault(
    'a registry that requires a login, with stale credentials',
    'permanent unauthorized: 1 attempt, the remedy says docker login <registry>; failed within 60 s',
    async () => {
      const config = staleLogin(registry.host, LOGIN.user);
      const root = workspace();
      const before = dockerSnapshot();
      const started = Date.now();
      const run = await nxAsync(['run', 'fm-login:push-image', '--platform=amd64'], root, { DOCKER_CONFIG: config });
      const seconds = (Date.now() - started) / 1000;
      expect(run.status).not.toBe(0);
      expect(seconds).toBeLessThan(60);
      expect(failureKinds(root)).toEqual(['permanent/unauthorized']);
      expect(run.output).toContain(`Check: docker login ${registry.host}`);
      expect(existsSync(join(root, 'dist/pushed/fm-login/fm-login-amd64.json'))).toBe(false);
      return {
        outcome: `failed: permanent unauthorized, 1 attempt, "docker login ${registry.host}" in the remedy; ${seconds.toFixed(1)} s`,
        lost: lostChecks(root, run, { before }),
      };
    },
  );
});

describe('fault matrix: a registry that misbehaves mid-transfer', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  fault(
    'the registry goes away in the middle of a push',
    'transient (reset/refused), retried, then failed; no pushed record, no index, the image not in the registry',
    async () => {
      // Cut off as the first layer upload starts; refused from then on.
      const gone = await interceptingRegistry(LAB_REGISTRY, (req, _res, server) => {
        if (req.method === 'PATCH' || req.method === 'PUT' || /\/blobs\/uploads\/$/.test(req.url ?? '')) {
          server.vanish();
          return 'handled';
        }
        return 'pass';
      });
      servers.push(gone);
      const host = `127.0.0.1:${gone.port}`;
      const root = tempWorkspace(
        { 'images/fm-push/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} > /nonce\n` },
        { imagePrefix: 'e2e-faults-push/', registry: host, build: { attempts: 2, retryDelay: 0.2 } },
      );
      const before = dockerSnapshot();
      const run = await nxAsync(['run', 'fm-push:push-image', '--platform=amd64'], root);
      expect(run.status).not.toBe(0);
      // dockerd retries a layer upload by itself before it gives up; then ours: the next attempt is refused.
      const kinds = failureKinds(root);
      expect(kinds).toHaveLength(2);
      expect(kinds.every((kind) => kind.startsWith('transient/'))).toBe(true);
      expect(kinds.at(-1)).toBe('transient/refused');
      expect(gone.requests.some((line) => /^(POST|PATCH|PUT) .*\/blobs\/uploads\//.test(line))).toBe(true);
      expect(existsSync(join(root, 'dist/pushed/fm-push/fm-push-amd64.json'))).toBe(false);
      const cell = /fm-push +✖ failed: (\S+) ([\d.]+) s/.exec(run.output);
      return {
        outcome: `failed after 2 attempts (${kinds.map((kind) => kind.split('/')[1]).join(', ')}) in ${cell?.[2]} s; nothing recorded as pushed`,
        lost: lostChecks(root, run, { before }),
      };
    },
  );

  fault(
    'a registry that serves an amd64 image for every platform',
    'the arm64 build fails permanent (the wrong platform is caught), nothing arm64 is built from amd64 bytes',
    async () => {
      const list = await getManifest('library/alpine', '3.20');
      const amd64 = list?.manifest.manifests?.find((d) => d.platform?.architecture === 'amd64');
      if (!amd64) throw new Error('the lab registry has no amd64 alpine:3.20');
      const single = await getManifest('library/alpine', amd64.digest);
      const wrong = await interceptingRegistry(LAB_REGISTRY, (req, res) => {
        if (!/\/manifests\/3\.20$/.test(req.url ?? '')) return 'pass';
        res.writeHead(200, {
          'Content-Type': single?.mediaType ?? MEDIA.dockerManifest,
          'Docker-Content-Digest': single?.digest ?? '',
          'Docker-Distribution-API-Version': 'registry/2.0',
          'Content-Length': String(Buffer.byteLength(single?.body ?? '')),
        });
        res.end(req.method === 'HEAD' ? undefined : single?.body);
        return 'handled';
      });
      servers.push(wrong);
      const base = `127.0.0.1:${wrong.port}/library/alpine:3.20`;
      const root = tempWorkspace(
        { 'images/fm-wrongarch/Dockerfile': `FROM ${base}\nRUN uname -m > /arch\n` },
        { imagePrefix: 'e2e-faults/', prefetch: { attempts: 2, retryDelay: 0.2 } },
      );
      const before = dockerSnapshot();
      const run = await nxAsync(['run', 'fm-wrongarch:build-image', '--platform=arm64'], root);
      expect(run.status).not.toBe(0);
      const result = summary(run.output, base, 'linux/arm64');
      expect(result).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(failureKinds(root)).toEqual(['permanent/no-matching-platform']);
      expect(run.output).toContain(`asked for linux/arm64, the registry gave linux/amd64: ${base} has no arm64 image`);
      expect(run.output).toMatch(/fm-wrongarch +- skipped/);
      expect(run.output).toContain("use a multi-arch tag, or drop arm64 from fm-wrongarch's platforms");
      expect(imagePlatform('e2e-faults/fm-wrongarch:latest-arm64')).toMatch(/^missing/);
      return {
        outcome:
          'failed: permanent no-matching-platform ("asked for linux/arm64, the registry gave linux/amd64"), 1 attempt; the build skipped',
        lost: lostChecks(root, run, { before }),
      };
    },
  );

  fault(
    'a registry that stalls a request, then serves',
    'the build is killed at stallTimeout (10 s), transient stalled, retried and built on attempt 2, within the overall timeout',
    async () => {
      let held = false;
      const slow = await interceptingRegistry(LAB_REGISTRY, (req) => {
        // The first manifest request hangs, silent, until the client gives up; later ones pass. (Not a layer: the
        // daemon has busybox's layers already, and BuildKit asks only for what it lacks.)
        if (held || !/\/manifests\//.test(req.url ?? '')) return 'pass';
        held = true;
        return 'handled';
      });
      servers.push(slow);
      const base = `127.0.0.1:${slow.port}/library/busybox:1.36`;
      const root = tempWorkspace(
        { 'images/fm-stall/Dockerfile': `FROM ${base}\nRUN echo ${Date.now()} > /nonce\n` },
        {
          imagePrefix: 'e2e-faults/',
          prefetch: false,
          build: { attempts: 3, retryDelay: 0.2, stallTimeout: 10, timeout: 120 },
        },
      );
      const before = dockerSnapshot();
      const run = await nxAsync(['run', 'fm-stall:build-image', '--platform=amd64'], root);
      expect({ status: run.status, tail: run.output.slice(-2000) }).toMatchObject({ status: 0 });
      expect(failureKinds(root)).toEqual(['transient/stalled']);
      expect(failureLines(root)[0]).toMatchObject({ stalled: true, attempt: 1 });
      const built = /✔ fm-stall linux\/amd64 built in ([\d.]+) s \(attempt 2\)/.exec(run.output);
      expect(built).not.toBeNull();
      expect(Number(built?.[1])).toBeLessThan(120);
      return {
        outcome: `attempt 1 killed as stalled, built on attempt 2; ${built?.[1]} s in all (timeout 120 s)`,
        lost: lostChecks(root, run, { failed: false, before }),
      };
    },
  );
});
