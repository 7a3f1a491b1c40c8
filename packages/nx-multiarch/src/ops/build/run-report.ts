import type { BuildImageExecutorSchema } from '../../core/options/build-image';
import { ARCHES, type Arch, nativeArch, ociPlatform, ownPlatforms, parsePlatforms } from '../../core/platform';
import { contextTaskId, writeTaskReport } from '../../infra/run/run-dir';
import type { ErrorFailure } from '../../core/failure/of-error';
import { type BuildFailure, runOutcome } from './summary';

/** The Nx task a report is for (an executor's context has these). */
type TaskIdentity = Parameters<typeof contextTaskId>[0];

/** The build task's part of the run report: one outcome per image and platform. */
export function reportBuildTask(
  context: TaskIdentity,
  outcomes: ReadonlyArray<Parameters<typeof runOutcome>[0]>,
  nativeArches: readonly Arch[] = [nativeArch()],
): void {
  const native = nativeArches.map(ociPlatform);
  writeTaskReport({
    task: contextTaskId(context),
    project: context.projectName ?? 'unknown',
    target: context.targetName ?? 'unknown',
    outcomes: outcomes.map((o) => runOutcome(o, native)),
  });
}

/** Every image and platform the task was asked for, failed: the options themselves were wrong. */
export function failedBeforeBuilding(
  options: BuildImageExecutorSchema,
  project: string,
  why: ErrorFailure & { message: string },
): BuildFailure[] {
  let arches: readonly Arch[] = ARCHES;
  try {
    arches = parsePlatforms(options.platform ?? ARCHES.join(','), 'platform');
    arches = ownPlatforms(arches, options.platforms ? parsePlatforms(options.platforms, 'platforms') : undefined).built;
  } catch {
    // A platform option is what was wrong: report the task for every platform it names, or every one there is.
  }
  const images = options.images?.map((i) => i.name) ?? [project];
  const finishedAt = new Date().toISOString();
  return images.flatMap((image) =>
    arches.map((arch) => ({
      project,
      image,
      platform: ociPlatform(arch),
      attempts: 1,
      failure: { class: why.class, kind: why.kind, evidence: why.evidence },
      message: why.message,
      durationMs: 0,
      finishedAt,
    })),
  );
}
