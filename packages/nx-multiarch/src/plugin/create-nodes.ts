import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  createNodesFromFiles,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
  type TargetConfiguration,
} from '@nx/devkit';
import { minimatch } from 'minimatch';
import { COMPONENT_CONFIG_FILE, readComponentConfig, type ComponentConfig } from '../component/config';
import { ConfigError } from '../errors';
import { parsePlatforms } from '../platform';
import { normalizePluginOptions, type NormalizedPluginOptions, type PluginOptions } from './options';

export const BUILD_IMAGE_EXECUTOR = 'nx-multiarch:build-image';
export const BUILDER_SETUP_EXECUTOR = 'nx-multiarch:builder-setup';
export const DIAGNOSE_EXECUTOR = 'nx-multiarch:diagnose';
/** Tag of the workspace-level project that holds builder-setup (and later diagnose, report). */
export const WORKSPACE_TAG = 'nx-multiarch:workspace';
export const PLUGIN_GLOB = `{nx.json,**/Dockerfile,**/${COMPONENT_CONFIG_FILE}}`;

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
      ...(options.builder.daemonConfig && { daemonConfig: options.builder.daemonConfig }),
      ...(options.builder.stateDir && { stateDir: options.builder.stateDir }),
      ...(config.buildArgs && { buildArgs: config.buildArgs }),
      ...(config.network && { network: config.network }),
    },
    dependsOn: [
      // `params: forward` passes --platform on to the images this one is built from.
      { target: options.buildTargetName, dependencies: true, params: 'forward' },
      // Every build uses the one builder that builder-setup prepared.
      { target: 'builder-setup', projects: `tag:${WORKSPACE_TAG}`, params: 'ignore' },
    ],
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

function workspaceProjectName(options: NormalizedPluginOptions, workspaceRoot: string): string {
  if (options.workspaceProject) return options.workspaceProject;
  const packageJson = join(workspaceRoot, 'package.json');
  const name = existsSync(packageJson)
    ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string }).name
    : undefined;
  return name ?? 'workspace';
}

function workspaceNode(options: NormalizedPluginOptions, context: CreateNodesContextV2): CreateNodesResult {
  return {
    projects: {
      '.': {
        name: workspaceProjectName(options, context.workspaceRoot),
        root: '.',
        tags: [WORKSPACE_TAG],
        targets: {
          'builder-setup': {
            executor: BUILDER_SETUP_EXECUTOR,
            options: options.builder,
            // One builder for the whole workspace: never two setups side by side, never from cache.
            cache: false,
            parallelism: false,
            metadata: {
              description: 'Create or update the buildx builder every build uses, configured from daemon.json',
              technologies: ['docker'],
            },
          },
          diagnose: {
            executor: DIAGNOSE_EXECUTOR,
            options: { builder: options.builder, platforms: options.platforms.join(',') },
            cache: false,
            metadata: {
              description:
                'Check daemon, buildx, QEMU, builder, mirrors, proxies and DNS, with a remedy per failing line',
              technologies: ['docker'],
            },
          },
        },
      },
    },
  };
}

export const createNodes: CreateNodesV2<PluginOptions> = [
  PLUGIN_GLOB,
  async (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    const inScope = (file: string) =>
      file === 'nx.json' || options.components.some((glob) => minimatch(file, glob, { dot: false }));
    return createNodesFromFiles(
      (file, _options, ctx) => (file === 'nx.json' ? workspaceNode(options, ctx) : componentNode(file, options, ctx)),
      files.filter(inScope),
      rawOptions,
      context,
    );
  },
];
