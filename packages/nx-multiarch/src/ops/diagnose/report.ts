import type { Check } from './check';

export interface Summary {
  ok: number;
  warn: number;
  fail: number;
  skip: number;
}

export function summarize(checks: readonly Check[]): Summary {
  const summary: Summary = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) summary[check.verdict]++;
  return summary;
}

/** A check list a person reads: verdict, id, what was found, and the remedy under it. */
export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.id.length), 10);
  const lines = checks.flatMap((check) => [
    `${check.verdict.padEnd(5)} ${check.id.padEnd(width)}  ${check.detail}`,
    ...(check.remedy ? [`${' '.repeat(6 + width)}  -> ${check.remedy}`] : []),
  ]);
  const s = summarize(checks);
  lines.push(`diagnose: ${s.fail} failed, ${s.warn} warnings, ${s.ok} ok`);
  return lines.join('\n');
}

export function checksJson(checks: readonly Check[]): string {
  return JSON.stringify({ summary: summarize(checks), checks }, null, 2);
}
