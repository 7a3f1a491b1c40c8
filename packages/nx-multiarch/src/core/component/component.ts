import { existsSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { ConfigError } from '../failure/errors';
import type { ImageNaming } from '../image/tag';
import type { NormalizedPluginOptions } from '../options/plugin';
import { type Arch, parsePlatforms } from '../platform';
import { renderedPath, TEMPLATE_SUFFIX } from '../template/render';
import { COMPONENT_CONFIG_FILE, readComponentConfig, type ComponentConfig } from './config';

export const DOCKERFILE = 'Dockerfile';
export const DOCKERFILE_TEMPLATE = `${DOCKERFILE}${TEMPLATE_SUFFIX}`;

/** Everything the plugin knows about one component directory, read once and validated. */
export interface Component {
  /** Workspace-relative directory. */
  root: string;
  name: string;
  configFile: string;
  config: ComponentConfig;
  phase: 'foundation' | 'dependent';
  platforms: Arch[];
  images: Array<{ name: string; target?: string }>;
  naming: ImageNaming;
  extraTags: string[];
  /** The Dockerfile buildx reads (the rendered one for a template); absent for an upstream-only component. */
  dockerfile?: string;
  /** The file to parse for the graph: `Dockerfile.tpl` when there is one, else the Dockerfile. */
  dockerfileSource?: string;
  /** Workspace-relative build context (`.` for the workspace root); the component directory by default. */
  context: string;
  /** Every template to render before the build, `Dockerfile.tpl` first. */
  templates: string[];
  upstream?: string;
}

export function isComponentDirectory(absoluteRoot: string): boolean {
  return ['Dockerfile', DOCKERFILE_TEMPLATE, COMPONENT_CONFIG_FILE].some((f) => existsSync(join(absoluteRoot, f)));
}

/** What the plugin options give every component unless its multiarch.json says otherwise. */
export type ComponentDefaults = Pick<NormalizedPluginOptions, 'platforms' | 'registry' | 'imagePrefix' | 'tag'> &
  Partial<Pick<NormalizedPluginOptions, 'context'>>;

const PLUGIN_OPTIONS = 'nx.json plugins[nx-multiarch].options';

/** The build context, workspace-relative, checked: inside the workspace and a directory. */
function resolveContext(root: string, workspaceRoot: string, config: ComponentConfig, options: ComponentDefaults) {
  const [file, value, fromComponent] =
    config.context !== undefined
      ? [`${root}/${COMPONENT_CONFIG_FILE}`, config.context, true]
      : options.context !== undefined
        ? [PLUGIN_OPTIONS, options.context, false]
        : [undefined, undefined, false];
  if (file === undefined || value === undefined) return root;
  const context = posix.normalize(fromComponent ? posix.join(root, value) : value).replace(/\/$/, '') || '.';
  if (posix.isAbsolute(value) || context === '..' || context.startsWith('../')) {
    throw new ConfigError(
      file,
      'context',
      `${value} is outside the workspace`,
      fromComponent
        ? `use a path relative to ${root} that stays in the workspace, e.g. "${posix.relative(root, '.') || '.'}" for the workspace root`
        : 'use a path relative to the workspace root, e.g. "."',
    );
  }
  const absolute = join(workspaceRoot, context);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new ConfigError(
      file,
      'context',
      `${value} (${context} in the workspace) is not a directory`,
      `fix the path; it is relative to ${fromComponent ? root : 'the workspace root'}`,
    );
  }
  return context;
}

export function readComponent(root: string, workspaceRoot: string, options: ComponentDefaults): Component {
  const absoluteRoot = join(workspaceRoot, root);
  const configFile = `${root}/${COMPONENT_CONFIG_FILE}`;
  const config = readComponentConfig(absoluteRoot, root);
  if (config.dockerfile !== undefined && !existsSync(join(absoluteRoot, config.dockerfile))) {
    throw new ConfigError(
      configFile,
      'dockerfile',
      `${root}/${config.dockerfile} does not exist`,
      `fix the path (relative to ${root}), or remove "dockerfile" to use ${root}/${DOCKERFILE}`,
    );
  }
  const hasTemplate = config.dockerfile === undefined && existsSync(join(absoluteRoot, DOCKERFILE_TEMPLATE));
  const hasDockerfile = hasTemplate || existsSync(join(absoluteRoot, config.dockerfile ?? DOCKERFILE));
  if (!hasDockerfile && !config.upstream) {
    throw new ConfigError(
      configFile,
      'upstream',
      'there is no Dockerfile, no Dockerfile.tpl and no upstream image',
      'add a Dockerfile beside it, or set "upstream" to the image to pull and retag',
    );
  }
  if (hasDockerfile && config.upstream) {
    throw new ConfigError(
      configFile,
      'upstream',
      `both a Dockerfile and an upstream image (${config.upstream}) are given`,
      'remove "upstream" (write FROM <upstream> in the Dockerfile), or remove the Dockerfile',
    );
  }
  const extraTemplates = (config.templates ?? []).map((file, index) => {
    if (!existsSync(join(absoluteRoot, file))) {
      throw new ConfigError(
        configFile,
        `templates.${index}`,
        `${root}/${file} does not exist`,
        'fix the path or remove the entry',
      );
    }
    return `${root}/${file}`;
  });
  const dockerfileTemplate = hasTemplate ? [`${root}/${DOCKERFILE_TEMPLATE}`] : [];
  const name = config.name ?? basename(root);
  return {
    root,
    name,
    configFile,
    config,
    phase: config.phase ?? 'foundation',
    platforms: config.platforms ? parsePlatforms(config.platforms, configFile, 'platforms') : options.platforms,
    images: config.images ?? [{ name }],
    naming: { registry: options.registry, imagePrefix: options.imagePrefix, tag: config.tag ?? options.tag },
    extraTags: config.tags ?? [],
    ...(hasDockerfile && {
      dockerfile: hasTemplate ? renderedPath(dockerfileTemplate[0]) : `${root}/${config.dockerfile ?? DOCKERFILE}`,
      dockerfileSource: hasTemplate ? dockerfileTemplate[0] : `${root}/${config.dockerfile ?? DOCKERFILE}`,
    }),
    context: resolveContext(root, workspaceRoot, config, options),
    templates: [...dockerfileTemplate, ...extraTemplates.filter((t) => !dockerfileTemplate.includes(t))],
    ...(config.upstream && { upstream: config.upstream }),
  };
}

/** Values every template may use besides the workspace env: `{{multiarch.tag}}` and friends. */
export function pluginTemplateValues(component: Component): Record<string, string> {
  return {
    'multiarch.project': component.name,
    'multiarch.registry': component.naming.registry,
    'multiarch.imagePrefix': component.naming.imagePrefix,
    'multiarch.tag': component.naming.tag,
  };
}
