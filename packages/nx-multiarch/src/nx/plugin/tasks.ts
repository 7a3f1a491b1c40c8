import type { ProjectGraph, TaskResults } from '@nx/devkit';
import { ConfigError } from '../../core/failure/errors';
import { ARCHES, ociPlatform, ownPlatforms, parsePlatforms } from '../../core/platform';
import type { NxTaskStatus, RunTaskInput } from '../../ops/report/run-input';
import { INDEX_COLUMN, type RunGraph } from '../../infra/run/run-dir';

const PREFIX = 'nx-multiarch:';
// Read-only targets: a run of them alone is not a build worth a record, and they never appear in one.
const NOT_RECORDED = new Set(['nx-multiarch:report', 'nx-multiarch:diagnose']);
const WORKSPACE_EXECUTORS = new Set(['nx-multiarch:builder-setup', 'nx-multiarch:prefetch']);

interface TargetOptions {
  platform?: string;
  platforms?: string;
  images?: Array<{ name: string }>;
}

/** The cells a build task was to make: the platforms asked for that are the component's. */
function platformsOf(asked: unknown, own: unknown): string[] {
  const parse = (value: unknown) => parsePlatforms(value as string | string[], 'task', 'platform');
  if (typeof asked !== 'string' && !Array.isArray(asked)) return [];
  try {
    const ownArches = typeof own === 'string' || Array.isArray(own) ? parse(own) : undefined;
    return ownPlatforms(parse(asked), ownArches).built.map(ociPlatform);
  } catch (error) {
    // A bad --platform is the task's own failure to report; the matrix just has no cells for it.
    if (error instanceof ConfigError) return [];
    throw error;
  }
}

interface Entry {
  id: string;
  project: string;
  target: string;
  overrides: Record<string, unknown>;
  status: NxTaskStatus;
  startTime?: number;
  endTime?: number;
}

/** Nx's results, plus the tasks of the run's graph Nx left out of them because a dependency failed. */
function entries(results: TaskResults, runGraph: RunGraph | undefined): Entry[] {
  const found: Entry[] = Object.entries(results).map(([id, result]) => ({
    id,
    project: result.task.target.project,
    target: result.task.target.target,
    overrides: (result.task.overrides ?? {}) as Record<string, unknown>,
    status: result.status as NxTaskStatus,
    ...(result.task.startTime !== undefined && { startTime: result.task.startTime }),
    ...(result.task.endTime !== undefined && { endTime: result.task.endTime }),
  }));
  const skipped: Entry[] = Object.entries(runGraph?.tasks ?? {})
    .filter(([id]) => !(id in results))
    .map(([id, t]) => ({ id, project: t.project, target: t.target, overrides: t.overrides ?? {}, status: 'skipped' }));
  return [...found, ...skipped];
}

/**
 * The run's nx-multiarch tasks, as Nx reported them, with what each was to produce from the project graph, and
 * what each waited for from the run's task graph when an executor recorded it.
 */
export function runTasks(results: TaskResults, graph: ProjectGraph, runGraph?: RunGraph): RunTaskInput[] {
  const tasks: RunTaskInput[] = [];
  for (const entry of entries(results, runGraph)) {
    const { id, project, target } = entry;
    const config = graph.nodes[project]?.data.targets?.[target];
    const executor = config?.executor ?? '';
    if (!executor.startsWith(PREFIX) || NOT_RECORDED.has(executor)) continue;
    const options = { ...(config?.options as TargetOptions | undefined), ...entry.overrides } as TargetOptions;
    const component = !WORKSPACE_EXECUTORS.has(executor) && executor !== 'nx-multiarch:render';
    const images = component ? (options.images?.map((i) => i.name) ?? [project]) : [];
    const platforms =
      executor === 'nx-multiarch:manifest'
        ? [INDEX_COLUMN]
        : executor === 'nx-multiarch:build-image'
          ? platformsOf(options.platform ?? ARCHES.join(','), options.platforms)
          : [];
    tasks.push({
      id,
      project,
      target,
      executor,
      scope: WORKSPACE_EXECUTORS.has(executor) ? 'workspace' : 'component',
      status: entry.status,
      ...(entry.startTime !== undefined && { startTime: entry.startTime }),
      ...(entry.endTime !== undefined && { endTime: entry.endTime }),
      images,
      platforms,
      dependsOnProjects: (graph.dependencies[project] ?? []).map((d) => d.target),
      ...(runGraph?.dependencies[id] && { after: runGraph.dependencies[id] }),
    });
  }
  const ids = new Set(tasks.map((t) => t.id));
  // Only what is in the record: a dependency on another plugin's task is not part of this report.
  return tasks.map((t) => (t.after ? { ...t, after: t.after.filter((d) => ids.has(d)) } : t));
}

/** The workspace-level project (root `.`), whose targets the remedies name. */
export function workspaceProjectOf(graph: ProjectGraph): string {
  return Object.values(graph.nodes).find((n) => n.data.root === '.')?.name ?? '<workspace>';
}
