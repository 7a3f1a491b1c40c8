import type { RunTaskInput } from './run-input';

/**
 * For each task, the tasks of the run it waited for: its task graph dependencies when known; else those of the
 * projects its project depends on, the earlier
 * targets of its own project (render, build-image before push-image before manifest), and the workspace-level tasks
 * (builder-setup, prefetch) every build waits for.
 */
export function predecessors(tasks: readonly RunTaskInput[]): Map<string, string[]> {
  const workspaceTasks = tasks.filter((t) => t.scope === 'workspace');
  const byProject = new Map<string, RunTaskInput[]>();
  for (const t of tasks) byProject.set(t.project, [...(byProject.get(t.project) ?? []), t]);
  const result = new Map<string, string[]>();
  for (const task of tasks) {
    if (task.after) {
      result.set(task.id, [...task.after]);
      continue;
    }
    // prefetch warms images where the builder looks: it waits for builder-setup.
    if (task.executor === 'nx-multiarch:prefetch') {
      result.set(
        task.id,
        workspaceTasks.filter((w) => w.executor === 'nx-multiarch:builder-setup').map((w) => w.id),
      );
      continue;
    }
    const preds = new Set<string>();
    if (task.scope === 'component') {
      // render runs before the builder exists; what builds waits for builder-setup and prefetch.
      if (task.images.length > 0) for (const w of workspaceTasks) preds.add(w.id);
      for (const dep of task.dependsOnProjects) {
        for (const t of byProject.get(dep) ?? []) if (t.target === task.target) preds.add(t.id);
      }
      for (const t of byProject.get(task.project) ?? []) {
        if (STAGE_ORDER(t.target) < STAGE_ORDER(task.target)) preds.add(t.id);
      }
    }
    result.set(task.id, [...preds]);
  }
  return result;
}

// The order of a component's targets within a run.
function STAGE_ORDER(target: string): number {
  if (target === 'render') return 0;
  if (target.includes('manifest')) return 3;
  if (target.includes('push')) return 2;
  return 1;
}

/** The failed tasks a task waited for, directly or through tasks that did not fail, sorted. */
export function transitiveFailures(id: string, after: Map<string, string[]>, failed: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (task: string) => {
    for (const pred of after.get(task) ?? []) {
      if (seen.has(pred)) continue;
      seen.add(pred);
      if (failed.has(pred)) found.add(pred);
      else walk(pred);
    }
  };
  walk(id);
  return [...found].sort();
}
