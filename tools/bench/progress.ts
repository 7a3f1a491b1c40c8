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
