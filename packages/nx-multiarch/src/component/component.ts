import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../errors';
import type { ImageNaming } from '../image/tag';
import type { NormalizedPluginOptions } from '../plugin/options';
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
  /** Every template to render before the build, `Dockerfile.tpl` first. */
  templates: string[];
  upstream?: string;
}

export function isComponentDirectory(absoluteRoot: string): boolean {
  return ['Dockerfile', DOCKERFILE_TEMPLATE, COMPONENT_CONFIG_FILE].some((f) => existsSync(join(absoluteRoot, f)));
}

/** What the plugin options give every component unless its multiarch.json says otherwise. */
export type ComponentDefaults = Pick<NormalizedPluginOptions, 'platforms' | 'registry' | 'imagePrefix' | 'tag'>;

export function readComponent(root: string, workspaceRoot: string, options: ComponentDefaults): Component {
  const absoluteRoot = join(workspaceRoot, root);
  const configFile = `${root}/${COMPONENT_CONFIG_FILE}`;
  const config = readComponentConfig(absoluteRoot, root);
  const hasTemplate = existsSync(join(absoluteRoot, DOCKERFILE_TEMPLATE));
  const hasDockerfile = hasTemplate || existsSync(join(absoluteRoot, DOCKERFILE));
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
      dockerfile: hasTemplate ? renderedPath(dockerfileTemplate[0]) : `${root}/${DOCKERFILE}`,
      dockerfileSource: hasTemplate ? dockerfileTemplate[0] : `${root}/${DOCKERFILE}`,
    }),
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
