import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { evidenceOf, nxBuildLogs } from './evidence';

describe('evidenceOf', () => {
  test.each<[string, Parameters<typeof evidenceOf>[0], ReturnType<typeof evidenceOf>]>([
    [
      'nothing built',
      [],
      { imagesBuilt: 0, builtProjects: [], stepsRan: 0, stepsCached: 0, processes: { 'buildx bake': 2 } },
    ],
    [
      'a build counts as built when BuildKit ran one of its steps; projects sorted, each once',
      [
        { project: 'web', ran: 1, cached: 2 },
        { project: 'api', ran: 3, cached: 0 },
        { project: 'web', ran: 2, cached: 1 },
        { project: 'db', ran: 0, cached: 3 },
        { project: 'cache', ran: 0, cached: 0 },
      ],
      { imagesBuilt: 3, builtProjects: ['api', 'web'], stepsRan: 6, stepsCached: 6, processes: { 'buildx bake': 2 } },
    ],
  ])('%s', (_, builds, expected) => {
    expect(evidenceOf(builds, { 'buildx bake': 2 })).toEqual(expected);
  });
});

describe('nxBuildLogs', () => {
  // Plain progress as BuildKit prints it, reduced to the lines the tally reads.
  const RAN =
    '#4 [1/3] FROM docker.io/library/alpine:3.20\n#4 DONE 0.0s\n\n#5 [2/3] COPY a /a\n#5 DONE 0.1s\n\n#6 [3/3] RUN make\n#6 DONE 2.0s\n';
  const CACHED =
    '#4 [1/3] FROM docker.io/library/alpine:3.20\n#4 CACHED\n\n#5 [2/3] COPY a /a\n#5 CACHED\n\n#6 [3/3] RUN make\n#6 CACHED\n';
  const FAILED = '#5 [2/2] RUN make\n#5 ERROR: process "make" did not complete successfully\n';
  const SINCE = Date.parse('2026-12-01T10:00:00Z');

  function workspace(logs: Array<[path: string, text: string, secondsAfterSince: number]>): string {
    const root = mkdtempSync(join(tmpdir(), 'bench-evidence-'));
    for (const [path, text, seconds] of logs) {
      const file = join(root, '.nx-multiarch/logs', path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      const at = new Date(SINCE + seconds * 1000);
      utimesSync(file, at, at);
    }
    return root;
  }

  test('no log directory (nothing built yet): no process, no build', () => {
    expect(nxBuildLogs(mkdtempSync(join(tmpdir(), 'bench-evidence-')), SINCE)).toEqual({ processes: 0, builds: [] });
  });

  test('logs written since the run started, one process each; an image`s last attempt tells its steps', () => {
    const root = workspace([
      ['api/api-amd64.attempt-1.log', RAN, 5],
      ['api/api-arm64.attempt-1.log', FAILED, 3],
      ['api/api-arm64.attempt-2.log', RAN, 9],
      ['web/web-amd64.attempt-1.log', CACHED, 2],
      // An earlier run's log, left in place: the image was reused, no process ran.
      ['db/db-amd64.attempt-1.log', RAN, -60],
      ['web/notes.txt', RAN, 1],
    ]);
    const { processes, builds } = nxBuildLogs(root, SINCE);
    expect(processes).toBe(4);
    expect(builds.sort((a, b) => `${a.project}${a.ran}`.localeCompare(`${b.project}${b.ran}`))).toEqual([
      { project: 'api', ran: 2, cached: 0 },
      { project: 'api', ran: 2, cached: 0 },
      { project: 'web', ran: 0, cached: 2 },
    ]);
  });

  test('attempt 10 is later than attempt 9', () => {
    const root = workspace([
      ['api/api-amd64.attempt-9.log', FAILED, 1],
      ['api/api-amd64.attempt-10.log', CACHED, 2],
    ]);
    expect(nxBuildLogs(root, SINCE).builds).toEqual([{ project: 'api', ran: 0, cached: 2 }]);
  });
});
