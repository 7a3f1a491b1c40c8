import type { CreateNodesContextV2, CreateNodesResult } from '@nx/devkit';
import { type Catalog, checkAfter } from '../../core/component/catalog';
import type { Component } from '../../core/component/component';
import type { NormalizedPluginOptions } from '../../core/options/plugin';
import { imageInputs } from './inputs';
import { COMPONENT_TAG, IMAGE_INPUT } from './names';
import { componentTargets } from './targets';

/** The project a component directory becomes. */
export function componentNode(
  component: Component,
  byName: Catalog,
  options: NormalizedPluginOptions,
  context: CreateNodesContextV2,
): CreateNodesResult {
  checkAfter(component, byName);
  const targets = componentTargets(component, options, byName, context.workspaceRoot);
  return {
    projects: {
      [component.root]: {
        name: component.name,
        root: component.root,
        projectType: 'application',
        tags: [COMPONENT_TAG, `phase:${component.phase}`],
        namedInputs: { [IMAGE_INPUT]: imageInputs(component, options, context.workspaceRoot) },
        metadata: {
          description: component.upstream
            ? `Upstream image ${component.upstream}, retagged per platform`
            : `Component image built from ${component.dockerfileSource}`,
          targetGroups: { 'Docker image': Object.keys(targets) },
        },
        targets,
      },
    },
  };
}
