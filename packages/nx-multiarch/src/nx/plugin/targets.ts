import { basename } from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import { type Catalog, serviceSpecs } from '../../core/component/catalog';
import { type Component, pluginTemplateValues } from '../../core/component/component';
import type { NormalizedPluginOptions } from '../../core/options/plugin';
import { renderedPath } from '../../core/template/render';
import { renderInputs } from './inputs';
import {
  BUILD_IMAGE_EXECUTOR,
  IMAGE_INPUT,
  MANIFEST_EXECUTOR,
  MANIFEST_TARGET,
  PREFETCH_TARGET,
  PUSH_TARGET,
  RENDER_EXECUTOR,
  RENDER_TARGET,
  WORKSPACE_TAG,
} from './names';

function renderTarget(
  component: Component,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
): TargetConfiguration {
  return {
    executor: RENDER_EXECUTOR,
    options: {
      templates: component.templates,
      values: { ...options.templateValues, ...pluginTemplateValues(component) },
      envFile: options.envFile,
      envExample: options.envExample,
      ...(options.builder.stateDir && { stateDir: options.builder.stateDir }),
    },
    inputs: renderInputs(component, options, workspaceRoot),
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
    // Its hasher adds whether the images it recorded are still in the daemon, so a hit is an image that is there
    // (docs/build.md, "Caching"). A push is checked in the registry by the executor itself, every run.
    cache: !push,
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

/** A component's targets, in the order Nx shows them: render (with templates), build, push, manifest. */
export function componentTargets(
  component: Component,
  options: NormalizedPluginOptions,
  byName: Catalog,
  workspaceRoot: string,
): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  if (component.templates.length > 0) targets[RENDER_TARGET] = renderTarget(component, options, workspaceRoot);
  targets[options.buildTargetName] = buildImageTarget(component, options, byName, options.buildTargetName);
  targets[PUSH_TARGET] = buildImageTarget(component, options, byName, PUSH_TARGET);
  targets[MANIFEST_TARGET] = manifestTarget(component, options);
  return targets;
}
