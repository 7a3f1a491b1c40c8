import { posix } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { formatFiles, logger, readNxJson, type Tree, updateNxJson, visitNotIgnoredFiles } from '@nx/devkit';
import { COMPONENT_CONFIG_FILE, componentConfigSchema } from '../../../core/component/config';
import { parseJson, validate } from '../../../core/config/validate';
import { ConfigError } from '../../../core/failure/errors';
import { type ComponentSource, MIGRATED_FILES } from '../../../ops/migrate/component';
import { componentConfigText, mergeComponentConfig } from '../../../ops/migrate/config';
import { migratePlatform } from '../../../ops/migrate/platform';
import { migratedPluginOptions } from './plugin-options';
import { migrationSummary } from '../../../ops/migrate/summary';
import { PLUGIN_NAME } from '../init/generator';
import { type MigrateGeneratorSchema, normalizeMigrateOptions } from './options';

const SOURCE = 'nx g nx-multiarch:migrate';

type PluginEntry = string | { plugin: string; options?: Record<string, unknown> };

const readText = (tree: Tree, file: string) => tree.read(file, 'utf8') ?? '';

/** The other templates of a component directory (not gitignored ones), by path relative to it. */
function otherTemplates(tree: Tree, root: string): Record<string, string> {
  const found: Record<string, string> = {};
  visitNotIgnoredFiles(tree, root, (file) => {
    const relative = posix.relative(root, file);
    if (relative.endsWith('.tpl') && !MIGRATED_FILES.includes(relative)) found[relative] = readText(tree, file);
  });
  return found;
}

/** Every directory under `source`, sorted as build.sh's `find | sort` lists them, with the files the mapping reads. */
function readSources(tree: Tree, source: string): ComponentSource[] {
  return tree
    .children(source)
    .filter((name) => !tree.isFile(`${source}/${name}`))
    .sort()
    .map((name) => {
      const root = `${source}/${name}`;
      const files = tree.children(root);
      const present = MIGRATED_FILES.filter((file) => files.includes(file));
      const templates = otherTemplates(tree, root);
      return {
        root,
        files,
        text: Object.fromEntries(present.map((file) => [file, readText(tree, `${root}/${file}`)])),
        ...(Object.keys(templates).length > 0 && { templates }),
      };
    });
}

function pluginEntry(tree: Tree): { plugins: PluginEntry[]; index: number; options?: Record<string, unknown> } {
  const plugins = (readNxJson(tree)?.plugins ?? []) as PluginEntry[];
  const index = plugins.findIndex((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  const current = plugins[index];
  return { plugins, index, ...(typeof current === 'object' && { options: current.options }) };
}

/** nx.json is rewritten only when the entry changes, so a second run leaves it byte for byte. */
function registerPlugin(tree: Tree, options: Record<string, unknown>): void {
  const { plugins, index, options: existing } = pluginEntry(tree);
  if (index >= 0 && typeof plugins[index] === 'object' && isDeepStrictEqual(existing, options)) return;
  const entry = { plugin: PLUGIN_NAME, options };
  const nxJson = readNxJson(tree) ?? {};
  nxJson.plugins = index >= 0 ? plugins.map((p, i) => (i === index ? entry : p)) : [...plugins, entry];
  updateNxJson(tree, nxJson);
}

/** The user's multiarch.json as written (not with the schema's defaults), checked as the plugin will check it. */
function readConfig(tree: Tree, file: string): Record<string, unknown> | undefined {
  if (!tree.exists(file)) return undefined;
  const raw = parseJson(readText(tree, file), file);
  validate(componentConfigSchema, raw, file);
  return raw as Record<string, unknown>;
}

/**
 * `nx g nx-multiarch:migrate`: a build.sh platform's `src/*` as components. The mapping is in src/migrate; this reads
 * the tree, writes nx.json and the multiarch.json files that have something to say, and prints what was not mapped.
 */
export default async function migrateGenerator(tree: Tree, schema: MigrateGeneratorSchema): Promise<void> {
  const options = normalizeMigrateOptions(schema);
  if (!tree.exists(options.source) || tree.isFile(options.source)) {
    throw new ConfigError(
      SOURCE,
      'source',
      `${options.source} is not a directory`,
      'give the directory that holds the components (build.sh scans src/*), e.g. --source=src',
    );
  }
  const existing = pluginEntry(tree).options;
  const platform = migratePlatform(readSources(tree, options.source), {
    askedPrefix: options.imagePrefix,
    existingPrefix: typeof existing?.imagePrefix === 'string' ? existing.imagePrefix : undefined,
    envExample: tree.exists('.env.example') ? readText(tree, '.env.example') : undefined,
    rootDockerignore: tree.exists('.dockerignore'),
  });
  const components = platform.components.filter((c) => c.kind !== 'none');
  const notes = [...platform.notes, ...platform.components.flatMap((c) => c.notes)];
  if (components.length > 0) {
    const configs = components.map((c) => {
      const file = `${c.root}/${COMPONENT_CONFIG_FILE}`;
      return { file, config: mergeComponentConfig(readConfig(tree, file), c.config) };
    });
    const plugin = migratedPluginOptions(
      existing,
      { components: [`${options.source}/*`], imagePrefix: platform.imagePrefix, context: '.' },
      components.map((c) => c.root),
    );
    notes.unshift(...plugin.notes);
    registerPlugin(tree, plugin.options);
    for (const { file, config } of configs) if (config) tree.write(file, componentConfigText(config));
  }
  for (const note of notes) logger.warn(`nx-multiarch: ${note}`);
  logger.info(`nx-multiarch: ${migrationSummary(options.source, platform.components)}`);
  if (!options.skipFormat) await formatFiles(tree);
}
