import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, imagePlatform, nx, REPO_ROOT } from './workspace';

// The demo platform in packages/demo, built for real by the lab's dockerd, buildx and QEMU.
const READY = ['gateway', 'vcs', 'api', 'cache', 'hub', 'portal'];
const IMAGES = ['gateway', 'vcs', 'api', 'api-init', 'cache', 'hub', 'portal'];

describe('demo platform', () => {
  it('infers one project per component directory', () => {
    const { status, output } = nx(['show', 'projects', '--json']);
    expect(status).toBe(0);
    const projects = JSON.parse(output.slice(output.indexOf('['))) as string[];
    expect(projects).toEqual(expect.arrayContaining([...READY, 'worker']));
  });

  it('infers portal -> gateway from the FROM line', () => {
    const { status, output } = nx(['graph', '--file=stdout']);
    expect(status).toBe(0);
    const graph = JSON.parse(output.slice(output.indexOf('{'))).graph;
    expect(graph.dependencies.portal).toEqual([{ source: 'portal', target: 'gateway', type: 'static' }]);
  });

  describe.each(['arm64', 'amd64'])('nx run-many -t build-image --platform=%s', (arch) => {
    let run: { status: number | null; output: string };
    beforeAll(() => {
      for (const image of IMAGES) docker(['image', 'rm', '-f', `demo/${image}:latest-${arch}`]);
      run = nx(['run-many', '-t', 'build-image', `--platform=${arch}`, `--projects=${READY.join(',')}`]);
    });

    it('succeeds', () => {
      expect({ status: run.status, tail: run.output.split('\n').slice(-15).join('\n') }).toMatchObject({ status: 0 });
      expect(run.output).toContain(`Successfully ran target build-image for ${READY.length} projects`);
    });

    test.each(IMAGES)(`demo/%s:latest-${arch} is linux/${arch}`, (image) => {
      expect(imagePlatform(`demo/${image}:latest-${arch}`)).toBe(`linux/${arch}`);
    });

    it(`runs ${arch} code`, () => {
      const { status, output } = docker([
        'run',
        '--rm',
        '--network',
        'none',
        '--platform',
        `linux/${arch}`,
        `demo/api:latest-${arch}`,
      ]);
      expect(status).toBe(0);
      expect(output.trim()).toBe(`api for ${arch} on ${arch === 'arm64' ? 'aarch64' : 'x86_64'}`);
    });

    it('built gateway before portal, which is FROM it', () => {
      const finished = (project: string) =>
        JSON.parse(readFileSync(join(REPO_ROOT, `dist/images/${project}/${project}-${arch}.json`), 'utf8')) as {
          finishedAt: string;
          durationMs: number;
        };
      const portal = finished('portal');
      const portalStart = Date.parse(portal.finishedAt) - portal.durationMs;
      expect(Date.parse(finished('gateway').finishedAt)).toBeLessThanOrEqual(portalStart);
    });
  });
});

describe('with buildx 0.29 (sid) instead of 0.13', () => {
  const env = { DOCKER_CONFIG: process.env.LAB_BUILDX_ALT_CONFIG ?? '/var/lib/nx-multiarch-lab/buildx-sid' };

  it('builds api and api-init for arm64', () => {
    expect(docker(['buildx', 'version'], env).output).toMatch(/buildx v?0\.29\./);
    docker(['image', 'rm', '-f', 'demo/api:latest-arm64', 'demo/api-init:latest-arm64']);
    const { status, output } = nx(['run', 'api:build-image', '--platform=arm64'], REPO_ROOT, env);
    expect({ status, tail: output.split('\n').slice(-10).join('\n') }).toMatchObject({ status: 0 });
    expect(output).toContain('buildx 0.29.1');
    expect(imagePlatform('demo/api:latest-arm64')).toBe('linux/arm64');
    expect(imagePlatform('demo/api-init:latest-arm64')).toBe('linux/arm64');
  });
});
