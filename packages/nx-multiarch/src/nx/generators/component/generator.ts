import { basename, dirname } from 'node:path';
import { formatFiles, glob, readNxJson, type Tree } from '@nx/devkit';
import { parseComponentConfig } from '../../../core/component/config';
import { ConfigError } from '../../../core/failure/errors';
import { imageRepository } from '../../../core/image/tag';
import { inComponents } from '../../../core/component/discovery';
import { normalizePluginOptions, type NormalizedPluginOptions } from '../../../core/options/plugin';
import {
  type BaseComponent,
  componentConfig,
  componentDockerfile,
  componentDockerignore,
  componentReadme,
} from './files';
import { type ComponentGeneratorSchema, normalizeComponentOptions } from './options';

const SOURCE = 'nx g nx-multiarch:component';

function pluginOptions(tree: Tree): NormalizedPluginOptions {
  const entry = (readNxJson(tree)?.plugins ?? []).find(
    (p) => (typeof p === 'string' ? p : p.plugin) === 'nx-multiarch',
  );
  if (!entry) {
    throw new ConfigError('nx.json', 'plugins', 'nx-multiarch is not registered', 'run nx g nx-multiarch:init first');
  }
  return normalizePluginOptions(typeof entry === 'string' ? undefined : (entry.options as never));
}

/** The components already in the tree, by name: what `--from` may name and a new name must not repeat. */
function existingComponents(tree: Tree, plugin: NormalizedPluginOptions): Map<string, BaseComponent> {
  const found = new Map<string, BaseComponent>();
  const roots = new Set(glob(tree, ['**/Dockerfile', '**/Dockerfile.tpl', '**/multiarch.json']).map((f) => dirname(f)));
  for (const root of [...roots].filter((r) => inComponents(plugin, r)).sort()) {
    const configFile = `${root}/multiarch.json`;
    // The plugin's own schema: a broken multiarch.json is reported with its field, as inference would.
    const config = tree.exists(configFile)
      ? parseComponentConfig(tree.read(configFile, 'utf8') as string, configFile)
      : {};
    const name = config.name ?? basename(root);
    const image = config.images?.[0]?.name ?? name;
    found.set(name, { name, repository: imageRepository(plugin, image), tag: config.tag ?? plugin.tag });
  }
  return found;
}

/** `nx g nx-multiarch:component <name>`: a new component directory the plugin picks up as a project. */
export default async function componentGenerator(tree: Tree, schema: ComponentGeneratorSchema): Promise<void> {
  const plugin = pluginOptions(tree);
  const options = normalizeComponentOptions(schema, plugin.components);
  const components = existingComponents(tree, plugin);
  if (tree.exists(options.directory)) {
    throw new ConfigError(
      SOURCE,
      'directory',
      `${options.directory} already exists`,
      'choose another name or --directory',
    );
  }
  if (components.has(options.name)) {
    throw new ConfigError(SOURCE, 'name', `a component named ${options.name} exists already`, 'choose another name');
  }
  if (!inComponents(plugin, options.directory)) {
    throw new ConfigError(
      SOURCE,
      'directory',
      `${options.directory} is outside the components globs in nx.json (${plugin.components.join(', ')}), so it would not become a project`,
      'choose a --directory they match, or add a glob to "components" in nx.json',
    );
  }
  const from = options.from === undefined ? undefined : components.get(options.from);
  if (options.from !== undefined && !from) {
    const names = [...components.keys()];
    throw new ConfigError(
      SOURCE,
      'from',
      `no component named '${options.from}'`,
      names.length ? `use one of ${names.join(', ')}` : 'create that component first',
    );
  }
  const dir = options.directory;
  tree.write(`${dir}/${options.template ? 'Dockerfile.tpl' : 'Dockerfile'}`, componentDockerfile(options, from));
  // The render target writes Dockerfile beside the template: an output, not a source.
  if (options.template) tree.write(`${dir}/.gitignore`, '/Dockerfile\n');
  tree.write(`${dir}/multiarch.json`, componentConfig(options));
  tree.write(`${dir}/.dockerignore`, componentDockerignore(options));
  tree.write(`${dir}/README.md`, componentReadme(options, from));
  if (!options.skipFormat) await formatFiles(tree);
}
