import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

// The layers, top to bottom; docs/architecture.md draws them. A file may import its own layer or a lower one.
const LAYERS = ['nx', 'ops', 'cli', 'infra', 'core'] as const;
const SRC = __dirname;
const MAX_LINES = 250;
const MAX_EXECUTOR_LINES = 60;
// Packages only one layer (or one file) may import.
const OWNED_PACKAGES: Record<string, (file: string) => boolean> = {
  '@nx/devkit': (file) => file === 'index.ts' || file.startsWith('nx/'),
  execa: (file) => file === 'cli/exec.ts',
  'p-retry': (file) => file.startsWith('infra/retry/'),
};

interface Edge {
  from: string;
  to: string;
}

/** Layer index of a src-relative file; `index.ts` (the package entry) sits with the Nx face. */
function layerOf(file: string): number {
  const top = file.split('/')[0];
  if (file === 'index.ts') return 0;
  const index = LAYERS.indexOf(top as (typeof LAYERS)[number]);
  if (index < 0) throw new Error(`${file} is in no layer: move it under one of ${LAYERS.join(', ')}`);
  return index;
}

const folderOf = (file: string) => dirname(file);

export function upwardImports(edges: Edge[]): string[] {
  return edges
    .filter(({ from, to }) => layerOf(to) < layerOf(from))
    .map(({ from, to }) => `${from} imports ${to}, a higher layer`);
}

/** Folders that import each other, directly or through others (Tarjan's strongly connected components). */
export function folderCycles(edges: Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)?.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let top: string | undefined;
      do {
        top = stack.pop() as string;
        component.push(top);
      } while (top !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')
      ? [relative(SRC, path)]
      : [];
  });
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) => fileName);
}

function resolveLocal(file: string, specifier: string): string {
  const target = relative(SRC, resolve(SRC, dirname(file), specifier));
  return target.endsWith('.json') ? target : `${target}.ts`;
}

const FILES = sourceFiles(SRC);
const EDGES: Edge[] = FILES.flatMap((from) =>
  importsOf(from)
    .filter((specifier) => specifier.startsWith('.') && !specifier.endsWith('.json'))
    .map((specifier) => ({ from, to: resolveLocal(from, specifier) })),
);

describe('the rules themselves', () => {
  it.each([
    [
      { from: 'ops/build/task.ts', to: 'nx/plugin/create-nodes.ts' },
      ['ops/build/task.ts imports nx/plugin/create-nodes.ts, a higher layer'],
    ],
    [
      { from: 'core/platform.ts', to: 'infra/state/lock.ts' },
      ['core/platform.ts imports infra/state/lock.ts, a higher layer'],
    ],
    [{ from: 'nx/plugin/create-nodes.ts', to: 'core/platform.ts' }, []],
    [{ from: 'ops/build/task.ts', to: 'ops/services/lifecycle.ts' }, []],
  ])('%j → %j', (edge, expected) => {
    expect(upwardImports([edge])).toEqual(expected);
  });

  it('finds a cycle between folders of one layer, and none in a chain', () => {
    const chain = [
      { from: 'ops/publish/publish.ts', to: 'ops/build/build-record.ts' },
      { from: 'ops/build/task.ts', to: 'ops/services/lifecycle.ts' },
    ];
    expect(folderCycles(chain)).toEqual([]);
    const loop = [...chain, { from: 'ops/services/lifecycle.ts', to: 'ops/publish/verify.ts' }];
    expect(folderCycles(loop)).toEqual([['ops/build', 'ops/publish', 'ops/services']]);
  });

  it('refuses a file outside every layer', () => {
    expect(() => upwardImports([{ from: 'utils/misc.ts', to: 'core/platform.ts' }])).toThrow(
      /utils\/misc.ts is in no layer/,
    );
  });
});

describe('the import graph of src', () => {
  it('reads the imports (a sanity check on the parser)', () => {
    expect(EDGES.length).toBeGreaterThan(300);
    expect(EDGES).toContainEqual({ from: 'cli/docker/cli.ts', to: 'cli/exec.ts' });
  });

  it('has no import that goes up a layer', () => {
    expect(upwardImports(EDGES)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(folderCycles(EDGES)).toEqual([]);
  });

  it.each(Object.entries(OWNED_PACKAGES))('imports %s only where it belongs', (name, allowed) => {
    const offenders = FILES.filter((file) => importsOf(file).some((s) => s === name || s.startsWith(`${name}/`)));
    expect(offenders.filter((file) => !allowed(file))).toEqual([]);
  });
});

describe('one seam reaches processes', () => {
  it('runs commands only through cli/ (elsewhere cli/exec is imported for its types alone)', () => {
    const valueImport = /^import (?!type )[^;]*from '[./]*(?:cli\/)?exec';/m;
    const offenders = FILES.filter(
      (file) => !file.startsWith('cli/') && valueImport.test(readFileSync(join(SRC, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

describe('sizes', () => {
  const lines = (file: string) => readFileSync(join(SRC, file), 'utf8').trimEnd().split('\n').length;

  it(`keeps every file within ${MAX_LINES} lines`, () => {
    expect(FILES.filter((file) => lines(file) > MAX_LINES).map((file) => `${file}: ${lines(file)}`)).toEqual([]);
  });

  it(`keeps every executor within ${MAX_EXECUTOR_LINES} lines`, () => {
    const executors = FILES.filter((file) => file.endsWith('/executor.ts'));
    expect(executors.length).toBe(7);
    const long = executors.filter((file) => lines(file) > MAX_EXECUTOR_LINES);
    expect(long.map((file) => `${file}: ${lines(file)}`)).toEqual([]);
  });
});

describe('the product names no test tooling', () => {
  it('mentions no lab script or lab-only variable', () => {
    const named = FILES.filter((file) =>
      /tools\/lab|NX_MULTIARCH_DAEMON_CONFIG/.test(readFileSync(join(SRC, file), 'utf8')),
    );
    expect(named).toEqual([]);
  });
});
