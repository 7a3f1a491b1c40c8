import { docker, imagePlatform, nx, tempWorkspace } from './workspace';

// Every failure must reach the exit code, with the reason in the output: the old script said "success".
describe('failures fail the task', () => {
  it('a RUN step that exits non-zero fails the run, and the other component still builds', () => {
    const root = tempWorkspace(
      {
        'images/broken/Dockerfile': 'FROM alpine:3.20\nRUN echo "compiling for $(uname -m)" && exit 3\n',
        'images/fine/Dockerfile': 'FROM alpine:3.20\nRUN uname -m > /arch\n',
      },
      { imagePrefix: 'e2e/' },
    );
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=arm64', '--parallel=1'], root);
    expect(status).not.toBe(0);
    expect(output).toMatch(
      /nx-multiarch: ✖ broken linux\/arm64 FAILED in [\d.]+ s at \[2\/2\] RUN .*: run-step \(permanent\)/,
    );
    expect(output).toContain('compiling for aarch64');
    // Engine 20.10's BuildKit says 'executor failed running'; newer ones 'did not complete successfully'.
    expect(output).toMatch(/(executor failed running|did not complete successfully).*exit code: 3/);
    expect(output).toMatch(
      /Running target build-image for 2 projects and \d+ tasks? they depend on failed[\s\S]*Failed tasks:\s*- broken:build-image/,
    );
    expect(imagePlatform('e2e/fine:latest-arm64')).toBe('linux/arm64');
  });

  it('a base image that no mirror has fails fast (Docker Hub is unreachable here, as for our users)', () => {
    const root = tempWorkspace({ 'images/orphan/Dockerfile': 'FROM alpine:0.0-missing\n' });
    const started = Date.now();
    const { status, output } = nx(['run', 'orphan:build-image', '--platform=arm64'], root);
    expect(status).not.toBe(0);
    expect(output).toMatch(/alpine:0\.0-missing/);
    expect(output).toMatch(/registry-1\.docker\.io.*(no such host|i\/o timeout|connection refused)/);
    expect(Date.now() - started).toBeLessThan(300_000);
  });

  it('a build that outlives its timeout is killed and fails, after the attempts it was given', () => {
    // Prints every second (the stall timeout never fires); the overall one does.
    const root = tempWorkspace({
      'images/slow/Dockerfile': `FROM alpine:3.20\nRUN echo ${Date.now()} && for i in $(seq 120); do echo $i; sleep 1; done\n`,
    });
    const started = Date.now();
    const { status, output } = nx(
      ['run', 'slow:build-image', '--platform=amd64', '--timeout=5', '--attempts=2', '--retryDelay=0.1'],
      root,
    );
    expect(status).not.toBe(0);
    const failed = /✖ slow linux\/amd64 FAILED after 2 attempts in ([\d.]+) s: timeout \(transient\)/.exec(output);
    expect(failed).not.toBeNull();
    // Two 5 s attempts, their kill grace and a 0.1 s wait, as the product measured them; nx start-up aside.
    expect(Number(failed?.[1])).toBeLessThan(30);
    expect(Date.now() - started).toBeLessThan(300_000);
  });

  it('an upstream image without arm64 is caught: Engine 20.10 `pull --platform` silently hands out amd64', () => {
    const registry = process.env.LAB_REGISTRY ?? '127.0.0.1:5000';
    const context = tempWorkspace({ Dockerfile: 'FROM alpine:3.20\nRUN echo amd64 only > /only\n' });
    // prettier-ignore
    const pushed = docker([
      'buildx', 'build', '--platform', 'linux/amd64', '--provenance=false',
      '--output', `type=image,name=${registry}/library/amd64only:1,push=true`, context,
    ]);
    expect(pushed.status).toBe(0);
    docker(['image', 'rm', '-f', 'amd64only:1']);
    const root = tempWorkspace(
      { 'images/legacy/multiarch.json': JSON.stringify({ upstream: 'amd64only:1' }) },
      // Prefetch would catch it first (prefetch.e2e.ts); this is the build's own check.
      { imagePrefix: 'e2e/', prefetch: false },
    );
    const { status, output } = nx(['run', 'legacy:build-image', '--platform=arm64'], root);
    expect(status).not.toBe(0);
    expect(output).toContain('e2e/legacy:latest-arm64 is linux/amd64 but linux/arm64 was requested');
  });
});
