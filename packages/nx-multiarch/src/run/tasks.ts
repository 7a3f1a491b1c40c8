import type { ProjectGraph, TaskResults } from '@nx/devkit';
import { ConfigError } from '../errors';
import { ociPlatform, parsePlatforms } from '../platform';
import type { NxTaskStatus, RunTaskInput } from './assemble';
import { INDEX_COLUMN } from './record';

const PREFIX = 'nx-multiarch:';
// Read-only targets: a run of them alone is not a build worth a record, and they never appear in one.
const NOT_RECORDED = new Set(['nx-multiarch:report', 'nx-multiarch:diagnose']);
const WORKSPACE_EXECUTORS = new Set(['nx-multiarch:builder-setup', 'nx-multiarch:prefetch']);

interface TargetOptions {
  platform?: string;
  platforms?: string;
  images?: Array<{ name: string }>;
}

function platformsOf(value: unknown): string[] {
  if (typeof value !== 'string' && !Array.isArray(value)) return [];
  try {
    return parsePlatforms(value as string | string[], 'task', 'platform').map(ociPlatform);
  } catch (error) {
    // A bad --platform is the task's own failure to report; the matrix just has no cells for it.
    if (error instanceof ConfigError) return [];
    throw error;
  }
}

/** The run's nx-multiarch tasks, as Nx reported them, with what each was to produce from the project graph. */
export function runTasks(results: TaskResults, graph: ProjectGraph): RunTaskInput[] {
  const tasks: RunTaskInput[] = [];
  for (const [id, result] of Object.entries(results)) {
    const { project, target } = result.task.target;
    const config = graph.nodes[project]?.data.targets?.[target];
    const executor = config?.executor ?? '';
    if (!executor.startsWith(PREFIX) || NOT_RECORDED.has(executor)) continue;
    const options = { ...(config?.options as TargetOptions | undefined), ...result.task.overrides } as TargetOptions;
    const component = !WORKSPACE_EXECUTORS.has(executor) && executor !== 'nx-multiarch:render';
    const images = component ? (options.images?.map((i) => i.name) ?? [project]) : [];
    const platforms =
      executor === 'nx-multiarch:manifest'
        ? [INDEX_COLUMN]
        : executor === 'nx-multiarch:build-image'
          ? platformsOf(options.platform)
          : [];
    tasks.push({
      id,
      project,
      target,
      executor,
      scope: WORKSPACE_EXECUTORS.has(executor) ? 'workspace' : 'component',
      status: result.status as NxTaskStatus,
      ...(result.task.startTime !== undefined && { startTime: result.task.startTime }),
      ...(result.task.endTime !== undefined && { endTime: result.task.endTime }),
      images,
      platforms,
      dependsOnProjects: (graph.dependencies[project] ?? []).map((d) => d.target),
    });
  }
  return tasks;
}

/** The workspace-level project (root `.`), whose targets the remedies name. */
export function workspaceProjectOf(graph: ProjectGraph): string {
  return Object.values(graph.nodes).find((n) => n.data.root === '.')?.name ?? '<workspace>';
}
