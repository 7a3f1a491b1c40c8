import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyMs, jsonDocuments, plainSteps, type Span, type StepTally, targetSpans, targetSteps } from './progress';

// `docker buildx bake --progress rawjson` of two targets, t1 (linux/amd64) and t2 (linux/arm64), of the same
// two-step Dockerfile, as it printed it.
const RAWJSON = readFileSync(join(__dirname, 'fixtures/bake-rawjson.txt'), 'utf8');

// Captured from the lab: a bake file of two targets t1 (linux/amd64) and t2 (linux/arm64) of one Dockerfile
// (`FROM alpine:3.20`, `COPY a.txt /a.txt`, `RUN echo <token> > /b`, the token new), `docker buildx bake --progress
// rawjson` run twice: cold, then warm; and `docker buildx build --progress plain` of it for linux/arm64, cold then warm.
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('jsonDocuments', () => {
  test.each<[string, string, unknown[]]>([
    ['nothing', '', []],
    ['one compact object', '{"a":1}', [{ a: 1 }]],
    [
      'concatenated indented objects',
      '{\n  "vertexes": [\n    {\n      "digest": "sha256:1",\n      "name": "[t1 1/2] FROM alpine"\n    }\n  ]\n}\n{\n  "statuses": []\n}\n',
      [{ vertexes: [{ digest: 'sha256:1', name: '[t1 1/2] FROM alpine' }] }, { statuses: [] }],
    ],
    ['objects with nothing between them', '{"a":{"b":{}}}{"c":[{"d":2}]}', [{ a: { b: {} } }, { c: [{ d: 2 }] }]],
    ['braces inside strings', '{"s": "}{ {{"}\n{"t": "}"}', [{ s: '}{ {{' }, { t: '}' }]],
    [
      'escaped quotes inside strings',
      '{"log": "echo \\"}\\" > /a"}{"b": "\\"{"}',
      [{ log: 'echo "}" > /a' }, { b: '"{' }],
    ],
    ['an escaped backslash closing a string', '{"path": "C:\\\\"}{"next": 1}', [{ path: 'C:\\' }, { next: 1 }]],
    ['text between the objects', '#1 building\n{"a": 1}\nnoise\n{"b": 2}\n', [{ a: 1 }, { b: 2 }]],
  ])('%s', (_, text, expected) => {
    expect(jsonDocuments(text)).toEqual(expected);
  });

  test('reads every update of the captured bake output', () => {
    const documents = jsonDocuments(RAWJSON);
    // Counted in the file: each document opens with `{` at the start of a line.
    expect(documents).toHaveLength(RAWJSON.split('\n').filter((line) => line === '{').length);
    expect(documents.every((d) => 'vertexes' in (d as object) || 'statuses' in (d as object))).toBe(true);
  });
});

describe('targetSpans', () => {
  test('Date.parse reads BuildKit timestamps (nanoseconds, or fewer digits) to the millisecond', () => {
    expect(Date.parse('2026-11-25T08:34:40.744578096Z')).toBe(Date.UTC(2026, 10, 25, 8, 34, 40, 744));
    expect(Date.parse('2026-11-25T08:34:40.8295454Z')).toBe(Date.UTC(2026, 10, 25, 8, 34, 40, 829));
    expect(Date.parse('2026-11-25T08:34:41.384142243Z')).toBe(Date.UTC(2026, 10, 25, 8, 34, 41, 384));
  });

  // The fixture's timestamps, read off it by hand.
  const T1_FIRST_STARTED = '2026-11-25T08:34:40.744578096Z'; // [t1 internal] load build definition from Dockerfile
  const T1_RUN_COMPLETED = '2026-11-25T08:34:41.354623374Z'; // [t1 2/2] RUN echo a22528 > /a
  const T1_LAST_COMPLETED = '2026-11-25T08:34:41.371787715Z'; // [t1] exporting to image
  const T2_FIRST_STARTED = '2026-11-25T08:34:40.752961721Z'; // [t2 internal] load build definition from Dockerfile
  const T2_LAST_COMPLETED = '2026-11-25T08:34:41.384142243Z'; // [t2] exporting to image

  test('ends t1 after its RUN step, at its export', () => {
    expect(targetSpans(RAWJSON).get('t1')?.end).toBeGreaterThan(Date.parse(T1_RUN_COMPLETED));
  });

  // `[t1] exporting to image` and `[t2] exporting to image` share one digest in this capture.
  test("spans t1 up to its own export, which shares its digest with t2's", () => {
    expect(targetSpans(RAWJSON)).toEqual(
      new Map<string, Span>([
        ['t1', { start: Date.parse(T1_FIRST_STARTED), end: Date.parse(T1_LAST_COMPLETED) }],
        ['t2', { start: Date.parse(T2_FIRST_STARTED), end: Date.parse(T2_LAST_COMPLETED) }],
      ]),
    );
  });

  // The same, reduced: two targets' vertexes of one digest, updates interleaved as bake prints them.
  test('keeps apart the vertexes of two targets sharing a digest', () => {
    const update = (target: string, started: string, completed?: string) =>
      JSON.stringify({
        vertexes: [{ digest: 'sha256:e8', name: `[${target}] exporting to image`, started, completed }],
      });
    const rawjson = [
      update('a', '2026-01-01T00:00:01Z'),
      update('b', '2026-01-01T00:00:02Z'),
      update('a', '2026-01-01T00:00:01Z', '2026-01-01T00:00:05Z'),
      update('b', '2026-01-01T00:00:02Z', '2026-01-01T00:00:03Z'),
    ].join('\n');
    expect(targetSpans(rawjson)).toEqual(
      new Map<string, Span>([
        ['a', { start: Date.UTC(2026, 0, 1, 0, 0, 1), end: Date.UTC(2026, 0, 1, 0, 0, 5) }],
        ['b', { start: Date.UTC(2026, 0, 1, 0, 0, 2), end: Date.UTC(2026, 0, 1, 0, 0, 3) }],
      ]),
    );
  });

  test('leaves bake`s own [internal] steps out and every span starts before it ends', () => {
    const spans = targetSpans(RAWJSON);
    expect([...spans.keys()].sort()).toEqual(['t1', 't2']);
    for (const span of spans.values()) expect(span.start).toBeLessThan(span.end);
  });

  const doc = (...vertexes: object[]) => JSON.stringify({ vertexes }, null, 2);

  test.each<[string, string, Array<[string, Span]>]>([
    ['no output', '', []],
    ['only statuses', JSON.stringify({ statuses: [{ id: 'x', vertex: 'sha256:1' }] }), []],
    [
      "a vertex's name, start and completion in separate updates",
      [
        doc({ digest: 'sha256:1', name: '[api-linux-amd64 2/3] RUN make' }),
        doc({ digest: 'sha256:1', name: '[api-linux-amd64 2/3] RUN make', started: '2026-01-01T00:00:01.5Z' }),
        doc({
          digest: 'sha256:1',
          name: '[api-linux-amd64 2/3] RUN make',
          started: '2026-01-01T00:00:01.5Z',
          completed: '2026-01-01T00:00:04Z',
        }),
      ].join('\n'),
      [['api-linux-amd64', { start: Date.UTC(2026, 0, 1, 0, 0, 1, 500), end: Date.UTC(2026, 0, 1, 0, 0, 4) }]],
    ],
    [
      'steps of one target merged, [internal], unnamed, unstarted and unfinished steps left out',
      doc(
        {
          digest: 'sha256:0',
          name: '[internal] load local bake definitions',
          started: '2026-01-01T00:00:00Z',
          completed: '2026-01-01T00:00:09Z',
        },
        {
          digest: 'sha256:1',
          name: '[web internal] load build definition',
          started: '2026-01-01T00:00:02Z',
          completed: '2026-01-01T00:00:03Z',
        },
        {
          digest: 'sha256:2',
          name: '[web] exporting to image',
          started: '2026-01-01T00:00:05Z',
          completed: '2026-01-01T00:00:06Z',
        },
        { digest: 'sha256:3', name: '[web 1/2] FROM alpine', started: '2026-01-01T00:00:01Z' },
        { digest: 'sha256:4', name: '[web 2/2] RUN make', completed: '2026-01-01T00:00:08Z' },
        { digest: 'sha256:5', started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:09Z' },
        { digest: 'sha256:6', name: 'no target', started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:09Z' },
      ),
      [['web', { start: Date.UTC(2026, 0, 1, 0, 0, 2), end: Date.UTC(2026, 0, 1, 0, 0, 6) }]],
    ],
  ])('%s', (_, rawjson, expected) => {
    expect(targetSpans(rawjson)).toEqual(new Map(expected));
  });
});

describe('busyMs', () => {
  const span = (start: number, end: number): Span => ({ start, end });

  test.each<[string, Span[], number]>([
    ['no spans', [], 0],
    ['one span', [span(100, 350)], 250],
    ['disjoint spans', [span(0, 10), span(20, 25)], 15],
    ['overlapping spans', [span(0, 10), span(5, 15)], 15],
    ['a span nested in another', [span(0, 20), span(5, 10)], 20],
    ['touching spans', [span(0, 10), span(10, 20)], 20],
    ['unsorted spans', [span(20, 30), span(0, 10), span(5, 12)], 22],
    ['the same span twice', [span(3, 7), span(3, 7)], 4],
    ['a span overlapping two others', [span(0, 10), span(20, 30), span(5, 25)], 30],
  ])('%s', (_, spans, expected) => {
    expect(busyMs(spans)).toBe(expected);
  });
});

describe('targetSteps', () => {
  test.each<[string, string, Array<[string, StepTally]>]>([
    [
      'a cold bake: every COPY and RUN step ran',
      'bake-cold-rawjson.txt',
      [
        ['t1', { ran: 2, cached: 0 }],
        ['t2', { ran: 2, cached: 0 }],
      ],
    ],
    [
      'the same bake again: every step cached',
      'bake-warm-rawjson.txt',
      [
        ['t1', { ran: 0, cached: 2 }],
        ['t2', { ran: 0, cached: 2 }],
      ],
    ],
    [
      'a bake of a FROM and a RUN step',
      'bake-rawjson.txt',
      [
        ['t1', { ran: 1, cached: 0 }],
        ['t2', { ran: 1, cached: 0 }],
      ],
    ],
  ])('%s (%s)', (_, file, expected) => {
    expect(new Map([...targetSteps(fixture(file))].sort())).toEqual(new Map(expected));
  });

  const doc = (...vertexes: object[]) => JSON.stringify({ vertexes });

  test.each<[string, string, Array<[string, StepTally]>]>([
    ['no output', '', []],
    [
      'FROM, [internal], exports and bake`s own vertexes are no steps',
      doc(
        { digest: 'sha256:0', name: '[internal] load local bake definitions', completed: '2026-01-01T00:00:01Z' },
        { digest: 'sha256:1', name: '[web internal] load build definition', completed: '2026-01-01T00:00:01Z' },
        { digest: 'sha256:2', name: '[web 1/2] FROM docker.io/library/alpine:3.20', completed: '2026-01-01T00:00:01Z' },
        { digest: 'sha256:3', name: '[web] exporting to image', completed: '2026-01-01T00:00:01Z' },
      ),
      [],
    ],
    [
      'a step cached in a later update is cached; one never completed neither ran nor was cached',
      [
        doc({ digest: 'sha256:1', name: '[web 2/3] COPY a /a', started: '2026-01-01T00:00:01Z' }),
        doc({ digest: 'sha256:1', name: '[web 2/3] COPY a /a', cached: true, completed: '2026-01-01T00:00:01Z' }),
        doc({ digest: 'sha256:2', name: '[web 3/3] RUN make', started: '2026-01-01T00:00:01Z' }),
      ].join('\n'),
      [['web', { ran: 0, cached: 1 }]],
    ],
    [
      'stages and several targets; a step reported again counts once',
      [
        doc({ digest: 'sha256:1', name: '[api build 2/2] RUN go build', completed: '2026-01-01T00:00:02Z' }),
        doc({ digest: 'sha256:1', name: '[api build 2/2] RUN go build', completed: '2026-01-01T00:00:02Z' }),
        doc({ digest: 'sha256:2', name: '[api stage-1 2/2] COPY --from=build /app /app', cached: true }),
        doc({ digest: 'sha256:3', name: '[web 2/2] WORKDIR /srv', completed: '2026-01-01T00:00:02Z' }),
      ].join('\n'),
      [
        ['api', { ran: 1, cached: 1 }],
        ['web', { ran: 1, cached: 0 }],
      ],
    ],
  ])('%s', (_, rawjson, expected) => {
    expect(targetSteps(rawjson)).toEqual(new Map(expected));
  });
});

describe('plainSteps', () => {
  test.each<[string, string, StepTally]>([
    ['a cold build: its COPY and RUN ran', 'build-plain-cold.txt', { ran: 2, cached: 0 }],
    ['the same build again: both cached', 'build-plain-warm.txt', { ran: 0, cached: 2 }],
  ])('%s (%s)', (_, file, expected) => {
    expect(plainSteps(fixture(file))).toEqual(expected);
  });

  test.each<[string, string, StepTally]>([
    ['no output', '', { ran: 0, cached: 0 }],
    [
      'FROM (even cached), [internal] and the export are no steps',
      '#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n#4 [build 1/2] FROM docker.io/library/alpine:3.20\n#4 CACHED\n#8 exporting to image\n#8 DONE 0.0s\n',
      { ran: 0, cached: 0 },
    ],
    [
      'stages: a ran step, a cached one, a failed one (neither)',
      '#5 [build 2/2] RUN make\n#5 0.2 building\n#5 DONE 2.1s\n\n#6 [stage-1 2/3] COPY --from=build /a /a\n#6 CACHED\n\n#7 [stage-1 3/3] RUN test -f /b\n#7 ERROR: process did not complete successfully\n',
      { ran: 1, cached: 1 },
    ],
    [
      'windows line ends, and a step whose header repeats in the output',
      '#5 [2/2] RUN make\r\n#5 ...\r\n\r\n#5 [2/2] RUN make\r\n#5 DONE 1.0s\r\n',
      { ran: 1, cached: 0 },
    ],
  ])('%s', (_, plain, expected) => {
    expect(plainSteps(plain)).toEqual(expected);
  });
});
