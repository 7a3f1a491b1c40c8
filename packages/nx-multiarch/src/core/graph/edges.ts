/** What the graph needs to know about a component, gathered from its files. */
export interface ComponentFacts {
  name: string;
  phase: 'foundation' | 'dependent';
  /** A dependent's explicit predecessors; absent: every foundation. */
  after?: string[];
  /** Projects that must run while it builds. */
  services: string[];
  /** The file the images were read from (Dockerfile or Dockerfile.tpl), for static edges. */
  dockerfile?: string;
  /** Canonical names of the images its Dockerfile uses (FROM, COPY --from, RUN --mount from=). */
  usesImages: string[];
}

export type EdgeReason = 'image' | 'service' | 'phase' | 'after';

export interface ComponentEdge {
  source: string;
  target: string;
  reason: EdgeReason;
  /** Set for `image` edges: the Dockerfile that names the target's image. */
  sourceFile?: string;
}

/**
 * Edges between components: from Dockerfile image references (`owners` maps canonical image names to their
 * component), build-time services, and phases (a dependent builds after every foundation unless `after` says whom).
 */
export function componentEdges(
  components: readonly ComponentFacts[],
  owners: ReadonlyMap<string, string>,
): ComponentEdge[] {
  const edges: ComponentEdge[] = [];
  const seen = new Set<string>();
  const add = (edge: ComponentEdge) => {
    // One edge per pair: the first reason found (an image reference beats a phase) is the one shown.
    const key = `${edge.source}\0${edge.target}`;
    if (edge.source === edge.target || seen.has(key)) return;
    seen.add(key);
    edges.push(edge);
  };
  const foundations = components.filter((c) => c.phase === 'foundation').map((c) => c.name);
  const known = new Set(components.map((c) => c.name));
  for (const component of components) {
    for (const image of component.usesImages) {
      const target = owners.get(image);
      if (target) add({ source: component.name, target, reason: 'image', sourceFile: component.dockerfile });
    }
    for (const service of component.services) {
      if (known.has(service)) add({ source: component.name, target: service, reason: 'service' });
    }
    if (component.phase !== 'dependent') continue;
    if (component.after) {
      for (const target of component.after)
        if (known.has(target)) add({ source: component.name, target, reason: 'after' });
    } else {
      for (const target of foundations) add({ source: component.name, target, reason: 'phase' });
    }
  }
  return edges;
}

/** The first cycle found, as a closed path (`a -> b -> a`), or undefined. */
export function findCycle(edges: readonly ComponentEdge[]): ComponentEdge[] | undefined {
  const out = new Map<string, ComponentEdge[]>();
  for (const edge of edges) out.set(edge.source, [...(out.get(edge.source) ?? []), edge]);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: ComponentEdge[] = [];
  const visit = (node: string): ComponentEdge[] | undefined => {
    state.set(node, 'visiting');
    for (const edge of out.get(node) ?? []) {
      const next = state.get(edge.target);
      if (next === 'done') continue;
      path.push(edge);
      if (next === 'visiting') return path.slice(path.findIndex((e) => e.source === edge.target));
      const found = visit(edge.target);
      if (found) return found;
      path.pop();
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...out.keys()].sort()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

const WHY: Record<EdgeReason, string> = {
  image: 'uses its image',
  service: 'needs it running',
  phase: 'is a dependent, it a foundation',
  after: 'lists it in "after"',
};

/** `portal -> gateway (portal uses its image: packages/portal/Dockerfile) -> portal (gateway lists it in "after")` */
export function describeCycle(cycle: readonly ComponentEdge[]): string {
  const steps = cycle.map(
    (e) => `-> ${e.target} (${e.source} ${WHY[e.reason]}${e.sourceFile ? `: ${e.sourceFile}` : ''})`,
  );
  return `${cycle[0].source} ${steps.join(' ')}`;
}
