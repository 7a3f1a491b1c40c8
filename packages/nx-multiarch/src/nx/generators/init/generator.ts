import { formatFiles, logger, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { type InitGeneratorSchema, pluginOptionsFrom } from './options';

export const PLUGIN_NAME = 'nx-multiarch';

/** State, logs and rendered secrets the plugin writes in a workspace: never committed. */
export const IGNORED = ['.nx-multiarch/', '.env'];

type PluginEntry = string | { plugin: string; options?: Record<string, unknown> };

/** Keys the user already set win; init only fills in what is missing (builder options key by key). */
export function mergePluginOptions(
  existing: Record<string, unknown> | undefined,
  wanted: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...wanted, ...existing };
  const builder = existing?.builder;
  if (builder && typeof builder === 'object') merged.builder = { ...(wanted.builder as object), ...builder };
  return merged;
}

function registerPlugin(tree: Tree, options: InitGeneratorSchema): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = (nxJson.plugins ?? []) as PluginEntry[];
  const index = plugins.findIndex((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  const current = index >= 0 ? plugins[index] : undefined;
  const existing = typeof current === 'object' ? current.options : undefined;
  const wanted = pluginOptionsFrom(options);
  for (const [key, value] of Object.entries(wanted)) {
    // Only about what was asked for on this run: defaults that differ from nx.json are not a conflict.
    const asked = key in options;
    if (
      asked &&
      key !== 'builder' &&
      existing?.[key] !== undefined &&
      JSON.stringify(existing[key]) !== JSON.stringify(value)
    ) {
      logger.warn(
        `nx-multiarch: nx.json already sets ${key} to ${JSON.stringify(existing[key])}; kept it (edit nx.json to change it)`,
      );
    }
  }
  const entry = { plugin: PLUGIN_NAME, options: mergePluginOptions(existing, wanted) };
  nxJson.plugins = index >= 0 ? plugins.map((p, i) => (i === index ? entry : p)) : [...plugins, entry];
  updateNxJson(tree, nxJson);
}

function ignoreState(tree: Tree): void {
  const text = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf8') as string) : '';
  const lines = new Set(text.split('\n').map((line) => line.trim()));
  const missing = IGNORED.filter((entry) => !lines.has(entry) && !lines.has(entry.replace(/\/$/, '')));
  if (missing.length === 0) return;
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  tree.write(
    '.gitignore',
    `${prefix}\n# nx-multiarch: builder state, prefetch record, failure logs; the user's .env\n${missing.join('\n')}\n`,
  );
}

/**
 * `nx g nx-multiarch:init`: the plugin in nx.json and its state in .gitignore, nothing else. No target defaults:
 * every target's dependsOn, inputs and cache are inferred per project, and a targetDefaults entry would replace them.
 */
export default async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  registerPlugin(tree, options);
  ignoreState(tree);
  if (!options.skipFormat) await formatFiles(tree);
}
