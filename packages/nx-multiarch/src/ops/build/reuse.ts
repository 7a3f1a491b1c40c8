import { mkdirSync, writeFileSync } from 'node:fs';
import { INPUTS_LABEL } from '../../core/image/labels';
import { type Arch, ociPlatform } from '../../core/platform';
import { writeFileAtomic } from '../../infra/state/atomic-file';
import { type BuildRecord, readRecord, registryRefusal, reuseRefusal } from './build-record';
import { findImage } from './lookup';
import { clientEnv, type ImagePlan, planImage, type ProduceContext } from './produce';

/**
 * The earlier build of one (image, platform), when it can stand in for this one: same Nx task hash, and its image
 * still where it was put. Otherwise undefined, and `onRefusal` hears why when the inputs were the same.
 */
export async function reusableBuild(
  ctx: ProduceContext,
  image: { name: string; target?: string },
  arch: Arch,
  onRefusal: (why: string) => void,
): Promise<BuildRecord | undefined> {
  const started = Date.now();
  const plan = planImage(ctx, image, arch);
  const previous = readRecord(plan.ledgerFile);
  if (!ctx.taskHash) return undefined;
  if (!previous || previous.taskHash !== ctx.taskHash) {
    return plan.shareable ? reusableFromRegistry(ctx, plan, image.name, arch, started) : undefined;
  }
  const found = await findImage(plan, ctx.environment.builder?.name, clientEnv(ctx));
  const refusal = reuseRefusal(previous, { ...plan, arch, taskHash: ctx.taskHash }, found);
  if (refusal) {
    onRefusal(refusal);
    return undefined;
  }
  const reused: BuildRecord = {
    ...previous,
    status: 'reused',
    durationMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
  };
  // The Nx output says what this run found, whatever an older cache entry left there.
  mkdirSync(ctx.options.outputDir, { recursive: true });
  writeFileSync(plan.recordFile, `${JSON.stringify(reused, null, 2)}\n`);
  return reused;
}

/**
 * The image another machine pushed with the same inputs (CI runners sharing a registry), when this one has no record
 * of its own: recorded here as reused, so the next run checks it as its own.
 */
async function reusableFromRegistry(
  ctx: ProduceContext,
  plan: ImagePlan,
  image: string,
  arch: Arch,
  started: number,
): Promise<BuildRecord | undefined> {
  const taskHash = ctx.taskHash as string;
  const found = await findImage(plan, ctx.environment.builder?.name, clientEnv(ctx));
  if (registryRefusal(found, { ref: plan.ref, arch, taskHash }, INPUTS_LABEL) || !found.pushed) return undefined;
  const record: BuildRecord = {
    project: ctx.options.project,
    image,
    ref: plan.ref,
    platform: ociPlatform(arch),
    source: 'dockerfile',
    status: 'reused',
    digest: found.pushed.digest,
    loaded: false,
    pushed: true,
    taskHash,
    fromRegistry: true,
    attempts: 0,
    noCache: false,
    durationMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
  };
  mkdirSync(ctx.options.outputDir, { recursive: true });
  writeFileSync(plan.recordFile, `${JSON.stringify(record, null, 2)}\n`);
  writeFileAtomic(plan.ledgerFile, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
