/** What BuildKit's plain progress (`--progress plain`) says about a build's steps. */
export interface StepCounts {
  /** Dockerfile steps that do work (RUN, COPY, ADD...): not `[internal]`, not FROM, not exporting. */
  steps: number;
  /** Of those, the ones BuildKit reused from its cache. */
  cached: number;
}

// `#7 [stage-1 3/3] RUN cat /built.txt`: a vertex header with a Dockerfile step.
const STEP_HEADER = /^#(\d+) \[([^\]]+)\] (\S+)/;
const CACHED = /^#(\d+) CACHED$/;

export function stepCounts(output: string): StepCounts {
  const work = new Set<string>();
  const cached = new Set<string>();
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    const header = STEP_HEADER.exec(line);
    if (header && header[2] !== 'internal' && header[3].toUpperCase() !== 'FROM') work.add(header[1]);
    const hit = CACHED.exec(line);
    if (hit) cached.add(hit[1]);
  }
  return { steps: work.size, cached: [...work].filter((id) => cached.has(id)).length };
}

/** Every step came from BuildKit's cache: nothing was rebuilt (a FROM-only Dockerfile has no step to reuse). */
export function fullyCached(counts: StepCounts): boolean {
  return counts.steps > 0 && counts.cached === counts.steps;
}

/**
 * The step that failed, as BuildKit names it in the error excerpt (` > [build 4/5] RUN go mod download:`), or from the
 * vertex that printed `ERROR` when there is no excerpt.
 */
export function failedStep(output: string): string | undefined {
  const lines = output.split(/\r?\n/);
  const excerpt = lines.map((l) => /^ > (\[[^\]]+\] .*):$/.exec(l)?.[1]).filter(Boolean);
  if (excerpt.length > 0) return excerpt.at(-1);
  const failed = lines.map((l) => /^#(\d+) ERROR\b/.exec(l)?.[1]).find(Boolean);
  if (!failed) return undefined;
  const header = lines.map((l) => new RegExp(`^#${failed} (\\[[^\\]]+\\] .*)$`).exec(l)?.[1]).find(Boolean);
  return header;
}
