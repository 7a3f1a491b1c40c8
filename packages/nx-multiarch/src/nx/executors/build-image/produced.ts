import { readFileSync } from 'node:fs';
import type { ExecutorContext, ProjectGraphDependency } from '@nx/devkit';
import { platformArgs } from '../../../core/component/images';
import type { BuildEnvironment } from '../../../ops/build/environment';
import type { ProducedInputs } from '../../../ops/build/produce';
import { type Producer, producedContexts, producedRepositories, readLayoutDigest } from '../../../ops/build/produced';
import { nativeArch } from '../../../core/platform';
import type { NormalizedBuildImageOptions } from '../../../core/options/build-image';

// createDependencies makes image references static edges (with the Dockerfile); services and phases are implicit.
const isImageEdge = (d: ProjectGraphDependency) => d.type === 'static' && d.source !== d.target;

/** A component this project is built from, as its own target of the same name names its images. */
function producerOf(context: ExecutorContext, project: string): Producer | undefined {
  const options = context.projectsConfigurations?.projects[project]?.targets?.[context.targetName ?? '']?.options;
  if (!options?.images) return undefined;
  return {
    project,
    images: options.images,
    naming: { registry: options.registry ?? '', imagePrefix: options.imagePrefix ?? '' },
    ...(options.upstream && { upstream: options.upstream }),
  };
}

/**
 * On container and remote builders: the named contexts for the images of other components this build uses, and
 * whether another component uses this one's (then it writes an OCI layout for them). Undefined on the docker
 * driver, which builds FROM the daemon's images.
 */
export function producedInputs(
  context: ExecutorContext,
  o: NormalizedBuildImageOptions,
  environment: BuildEnvironment,
): ProducedInputs | undefined {
  if ((environment.builder?.driver ?? 'docker') === 'docker' || o.source.kind !== 'dockerfile') return undefined;
  const dependencies = context.projectGraph?.dependencies ?? {};
  const producers = (dependencies[o.project] ?? [])
    .filter(isImageEdge)
    .map((d) => producerOf(context, d.target))
    .filter((p): p is Producer => p !== undefined);
  const exportLayout = Object.values(dependencies).some((deps) =>
    deps.some((d) => isImageEdge(d) && d.target === o.project),
  );
  if (producers.length === 0) return { contexts: {}, exportLayout };
  const text = readFileSync(o.source.dockerfile, 'utf8');
  const owners = producedRepositories(producers);
  const args = { ...environment.envArgs.args, ...o.buildArgs };
  const contexts = Object.fromEntries(
    o.platforms.map((arch) => [
      arch,
      producedContexts(
        text,
        { ...args, ...platformArgs(arch, nativeArch()) },
        arch,
        owners,
        o.stateDir,
        readLayoutDigest,
        o.dryRun,
      ),
    ]),
  );
  return { contexts, exportLayout };
}
