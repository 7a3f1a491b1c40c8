import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DependencyType,
  validateDependency,
  type CreateDependencies,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { parseDockerfile } from '../dockerfile/parse';
import { canonicalName } from '../image/reference';
import { imageRepository } from '../image/tag';
import { BUILD_IMAGE_EXECUTOR } from './create-nodes';
import type { PluginOptions } from './options';

interface ImageTargetOptions {
  dockerfile?: string;
  images?: Array<{ name: string }>;
  registry?: string;
  imagePrefix?: string;
}

/** Maps each component image name (with and without its registry) to the project that builds it. */
export function imageOwners(
  projects: Record<string, { targets?: Record<string, { executor?: string; options?: unknown }> }>,
): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [project, config] of Object.entries(projects)) {
    for (const target of Object.values(config.targets ?? {})) {
      if (target.executor !== BUILD_IMAGE_EXECUTOR) continue;
      const o = (target.options ?? {}) as ImageTargetOptions;
      for (const image of o.images ?? []) {
        const naming = { registry: o.registry ?? '', imagePrefix: o.imagePrefix ?? '', tag: '' };
        owners.set(canonicalName(imageRepository(naming, image.name)), project);
        owners.set(canonicalName(imageRepository({ ...naming, registry: '' }, image.name)), project);
      }
    }
  }
  return owners;
}

/** Edges from a component to the components whose images its Dockerfile uses (FROM, COPY --from, RUN --mount from=). */
export const createDependencies: CreateDependencies<PluginOptions> = (_options, context) => {
  const owners = imageOwners(context.projects);
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [project, files] of Object.entries(context.filesToProcess.projectFileMap)) {
    const targets = context.projects[project]?.targets ?? {};
    const dockerfiles = Object.values(targets)
      .filter((t) => t.executor === BUILD_IMAGE_EXECUTOR)
      .map((t) => (t.options as ImageTargetOptions | undefined)?.dockerfile)
      .filter((f): f is string => Boolean(f));
    for (const { file } of files) {
      if (!dockerfiles.includes(file)) continue;
      const parsed = parseDockerfile(readFileSync(join(context.workspaceRoot, file), 'utf8'));
      for (const image of parsed.images) {
        const target = owners.get(canonicalName(image));
        if (!target || target === project) continue;
        const dependency: RawProjectGraphDependency = {
          source: project,
          target,
          sourceFile: file,
          type: DependencyType.static,
        };
        validateDependency(dependency, context);
        dependencies.push(dependency);
      }
    }
  }
  return dependencies;
};
