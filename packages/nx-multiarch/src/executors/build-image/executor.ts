import { logger, type ExecutorContext } from '@nx/devkit';
import { PluginError } from '../../errors';
import { readBuildEnvironment } from '../../image/build-environment';
import { produceImage } from '../../image/produce';
import { redactText } from '../../network/proxy';
import { ociPlatform } from '../../platform';
import { type BuildImageExecutorSchema, normalizeBuildImageOptions } from './options';

export default async function buildImageExecutor(
  options: BuildImageExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName ?? 'unknown';
  try {
    const normalized = normalizeBuildImageOptions(options, project, context.root);
    const environment = readBuildEnvironment(normalized, process.env);
    for (const arch of normalized.platforms) {
      for (const image of normalized.images) {
        logger.info(`nx-multiarch: building ${image.name} for ${ociPlatform(arch)}`);
        const result = await produceImage(normalized, image, arch, environment);
        logger.info(
          `nx-multiarch: ${result.ref} is ${result.platform} (${result.imageId}) in ${(result.durationMs / 1000).toFixed(1)} s`,
        );
      }
    }
    return { success: true };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    logger.error(`nx-multiarch: ${project}: ${redactText(error.message)}`);
    return { success: false };
  }
}
