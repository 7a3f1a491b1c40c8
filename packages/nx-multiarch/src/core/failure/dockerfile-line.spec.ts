import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failedDockerfileLine } from './dockerfile-line';

const fixture = (path: string) => readFileSync(join(__dirname, '../../../test/fixtures', path), 'utf8');

describe('failedDockerfileLine', () => {
  test.each([
    // Captured: buildx 0.13 on a docker-container builder, a RUN step on line 3 exiting 3 (ci-logs.e2e.ts).
    ['buildx/build-0.13-container-run-fails.txt', { file: 'Dockerfile', line: 3 }],
    ['errors/buildkit-run-exit-code.txt', { file: 'Dockerfile', line: 4 }],
    ['errors/buildkit-run-exit-code-io-timeout.txt', { file: 'Dockerfile', line: 5 }],
    ['errors/buildkit-resolve-io-timeout.txt', { file: 'Dockerfile', line: 1 }],
    // BuildKit 0.8 in Docker 20.10 (the docker driver) prints no excerpt.
    ['buildx/build-0.13-docker-run-fails.txt', undefined],
    ['errors/buildkit-0.8-docker-copy-missing-file.txt', undefined],
    ['buildx/build-0.13-docker-fresh.txt', undefined],
  ])('%s -> %j', (path, expected) => {
    expect(failedDockerfileLine(fixture(path))).toEqual(expected);
  });

  test.each([
    [
      'a named Dockerfile',
      'Dockerfile.prod:7\n--------------------\n   7 | >>> RUN false\n',
      { file: 'Dockerfile.prod', line: 7 },
    ],
    ['CRLF line ends', 'Dockerfile:2\r\n--------------------\r\n', { file: 'Dockerfile', line: 2 }],
    [
      'the last excerpt of several',
      'Dockerfile:2\n--------------------\nx\n--------------------\nDockerfile:9\n--------------------\n',
      { file: 'Dockerfile', line: 9 },
    ],
    ['a header without its rule', 'Dockerfile:3\nERROR: failed to solve\n', undefined],
    ['a rule of another length', 'Dockerfile:3\n------\n', undefined],
    ['a step output line that looks like one', '#8 0.41 main.go:12\n--------------------\n', undefined],
    ['nothing', '', undefined],
  ])('%s', (_, output, expected) => {
    expect(failedDockerfileLine(output)).toEqual(expected);
  });
});
