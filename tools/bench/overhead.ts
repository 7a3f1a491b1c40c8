// Orchestration overhead: a run's wall time minus the time its builds themselves took on the critical path.
import type { RunRecord } from '../../packages/nx-multiarch/src/ops/report/run-record';
import { busyMs, type Span } from './progress';

/**
 * The work on an Nx run's critical path (from run.json): for each task on it, the time its images were building
 * (their `docker buildx build` processes, overlaps once), or for prefetch the time it spent fetching base images
 * (bake and the loop fetch them inside their builds). Render, builder-setup and Nx itself are overhead.
 */
export function nxCriticalWork(record: Pick<RunRecord, 'criticalPath' | 'cells' | 'tasks'>): number {
  let work = 0;
  for (const id of record.criticalPath) {
    const task = record.tasks.find((t) => t.id === id);
    if (task?.target === 'prefetch') {
      work += task.durationMs ?? 0;
      continue;
    }
    const spans = record.cells
      .filter((c) => c.task === id && c.startedAt !== undefined && c.endedAt !== undefined)
      .map((c) => ({ start: c.startedAt as number, end: c.endedAt as number }));
    work += busyMs(spans);
  }
  return work;
}

/** Builds run level after level, a level's builds together: the critical path holds each level's longest build. */
export function levelsCriticalWork(levels: readonly (readonly Span[])[]): number {
  return levels.reduce((sum, spans) => sum + Math.max(0, ...spans.map((s) => s.end - s.start)), 0);
}

/** Builds run one after another: every build is on the critical path. */
export const sequentialWork = (durationsMs: readonly number[]): number => durationsMs.reduce((a, b) => a + b, 0);
