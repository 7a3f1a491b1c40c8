import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, imagePlatform, nx, REPO_ROOT, runImage, unameMachine } from './workspace';

// The demo platform in packages/demo, built for real by the lab's dockerd, buildx and QEMU.
const PROJECTS = ['gateway', 'vcs', 'api', 'cache', 'hub', 'portal', 'worker'];
const IMAGES = ['gateway', 'vcs', 'api', 'api-init', 'cache', 'hub', 'portal', 'worker'];

interface ImageResult {
  finishedAt: string;
  durationMs: number;
}

function result(project: string, image: string, arch: string): ImageResult {
  return JSON.parse(readFileSync(join(REPO_ROOT, `dist/images/${project}/${image}-${arch}.json`), 'utf8'));
}

const startedAt = (r: ImageResult) => Date.parse(r.finishedAt) - r.durationMs;

function graph(): { dependencies: Record<string, Array<{ target: string; type: string }>> } {
  const { status, output } = nx(['graph', '--file=stdout']);
  expect(status).toBe(0);
  return JSON.parse(output.slice(output.indexOf('{'))).graph;
}

describe('demo platform', () => {
  it('infers one project per component directory', () => {
    const { status, output } = nx(['show', 'projects', '--json']);
    expect(status).toBe(0);
    const projects = JSON.parse(output.slice(output.indexOf('['))) as string[];
    expect(projects).toEqual(expect.arrayContaining(PROJECTS));
  });

  it('has the edges: portal -> gateway (FROM), worker -> hub (service), dependents -> foundations (phase)', () => {
    const edges = Object.entries(graph().dependencies)
      .flatMap(([source, deps]) => deps.map((d) => `${source} -> ${d.target} ${d.type}`))
      .filter((edge) => !edge.startsWith('nx-multiarch'))
      .sort();
    expect(edges).toEqual([
      'api -> cache implicit',
      'api -> gateway implicit',
      'api -> hub implicit',
      'api -> vcs implicit',
      'portal -> cache implicit',
      'portal -> gateway static',
      'portal -> hub implicit',
      'portal -> vcs implicit',
      'worker -> cache implicit',
      'worker -> gateway implicit',
      'worker -> hub implicit',
      'worker -> vcs implicit',
    ]);
  });

  it('forwards --platform to the tasks a build depends on (hub for worker)', () => {
    for (const arch of ['amd64', 'arm64']) docker(['image', 'rm', '-f', `demo/hub:latest-${arch}`]);
    const run = nx(['run', 'worker:build-image', '--platform=arm64']);
    expect({ status: run.status, tail: run.output.split('\n').slice(-15).join('\n') }).toMatchObject({ status: 0 });
    expect(imagePlatform('demo/hub:latest-arm64')).toBe('linux/arm64');
    expect(imagePlatform('demo/hub:latest-amd64')).toMatch(/^missing/);
  });

  describe.each(['arm64', 'amd64'])('nx run-many -t build-image --platform=%s', (arch) => {
    let run: { status: number | null; output: string };
    beforeAll(() => {
      for (const image of IMAGES) docker(['image', 'rm', '-f', `demo/${image}:latest-${arch}`]);
      run = nx(['run-many', '-t', 'build-image', `--platform=${arch}`]);
    });

    it('succeeds', () => {
      expect({ status: run.status, tail: run.output.split('\n').slice(-15).join('\n') }).toMatchObject({ status: 0 });
      expect(run.output).toContain(`Successfully ran target build-image for ${PROJECTS.length} projects`);
    });

    test.each(IMAGES)(`demo/%s:latest-${arch} is linux/${arch}`, (image) => {
      expect(imagePlatform(`demo/${image}:latest-${arch}`)).toBe(`linux/${arch}`);
    });

    it(`runs ${arch} code`, () => {
      const { status, output } = runImage(`demo/api:latest-${arch}`, arch);
      expect(status).toBe(0);
      // API_VERSION comes from .env.example: the Dockerfile declares it.
      expect(output.trim()).toBe(`api 1.4.2 for ${arch} on ${unameMachine(arch)}`);
    });

    it('built every foundation before any dependent, and gateway before portal', () => {
      const foundations = ['gateway', 'vcs', 'cache', 'hub'].map((p) => Date.parse(result(p, p, arch).finishedAt));
      const dependents = [
        result('portal', 'portal', arch),
        result('worker', 'worker', arch),
        result('api', 'api', arch),
      ];
      for (const dependent of dependents) expect(Math.max(...foundations)).toBeLessThanOrEqual(startedAt(dependent));
    });

    it('ran the hub of the same arch, healthy, while worker built, and removed it afterwards', () => {
      const healthy = run.output.indexOf(`hub (${arch}) is healthy`);
      expect(healthy).toBeGreaterThan(-1);
      expect(run.output.indexOf(`[worker linux/${arch}] #`)).toBeGreaterThan(healthy);
      const { output } = runImage(`demo/worker:latest-${arch}`, arch);
      // The hub serves only its own arch's index, so this line proves which hub answered.
      expect(output).toContain(`Architecture: ${arch}\nBuilt-On: ${unameMachine(arch)}`);
      expect(
        docker(['ps', '-a', '--filter', 'label=nx-multiarch.service', '--format', '{{.Names}}']).output.trim(),
      ).toBe('');
    });

    it('rendered the gateway templates from .env.example and plugin values', () => {
      const { output } = runImage(`demo/gateway:latest-${arch}`, arch, ['cat', '/www/index.html']);
      expect(output).toContain('<h1>Demo gateway</h1>\n<p>image tag latest</p>');
    });
  });
});
