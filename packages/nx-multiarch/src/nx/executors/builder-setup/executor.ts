import { logger } from '@nx/devkit';
import { type BuilderSetupExecutorSchema, normalizeBuilderSetupOptions } from '../../../core/options/builder-setup';
import { setUpBuilder } from '../../../ops/setup/builder-setup';
import { nxExecutor } from '../run-executor';

export default nxExecutor<BuilderSetupExecutorSchema>(
  { operation: 'builder-setup', otherwise: 'builder', label: 'builder-setup' },
  async (options, { context }) => {
    await setUpBuilder(normalizeBuilderSetupOptions(options, context.root, process.env), logger, process.env);
    return true;
  },
);
