// The plugin's public surface: what Nx loads from nx.json `plugins`, and the option types.
export { createNodes } from './nx/plugin/create-nodes';
export { createDependencies } from './nx/plugin/create-dependencies';
export type { PluginOptions } from './core/options/plugin';
export type { BuildImageExecutorSchema } from './core/options/build-image';
import { createNodes } from './nx/plugin/create-nodes';
/** @deprecated Nx 22 reads `createNodes`; kept for tools that still look for the V2 name. */
export const createNodesV2 = createNodes;
export { preTasksExecution, postTasksExecution } from './nx/plugin/run-hooks';
