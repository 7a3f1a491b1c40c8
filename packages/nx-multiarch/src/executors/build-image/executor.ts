import { logger, type ExecutorContext } from '@nx/devkit';
import { PluginError } from '../../errors';
import { readBuildEnvironment } from '../../image/build-environment';
import { produceImage } from '../../image/produce';
import { redactText } from '../../network/proxy';
import { nativeArch, ociPlatform } from '../../platform';
import { startServices, stopServices } from '../../service/lifecycle';
import { type BuildImageExecutorSchema, normalizeBuildImageOptions } from './options';

export default async function buildImageExecutor(
  options: BuildImageExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName ?? 'unknown';
  try {
    const normalized = normalizeBuildImageOptions(options, project, context.root);
    const source = normalized.source;
    const environment = readBuildEnvironment(
      {
        ...normalized,
        workspaceRoot: context.root,
        ...(source.kind === 'dockerfile' && { dockerfile: source.dockerfile }),
      },
      process.env,
    );
    if (environment.envArgs.withheld.length > 0) {
      logger.warn(
        `nx-multiarch: ${project}: not passing ${environment.envArgs.withheld.join(', ')} from .env as build args: ` +
          'build args stay readable in the image history; pass credentials as BuildKit secrets',
      );
    }
    for (const arch of normalized.platforms) {
      if (arch !== nativeArch()) logger.info(`nx-multiarch: ${ociPlatform(arch)} runs under emulation on this machine`);
      const services = await startServices(project, normalized.services, arch);
      try {
        const inputs = {
          buildArgs: Object.assign({}, ...services.map((s) => s.buildArgs)) as Record<string, string>,
          addHosts: services.map((s) => s.addHost),
        };
        for (const image of normalized.images) {
          logger.info(`nx-multiarch: building ${image.name} for ${ociPlatform(arch)}`);
          const result = await produceImage(normalized, image, arch, environment, inputs);
          logger.info(
            `nx-multiarch: ${result.ref} is ${result.platform} (${result.imageId}) in ${(result.durationMs / 1000).toFixed(1)} s`,
          );
        }
      } finally {
        await stopServices(services.map((s) => s.container));
      }
    }
    return { success: true };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    logger.error(`nx-multiarch: ${project}: ${redactText(error.message)}`);
    return { success: false };
  }
}
