// Repeated measurements of one (platform, contender, scenario) reduced to what the page shows: median, min, max.
import type { Measurement } from './builds';

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The middle value; of an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summary(values: readonly number[]): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** All repeats of one (platform, contender, scenario), in the order they ran. */
export interface Aggregate {
  platform: string;
  contender: Measurement['contender'];
  scenario: Measurement['scenario'];
  wall: Summary;
  work: Summary;
  runs: Measurement[];
}

/** Grouped by platform, contender and scenario, in the order each was first measured. */
export function aggregate(measurements: readonly Measurement[]): Aggregate[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = JSON.stringify([m.platform, m.contender, m.scenario]);
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((runs) => ({
    platform: runs[0].platform,
    contender: runs[0].contender,
    scenario: runs[0].scenario,
    wall: summary(runs.map((r) => r.wallMs)),
    work: summary(runs.map((r) => r.workMs)),
    runs,
  }));
}

/** A value per repeat, shown once when the repeats agree, else each (`|` escaped for a table cell): `2/80 \\| 4/80`. */
export function agreed(values: readonly string[]): string {
  return [...new Set(values)].join(' \\| ');
}
