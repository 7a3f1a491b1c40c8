import { type HasherContext, type Task, workspaceRoot } from '@nx/devkit';
import {
  type BuildImageExecutorSchema,
  normalizeBuildImageOptions,
  type NormalizedBuildImageOptions,
} from '../../../core/options/build-image';
import { ledgerDir, readLedger, recordPath } from '../../../ops/build/build-record';
import { readLayoutDigest } from '../../../ops/build/produced';
import { imagesStanding } from '../../../ops/cache-key/standing';
import { BUILD_IMAGE_EXECUTOR } from '../../plugin/names';
import {
  daemonView,
  extendedHash,
  type KeyParts,
  normalizedOrUndefined,
  OPTIONS_FAILED,
  taskOptions,
} from '../task-hash';

/** The task's build options; with `everyPlatform`, for all the component's platforms whatever --platform chose. */
function buildOptions(task: Task, context: HasherContext, everyPlatform = false) {
  const projects = context.projectsConfigurations.projects;
  if (projects[task.target.project]?.targets?.[task.target.target]?.executor !== BUILD_IMAGE_EXECUTOR) return undefined;
  const options = taskOptions(task, projects) as BuildImageExecutorSchema;
  const chosen = everyPlatform && options.platforms ? { ...options, platform: options.platforms } : options;
  return normalizedOrUndefined(() => normalizeBuildImageOptions(chosen, task.target.project, workspaceRoot));
}

const ledgerOf = (o: NormalizedBuildImageOptions) =>
  readLedger(
    ledgerDir(o.stateDir, o.outputDir),
    o.images.map((image) => image.name),
    o.platforms,
  );

/**
 * build-image's cache key: Nx's, plus the images of the components it is built from as their builds recorded them,
 * plus whether its own recorded images are still in the daemon (one `docker inspect` per run, shared). A cache hit
 * then means the image is there and is what these inputs built (docs/build.md, "Caching").
 */
export default function buildImageHasher(task: Task, context: HasherContext) {
  return extendedHash(
    task,
    context,
    async (): Promise<KeyParts> => {
      const own = buildOptions(task, context);
      if (!own) return OPTIONS_FAILED;
      const builtFrom = (context.taskGraph.dependencies[task.id] ?? [])
        .map((id) => buildOptions(context.taskGraph.tasks[id], context, true))
        .flatMap((o) => (o ? ledgerOf(o) : []))
        .map((r) => `${r.ref}@${r.imageId ?? r.layout?.digest ?? r.digest ?? 'unrecorded'}`)
        .sort()
        .join('\n');
      // Reuse is per (image, platform): `--platform=amd64` after a run of both reuses amd64 rather than rebuild it.
      // --noCache too: how to build, not what; a build without BuildKit's cache leaves a record later runs reuse.
      const selection = `${own.platforms.join(',')}${own.flags.noCache ? ' no-cache' : ''}`;
      if (own.dryRun) return { extra: { builtFrom }, selection, stateDir: own.stateDir, standing: { ok: true } };
      const standing = own.push
        ? { ok: false as const, why: 'it pushes; the build checks the registry itself' }
        : own.flags.noCache
          ? { ok: false as const, why: '--noCache builds again from nothing' }
          : imagesStanding(ledgerOf(own), await daemonView(context, own.stateDir), readLayoutDigest);
      const ledger = ledgerDir(own.stateDir, own.outputDir);
      const stateFiles = own.images.flatMap((image) =>
        own.platforms.map((arch) => recordPath(ledger, image.name, arch)),
      );
      return { extra: { builtFrom }, selection, stateDir: own.stateDir, standing, stateFiles };
    },
    ['platform', 'noCache'],
  );
}
