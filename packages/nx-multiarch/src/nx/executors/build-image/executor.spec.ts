import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { CommandError } from '../../../core/failure/errors';
import { run, type RunResult } from '../../../cli/exec';
import executor from './executor';

jest.mock('../../../cli/exec', () => ({ ...jest.requireActual('../../../cli/exec'), run: jest.fn() }));
const runMock = run as jest.MockedFunction<typeof run>;

const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '', all: stdout, durationMs: 1 });
const inspectOutput = (ref: string, architecture: string) =>
  JSON.stringify([
    { Id: `sha256:id-${ref}`, RepoTags: [ref], RepoDigests: [], Os: 'linux', Architecture: architecture },
  ]);

/** A fake docker: buildx writes its metadata file, inspect reports the arch in the tag (or `lie` for all). */
function fakeDocker(lie?: string, failing?: { platform: string; error: Error }) {
  runMock.mockImplementation(async (_file, args) => {
    if (failing && args[0] === 'buildx' && args.includes(failing.platform)) throw failing.error;
    if (args[0] === 'buildx') {
      const metadataFile = args[args.indexOf('--metadata-file') + 1];
      const ref = args[args.indexOf('--tag') + 1];
      writeFileSync(metadataFile, JSON.stringify({ 'containerimage.digest': `sha256:id-${ref}` }));
    }
    if (args[0] === 'image') {
      const ref = args[2];
      return ok(inspectOutput(ref, lie ?? (ref.endsWith('-arm64') ? 'arm64' : 'amd64')));
    }
    return ok();
  });
}

function context(root: string): ExecutorContext {
  return { root, cwd: root, projectName: 'api', isVerbose: false } as ExecutorContext;
}

describe('build-image executor', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'exec-'));
    mkdirSync(join(root, 'src/api'), { recursive: true });
    writeFileSync(join(root, 'src/api/Dockerfile'), 'FROM alpine:3.20 AS api\nFROM api AS api-init\n');
    runMock.mockReset();
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  it('builds every image for every platform, then checks each one', async () => {
    fakeDocker();
    const result = await executor(
      {
        platform: 'arm64,amd64',
        context: 'src/api',
        images: [
          { name: 'api', target: 'api' },
          { name: 'api-init', target: 'api-init' },
        ],
        imagePrefix: 'acme/',
      },
      context(root),
    );
    expect(result).toEqual({ success: true });
    const calls = runMock.mock.calls.map(([file, args]) => [
      file,
      args[0] === 'buildx' ? [...args.slice(0, 4), args.at(-1)] : args,
    ]);
    // The platforms build side by side; within one, image after image, each checked after its build.
    const of = (arch: string) => calls.filter(([, args]) => (args as string[]).join(' ').includes(arch));
    expect(calls).toHaveLength(8);
    for (const arch of ['arm64', 'amd64']) {
      expect(of(arch)).toEqual([
        ['docker', ['buildx', 'build', '--platform', `linux/${arch}`, `${root}/src/api`]],
        ['docker', ['image', 'inspect', `acme/api:latest-${arch}`]],
        ['docker', ['buildx', 'build', '--platform', `linux/${arch}`, `${root}/src/api`]],
        ['docker', ['image', 'inspect', `acme/api-init:latest-${arch}`]],
      ]);
    }
    const initArm = runMock.mock.calls.find(([, args]) => args.includes('acme/api-init:latest-arm64'));
    // prettier-ignore
    expect(initArm?.[1]).toEqual([
      'buildx', 'build', '--platform', 'linux/arm64', '--file', `${root}/src/api/Dockerfile`,
      '--progress', 'plain', '--metadata-file', `${root}/dist/images/api/api-init-arm64.metadata.json`,
      '--tag', 'acme/api-init:latest-arm64', '--target', 'api-init',
      // The default OCI labels: outside a git checkout (a temp dir), only the version.
      '--label', 'org.opencontainers.image.version=latest', '--load', `${root}/src/api`,
    ]);
    expect(runMock.mock.calls.every(([, , options]) => options.timeoutMs > 0)).toBe(true);
    const written = JSON.parse(readFileSync(`${root}/dist/images/api/api-init-arm64.json`, 'utf8'));
    expect(written).toMatchObject({
      project: 'api',
      image: 'api-init',
      ref: 'acme/api-init:latest-arm64',
      platform: 'linux/arm64',
      source: 'dockerfile',
      imageId: 'sha256:id-acme/api-init:latest-arm64',
      status: 'built',
      loaded: true,
      pushed: false,
      attempts: 1,
    });
  });

  it('pulls and retags an upstream image per platform', async () => {
    fakeDocker();
    expect(
      await executor({ platform: 'arm64', upstream: 'redis:7.2-alpine', images: [{ name: 'cache' }] }, context(root)),
    ).toEqual({
      success: true,
    });
    expect(runMock.mock.calls.map(([, args]) => args)).toEqual([
      ['pull', '--platform', 'linux/arm64', 'redis:7.2-alpine'],
      ['tag', 'redis:7.2-alpine', 'cache:latest-arm64'],
      ['image', 'inspect', 'cache:latest-arm64'],
    ]);
  });

  it('pulls one platform after the other: the pulled tag names one platform at a time', async () => {
    fakeDocker();
    const options = { platform: 'amd64,arm64', upstream: 'redis:7.2-alpine', images: [{ name: 'cache' }] };
    expect(await executor(options, context(root))).toEqual({ success: true });
    expect(runMock.mock.calls.map(([, args]) => args)).toEqual([
      ['pull', '--platform', 'linux/amd64', 'redis:7.2-alpine'],
      ['tag', 'redis:7.2-alpine', 'cache:latest-amd64'],
      ['image', 'inspect', 'cache:latest-amd64'],
      ['pull', '--platform', 'linux/arm64', 'redis:7.2-alpine'],
      ['tag', 'redis:7.2-alpine', 'cache:latest-arm64'],
      ['image', 'inspect', 'cache:latest-arm64'],
    ]);
  });

  it('fails the task when a build fails, names the step, logs the attempt, and still builds the other platform', async () => {
    const error = new CommandError(
      ['docker', 'buildx', 'build'],
      1,
      'process "/bin/sh -c exit 1" did not complete successfully: exit code: 1',
      false,
      'exited with code 1',
    );
    fakeDocker(undefined, { platform: 'linux/arm64', error });
    const result = await executor(
      { platform: 'arm64,amd64', context: 'src/api', images: [{ name: 'api' }] },
      context(root),
    );
    expect(result).toEqual({ success: false });
    // The failed RUN step is permanent: one attempt for arm64; amd64 is built and checked all the same.
    expect(runMock.mock.calls.map(([, args]) => args.slice(0, 4)).sort()).toEqual([
      ['buildx', 'build', '--platform', 'linux/amd64'],
      ['buildx', 'build', '--platform', 'linux/arm64'],
      ['image', 'inspect', 'api:latest-amd64'],
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^nx-multiarch: ✖ api linux\/arm64 FAILED in \d+\.\d s: run-step \(permanent\): process "\/bin\/sh -c exit 1" did not complete successfully: exit code: 1; log: .*\/\.nx-multiarch\/logs\/api\/api-arm64\.attempt-1\.log$/,
      ),
    );
    expect(logger.info).toHaveBeenCalledWith('nx-multiarch: api: 1 built, 1 failed');
    const [record] = readFileSync(`${root}/.nx-multiarch/failures.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(record).toMatchObject({
      operation: 'build',
      project: 'api',
      image: 'api:latest-arm64',
      platform: 'linux/arm64',
      attempt: 1,
      class: 'permanent',
      kind: 'run-step',
      exitCode: 1,
    });
  });

  it('fails the task when the image is not the requested arch', async () => {
    fakeDocker('amd64');
    const result = await executor({ platform: 'arm64', context: 'src/api', images: [{ name: 'api' }] }, context(root));
    expect(result).toEqual({ success: false });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('api:latest-arm64 is linux/amd64 but linux/arm64 was requested'),
    );
  });

  it('rejects bad options before running anything', async () => {
    const result = await executor(
      { platform: 'riscv64', context: 'src/api', images: [{ name: 'api' }] },
      context(root),
    );
    expect(result).toEqual({ success: false });
    expect(runMock).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining("platform: unknown platform 'riscv64'"));
  });

  it('lets unexpected errors through (they are bugs, not build failures)', async () => {
    runMock.mockRejectedValueOnce(new TypeError('boom'));
    await expect(
      executor({ platform: 'arm64', context: 'src/api', images: [{ name: 'api' }] }, context(root)),
    ).rejects.toThrow('boom');
  });
});
