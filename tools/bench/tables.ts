// The builds section's tables: median wall times and ratios, what each contender did, overhead, the goals.
import { CONTENDERS, type Contender, type Measurement, SCENARIOS, type Scenario } from './builds';
import { goalResults } from './goals';
import { type Aggregate, agreed, summary } from './stats';

export const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** nx-multiarch's time ÷ the other's: below 1, nx-multiarch was faster. */
export const ratio = (ours: number, other: number) => (other > 0 ? `${(ours / other).toFixed(2)}x` : 'n/a');
export const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

export const CONTENDER_TEXT: Record<Contender, string> = {
  nx: 'nx-multiarch',
  'nx-ec2': 'nx, 2 emulated',
  bake: 'bake',
  loop: 'loop',
};

export const SCENARIO_TEXT: Record<Scenario, string> = {
  cold: 'cold: no images, empty BuildKit cache, fresh workspace',
  warm: 'warm: again, nothing changed',
  leaf: 'one leaf component changed',
  foundation: 'one foundation changed',
};

const platforms = (aggregates: readonly Aggregate[]) => [...new Set(aggregates.map((a) => a.platform))];

const find = (aggregates: readonly Aggregate[], platform: string, contender: Contender, scenario: Scenario) =>
  aggregates.find((a) => a.platform === platform && a.contender === contender && a.scenario === scenario);

/** Median wall time per contender, and nx-multiarch's medians as a share of the others'. */
export function buildsTable(aggregates: readonly Aggregate[]): string {
  const rows: string[][] = [];
  for (const platform of platforms(aggregates)) {
    for (const scenario of SCENARIOS) {
      const [nx, nx2, bake, loop] = CONTENDERS.map((c) => find(aggregates, platform, c, scenario));
      if (!nx || !nx2 || !bake || !loop) continue;
      rows.push([
        platform,
        SCENARIO_TEXT[scenario],
        ...[nx, nx2, bake, loop].map((a) => s(a.wall.median)),
        ratio(nx.wall.median, bake.wall.median),
        ratio(nx2.wall.median, bake.wall.median),
        ratio(nx.wall.median, loop.wall.median),
      ]);
    }
  }
  const head = ['platform', 'scenario', ...CONTENDERS.map((c) => CONTENDER_TEXT[c])];
  return table([...head, 'nx / bake', 'nx, 2 emulated / bake', 'nx / loop'], rows);
}

function builtCell(m: Measurement): string {
  const { builtProjects: p } = m;
  const which = p.length === 0 ? '' : p.length <= 3 ? ` (${p.join(', ')})` : ` (${p.length} components)`;
  return `${m.imagesBuilt}/${m.images}${which}`;
}

function processesCell(m: Measurement): string {
  const kinds = Object.entries(m.processes).filter(([, n]) => n > 0);
  const total = kinds.reduce((sum, [, n]) => sum + n, 0);
  const parts = kinds.map(([kind, n]) => `${n} ${kind}`).join(' + ');
  const hits = m.cacheHits !== undefined ? `; Nx cache hits: ${m.cacheHits}` : '';
  return `${total}${kinds.length > 1 ? ` (${parts})` : kinds.length === 1 ? ` ${kinds[0][0]}` : ''}${hits}`;
}

/** Per contender: the spread of its wall times, and what it really did, from BuildKit's progress. */
export function workTable(aggregates: readonly Aggregate[]): string {
  const rows: string[][] = [];
  for (const platform of platforms(aggregates)) {
    for (const scenario of SCENARIOS) {
      for (const contender of CONTENDERS) {
        const a = find(aggregates, platform, contender, scenario);
        if (!a) continue;
        rows.push([
          platform,
          scenario,
          CONTENDER_TEXT[contender],
          s(a.wall.median),
          `${s(a.wall.min)} – ${s(a.wall.max)}`,
          String(a.wall.n),
          agreed(a.runs.map(builtCell)),
          agreed(a.runs.map((m) => `${m.stepsRan} / ${m.stepsCached}`)),
          agreed(a.runs.map(processesCell)),
        ]);
      }
    }
  }
  return table(
    [
      'platform',
      'scenario',
      'contender',
      'median',
      'min – max',
      'runs',
      'images built',
      'steps ran / cached',
      'processes started',
    ],
    rows,
  );
}

/** Median of each run's wall time minus its work on the critical path, and its share of the median wall time. */
export function overheadTable(aggregates: readonly Aggregate[]): string {
  const cell = (a: Aggregate | undefined) => {
    if (!a) return 'n/a';
    const overhead = summary(a.runs.map((m) => m.wallMs - m.workMs)).median;
    return `${s(overhead)} (${Math.round((overhead / a.wall.median) * 100)}%)`;
  };
  const rows: string[][] = [];
  for (const platform of platforms(aggregates)) {
    for (const scenario of SCENARIOS) {
      const nx = find(aggregates, platform, 'nx', scenario);
      const emulated = nx?.runs.flatMap((m) => (m.emulatedMs === undefined ? [] : [m.emulatedMs]));
      rows.push([
        platform,
        scenario,
        ...CONTENDERS.map((c) => cell(find(aggregates, platform, c, scenario))),
        emulated && emulated.length > 0 ? s(summary(emulated).median) : 'n/a',
      ]);
    }
  }
  const head = ['platform', 'scenario', ...CONTENDERS.map((c) => CONTENDER_TEXT[c])];
  return table([...head, 'nx: emulated builds, summed'], rows);
}

/** Each goal beside the measured ratio, and whether it was met. */
export function goalsTable(aggregates: readonly Aggregate[]): string {
  const rows = goalResults(aggregates).map((r) => {
    const only = r.goal.onlyChanged ? ` and built only ${r.changed}'s images` : '';
    const built = r.goal.onlyChanged ? `, built: ${agreed(r.built.map((p) => p.join(', ') || 'nothing'))}` : '';
    return [
      SCENARIO_TEXT[r.goal.scenario],
      r.platform,
      `≤ ${r.goal.maxRatio.toFixed(2)}x${only}`,
      `${ratio(r.ratio, 1)}${built}`,
      r.met ? 'met' : 'not met',
    ];
  });
  return table(['scenario', 'platform', 'goal: nx / bake', 'measured', 'result'], rows);
}
