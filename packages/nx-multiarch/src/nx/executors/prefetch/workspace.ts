import type { ExecutorContext } from '@nx/devkit';
import { type Component, type ComponentDefaults, readComponent } from '../../../core/component/component';
import { componentBaseImages, imageOwners } from '../../../core/component/images';
import { readWorkspaceEnv, type EnvFiles } from '../../../core/env/workspace-env';
import { ConfigError } from '../../../core/failure/errors';
import { COMPONENT_TAG } from '../../plugin/names';
import type { Arch } from '../../../core/platform';
import { planPrefetch, type PrefetchPlan } from '../../../ops/prefetch/plan';

export interface WorkspacePrefetchRequest {
  /** Component names to warm for; undefined: all. */
  projects?: string[];
  platforms: Arch[];
  defaults: ComponentDefaults;
  envFiles: EnvFiles;
  values: Record<string, string>;
  /** The arch `$BUILDPLATFORM` stages are pulled for. */
  buildArch: Arch;
}

/** Which components this run builds: the projects of build (or push) tasks in its task graph, if there are any. */
export function projectsInRun(
  context: Pick<ExecutorContext, 'taskGraph'>,
  buildTargets: readonly string[],
): string[] | undefined {
  const projects = Object.values(context.taskGraph?.tasks ?? {})
    .filter((task) => buildTargets.includes(task.target.target))
    .map((task) => task.target.project);
  return projects.length > 0 ? [...new Set(projects)].sort() : undefined;
}

/** Every component project Nx knows, by name, with its root. */
export function componentRoots(context: Pick<ExecutorContext, 'projectsConfigurations'>): Map<string, string> {
  const roots = new Map<string, string>();
  for (const [name, project] of Object.entries(context.projectsConfigurations?.projects ?? {})) {
    if (project.tags?.includes(COMPONENT_TAG)) roots.set(name, project.root);
  }
  return roots;
}

/** Reads the components (all of them, to know which images are built here) and plans the fetches for the selected. */
export function planWorkspacePrefetch(
  workspaceRoot: string,
  roots: ReadonlyMap<string, string>,
  request: WorkspacePrefetchRequest,
): PrefetchPlan {
  const unknown = (request.projects ?? []).filter((name) => !roots.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      'target prefetch',
      'projects',
      `no component named ${unknown.join(', ')}`,
      `use some of ${[...roots.keys()].sort().join(', ')}`,
    );
  }
  const components: Component[] = [...roots.values()].map((root) =>
    readComponent(root, workspaceRoot, request.defaults),
  );
  const env = readWorkspaceEnv(workspaceRoot, request.envFiles, process.env, request.values);
  const selected = components.filter((c) => !request.projects || request.projects.includes(c.name));
  return planPrefetch(
    selected.map((component) => ({
      project: component.name,
      builds: component.platforms
        .filter((arch) => request.platforms.includes(arch))
        .map((target) => ({
          target,
          images: componentBaseImages(component, env, workspaceRoot, target, request.buildArch),
        })),
    })),
    imageOwners(components),
  );
}
