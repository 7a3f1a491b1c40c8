// The plugin's public surface: what Nx loads from nx.json `plugins`, and the option types.
export { createNodes } from './plugin/create-nodes';
export { createDependencies } from './plugin/create-dependencies';
export type { PluginOptions } from './plugin/options';
export type { BuildImageExecutorSchema } from './executors/build-image/options';
import { createNodes } from './plugin/create-nodes';
/** @deprecated Nx 22 reads `createNodes`; kept for tools that still look for the V2 name. */
export const createNodesV2 = createNodes;
export { preTasksExecution, postTasksExecution } from './plugin/run-hooks';
