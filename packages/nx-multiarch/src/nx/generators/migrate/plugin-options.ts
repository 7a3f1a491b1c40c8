import { mergePluginOptions } from '../init/generator';
import { inComponents } from '../../../core/component/discovery';
import { normalizePluginOptions, type PluginOptions } from '../../../core/options/plugin';

/** What a build.sh platform needs in the plugin options. */
export interface WantedPluginOptions {
  components: string[];
  imagePrefix: string;
  /** `.`: build.sh built every component from the repository root. */
  context: string;
}

export interface MigratedPluginOptions {
  options: Record<string, unknown>;
  notes: string[];
}

/**
 * What the user set wins, as with init; except that components globs which leave a migrated directory out are
 * extended (kept, and the migration's glob added), or the migration would make no project at all.
 */
export function migratedPluginOptions(
  existing: Record<string, unknown> | undefined,
  wanted: WantedPluginOptions,
  roots: readonly string[],
): MigratedPluginOptions {
  const options = mergePluginOptions(existing, { ...wanted });
  const notes: string[] = [];
  const plugin = normalizePluginOptions(options as PluginOptions);
  const outside = roots.filter((root) => !inComponents(plugin, root));
  if (outside.length > 0) {
    const added = wanted.components.filter((glob) => !plugin.components.includes(glob));
    options.components = [...plugin.components, ...added];
    notes.push(
      `nx.json components ${JSON.stringify(plugin.components)} leave out ${outside.join(', ')}; added ${added.join(', ')}`,
    );
  }
  if (options.context !== wanted.context) {
    notes.push(
      `nx.json sets context to ${JSON.stringify(options.context)}; kept it, but build.sh built every component from the repository root ("${wanted.context}"), so a Dockerfile that copies from outside it fails (context)`,
    );
  }
  return { options, notes };
}
