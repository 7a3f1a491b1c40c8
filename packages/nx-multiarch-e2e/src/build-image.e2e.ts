import { createServer } from 'node:http';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  docker,
  exec,
  imagePlatform,
  lastRunCells,
  lastRunRecord,
  nx,
  nxAsync,
  REPO_ROOT,
  runImage,
  tempWorkspace,
} from './workspace';

jest.setTimeout(600_000);

const REGISTRY = process.env.LAB_REGISTRY ?? '127.0.0.1:5000';

/** Result lines of build-image (`✔ api linux/arm64 reused ...`), as [what, platform, status]. */
/** Each build's result line as [what, platform, status], sorted: a task's platforms build side by side. */
function results(output: string): Array<[string, string, string]> {
  return [...output.matchAll(/nx-multiarch: (✔|✖) (\S+) (linux\/\w+) (\w+)/g)]
    .map(([, , what, platform, status]): [string, string, string] => [what, platform, status])
    .sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

function failures(root: string): Array<Record<string, unknown>> {
  const file = join(root, '.nx-multiarch/failures.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

// The demo's 7 components, 8 images (api also builds api-init), each for both platforms.
const DEMO_IMAGES = ['api', 'api-init', 'cache', 'gateway', 'hub', 'portal', 'vcs', 'worker'];

describe('build-image on the demo, both platforms', () => {
  it('builds and verifies every image; a second run takes all from Nx cache; a lost or retagged image is rebuilt alone', () => {
    // Nx loads .env into the environment its `{env}` inputs hash: the run that creates .env (from .env.example)
    // changes every hash once. A checkout with its .env, as users have, is what this test is about.
    if (!existsSync(join(REPO_ROOT, '.env'))) copyFileSync(join(REPO_ROOT, '.env.example'), join(REPO_ROOT, '.env'));
    // Other files build demo/* images in this daemon too (demo.e2e.ts), moving the tags this checkout recorded: a state
    // directory of its own (a new workspace id, nothing recorded) makes this the first run here.
    rmSync(join(REPO_ROOT, '.nx-multiarch'), { recursive: true, force: true });
    const first = nx(['run-many', '-t', 'build-image', '--platform=amd64,arm64'], REPO_ROOT);
    expect(first.status).toBe(0);
    const checkRecords = () => {
      for (const image of DEMO_IMAGES) {
        for (const arch of ['amd64', 'arm64']) {
          expect(imagePlatform(`demo/${image}:latest-${arch}`)).toBe(`linux/${arch}`);
          const project = image === 'api-init' ? 'api' : image;
          const ledger = join(REPO_ROOT, `.nx-multiarch/records/images/${project}/${image}-${arch}.json`);
          const record = JSON.parse(readFileSync(ledger, 'utf8'));
          expect(record).toMatchObject({ platform: `linux/${arch}`, loaded: true, taskHash: expect.any(String) });
          expect(record.imageId).toBe(docker(['image', 'inspect', '--format', '{{.Id}}', record.ref]).output.trim());
        }
      }
    };
    checkRecords();

    // Nothing changed: every build task is restored by Nx, after one `docker inspect` found every recorded image.
    const second = nx(['run-many', '-t', 'build-image', '--platform=amd64,arm64'], REPO_ROOT);
    expect(second.status).toBe(0);
    const cells = lastRunCells(REPO_ROOT);
    expect(cells).toHaveLength(DEMO_IMAGES.length * 2);
    expect(cells.filter((cell) => !cell.endsWith(': Nx cache'))).toEqual([]);
    expect(lastRunRecord(REPO_ROOT).tasks.filter((t) => !t.status.startsWith('local-cache'))).toEqual([]);

    // One image deleted, another tag pointed at a different image: those two are built again, nothing else.
    docker(['image', 'rm', 'demo/portal:latest-arm64']);
    docker(['tag', 'demo/api:latest-amd64', 'demo/vcs:latest-amd64']);
    const third = nx(['run-many', '-t', 'build-image', '--platform=amd64,arm64'], REPO_ROOT);
    expect(third.status).toBe(0);
    const rebuilt = /: (built|BuildKit cache)$/;
    expect(lastRunCells(REPO_ROOT).filter((cell) => !cell.endsWith(': Nx cache'))).toEqual([
      expect.stringMatching(/^portal linux\/amd64: reused$/),
      expect.stringMatching(new RegExp(`^portal linux/arm64${rebuilt.source}`)),
      expect.stringMatching(new RegExp(`^vcs linux/amd64${rebuilt.source}`)),
      expect.stringMatching(/^vcs linux\/arm64: reused$/),
    ]);
    checkRecords();
  });
});

describe('build-image in a workspace of its own', () => {
  it('after touching one leaf, `nx affected` rebuilds only that leaf (its base from Nx cache, the other leaf not run)', () => {
    const root = tempWorkspace(
      {
        'images/base/Dockerfile': 'FROM alpine:3.20\nRUN echo base > /base\n',
        'images/left/Dockerfile': 'FROM e2e-aff/base:latest-amd64\nCOPY note /note\n',
        'images/left/note': 'one\n',
        'images/right/Dockerfile': 'FROM e2e-aff/base:latest-amd64\nRUN echo right > /right\n',
      },
      { imagePrefix: 'e2e-aff/', platforms: ['amd64'] },
    );
    const git = (...args: string[]) => exec('git', args, root, 30_000);
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qam', 'init', '--allow-empty');
    writeFileSync(join(root, '.gitignore'), 'node_modules\n.nx\ndist\n.nx-multiarch\n.env\n');
    git('add', '-A');
    git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', 'components');

    expect(nx(['run-many', '-t', 'build-image'], root).status).toBe(0);
    // New content every run: BuildKit's cache outlives the temp workspace.
    const note = `two ${Date.now()}`;
    writeFileSync(join(root, 'images/left/note'), `${note}\n`);
    const affected = nx(['affected', '-t', 'build-image', '--base=HEAD'], root);
    expect(affected.status).toBe(0);
    // base is unchanged and its image is there: Nx restores it; the other leaf is not in the run.
    expect(lastRunCells(root)).toEqual(['base linux/amd64: Nx cache', 'left linux/amd64: built']);
    const cat = runImage('e2e-aff/left:latest-amd64', 'amd64', ['cat', '/note']);
    expect(cat.output.trim().split('\n').pop()).toBe(note);
  });

  it('a broken component fails the run naming its step, logs the attempt, and unrelated images still build', () => {
    const root = tempWorkspace(
      {
        'images/broken/Dockerfile':
          'FROM alpine:3.20\nRUN echo "linking worker for $(uname -m)" && echo "ld: undefined symbol main" >&2 && exit 3\n',
        'images/onbroken/Dockerfile': 'FROM e2e-broken/broken:latest-arm64\n',
        'images/fine/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} && uname -m > /arch\n`,
      },
      { imagePrefix: 'e2e-broken/' },
    );
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=arm64', '--parallel=1'], root);
    expect(status).not.toBe(0);
    expect(output).toMatch(
      /nx-multiarch: ✖ broken linux\/arm64 FAILED in [\d.]+ s at \[2\/2\] RUN echo "linking worker.*: run-step \(permanent\): .*exit code: 3; log: \S+attempt-1\.log/,
    );
    // A failed RUN step is not retried: one attempt.
    expect(output).not.toContain('attempt-2.log');
    expect(output).toContain('[broken linux/arm64] #');
    expect(output).toContain('linking worker for aarch64');
    expect(results(output)).toContainEqual(['fine', 'linux/arm64', 'built']);
    expect(imagePlatform('e2e-broken/fine:latest-arm64')).toBe('linux/arm64');
    // Its dependent is not built at all: Nx lists it as not run because of the failure.
    expect(output).toMatch(/Tasks not run because their dependencies failed[^\n]*\n\s*\n?\s*- onbroken:build-image/);
    expect(output).not.toContain('[onbroken linux/arm64]');

    const [record, ...more] = failures(root);
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      operation: 'build',
      project: 'broken',
      image: 'e2e-broken/broken:latest-arm64',
      platform: 'linux/arm64',
      attempt: 1,
      class: 'permanent',
      kind: 'run-step',
      step: expect.stringMatching(/^\[2\/2\] RUN echo "linking worker/),
      exitCode: 1,
      timedOut: false,
      argv: expect.arrayContaining(['docker', 'buildx', 'build', '--platform', 'linux/arm64']),
      outputTail: expect.stringContaining('ld: undefined symbol main'),
    });
    expect(readFileSync(record.logFile as string, 'utf8')).toMatch(/#\d+ \[2\/2\] RUN[\s\S]*ld: undefined symbol main/);
  });

  it('a RUN step that failed on a network error is retried, and succeeds once the server answers', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(requests === 1 ? 503 : 200).end(requests === 1 ? 'busy' : 'payload\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const root = tempWorkspace(
        {
          'images/fetcher/Dockerfile': `FROM alpine:3.20\nARG NONCE\nRUN wget -q -O /payload http://127.0.0.1:${port}/payload && cat /payload\n`,
          'images/fetcher/multiarch.json': JSON.stringify({
            network: 'host',
            buildArgs: { NONCE: String(Date.now()) },
          }),
        },
        { imagePrefix: 'e2e-retry/', build: { retryDelay: 0.2, attempts: 3 } },
      );
      const { status, output } = await nxAsync(['run', 'fetcher:build-image', '--platform=amd64'], root);
      expect(status).toBe(0);
      expect(requests).toBe(2);
      expect(results(output)).toEqual([['fetcher', 'linux/amd64', 'built']]);
      expect(output).toMatch(/✔ fetcher linux\/amd64 built in [\d.]+ s \(attempt 2\)/);
      expect(failures(root)).toEqual([
        expect.objectContaining({
          attempt: 1,
          class: 'transient',
          kind: 'server-error',
          evidence: expect.stringContaining('503 Service Unavailable'),
          retryInMs: expect.any(Number),
        }),
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a build that goes silent is killed by the stall timeout, each attempt, and fails', () => {
    const root = tempWorkspace({
      'images/silent/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} && sleep 300\n`,
    });
    const started = Date.now();
    const { status, output } = nx(
      ['run', 'silent:build-image', '--platform=amd64', '--stallTimeout=4', '--attempts=2', '--retryDelay=0.2'],
      root,
    );
    expect(status).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(300_000);
    expect(output).toMatch(/✖ silent linux\/amd64 FAILED after 2 attempts in [\d.]+ s: stalled \(transient\)/);
    expect(failures(root).map((r) => [r.attempt, r.kind, r.stalled])).toEqual([
      [1, 'stalled', true],
      [2, 'stalled', true],
    ]);
  });

  it('pushes to the lab registry, verifies the pushed manifest, and reuses it next time', async () => {
    const root = tempWorkspace(
      { 'images/pushed/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} > /stamp && uname -m > /arch\n` },
      { registry: REGISTRY, imagePrefix: 'e2e-push/' },
    );
    const first = nx(['run', 'pushed:build-image', '--platform=amd64,arm64', '--push'], root);
    expect(first.status).toBe(0);
    for (const arch of ['amd64', 'arm64']) {
      const record = JSON.parse(readFileSync(join(root, `dist/images/pushed/pushed-${arch}.json`), 'utf8'));
      expect(record).toMatchObject({ pushed: true, loaded: true, digest: expect.stringMatching(/^sha256:/) });
      // The registry's own answer: the tag names the digest we recorded, and its config is for the arch.
      const response = await fetch(`http://${REGISTRY}/v2/e2e-push/pushed/manifests/latest-${arch}`, {
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      });
      expect(response.headers.get('docker-content-digest')).toBe(record.digest);
      const manifest = (await response.json()) as { config: { digest: string } };
      const config = (await (
        await fetch(`http://${REGISTRY}/v2/e2e-push/pushed/blobs/${manifest.config.digest}`)
      ).json()) as { architecture: string; os: string };
      expect(`${config.os}/${config.architecture}`).toBe(`linux/${arch}`);
    }
    const second = nx(['run', 'pushed:build-image', '--platform=amd64,arm64', '--push'], root);
    expect(results(second.output)).toEqual([
      ['pushed', 'linux/amd64', 'reused'],
      ['pushed', 'linux/arm64', 'reused'],
    ]);
  });

  it('passes a secret the Dockerfile mounts from .env, never as a build arg, and masks it everywhere', () => {
    const secret = 'tok-5up3r-s3cr3t-value';
    const root = tempWorkspace({
      '.env': `api_token=${secret}\n`,
      // A fresh step every run: a secret is not part of the cache key, and BuildKit's cache outlives the workspace.
      'images/withsecret/Dockerfile': `FROM alpine:3.20\nRUN --mount=type=secret,id=api_token echo ${Date.now()} && echo "token is $(cat /run/secrets/api_token)" && test -s /run/secrets/api_token\n`,
    });
    docker(['image', 'rm', '-f', 'withsecret:latest-amd64']);
    const dry = nx(['run', 'withsecret:build-image', '--platform=amd64', '--dryRun'], root);
    expect(dry.status).toBe(0);
    expect(dry.output).toMatch(
      /dry run: withsecret linux\/amd64: docker buildx build .*--platform linux\/amd64 .* --secret id=api_token,env=api_token .*--load \S+images\/withsecret/,
    );
    expect(docker(['image', 'inspect', 'withsecret:latest-amd64']).status).not.toBe(0);

    const { status, output } = nx(['run', 'withsecret:build-image', '--platform=amd64'], root);
    expect(status).toBe(0);
    expect(output).toContain('token is ***');
    expect(output).not.toContain(secret);
    const logs = join(root, '.nx-multiarch/logs/withsecret');
    for (const file of readdirSync(logs)) expect(readFileSync(join(logs, file), 'utf8')).not.toContain(secret);
    expect(docker(['history', '--no-trunc', 'withsecret:latest-amd64']).output).not.toContain(secret);
  });

  it('holds emulated builds to one at a time across parallel tasks, and says so', () => {
    const root = tempWorkspace({
      'images/emu-a/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} && sleep 3\n`,
      'images/emu-b/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} && sleep 3\n`,
    });
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=arm64', '--parallel=2'], root);
    expect(status).toBe(0);
    expect(output).toContain('linux/arm64 runs under QEMU emulation, the builder being native for linux/amd64 (');
    expect(output).toMatch(/emu-[ab]: waiting for a free emulated-build slot/);
    const spans = ['emu-a', 'emu-b'].map((name) => {
      const record = JSON.parse(readFileSync(join(root, `dist/images/${name}/${name}-arm64.json`), 'utf8'));
      const end = Date.parse(record.finishedAt);
      return [end - record.durationMs, end];
    });
    spans.sort((a, b) => a[0] - b[0]);
    // The second began after the first ended.
    expect(spans[1][0]).toBeGreaterThanOrEqual(spans[0][1] - 100);
  });
});

describe('build-image: a component builds only its own platforms, whatever --platform asks', () => {
  // amd-only's RUN step fails anywhere but amd64: building it for arm64 would be a failure, not a skip.
  const root = tempWorkspace({
    'images/amd-only/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} && test "$(uname -m)" = x86_64\n`,
    'images/amd-only/multiarch.json': JSON.stringify({ platforms: ['amd64'] }),
    'images/both/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()}\n`,
  });
  const lastRun = () => {
    const id = readFileSync(join(root, '.nx-multiarch/runs/last-run'), 'utf8').trim();
    return JSON.parse(readFileSync(join(root, '.nx-multiarch/runs', id, 'run.json'), 'utf8'));
  };

  it('run-many --platform=amd64,arm64 builds amd-only for amd64 alone, says why, and the run succeeds', () => {
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=amd64,arm64'], root);
    expect(status).toBe(0);
    expect(output).toContain('amd-only: not building linux/arm64: not one of its platforms');
    expect(results(output).sort()).toEqual([
      ['amd-only', 'linux/amd64', 'built'],
      ['both', 'linux/amd64', 'built'],
      ['both', 'linux/arm64', 'built'],
    ]);
    expect(imagePlatform('amd-only:latest-amd64')).toBe('linux/amd64');
    const cells = lastRun().cells.map((c: { row: string; platform: string; status: string }) => [c.row, c.platform]);
    expect(cells.sort()).toEqual([
      ['amd-only', 'linux/amd64'],
      ['both', 'linux/amd64'],
      ['both', 'linux/arm64'],
    ]);
  });

  it('`nx run amd-only:build-image --platform=arm64` builds nothing and says so', () => {
    const { status, output } = nx(['run', 'amd-only:build-image', '--platform=arm64'], root);
    expect(status).toBe(0);
    expect(output).toContain(
      'amd-only: not building linux/arm64: not one of its platforms ("platforms" in its multiarch.json, or the ' +
        "plugin's in nx.json); nothing to build",
    );
    expect(output).toContain('nx-multiarch: amd-only: nothing to build');
    expect(results(output)).toEqual([]);
  });
});
