import { logger } from '@nx/devkit';
import { BuildFailedError, PluginError } from '../errors';
import { produceImage, type ProduceContext } from '../image/produce';
import { type Arch, nativeArch, ociPlatform } from '../platform';
import { startServices, stopServices } from '../service/lifecycle';
import { withSlot } from '../state/lock';
import type { BuildRecord } from './record';
import { type BuildFailure, progressPrefix, resultLine } from './summary';

// An emulated build waits for a slot as long as a build may take.
const SLOT_WAIT_MS = 6 * 3600_000;

async function buildImages(ctx: ProduceContext, arch: Arch): Promise<Array<BuildRecord | BuildFailure>> {
  const { options } = ctx;
  const services = await startServices(options.project, options.services, arch);
  const outcomes: Array<BuildRecord | BuildFailure> = [];
  try {
    const inputs = {
      buildArgs: Object.assign({}, ...services.map((s) => s.buildArgs)) as Record<string, string>,
      addHosts: services.map((s) => s.addHost),
    };
    for (const image of options.images) {
      const started = Date.now();
      const prefix = progressPrefix(options.project, image.name, ociPlatform(arch));
      let outcome: BuildRecord | BuildFailure;
      try {
        outcome = await produceImage({ ...ctx, services: inputs }, image, arch, prefix);
      } catch (error) {
        if (!(error instanceof PluginError)) throw error;
        const failed = error instanceof BuildFailedError ? error : undefined;
        outcome = {
          project: options.project,
          image: image.name,
          platform: ociPlatform(arch),
          attempts: failed?.attempts ?? 1,
          failure: {
            class: failed?.failureClass ?? 'permanent',
            kind: (failed?.kind ?? 'unknown') as BuildFailure['failure']['kind'],
            evidence: ctx.mask(failed?.evidence ?? error.message.split('\n')[0]),
          },
          ...(failed?.step && { step: failed.step }),
          ...(failed?.logFile && { logFile: failed.logFile }),
          message: ctx.mask(error.message),
          durationMs: Date.now() - started,
        };
      }
      (('failure' in outcome ? logger.error : logger.info) as (m: string) => void)(
        `nx-multiarch: ${resultLine(outcome)}`,
      );
      outcomes.push(outcome);
    }
  } finally {
    await stopServices(services.map((s) => s.container));
  }
  return outcomes;
}

/**
 * Every image of the task for every platform; a failure does not stop the other platforms (the task still fails).
 * Emulated platforms take one of `emulatedConcurrency` slots shared by all tasks of the run.
 */
export async function buildTask(ctx: ProduceContext): Promise<Array<BuildRecord | BuildFailure>> {
  const { options } = ctx;
  const outcomes: Array<BuildRecord | BuildFailure> = [];
  for (const arch of options.platforms) {
    if (arch === nativeArch()) {
      outcomes.push(...(await buildImages(ctx, arch)));
      continue;
    }
    logger.info(
      `nx-multiarch: ${options.project}: ${ociPlatform(arch)} runs under QEMU emulation on this ${nativeArch()} machine ` +
        `(slow, CPU-heavy: at most ${options.emulatedConcurrency} such build(s) at once)`,
    );
    const built = await withSlot(
      options.stateDir + '/emulated',
      options.emulatedConcurrency,
      () => buildImages(ctx, arch),
      {
        timeoutMs: SLOT_WAIT_MS,
        pollMs: 500,
        onWait: () => logger.info(`nx-multiarch: ${options.project}: waiting for an emulated-build slot`),
      },
    );
    outcomes.push(...built);
  }
  return outcomes;
}
