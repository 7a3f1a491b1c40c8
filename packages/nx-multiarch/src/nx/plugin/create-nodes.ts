import { dirname } from 'node:path';
import { createNodesFromFiles, type CreateNodesV2 } from '@nx/devkit';
import { readCatalog } from '../../core/component/catalog';
import { DOCKERFILE, DOCKERFILE_TEMPLATE } from '../../core/component/component';
import { COMPONENT_CONFIG_FILE } from '../../core/component/config';
import { primaryFiles } from '../../core/component/discovery';
import { normalizePluginOptions, type PluginOptions } from '../../core/options/plugin';
import { componentNode } from './component-project';
import { workspaceNode } from './workspace-project';

export const PLUGIN_GLOB = `{nx.json,**/${DOCKERFILE},**/${DOCKERFILE_TEMPLATE},**/${COMPONENT_CONFIG_FILE}}`;

export const createNodes: CreateNodesV2<PluginOptions> = [
  PLUGIN_GLOB,
  async (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    const primary = primaryFiles(files, options);
    // Read every component first: services name other components, whose images they run.
    const { components, byName } = readCatalog(primary.keys(), context.workspaceRoot, options);
    return createNodesFromFiles(
      (file, _options, ctx) => {
        if (file === 'nx.json') return workspaceNode(options, ctx);
        const root = dirname(file);
        if (primary.get(root) !== file) return {};
        const component = components.get(root);
        if (component instanceof Error) throw component;
        return component ? componentNode(component, byName, options, ctx) : {};
      },
      files.filter((file) => file === 'nx.json' || primary.get(dirname(file)) === file),
      rawOptions,
      context,
    );
  },
];
