import { nodeField } from './environment';
import { dirname, relative } from 'node:path';
import { BuildFailedError, PluginError } from '../../core/failure/errors';
import { failureOfError } from '../../core/failure/of-error';
import type { Log } from '../../core/log';
import { contextWarning, hasDockerignore, walkContext } from '../../core/image/build-context';
import { outputs } from '../../cli/buildx/build';
import { attestationFlags } from '../../core/image/attestations';
import { cacheFlags } from '../../core/image/cache';
import { failureAnnotation } from './annotation';
import { produceImage, type ProduceContext } from './produce';
import { reusableBuild } from './reuse';
import { type Arch, ociPlatform } from '../../core/platform';
import { startServices, stopServices } from '../services/lifecycle';
import { ServiceError } from '../../core/options/service';
import { builderNativeArches } from '../../infra/state/builder-state';
import { withLock, withSlot } from '../../infra/state/lock';
import type { BuildRecord } from './build-record';
import { type BuildFailure, progressPrefix, resultLine } from './summary';

type Image = { name: string; target?: string };
export type BuildOutcome = BuildRecord | BuildFailure;

// An emulated build waits for a slot as long as a build may take.
const SLOT_WAIT_MS = 6 * 3600_000;

function report(ctx: ProduceContext, log: Log, outcome: BuildOutcome): BuildOutcome {
  if (!('failure' in outcome)) {
    log.info(`nx-multiarch: ${resultLine(outcome)}`);
    return outcome;
  }
  log.error(`nx-multiarch: ${resultLine(outcome)}`);
  // On GitHub the failure is an annotation of the job too, on the Dockerfile line when BuildKit named one.
  const inputs = { source: ctx.options.source, mask: ctx.mask, env: process.env, cwd: process.cwd() };
  const annotation = failureAnnotation(outcome, inputs);
  if (annotation) process.stdout.write(`${annotation}\n`);
  return outcome;
}

function failureOf(ctx: ProduceContext, image: Image, arch: Arch, error: PluginError, started: number): BuildFailure {
  const last = error instanceof BuildFailedError ? error.last : undefined;
  return {
    project: ctx.options.project,
    image: image.name,
    platform: ociPlatform(arch),
    attempts: last?.attempt ?? 1,
    failure: failureOfError(error, 'unknown', { clean: ctx.mask }),
    ...(last?.step && { step: last.step }),
    ...(last?.logFile && { logFile: last.logFile }),
    ...(ctx.environment.builderProxy && { proxy: ctx.environment.builderProxy }),
    ...nodeField(ctx.environment.builder, arch),
    ...(ctx.options.push && ctx.options.naming.registry && { registry: ctx.options.naming.registry }),
    message: ctx.mask(error.message),
    durationMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
  };
}

/** Builds `images` for one platform with its build-time services running; a failed image does not stop the next. */
async function buildImages(
  ctx: ProduceContext,
  log: Log,
  images: readonly Image[],
  arch: Arch,
): Promise<BuildOutcome[]> {
  const { options } = ctx;
  const started = Date.now();
  let services: Awaited<ReturnType<typeof startServices>>;
  try {
    services = await startServices(options.project, options.services, arch, log);
  } catch (error) {
    // Every image of this platform failed for want of its services; the other platforms still build.
    if (!(error instanceof PluginError)) throw error;
    const failure = error instanceof ServiceError ? error : new ServiceError(error.message);
    // The whole message: it carries the service container's last log lines.
    log.error(`nx-multiarch: ${options.project}: ${ctx.mask(error.message)}`);
    return images.map((image) => report(ctx, log, failureOf(ctx, image, arch, failure, started)));
  }
  const outcomes: BuildOutcome[] = [];
  try {
    const inputs = {
      buildArgs: Object.assign({}, ...services.map((s) => s.buildArgs)) as Record<string, string>,
      addHosts: services.map((s) => s.addHost),
    };
    for (const image of images) {
      const started = Date.now();
      const prefix = progressPrefix(options.project, image.name, ociPlatform(arch));
      // Two runs at once in one workspace would share its tag, metadata file, record and logs: one builds at a time.
      const lock = `${options.stateDir}/locks/${`${options.project}-${image.name}-${arch}`.replace(/[^\w.-]/g, '_')}.lock`;
      try {
        const built = await withLock(lock, () => produceImage({ ...ctx, services: inputs }, image, arch, prefix), {
          timeoutMs: SLOT_WAIT_MS,
          pollMs: 500,
          onWait: () => log.info(`${prefix}another run is building this image; waiting for it to finish`),
        });
        outcomes.push(report(ctx, log, built));
      } catch (error) {
        if (!(error instanceof PluginError)) throw error;
        outcomes.push(report(ctx, log, failureOf(ctx, image, arch, error, started)));
      }
    }
  } finally {
    await stopServices(services.map((s) => s.container));
  }
  return outcomes;
}

// A context above the component (a repository root) without a .dockerignore sends everything, secrets too.
function warnWideContext(options: ProduceContext['options'], log: Log): void {
  if (options.source.kind !== 'dockerfile') return;
  const { context, dockerfile } = options.source;
  const above = relative(context, dirname(dockerfile));
  if (above === '' || above.startsWith('..') || hasDockerignore(context, dockerfile)) return;
  log.warn(`nx-multiarch: ${contextWarning(options.project, context, walkContext(context))}`);
}

// What the driver cannot do with the cache or attestation settings, said once per task (bad settings refused first).
function warnCache(ctx: ProduceContext, log: Log): void {
  const { options } = ctx;
  if (options.source.kind !== 'dockerfile' || options.platforms.length === 0) return;
  const driver = ctx.environment.builder?.driver ?? 'docker';
  const source = `project ${options.project}`;
  const { note } = cacheFlags(
    options.cache,
    options.naming,
    options.images[0].name,
    options.platforms[0],
    driver,
    source,
  );
  if (note) log.warn(`nx-multiarch: ${options.project}: ${note}`);
  const load = outputs(options.load, options.push, driver).load;
  const attestations = attestationFlags(options.flags, driver, load).note;
  if (attestations) log.warn(`nx-multiarch: ${options.project}: ${attestations}`);
}

/**
 * Every image of the task for every platform, the platforms side by side (a native build need not wait for an
 * emulated one), but for pulls. What the same inputs already built, and is still there, is reused without services or an emulation
 * slot; a failure does not stop the other platforms (the task still fails). Emulated platforms take one of
 * `emulatedConcurrency` slots shared by all tasks of the run.
 */
export async function buildTask(ctx: ProduceContext, log: Log): Promise<BuildOutcome[]> {
  warnWideContext(ctx.options, log);
  warnCache(ctx, log);
  // A pull names one platform at a time under its tag (the daemon's classic store): pulls and retags go one by one.
  if (ctx.options.source.kind === 'upstream') {
    const outcomes: BuildOutcome[] = [];
    for (const arch of ctx.options.platforms) outcomes.push(...(await buildPlatform(ctx, log, arch)));
    return outcomes;
  }
  const perPlatform = await Promise.all(ctx.options.platforms.map((arch) => buildPlatform(ctx, log, arch)));
  return perPlatform.flat();
}

async function buildPlatform(ctx: ProduceContext, log: Log, arch: Arch): Promise<BuildOutcome[]> {
  const { options } = ctx;
  const outcomes: BuildOutcome[] = [];
  const todo: Image[] = [];
  for (const image of options.images) {
    const prefix = progressPrefix(options.project, image.name, ociPlatform(arch));
    // --noCache asks for a build from nothing: an earlier result, however good, is not that.
    const reused = options.flags.noCache
      ? undefined
      : await reusableBuild(ctx, image, arch, (why) => log.info(`${prefix}building again: ${why}`));
    if (reused) outcomes.push(report(ctx, log, reused));
    else todo.push(image);
  }
  if (todo.length === 0) return outcomes;
  const native = builderNativeArches(ctx.environment.builder);
  if (native.includes(arch)) return [...outcomes, ...(await buildImages(ctx, log, todo, arch))];
  log.info(
    `nx-multiarch: ${options.project}: ${ociPlatform(arch)} runs under QEMU emulation, the builder being native ` +
      `for ${native.map(ociPlatform).join(', ')} (slow, CPU-heavy: at most ${options.emulatedConcurrency} such ` +
      'build(s) at once)',
  );
  const slots = `${options.stateDir}/emulated`;
  const built = await withSlot(slots, options.emulatedConcurrency, () => buildImages(ctx, log, todo, arch), {
    timeoutMs: SLOT_WAIT_MS,
    pollMs: 500,
    onWait: () => log.info(`nx-multiarch: ${options.project}: waiting for a free emulated-build slot`),
  });
  return [...outcomes, ...built];
}
