import { basename, dirname } from 'node:path';
import { minimatch } from 'minimatch';
import type { NormalizedPluginOptions } from '../options/plugin';
import { DOCKERFILE, DOCKERFILE_TEMPLATE } from './component';
import { COMPONENT_CONFIG_FILE } from './config';

// One project per directory; this file describes it when several of them are present.
const PRIMARY_FILES = [DOCKERFILE_TEMPLATE, DOCKERFILE, COMPONENT_CONFIG_FILE];

/** Is this workspace-relative directory a component, by the user's `components` globs? */
export function inComponents(options: Pick<NormalizedPluginOptions, 'components'>, directory: string): boolean {
  return directory !== '.' && options.components.some((glob) => minimatch(directory, glob.replace(/\/+$/, '')));
}

/** The file that describes each component directory among these plugin files, by directory. */
export function primaryFiles(files: readonly string[], options: Pick<NormalizedPluginOptions, 'components'>) {
  const primary = new Map<string, string>();
  for (const file of files) {
    const root = dirname(file);
    // nx.json sits at the workspace root, which is never a component.
    if (!inComponents(options, root)) continue;
    const current = primary.get(root);
    if (!current || PRIMARY_FILES.indexOf(basename(file)) < PRIMARY_FILES.indexOf(basename(current))) {
      primary.set(root, file);
    }
  }
  return primary;
}
