import { join } from 'node:path';
import {
  dockerSnapshot,
  failureKinds,
  failureLines,
  fault,
  filesUnder,
  lastRunRecord,
  lostChecks,
} from './fault-matrix';
import { faultProxy, type FaultProxy } from './fault-servers';
import { docker, nxAsync, tempWorkspace } from './workspace';
import { readFileSync } from 'node:fs';

// The fault matrix, part two: a proxy in the builder's path and registries that misbehave in ways the lab's shared
// registry cannot (a login, a push cut off, a wrong platform, a stall). Rows go to the same table (docs/reliability.md).

const WORKSPACE = 'e2e-workspace';
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
    'transient reset, retried (2 attempts), then failed; the remedy names the proxy (password hidden)',
    async () => {
      const { root, run, leaks, reached, before } = await throughProxy('reset');
      expect(run.status).not.toBe(0);
      console.log(run.output);
      console.log(JSON.stringify(failureLines(root), null, 1));
      expect(reached).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
      expect(run.output).toContain(redacted());
      return { outcome: `failed: ${failureKinds(root).join(', ')}`, lost: lostChecks(root, run, { before }) };
    },
  );

  fault(
    'a proxy that accepts connections and never answers',
    'each attempt killed at attemptTimeout (4 s), transient timeout, 2 attempts; the remedy names the proxy',
    async () => {
      const { root, run, leaks, reached, before } = await throughProxy('blackhole');
      expect(run.status).not.toBe(0);
      console.log(run.output);
      console.log(JSON.stringify(failureLines(root), null, 1));
      expect(reached).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
      expect(run.output).toContain(redacted());
      return { outcome: `failed: ${failureKinds(root).join(', ')}`, lost: lostChecks(root, run, { before }) };
    },
  );

  fault(
    'a proxy that answers 407 Proxy Authentication Required',
    'permanent proxy-auth: 1 attempt, no retry; the remedy names the proxy and where its credentials are set',
    async () => {
      const { root, run, leaks, reached, before } = await throughProxy('auth-required');
      expect(run.status).not.toBe(0);
      console.log(run.output);
      console.log(JSON.stringify(failureLines(root), null, 1));
      console.log(JSON.stringify(lastRunRecord(root), null, 1));
      expect(reached).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
      expect(run.output).toContain(redacted());
      return { outcome: `failed: ${failureKinds(root).join(', ')}`, lost: lostChecks(root, run, { before }) };
    },
  );
});
