import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type BuildAttemptReport, runBuild } from './attempts';
import { type BuildRecord, type Found, readRecord, recordPath, reuseRefusal } from './record';
import { buildArgs, outputs, parseBuildMetadata, resolveBuildNetwork } from '../../cli/buildx/build';
import { imagetoolsInspectArgs, parsePushedImage, type PushedImage } from '../../cli/buildx/imagetools';
import { fullyCached, stepCounts } from '../../cli/buildx/progress';
import { docker } from '../../cli/docker/cli';
import {
  inspectImageArgs,
  type LocalImage,
  parseImageInspect,
  pullImageArgs,
  pushImageArgs,
  tagImageArgs,
  verifyImagePlatform,
} from '../../cli/docker/image';
import { BuildFailedError, CommandError, PluginError, VerificationError } from '../../core/failure/errors';
import type { NormalizedBuildImageOptions } from '../../core/options/build-image';
import { appendFailure, commandFields } from '../../infra/run/failure-log';
import { proxyBuildArgs, proxyEnv } from '../../core/network/proxy';
import { ociPlatform, type Arch } from '../../core/platform';
import type { BuildSecrets } from '../../core/secret/build-secrets';
import { redactArgv } from '../../core/secret/names';
import type { BuildEnvironment } from './environment';
import { cacheFlags } from '../../core/image/cache';
import { contextFlags, layoutDir, layoutOutput, type ProducedContext, readLayoutDigest } from './produced';
import { archTag } from '../../core/image/tag';

const LOOKUP_TIMEOUT_MS = 60_000;

/** What running build-time services add to one build. */
export interface ServiceInputs {
  buildArgs: Record<string, string>;
  addHosts: string[];
}

/** What every (image, platform) of one task shares. */
export interface ProduceContext {
  options: NormalizedBuildImageOptions;
  environment: BuildEnvironment;
  secrets: BuildSecrets;
  services: ServiceInputs;
  /** Nx's hash of this task's inputs; absent when Nx gave none (then nothing is reused). */
  taskHash?: string;
  mask: (text: string) => string;
  /** On container and remote builders: the images built here this one uses, and whether dependents use its own. */
  produced?: ProducedInputs;
}

export interface ProducedInputs {
  /** Per platform: named contexts for the images of other components its Dockerfile uses. */
  contexts: Partial<Record<Arch, ProducedContext[]>>;
  /** Another component is built from this one: write an OCI layout of each image for it. */
  exportLayout: boolean;
}

export interface ImagePlan {
  ref: string;
  /** Every tag the image gets (ref first). */
  refs: string[];
  recordFile: string;
  metadataFile: string;
  load: boolean;
  push: boolean;
  /** Where the OCI layout for dependents goes (container builders, when another component uses the image). */
  layout?: string;
  /** `--build-context` values: the images of other components this build uses, pinned by digest. */
  contexts: string[];
  /** docker argv per attempt; `noCache` after a failure that pointed at the cache. */
  argv: (noCache: boolean) => string[];
}

/** Tags, files and argv of one (image, platform): pure, so --dryRun prints exactly what a run does. */
export function planImage(ctx: ProduceContext, image: { name: string; target?: string }, arch: Arch): ImagePlan {
  const { options, environment, services } = ctx;
  const ref = archTag(options.naming, image.name, arch);
  const refs = [ref, ...options.extraTags.map((tag) => archTag({ ...options.naming, tag }, image.name, arch))];
  const recordFile = recordPath(options.outputDir, image.name, arch);
  const metadataFile = `${options.outputDir}/${image.name}-${arch}.metadata.json`;
  const driver = environment.builder?.driver ?? 'docker';
  const { load, push } = outputs(options.load, options.push, driver);
  if (options.source.kind === 'upstream') {
    const upstream = options.source.upstream;
    return {
      ref,
      refs,
      recordFile,
      metadataFile,
      load: true,
      push: options.push,
      contexts: [],
      argv: () => pullImageArgs(upstream, arch),
    };
  }
  const source = options.source;
  // The docker driver builds FROM the daemon's images; container builders get them as named contexts.
  const layout = driver !== 'docker' && ctx.produced?.exportLayout ? layoutDir(options.stateDir, ref, arch) : undefined;
  const contexts = driver !== 'docker' ? contextFlags(ctx.produced?.contexts[arch] ?? []) : [];
  const network = resolveBuildNetwork(options.network, environment.builder, `project ${options.project}`);
  const cache = cacheFlags(options.cache, options.naming, image.name, arch, driver, `project ${options.project}`);
  const argv = (noCache: boolean) =>
    buildArgs({
      ...(environment.builder && { builder: environment.builder.name }),
      context: source.context,
      dockerfile: source.dockerfile,
      platform: arch,
      tags: refs,
      ...(image.target && { target: image.target }),
      // Predefined proxy ARGs stay out of the cache key and the image history; then .env, the component, services.
      buildArgs: {
        ...proxyBuildArgs(environment.proxies.runSteps),
        ...environment.envArgs.args,
        ...options.buildArgs,
        ...services.buildArgs,
      },
      addHosts: services.addHosts,
      secrets: ctx.secrets.flags,
      buildContexts: contexts,
      cacheFrom: cache.from,
      cacheTo: cache.to,
      ...(layout && { outputs: [layoutOutput(layout)] }),
      metadataFile,
      load,
      push,
      ...(network && { network }),
      noCache,
    });
  // On the docker driver `--push` writes to the daemon's store first: the image is loaded as well.
  return {
    ref,
    refs,
    recordFile,
    metadataFile,
    load: load || (push && driver === 'docker'),
    push,
    ...(layout && { layout }),
    contexts,
    argv,
  };
}

async function lookUp(args: string[], env: Record<string, string | undefined>): Promise<string | undefined> {
  try {
    return (await docker(args, { timeoutMs: LOOKUP_TIMEOUT_MS, env })).stdout;
  } catch (error) {
    if (error instanceof CommandError) return undefined;
    throw error;
  }
}

async function find(plan: ImagePlan, ctx: ProduceContext, env: Record<string, string | undefined>): Promise<Found> {
  const local = plan.load ? await lookUp(inspectImageArgs(plan.ref), env) : undefined;
  const pushed = plan.push
    ? await lookUp(imagetoolsInspectArgs(plan.ref, ctx.environment.builder?.name), env)
    : undefined;
  const layoutDigest = plan.layout ? readLayoutDigest(plan.layout) : undefined;
  return {
    ...(local !== undefined && { local: parseImageInspect(local) }),
    ...(pushed !== undefined && { pushed: parsePushedImage(pushed, plan.ref) }),
    ...(layoutDigest && { layoutDigest }),
  };
}

/**
 * The registry holds, under the tag, what this build pushed, for this platform. BuildKit pushes either a plain
 * manifest (docker driver) or an index of the image and its attestation manifests (container builders, provenance
 * on by default), and reports either the index digest or the platform manifest inside it: both prove the push.
 */
export function verifyPushed(pushed: PushedImage | undefined, ref: string, arch: Arch, digest?: string): void {
  if (!pushed) throw new VerificationError(`${ref} was pushed, but the registry does not have it`);
  // arm64 configs may carry the variant (`linux/arm64/v8`).
  const want = ociPlatform(arch);
  const isWanted = (platform: string) => platform === want || platform.startsWith(`${want}/`);
  if (digest && pushed.digest !== digest && !pushed.entries.some((e) => e.digest === digest && isWanted(e.platform))) {
    const inside = pushed.entries.length > 0 ? ` (an index of ${pushed.entries.map((e) => e.digest).join(', ')})` : '';
    throw new VerificationError(
      `${ref} in the registry is ${pushed.digest}${inside}, not the ${digest} this build pushed`,
    );
  }
  if (!pushed.platforms.some(isWanted)) {
    throw new VerificationError(
      `${ref} in the registry is for ${pushed.platforms.join(', ') || 'no platform'}, not ${ociPlatform(arch)}`,
    );
  }
}

/** The image the tag names now is the one this build wrote (not an older one with the same tag). */
export function verifyLoaded(local: LocalImage | undefined, ref: string, arch: Arch, imageId?: string): LocalImage {
  if (!local) throw new VerificationError(`${ref} was built, but the daemon does not have it`);
  verifyImagePlatform(local, ref, arch);
  if (imageId && local.id !== imageId) {
    throw new VerificationError(`${ref} in the daemon is ${local.id}, not the ${imageId} this build wrote`);
  }
  return local;
}

function clientEnv(ctx: ProduceContext): Record<string, string | undefined> {
  // The client fetches registry tokens itself, so it needs the proxies in its environment; secrets come from it too.
  return { ...process.env, ...proxyEnv(ctx.environment.proxies.client), ...ctx.secrets.env };
}

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
  const previous = readRecord(plan.recordFile);
  if (!previous || !ctx.taskHash || previous.taskHash !== ctx.taskHash) return undefined;
  const found = await find(plan, ctx, clientEnv(ctx));
  const refusal = reuseRefusal(previous, { ...plan, arch, taskHash: ctx.taskHash }, found);
  if (refusal) {
    onRefusal(refusal);
    return undefined;
  }
  return { ...previous, status: 'reused', durationMs: Date.now() - started, finishedAt: new Date().toISOString() };
}

/**
 * Builds (or pulls and retags) one image for one platform, then proves the result is that platform, in the daemon
 * and in the registry, and that it is what this build wrote.
 */
export async function produceImage(
  ctx: ProduceContext,
  image: { name: string; target?: string },
  arch: Arch,
  prefix: string,
): Promise<BuildRecord> {
  const started = Date.now();
  const { options } = ctx;
  const plan = planImage(ctx, image, arch);
  mkdirSync(options.outputDir, { recursive: true });
  const env = clientEnv(ctx);
  const base = {
    project: options.project,
    image: image.name,
    ref: plan.ref,
    platform: ociPlatform(arch),
    source: options.source.kind,
    loaded: plan.load,
    pushed: plan.push,
    ...(ctx.taskHash && { taskHash: ctx.taskHash }),
  };

  const logFile = (attempt: number) =>
    `${options.logDir}/${options.project}/${image.name}-${arch}.attempt-${attempt}.log`;
  // The exact command, for copying into a terminal: secret-named build args and URL credentials hidden.
  process.stdout.write(`${prefix}${ctx.mask(redactArgv(['docker', ...plan.argv(false)]).join(' '))}\n`);
  let last: BuildAttemptReport | undefined;
  const run = await runBuild(
    {
      argv: plan.argv,
      operation: options.source.kind === 'upstream' ? 'pull' : 'build',
      policy: options.policy,
      timeoutMs: options.timeoutMs,
      stallTimeoutMs: options.stallTimeoutMs,
      logFile,
      outputs: [plan.metadataFile, plan.recordFile, ...(plan.layout ? [plan.layout] : [])],
      echo: true,
      prefix,
      mask: ctx.mask,
      env,
    },
    (report) => {
      last = report;
      appendFailure(options.stateDir, buildFailureRecord(report, base));
    },
  ).catch((error: unknown) => {
    if (!last || !(error instanceof PluginError)) throw error;
    throw new BuildFailedError(error.message, last);
  });

  let imageId: string | undefined;
  let digest: string | undefined;
  if (options.source.kind === 'upstream') {
    for (const target of plan.refs) {
      await docker(tagImageArgs(options.source.upstream, target), { timeoutMs: LOOKUP_TIMEOUT_MS, env });
    }
    if (plan.push)
      await docker(pushImageArgs(plan.ref), { timeoutMs: options.timeoutMs, env, echo: true, prefix, mask: ctx.mask });
  } else {
    if (!existsSync(plan.metadataFile)) {
      throw new PluginError(
        `${plan.metadataFile}: buildx succeeded but wrote no metadata; nothing proves what was built`,
      );
    }
    const metadata = parseBuildMetadata(readFileSync(plan.metadataFile, 'utf8'), plan.metadataFile);
    // Classic store: the config digest is the image ID (buildx reports it as the digest when nothing was pushed).
    imageId = metadata.configDigest ?? (plan.push ? undefined : metadata.digest);
    digest = plan.push ? metadata.digest : undefined;
  }
  const found = await find(plan, ctx, env);
  try {
    if (plan.load) imageId = verifyLoaded(found.local, plan.ref, arch, imageId).id;
    if (plan.push) {
      verifyPushed(found.pushed, plan.ref, arch, digest);
      digest = found.pushed?.digest;
    }
    if (plan.layout && !found.layoutDigest) {
      throw new VerificationError(`${plan.ref}: buildx wrote no OCI layout at ${plan.layout} for its dependents`);
    }
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    const failure = { class: 'permanent' as const, kind: 'verification' as const, evidence: error.message };
    const report = {
      attempt: run.attempts,
      error,
      failure,
      argv: ['docker', ...plan.argv(run.noCache)],
      logFile: run.logFile,
    };
    appendFailure(options.stateDir, buildFailureRecord(report, base));
    throw new BuildFailedError(error.message, report);
  }
  const counts = stepCounts(run.result.all);
  const record: BuildRecord = {
    ...base,
    status: options.source.kind === 'dockerfile' && fullyCached(counts) ? 'cached' : 'built',
    ...(imageId && { imageId }),
    ...(digest && { digest }),
    ...(plan.layout && found.layoutDigest && { layout: { dir: plan.layout, digest: found.layoutDigest } }),
    ...(plan.contexts.length > 0 && { contexts: plan.contexts }),
    attempts: run.attempts,
    noCache: run.noCache,
    durationMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
  };
  writeFileSync(plan.recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** The failure log's line for a failed build attempt. */
export function buildFailureRecord(
  report: BuildAttemptReport,
  base: { project: string; ref: string; platform: string },
  now: Date = new Date(),
) {
  return {
    time: now.toISOString(),
    operation: 'build' as const,
    project: base.project,
    image: base.ref,
    platform: base.platform,
    attempt: report.attempt,
    ...(report.nextDelayMs !== undefined && { retryInMs: report.nextDelayMs }),
    class: report.failure.class,
    kind: report.failure.kind,
    evidence: report.failure.evidence,
    ...(report.step && { step: report.step }),
    ...commandFields(report.error),
    argv: report.argv,
    logFile: report.logFile,
    message: report.error instanceof Error ? report.error.message : String(report.error),
  };
}
