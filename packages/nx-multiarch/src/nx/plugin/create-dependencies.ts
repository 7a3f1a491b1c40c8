import {
  DependencyType,
  validateDependency,
  type CreateDependencies,
  type CreateDependenciesContext,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { type Component, readComponent } from '../../core/component/component';
import { imageOwners, imagesUsed } from '../../core/component/images';
import { readWorkspaceEnv } from '../../core/env/workspace-env';
import { PluginError } from '../../core/failure/errors';
import { componentEdges, describeCycle, findCycle, type ComponentFacts } from '../../core/graph/edges';
import { COMPONENT_TAG } from './names';
import { normalizePluginOptions, type PluginOptions } from '../../core/options/plugin';

function componentsOf(context: CreateDependenciesContext, options: ReturnType<typeof normalizePluginOptions>) {
  const components: Component[] = [];
  for (const project of Object.values(context.projects)) {
    if (!project.tags?.includes(COMPONENT_TAG)) continue;
    // Errors here were already reported by createNodes, against the file that has them.
    try {
      components.push(readComponent(project.root, context.workspaceRoot, options));
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
    }
  }
  return components;
}

/**
 * Edges from Dockerfile image references (static, with the Dockerfile as source file), build-time services and
 * phases (implicit). All of them every time: which component owns an image can change without the Dockerfile changing.
 */
export const createDependencies: CreateDependencies<PluginOptions> = (rawOptions, context) => {
  const options = normalizePluginOptions(rawOptions);
  const env = readWorkspaceEnv(
    context.workspaceRoot,
    { envFile: options.envFile, exampleFile: options.envExample },
    process.env,
    options.templateValues,
  );
  const components = componentsOf(context, options);
  const facts: ComponentFacts[] = components.map((c) => ({
    name: c.name,
    phase: c.phase,
    ...(c.config.after && { after: c.config.after }),
    services: (c.config.services ?? []).map((s) => s.project),
    ...(c.dockerfileSource && { dockerfile: c.dockerfileSource }),
    usesImages: imagesUsed(c, env, context.workspaceRoot),
  }));
  const edges = componentEdges(facts, imageOwners(components));
  const cycle = findCycle(edges);
  if (cycle) {
    const message =
      `nx-multiarch: the components depend on each other in a cycle: ${describeCycle(cycle)}. ` +
      'Fix: remove one of these references, or change a phase / "after" in its multiarch.json';
    // run-many and affected print only "Failed to process project graph" unless --verbose: say it here too.
    console.error(message);
    throw new PluginError(message);
  }
  return edges.map((edge) => {
    const dependency: RawProjectGraphDependency =
      edge.sourceFile !== undefined
        ? { source: edge.source, target: edge.target, sourceFile: edge.sourceFile, type: DependencyType.static }
        : { source: edge.source, target: edge.target, type: DependencyType.implicit };
    validateDependency(dependency, context);
    return dependency;
  });
};
