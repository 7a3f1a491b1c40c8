import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, nx, tempWorkspace } from './workspace';

jest.setTimeout(300_000);

const BUILDER = 'e2e-ci';
// Long enough to be masked; printed by the failing step, so only the mask keeps it out of the log.
const SECRET = `ci-token-${Date.now().toString(36)}`;
const BROKEN_LINE = 3;
const FILES = {
  'apps/good/Dockerfile': 'FROM alpine:3.20\nRUN uname -m > /arch\n',
  'apps/broken/Dockerfile': [
    'FROM alpine:3.20',
    'RUN echo preparing',
    'RUN --mount=type=secret,id=CI_TOKEN echo "token $(cat /run/secrets/CI_TOKEN)" && exit 3',
    '',
  ].join('\n'),
  '.env': `CI_TOKEN=${SECRET}\n`,
};
// A docker-container builder: Docker 20.10's own BuildKit prints no `Dockerfile:N` excerpt under a failed step.
const OPTIONS = { imagePrefix: 'e2e-ci/', prefetch: false, builder: { driver: 'docker-container', name: BUILDER } };
const BUILDS = ['good linux/amd64', 'broken linux/amd64'];

const tail = (output: string, lines = 40) => output.split('\n').slice(-lines).join('\n');

/**
 * Where each build's block opens and closes in the output, and that every line the build printed (`[title] ...`, the
 * argv line first) lies between: Nx kept the build's output together.
 */
function blocks(lines: string[], opens: (title: string) => number, closes: (title: string, from: number) => number) {
  return BUILDS.map((title) => {
    const start = opens(title);
    const end = closes(title, start);
    const own = lines.flatMap((line, i) => (line.startsWith(`[${title}] `) ? [i] : []));
    return { title, start, end, own, argv: lines.findIndex((l) => l.startsWith(`[${title}] docker buildx build `)) };
  });
}

describe('CI logs: one collapsible block per build, the failure annotated on its Dockerfile line', () => {
  const root = tempWorkspace(FILES, OPTIONS);
  afterAll(() => docker(['buildx', 'rm', BUILDER]));

  it('GitHub Actions: ::group:: per build, ::error on file and line, the run table in the job summary', () => {
    const summary = join(mkdtempSync(join(tmpdir(), 'e2e-ci-summary-')), 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=amd64'], root, {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
      GITLAB_CI: '',
      GITHUB_WORKSPACE: '',
    });
    expect({ status, tail: tail(output) }).toMatchObject({ status: 1 });
    const lines = output.split('\n');

    const found = blocks(
      lines,
      (title) => lines.indexOf(`::group::${title}`),
      (_, from) => lines.indexOf('::endgroup::', from),
    );
    for (const { title, start, end, own, argv } of found) {
      expect({ title, start, argv }).toEqual({ title, start: argv - 1, argv: expect.any(Number) });
      expect(argv).toBeGreaterThan(0);
      // GitHub does not nest groups: no other one opens inside.
      expect(lines.slice(start + 1, end).filter((l) => l.startsWith('::group::'))).toEqual([]);
      expect(own.length).toBeGreaterThan(3);
      expect(own.every((i) => i > start && i < end)).toBe(true);
    }
    // The result lines stay outside the groups, seen without opening one.
    const result = lines.findIndex((l) => l.includes('✖ broken linux/amd64 FAILED'));
    expect(result).toBeGreaterThan(found[1].end);

    const errors = lines.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^::error file=apps/broken/Dockerfile,line=${BROKEN_LINE},title=broken linux/amd64%3A run-step::` +
          'ERROR: failed to solve: process .*did not complete successfully: exit code: 3$',
      ),
    );

    // The step printed the secret; the mask kept it out of the log, the annotation and the summary.
    expect(output).not.toContain(SECRET);
    expect(output).toContain(`[broken linux/amd64] #`);
    expect(output).toMatch(/token \*\*\*/);

    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('# earlier step\n### nx-multiarch run ')).toBe(true);
    expect(markdown).toContain(': FAILED in ');
    expect(markdown).toContain('\n| image | linux/amd64 |\n| --- | --- |\n');
    expect(markdown).toMatch(/\n\| broken \| ❌ \*\*failed\*\*: run-step [\d.]+ s \|\n/);
    expect(markdown).toMatch(/\n\| good \| (✅ built|♻️ cached) [\d.]+ s \|\n/);
    expect(markdown).toMatch(/\ntotals: \d built, \d cached, 1 failed, 0 skipped \\\(2 cells\\\)\n/);
    expect(markdown).toMatch(/\nreport: `\.nx-multiarch\/runs\/[\w-]+\/report\.html`\n/);
    expect(markdown).not.toContain(SECRET);
  });

  it('GitLab CI: a collapsed section per build, no annotation', () => {
    // New inputs, so good builds again rather than being reused.
    writeFileSync(join(root, 'apps/good/Dockerfile'), `${FILES['apps/good/Dockerfile']}# gitlab\n`);
    const started = Math.floor(Date.now() / 1000);
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=amd64'], root, {
      GITLAB_CI: 'true',
      GITHUB_ACTIONS: '',
      GITHUB_STEP_SUMMARY: '',
    });
    const ended = Math.ceil(Date.now() / 1000);
    expect({ status, tail: tail(output) }).toMatchObject({ status: 1 });
    const lines = output.split('\n');
    const name = (title: string) => title.replace(/[ /]/g, '_');
    const times: number[] = [];
    const at = (pattern: RegExp, from = 0) => {
      const i = lines.findIndex((line, n) => n >= from && pattern.test(line));
      if (i >= 0) times.push(Number(pattern.exec(lines[i])?.[1]));
      return i;
    };
    const found = blocks(
      lines,
      (title) =>
        at(new RegExp(`^\\x1b\\[0Ksection_start:(\\d+):${name(title)}\\[collapsed=true\\]\\r\\x1b\\[0K${title}$`)),
      (title, from) => at(new RegExp(`^\\x1b\\[0Ksection_end:(\\d+):${name(title)}\\r\\x1b\\[0K$`), from),
    );
    for (const { title, start, end, own, argv } of found) {
      expect({ title, start, end }).toEqual({ title, start: argv - 1, end: expect.any(Number) });
      expect(end).toBeGreaterThan(argv);
      expect(own.every((i) => i > start && i < end)).toBe(true);
    }
    expect(times).toHaveLength(4);
    for (const t of times) expect(t >= started && t <= ended).toBe(true);
    expect(output).not.toMatch(/^::(group|endgroup|error)/m);
    expect(output).not.toContain(SECRET);
  });
});
