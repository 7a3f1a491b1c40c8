// BuildKit's own time per bake target, read from `docker buildx bake --progress rawjson`.

interface RawVertex {
  digest: string;
  name?: string;
  started?: string;
  completed?: string;
}

export interface Span {
  start: number;
  end: number;
}

/** The JSON values of a stream of concatenated documents (rawjson prints one indented object per update). */
export function jsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
  }
  return documents;
}

/**
 * Per bake target, from the first step it started to the last it completed. Bake prefixes each vertex with its
 * target (`[portal-linux-arm64 2/3] RUN ...`, `[portal-linux-arm64] exporting to image`); `[internal] ...` is bake's own.
 */
export function targetSpans(rawjson: string): Map<string, Span> {
  const vertexes = new Map<string, RawVertex>();
  for (const document of jsonDocuments(rawjson)) {
    for (const vertex of (document as { vertexes?: RawVertex[] }).vertexes ?? []) {
      // Targets share digests (`exporting to image` has one for all of them): the name tells them apart.
      const key = `${vertex.digest} ${vertex.name ?? ''}`;
      const earlier = vertexes.get(key);
      // A vertex reported again with a new start keeps its first one.
      vertexes.set(key, { ...earlier, ...vertex, started: earlier?.started ?? vertex.started });
    }
  }
  const spans = new Map<string, Span>();
  for (const vertex of vertexes.values()) {
    const target = /^\[([^\s\]]+)[\s\]]/.exec(vertex.name ?? '')?.[1];
    if (!target || target === 'internal' || !vertex.started || !vertex.completed) continue;
    const start = Date.parse(vertex.started);
    const end = Date.parse(vertex.completed);
    const span = spans.get(target);
    spans.set(target, span ? { start: Math.min(span.start, start), end: Math.max(span.end, end) } : { start, end });
  }
  return spans;
}

/** How long at least one of the intervals was running (overlaps counted once). */
export function busyMs(spans: readonly Span[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const { start, end } of [...spans].sort((a, b) => a.start - b.start)) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

/** Dockerfile steps BuildKit ran and took from its cache: RUN, COPY, ADD, WORKDIR... (not FROM, `[internal]`, exports). */
export interface StepTally {
  ran: number;
  cached: number;
}

// `[web 2/3] RUN make` (bake: the target first), `[stage-1 2/3] COPY ...`, `[2/2] RUN ...`: numbered Dockerfile steps.
const STEP_NAME = /^\[(?:([^\]]*) )?\d+\/\d+\] (\S+)/;

const isStep = (name: string) => {
  const step = STEP_NAME.exec(name);
  return step !== null && step[2].toUpperCase() !== 'FROM';
};

interface StepVertex {
  name: string;
  cached: boolean;
  completed: boolean;
}

/**
 * Per bake target, the Dockerfile steps that ran and the ones BuildKit took from its cache, from `--progress rawjson`:
 * a vertex reported `cached: true` was cached; one that completed and was never cached ran.
 */
export function targetSteps(rawjson: string): Map<string, StepTally> {
  const vertexes = new Map<string, StepVertex>();
  for (const document of jsonDocuments(rawjson)) {
    for (const vertex of (document as { vertexes?: Array<RawVertex & { cached?: boolean }> }).vertexes ?? []) {
      if (!vertex.name || !isStep(vertex.name)) continue;
      const key = `${vertex.digest} ${vertex.name}`;
      const earlier = vertexes.get(key);
      vertexes.set(key, {
        name: vertex.name,
        cached: (earlier?.cached ?? false) || vertex.cached === true,
        completed: (earlier?.completed ?? false) || vertex.completed !== undefined,
      });
    }
  }
  const tallies = new Map<string, StepTally>();
  for (const { name, cached, completed } of vertexes.values()) {
    const target = /^\[(\S+)/.exec(name)?.[1] as string;
    const tally = tallies.get(target) ?? { ran: 0, cached: 0 };
    if (cached) tally.cached++;
    else if (completed) tally.ran++;
    tallies.set(target, tally);
  }
  return tallies;
}

// `#5 [build 2/2] RUN echo ...`, then `#5 CACHED` or `#5 DONE 0.2s`.
const PLAIN_HEADER = /^#(\d+) (\[.*)$/;
const PLAIN_END = /^#(\d+) (CACHED|DONE)\b/;

/** The same tally from one build's `--progress plain` output (the loop's, and nx-multiarch's build logs). */
export function plainSteps(plain: string): StepTally {
  const steps = new Set<string>();
  const ends = new Map<string, string>();
  for (const line of plain.split(/\r?\n/)) {
    const header = PLAIN_HEADER.exec(line.trim());
    if (header && isStep(header[2])) steps.add(header[1]);
    const end = PLAIN_END.exec(line.trim());
    // CACHED wins: BuildKit never prints DONE for a step it took from the cache.
    if (end && ends.get(end[1]) !== 'CACHED') ends.set(end[1], end[2]);
  }
  const tally = { ran: 0, cached: 0 };
  for (const id of steps) {
    if (ends.get(id) === 'CACHED') tally.cached++;
    else if (ends.get(id) === 'DONE') tally.ran++;
  }
  return tally;
}
