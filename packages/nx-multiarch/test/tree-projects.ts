import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type CreateNodesContextV2, type ProjectConfiguration, readNxJson, type Tree } from '@nx/devkit';
import { createNodes } from '../src/nx/plugin/create-nodes';
import type { PluginOptions } from '../src/core/options/plugin';

const PLUGIN_FILES = ['nx.json', 'Dockerfile', 'Dockerfile.tpl', 'multiarch.json'];

/** The tree's files on disk, as Nx writes them when a generator finishes. */
export function writeToDisk(tree: Tree, prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const change of tree.listChanges()) {
    if (change.type === 'DELETE' || !change.content) continue;
    mkdirSync(dirname(join(root, change.path)), { recursive: true });
    writeFileSync(join(root, change.path), change.content);
  }
  return root;
}

/** The projects createNodes infers from the plugin files a generator wrote (written to `workspaceRoot`), by name. */
export async function inferredProjects(
  tree: Tree,
  workspaceRoot: string,
  options: PluginOptions,
): Promise<Record<string, ProjectConfiguration>> {
  const [, infer] = createNodes;
  const files = tree
    .listChanges()
    .map((c) => c.path)
    .filter((path) => PLUGIN_FILES.includes(basename(path)));
  const context: CreateNodesContextV2 = { workspaceRoot, nxJsonConfiguration: readNxJson(tree) ?? {} };
  const byName: Record<string, ProjectConfiguration> = {};
  for (const [, result] of await infer(files, options, context)) {
    for (const [root, project] of Object.entries(result.projects ?? {})) {
      byName[project.name as string] = { ...project, root };
    }
  }
  return byName;
}
