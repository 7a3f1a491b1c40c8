import type { RunTask } from './run-record';

/**
 * The chain that decided the run's length: from the task that ended last, back through the predecessor that ended
 * last before it started, to a task that waited for nothing.
 */
export function criticalPath(tasks: readonly RunTask[]): string[] {
  const timed = new Map(
    tasks.filter((t) => t.startedAt !== undefined && t.endedAt !== undefined).map((t) => [t.id, t] as const),
  );
  let current = [...timed.values()].sort((a, b) => b.endedAt! - a.endedAt!)[0];
  const chain: string[] = [];
  while (current && !chain.includes(current.id)) {
    chain.unshift(current.id);
    const start = current.startedAt!;
    current = current.after
      .map((id) => timed.get(id))
      .filter((t): t is RunTask => t !== undefined && t.endedAt! <= start + 50)
      .sort((a, b) => b.endedAt! - a.endedAt!)[0];
  }
  return chain;
}
