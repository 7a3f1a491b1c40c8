import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failedStep, fullyCached, stepCounts, type StepCounts } from './progress';

const fixture = (dir: string, name: string) =>
  readFileSync(join(__dirname, '../../../test/fixtures', dir, name), 'utf8');
const buildx = (name: string) => fixture('buildx', name);
const errors = (name: string) => fixture('errors', name);

describe('stepCounts and fullyCached', () => {
  // Counted by hand in each fixture: `[internal]` vertices, FROM and `exporting`/`pushing` are not steps.
  test.each<[string, StepCounts, boolean]>([
    // #5 RUN, #6 COPY, #7 RUN ran (only #4 FROM says CACHED).
    ['build-0.13-docker-fresh.txt', { steps: 3, cached: 0 }, false],
    // #5, #6 and #7 all CACHED.
    ['build-0.13-docker-cached.txt', { steps: 3, cached: 3 }, true],
    // Same three steps CACHED; the `#9 pushing ...` vertex is no step.
    ['build-0.13-docker-push.txt', { steps: 3, cached: 3 }, true],
    // #5 [2/3] RUN ran, #6 [3/3] RUN failed; #4 FROM CACHED does not count.
    ['build-0.13-docker-run-fails.txt', { steps: 2, cached: 0 }, false],
  ])('%s: %j, fully cached %s', (name, counts, cached) => {
    const output = buildx(name);
    expect(stepCounts(output)).toEqual(counts);
    expect(fullyCached(stepCounts(output))).toBe(cached);
  });

  it('counts nothing in empty output, which is not fully cached', () => {
    expect(stepCounts('')).toEqual({ steps: 0, cached: 0 });
    expect(fullyCached(stepCounts(''))).toBe(false);
  });

  it('reads CRLF output like LF output', () => {
    const output = buildx('build-0.13-docker-cached.txt');
    expect(stepCounts(output.replace(/\n/g, '\r\n'))).toEqual(stepCounts(output));
  });
});

describe('failedStep', () => {
  test.each([
    [
      'buildx',
      'build-0.13-docker-run-fails.txt',
      '[3/3] RUN echo "compiling worker" && echo "error: missing symbol main" >&2 && exit 3',
    ],
    ['errors', 'buildkit-run-exit-code.txt', '[4/4] RUN npm run build'],
    ['errors', 'buildkit-run-exit-code-io-timeout.txt', '[builder 4/5] RUN go mod download'],
  ])('names the step of the error excerpt in %s/%s', (dir, name, expected) => {
    expect(failedStep(fixture(dir, name))).toBe(expected);
  });

  it('falls back to the header of the vertex that printed ERROR when there is no excerpt', () => {
    // Derived from build-0.13-docker-run-fails.txt: the ` > [3/3] RUN ...:` excerpt block (between the `------`
    // lines) removed, so only `#6 ERROR: ...` and the `#6 [3/3] RUN ...` header name the step.
    const output = buildx('build-0.13-docker-run-fails.txt').replace(/^------\n[\s\S]*?^------\n/m, '');
    expect(output).toContain('#6 ERROR: executor failed running');
    expect(output).not.toContain(' > [3/3]');
    expect(failedStep(output)).toBe(
      '[3/3] RUN echo "compiling worker" && echo "error: missing symbol main" >&2 && exit 3',
    );
  });

  it('takes the last excerpt when there are several', () => {
    const output = [' > [build 2/3] RUN make deps:', 'x', ' > [build 3/3] RUN make:', 'y'].join('\n');
    expect(failedStep(output)).toBe('[build 3/3] RUN make');
  });

  test.each(['build-0.13-docker-fresh.txt', 'build-0.13-docker-cached.txt', 'build-0.13-docker-push.txt'])(
    'is undefined for the successful build %s',
    (name) => {
      expect(failedStep(buildx(name))).toBeUndefined();
    },
  );

  it('is undefined for empty output', () => {
    expect(failedStep('')).toBeUndefined();
  });
});
