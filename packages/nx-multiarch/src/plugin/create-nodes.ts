import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  createNodesFromFiles,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
  type TargetConfiguration,
} from '@nx/devkit';
import { COMPONENT_CONFIG_FILE, readComponentConfig, type ComponentConfig } from '../component/config';
import { ConfigError } from '../errors';
import { parsePlatforms } from '../platform';
import { normalizePluginOptions, type NormalizedPluginOptions, type PluginOptions } from './options';

export const BUILD_IMAGE_EXECUTOR = 'nx-multiarch:build-image';
export const COMPONENT_GLOB = `**/{Dockerfile,${COMPONENT_CONFIG_FILE}}`;

function buildImageTarget(
  root: string,
  config: ComponentConfig,
  hasDockerfile: boolean,
  options: NormalizedPluginOptions,
  projectName: string,
): TargetConfiguration {
  const source = `${root}/${COMPONENT_CONFIG_FILE}`;
  const platforms = config.platforms ? parsePlatforms(config.platforms, source, 'platforms') : options.platforms;
  const images = config.images ?? [{ name: projectName }];
  const build = hasDockerfile ? { context: root, dockerfile: `${root}/Dockerfile` } : { upstream: config.upstream };
  return {
    executor: BUILD_IMAGE_EXECUTOR,
    options: {
      platform: platforms.join(','),
      ...build,
      images,
      registry: options.registry,
      imagePrefix: options.imagePrefix,
      tag: options.tag,
      ...(config.buildArgs && { buildArgs: config.buildArgs }),
      ...(config.network && { network: config.network }),
    },
    // `params: forward` passes --platform on to the images this one is built from.
    dependsOn: [{ target: options.buildTargetName, dependencies: true, params: 'forward' }],
    inputs: ['{projectRoot}/**/*', { dependentTasksOutputFiles: '**/*.json', transitive: true }],
    outputs: ['{workspaceRoot}/dist/images/{projectName}'],
    // A --load'ed image lives in one daemon only: a cache hit could claim an image that is not there.
    cache: false,
    metadata: {
      description: `Build ${images.map((i) => i.name).join(', ')} for ${platforms.join(', ')} with docker buildx`,
      technologies: ['docker'],
    },
  };
}

function componentNode(
  file: string,
  options: NormalizedPluginOptions,
  context: CreateNodesContextV2,
): CreateNodesResult {
  const root = dirname(file);
  const absoluteRoot = join(context.workspaceRoot, root);
  const hasDockerfile = existsSync(join(absoluteRoot, 'Dockerfile'));
  // A directory with both files is one project: let the Dockerfile's entry describe it.
  if (basename(file) === COMPONENT_CONFIG_FILE && hasDockerfile) return {};
  const config = readComponentConfig(absoluteRoot, root);
  if (!hasDockerfile && !config.upstream) {
    throw new ConfigError(
      `${root}/${COMPONENT_CONFIG_FILE}`,
      'upstream',
      'there is no Dockerfile and no upstream image',
      'add a Dockerfile beside it, or set "upstream" to the image to pull and retag',
    );
  }
  const name = config.name ?? basename(root);
  const phase = config.phase ?? 'foundation';
  return {
    projects: {
      [root]: {
        name,
        root,
        projectType: 'application',
        tags: ['nx-multiarch', `phase:${phase}`],
        metadata: {
          description: hasDockerfile
            ? `Component image built from ${root}/Dockerfile`
            : `Upstream image ${config.upstream}, retagged per platform`,
        },
        targets: { [options.buildTargetName]: buildImageTarget(root, config, hasDockerfile, options, name) },
      },
    },
  };
}

export const createNodes: CreateNodesV2<PluginOptions> = [
  COMPONENT_GLOB,
  async (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    return createNodesFromFiles((file, _options, ctx) => componentNode(file, options, ctx), files, rawOptions, context);
  },
];
