import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Docker } from '../../cli/docker/cli';
import { CommandError } from '../../core/failure/errors';
import { viewDaemon } from './daemon-view';

const fixture = readFileSync(
  join(__dirname, '../../../test/fixtures/docker/inspect-container-image-missing.json'),
  'utf8',
);
const answer = (exitCode: number, stdout: string, stderr = '') =>
  (async () => ({ exitCode, stdout, stderr, all: `${stdout}\n${stderr}`, durationMs: 5 })) as Docker;

describe('viewDaemon', () => {
  it('asks once for every name, sorted and without repeats, and reads what was found despite exit 1', async () => {
    const calls: Array<readonly string[]> = [];
    const docker: Docker = async (args, options) => {
      calls.push(args);
      expect(options).toMatchObject({ answeringExitCodes: [1], timeoutMs: expect.any(Number) });
      return answer(1, fixture, 'Error: No such object: no-such-container')(args, options);
    };
    const view = await viewDaemon(['sha256:b', 'buildx_buildkit_x0', 'sha256:b'], {}, docker);
    expect(calls).toEqual([['inspect', '--', 'buildx_buildkit_x0', 'sha256:b']]);
    expect(view?.containers.has('buildx_buildkit_nx-multiarch0')).toBe(true);
    expect(view?.images.size).toBe(1);
  });

  it('asks nothing when nothing is recorded', async () => {
    const docker: Docker = async () => {
      throw new Error('not called');
    };
    expect(await viewDaemon([], {}, docker)).toEqual({ images: new Map(), containers: new Map() });
  });

  it.each<[string, Docker]>([
    [
      'a daemon out of reach (exit 1, but not for missing names)',
      answer(1, '[]', 'Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?'),
    ],
    [
      'a timeout',
      async () => {
        throw new CommandError(['docker', 'inspect'], undefined, '', true, 'timed out after 20 s');
      },
    ],
    ['output that is not an inspect array', answer(0, 'garbage')],
  ])('vouches for nothing after %s', async (_, docker) => {
    expect(await viewDaemon(['sha256:a'], {}, docker)).toBeUndefined();
  });
});
