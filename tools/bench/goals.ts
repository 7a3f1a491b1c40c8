// The speed goals nx-multiarch is held to, against bake, and whether a run met them.
import type { Scenario } from './builds';
import type { Aggregate } from './stats';

export interface Goal {
  scenario: Scenario;
  /** `demo`, or `generated` for the generated platform (40 components in the full bench). */
  platform: 'demo' | 'generated';
  /** The most nx-multiarch's median wall time may be, as a share of bake's. */
  maxRatio: number;
  /** Also: nx-multiarch built the changed component's images and nothing else. */
  onlyChanged?: boolean;
}

export const GOALS: readonly Goal[] = [
  { scenario: 'warm', platform: 'generated', maxRatio: 0.2 },
  { scenario: 'warm', platform: 'demo', maxRatio: 0.5 },
  { scenario: 'leaf', platform: 'generated', maxRatio: 0.35, onlyChanged: true },
  { scenario: 'cold', platform: 'generated', maxRatio: 1 },
  { scenario: 'cold', platform: 'demo', maxRatio: 1 },
];

export interface GoalResult {
  goal: Goal;
  platform: string;
  /** nx-multiarch's median wall time ÷ bake's. */
  ratio: number;
  /** The projects nx-multiarch built, each repeat's (for onlyChanged). */
  built: string[][];
  changed?: string;
  met: boolean;
}

const kindOf = (platform: string) => (platform === 'demo' ? 'demo' : 'generated');

/** Each goal on every platform of its kind that has both an nx and a bake measurement. */
export function goalResults(aggregates: readonly Aggregate[]): GoalResult[] {
  const results: GoalResult[] = [];
  for (const goal of GOALS) {
    const of = (contender: string) =>
      aggregates.filter(
        (a) => kindOf(a.platform) === goal.platform && a.scenario === goal.scenario && a.contender === contender,
      );
    for (const nx of of('nx')) {
      const bake = of('bake').find((b) => b.platform === nx.platform);
      if (!bake || bake.wall.median <= 0) continue;
      const ratio = nx.wall.median / bake.wall.median;
      const built = nx.runs.map((r) => r.builtProjects);
      const changed = nx.runs[0].changed;
      const onlyChanged = built.every((projects) => projects.length === 1 && projects[0] === changed);
      results.push({
        goal,
        platform: nx.platform,
        ratio,
        built,
        ...(changed !== undefined && { changed }),
        met: ratio <= goal.maxRatio && (!goal.onlyChanged || onlyChanged),
      });
    }
  }
  return results;
}
