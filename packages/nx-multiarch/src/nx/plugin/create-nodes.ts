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
import {
  type Component,
  DOCKERFILE,
  DOCKERFILE_TEMPLATE,
  pluginTemplateValues,
  readComponent,
} from '../../core/component/component';
import { COMPONENT_CONFIG_FILE } from '../../core/component/config';
import { AUTOMATIC_ARGS, parseDockerfile } from '../../core/dockerfile/parse';
import { ConfigError } from '../../core/failure/errors';
import { dockerignoreExclusions } from '../../core/image/build-context';
import { imageRepository } from '../../core/image/tag';
import type { ServiceSpec } from '../../core/options/service';
import { placeholders, renderedPath } from '../../core/template/render';
import { normalizePluginOptions, type NormalizedPluginOptions, type PluginOptions } from '../../core/options/plugin';

export const BUILD_IMAGE_EXECUTOR = 'nx-multiarch:build-image';
export const BUILDER_SETUP_EXECUTOR = 'nx-multiarch:builder-setup';
export const DIAGNOSE_EXECUTOR = 'nx-multiarch:diagnose';
export const RENDER_EXECUTOR = 'nx-multiarch:render';
export const PREFETCH_EXECUTOR = 'nx-multiarch:prefetch';
export const MANIFEST_EXECUTOR = 'nx-multiarch:manifest';
export const REPORT_EXECUTOR = 'nx-multiarch:report';
// Not `nx report`: that is Nx's own command. This one runs as `nx run <workspace>:report`.
export const REPORT_TARGET = 'report';
export const PREFETCH_TARGET = 'prefetch';
/** build-image with --push, into its own output directory: what manifest publishes from. */
export const PUSH_TARGET = 'push-image';
export const MANIFEST_TARGET = 'manifest';
export const RENDER_TARGET = 'render';
/** Tag of the workspace-level project that holds builder-setup (and later diagnose, report). */
export const WORKSPACE_TAG = 'nx-multiarch:workspace';
/** Tag of every component project. */
export const COMPONENT_TAG = 'nx-multiarch';
/** Project-level named input: what an image is made of (its files, its env-fed build args). */
export const IMAGE_INPUT = 'dockerImage';
export const PLUGIN_GLOB = `{nx.json,**/${DOCKERFILE},**/${DOCKERFILE_TEMPLATE},**/${COMPONENT_CONFIG_FILE}}`;

// One project per directory; this file describes it when several of them are present.
const PRIMARY_FILES = [DOCKERFILE_TEMPLATE, DOCKERFILE, COMPONENT_CONFIG_FILE];

type Catalog = Map<string, Component>;
type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

function read(workspaceRoot: string, file: string): string {
  return readFileSync(join(workspaceRoot, file), 'utf8');
}

function serviceSpecs(component: Component, byName: Catalog): ServiceSpec[] {
  return (component.config.services ?? []).map((service, index) => {
    const provider = byName.get(service.project);
    if (!provider) {
      throw new ConfigError(
        component.configFile,
        `services.${index}.project`,
        `no component named '${service.project}'`,
        `use one of ${[...byName.keys()].sort().join(', ')}`,
      );
    }
    const image = service.image ?? provider.images[0].name;
    if (!provider.images.some((i) => i.name === image)) {
      throw new ConfigError(
        component.configFile,
        `services.${index}.image`,
        `${service.project} has no image '${image}'`,
        `use one of ${provider.images.map((i) => i.name).join(', ')}`,
      );
    }
    return {
      project: provider.name,
      repository: imageRepository(provider.naming, image),
      tag: provider.naming.tag,
      platforms: provider.platforms,
      port: service.port,
      health: service.health,
      timeout: service.timeout,
      hostname: service.hostname ?? provider.name,
      buildArgs: service.buildArgs ?? {},
      platform: service.platform,
    };
  });
}

function checkAfter(component: Component, byName: Catalog): void {
  (component.config.after ?? []).forEach((name, index) => {
    if (!byName.has(name)) {
      throw new ConfigError(
        component.configFile,
        `after.${index}`,
        `no component named '${name}'`,
        `use one of ${[...byName.keys()].sort().join(', ')}`,
      );
    }
  });
}

// A context other than the component directory: its files as buildx sends them (.dockerignore applied).
function contextInputs(contextDir: string, root: string, workspaceRoot: string): string[] {
  if (contextDir === root) return [];
  const base = contextDir === '.' ? '{workspaceRoot}' : `{workspaceRoot}/${contextDir}`;
  const ignore = join(workspaceRoot, contextDir, '.dockerignore');
  const excluded = existsSync(ignore) ? dockerignoreExclusions(readFileSync(ignore, 'utf8')) : [];
  return [`${base}/**/*`, ...excluded.map((pattern) => `!${base}/${pattern}`)];
}

// ARGs a value from .env can reach: their env inputs make a changed value a changed hash (.env itself is gitignored).
function envArgInputs(component: Component, workspaceRoot: string): InputDefinition[] {
  if (!component.dockerfileSource) return [];
  const declared = parseDockerfile(read(workspaceRoot, component.dockerfileSource)).declaredArgs;
  return declared.filter((name) => !AUTOMATIC_ARGS.includes(name)).map((env) => ({ env }));
}

function renderTarget(
  component: Component,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
): TargetConfiguration {
  const names = new Set(component.templates.flatMap((t) => placeholders(read(workspaceRoot, t)).map((p) => p.name)));
  return {
    executor: RENDER_EXECUTOR,
    options: {
      templates: component.templates,
      values: { ...options.templateValues, ...pluginTemplateValues(component) },
      envFile: options.envFile,
      envExample: options.envExample,
      ...(options.builder.stateDir && { stateDir: options.builder.stateDir }),
    },
    inputs: [
      ...component.templates.map((t) => `{workspaceRoot}/${t}`),
      `{workspaceRoot}/${options.envExample}`,
      ...[...names].filter((n) => !n.includes('.')).map((env) => ({ env })),
    ],
    outputs: component.templates.map((t) => `{workspaceRoot}/${renderedPath(t)}`),
    cache: true,
    metadata: {
      description: `Render ${component.templates.map((t) => basename(t)).join(', ')} from ${options.envFile}, ${options.envExample} and plugin values`,
      technologies: ['docker'],
    },
  };
}

/** build-image (loaded into the daemon), or push-image (pushed too, recorded apart for manifest). */
function buildImageTarget(
  component: Component,
  options: NormalizedPluginOptions,
  byName: Catalog,
  target: string,
): TargetConfiguration {
  const push = target === PUSH_TARGET;
  const source = component.dockerfile
    ? { context: component.context, dockerfile: component.dockerfile }
    : { upstream: component.upstream };
  const services = serviceSpecs(component, byName);
  const config = component.config;
  return {
    executor: BUILD_IMAGE_EXECUTOR,
    options: {
      platform: component.platforms.join(','),
      // What stays when --platform overrides the line above: a platform outside these is not built.
      platforms: component.platforms.join(','),
      ...source,
      images: component.images,
      registry: component.naming.registry,
      imagePrefix: component.naming.imagePrefix,
      tag: component.naming.tag,
      ...(component.extraTags.length > 0 && { tags: component.extraTags }),
      ...(options.builder.daemonConfig && { daemonConfig: options.builder.daemonConfig }),
      ...(options.builder.stateDir && { stateDir: options.builder.stateDir }),
      ...(config.buildArgs && { buildArgs: config.buildArgs }),
      ...(config.secrets && { secrets: config.secrets }),
      ...(config.network && { network: config.network }),
      ...(services.length > 0 && { services }),
      envFile: options.envFile,
      envExample: options.envExample,
      ...(Object.keys(options.templateValues).length > 0 && { values: options.templateValues }),
      ...options.build,
      ...(push && { push: true, outputPath: `dist/pushed/${component.name}` }),
    },
    dependsOn: [
      ...(component.templates.length > 0 ? [RENDER_TARGET] : []),
      // `params: forward` passes --platform on to the images (and services) this one is built from.
      { target, dependencies: true, params: 'forward' },
      // Every build uses the one builder that builder-setup prepared.
      { target: 'builder-setup', projects: `tag:${WORKSPACE_TAG}`, params: 'ignore' },
      // One prefetch task per run warms the base images of every build in it (--platform, --dryRun forwarded).
      ...(options.prefetch === false
        ? []
        : [{ target: PREFETCH_TARGET, projects: `tag:${WORKSPACE_TAG}`, params: 'forward' as const }]),
    ],
    // `^dockerImage`: a changed foundation changes every dependent's hash (without it a dependent is a cache hit).
    inputs: [IMAGE_INPUT, `^${IMAGE_INPUT}`, { env: 'DOCKER_HOST' }, { env: 'BUILDX_BUILDER' }],
    outputs: [push ? '{workspaceRoot}/dist/pushed/{projectName}' : '{workspaceRoot}/dist/images/{projectName}'],
    // A cache hit would claim an image Nx cannot see (the daemon, the registry): the executor reuses a build itself,
    // only after checking that its image is still there (docs/build.md, "Caching").
    cache: false,
    metadata: {
      description: `${component.upstream ? 'Pull and retag' : 'Build'} ${component.images.map((i) => i.name).join(', ')} for ${component.platforms.join(', ')}${services.length ? `, with ${services.map((s) => s.project).join(', ')} running` : ''}${push ? ', and push each platform as <tag>-<arch>' : ''}`,
      technologies: ['docker'],
    },
  };
}

function manifestTarget(component: Component, options: NormalizedPluginOptions): TargetConfiguration {
  return {
    executor: MANIFEST_EXECUTOR,
    options: {
      platforms: component.platforms.join(','),
      images: component.images,
      registry: component.naming.registry,
      imagePrefix: component.naming.imagePrefix,
      tag: component.naming.tag,
      ...(component.extraTags.length > 0 && { tags: component.extraTags }),
      pushedPath: `dist/pushed/${component.name}`,
      ...(options.builder.stateDir && { stateDir: options.builder.stateDir }),
      ...(options.builder.daemonConfig && { daemonConfig: options.builder.daemonConfig }),
      ...options.manifest,
    },
    // --platform, --tags and --dryRun reach push-image as well.
    dependsOn: [{ target: PUSH_TARGET, params: 'forward' }],
    outputs: ['{workspaceRoot}/dist/manifests/{projectName}'],
    // The registry is not an Nx output: the executor checks it every time and changes nothing when nothing changed.
    cache: false,
    metadata: {
      description: `Publish ${component.images.map((i) => i.name).join(', ')} as multi-arch image(s) of ${component.platforms.join(', ')}, verified in the registry`,
      technologies: ['docker'],
    },
  };
}

function componentNode(
  component: Component,
  byName: Catalog,
  options: NormalizedPluginOptions,
  context: CreateNodesContextV2,
): CreateNodesResult {
  checkAfter(component, byName);
  const targets: Record<string, TargetConfiguration> = {};
  if (component.templates.length > 0) targets[RENDER_TARGET] = renderTarget(component, options, context.workspaceRoot);
  targets[options.buildTargetName] = buildImageTarget(component, options, byName, options.buildTargetName);
  targets[PUSH_TARGET] = buildImageTarget(component, options, byName, PUSH_TARGET);
  targets[MANIFEST_TARGET] = manifestTarget(component, options);
  return {
    projects: {
      [component.root]: {
        name: component.name,
        root: component.root,
        projectType: 'application',
        tags: [COMPONENT_TAG, `phase:${component.phase}`],
        namedInputs: {
          [IMAGE_INPUT]: [
            '{projectRoot}/**/*',
            ...contextInputs(component.context, component.root, context.workspaceRoot),
            `{workspaceRoot}/${options.envExample}`,
            ...envArgInputs(component, context.workspaceRoot),
          ],
        },
        metadata: {
          description: component.upstream
            ? `Upstream image ${component.upstream}, retagged per platform`
            : `Component image built from ${component.dockerfileSource}`,
          targetGroups: { 'Docker image': Object.keys(targets) },
        },
        targets,
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
        metadata: { targetGroups: { 'Docker builder': ['builder-setup', PREFETCH_TARGET, 'diagnose', REPORT_TARGET] } },
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
          [PREFETCH_TARGET]: {
            executor: PREFETCH_EXECUTOR,
            options: {
              platform: options.platforms.join(','),
              buildTargetName: options.buildTargetName,
              registry: options.registry,
              imagePrefix: options.imagePrefix,
              tag: options.tag,
              envFile: options.envFile,
              envExample: options.envExample,
              ...(Object.keys(options.templateValues).length > 0 && { values: options.templateValues }),
              ...(options.builder.stateDir && { stateDir: options.builder.stateDir }),
              ...(options.builder.daemonConfig && { daemonConfig: options.builder.daemonConfig }),
              ...(options.prefetch || {}),
            },
            // Builds need the builder first: a container builder is where the images are warmed.
            dependsOn: [{ target: 'builder-setup', params: 'ignore' }],
            // What is in the daemon or the builder is not an Nx output: always check.
            cache: false,
            parallelism: false,
            metadata: {
              description:
                'Fetch every base image the builds need, once per (image, platform), where the builder looks for it',
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
          [REPORT_TARGET]: {
            executor: REPORT_EXECUTOR,
            options: { ...(options.builder.stateDir && { stateDir: options.builder.stateDir }) },
            // It reads the state directory, which no input describes.
            cache: false,
            metadata: {
              description: "Print the last run's matrix of components x platforms, with a remedy per failure",
              technologies: ['docker'],
            },
          },
        },
      },
    },
  };
}

/** Is this workspace-relative directory a component, by the user's `components` globs? */
export function inComponents(options: NormalizedPluginOptions, directory: string): boolean {
  return directory !== '.' && options.components.some((glob) => minimatch(directory, glob.replace(/\/+$/, '')));
}

export const createNodes: CreateNodesV2<PluginOptions> = [
  PLUGIN_GLOB,
  async (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    const primary = new Map<string, string>();
    for (const file of files) {
      const root = dirname(file);
      if (file === 'nx.json' || !inComponents(options, root)) continue;
      const current = primary.get(root);
      if (!current || PRIMARY_FILES.indexOf(basename(file)) < PRIMARY_FILES.indexOf(basename(current))) {
        primary.set(root, file);
      }
    }
    // Read every component first: services name other components, whose images they run.
    const components = new Map<string, Component | Error>();
    const byName: Catalog = new Map();
    for (const root of primary.keys()) {
      try {
        const component = readComponent(root, context.workspaceRoot, options);
        components.set(root, component);
        byName.set(component.name, component);
      } catch (error) {
        components.set(root, error as Error);
      }
    }
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
