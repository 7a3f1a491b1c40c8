import { logger } from '@nx/devkit';
import { normalizeRenderOptions, type RenderExecutorSchema } from '../../../core/options/render';
import { renderTemplates } from '../../../ops/render/templates';
import { nxExecutor } from '../run-executor';

export default nxExecutor<RenderExecutorSchema>({ operation: 'render' }, async (options, { context, project }) => {
  renderTemplates(normalizeRenderOptions(options, project, context.root), context.root, logger, process.env);
  return true;
});
