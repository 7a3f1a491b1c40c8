import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { ensureEnvFile, readWorkspaceEnv } from '../../../core/env/workspace-env';
import { PluginError } from '../../../core/failure/errors';
import { appendFailure } from '../../../infra/run/failure-log';
import { setupFailure } from '../../../core/failure/setup-failure';
import { writeFileAtomic } from '../../../infra/state/atomic-file';
import { DEFAULT_STATE_DIR } from '../../../core/options/state-dir';
import { renderedPath, renderTemplate } from '../../../core/template/render';
import { normalizeRenderOptions, type RenderExecutorSchema } from '../../../core/options/render';
import { writeRunGraph } from '../../../infra/run/record';

export default async function renderExecutor(
  options: RenderExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  // Nx leaves skipped tasks out of what the run report gets; the task graph names them.
  writeRunGraph(context.taskGraph);
  const project = context.projectName ?? 'unknown';
  try {
    const normalized = normalizeRenderOptions(options, project, context.root);
    if (ensureEnvFile(context.root, normalized.envFiles)) {
      logger.info(`nx-multiarch: created ${normalized.envFiles.envFile} from ${normalized.envFiles.exampleFile}`);
    }
    const env = readWorkspaceEnv(context.root, normalized.envFiles, process.env, normalized.values);
    // Render all first: one broken template must not leave the others half-written.
    const rendered = normalized.templates.map(({ file, path }) => ({
      file: renderedPath(file),
      path: renderedPath(path),
      // An `entrypoint.sh.tpl` stays executable once rendered.
      mode: statSync(path).mode & 0o777,
      text: renderTemplate(readFileSync(path, 'utf8'), env.values, file),
    }));
    for (const output of rendered) {
      // Unchanged output keeps its mtime, so nothing downstream sees a change that is not there.
      if (existsSync(output.path) && readFileSync(output.path, 'utf8') === output.text) {
        logger.info(`nx-multiarch: ${output.file} is up to date`);
        continue;
      }
      writeFileAtomic(output.path, output.text);
      chmodSync(output.path, output.mode);
      logger.info(`nx-multiarch: rendered ${output.file}`);
    }
    return { success: true };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    logger.error(`nx-multiarch: ${project}: ${error.message}`);
    appendFailure(resolve(context.root, options.stateDir ?? DEFAULT_STATE_DIR), {
      time: new Date().toISOString(),
      operation: 'render',
      project,
      attempt: 1,
      ...setupFailure(error, 'unknown'),
      message: error.message,
    });
    return { success: false };
  }
}
