import { DOCKER } from '../../cli/docker/cli';
import { mkdirSync, writeFileSync } from 'node:fs';
import { outputs } from '../../cli/buildx/build';
import { fullyCached, stepCounts } from '../../cli/buildx/progress';
import { pullImageArgs } from '../../cli/docker/image';
import { ciKind } from '../../core/ci/environment';
import { nodeField } from './environment';
import { blockEnd, blockStart } from '../../core/ci/log-commands';
import { VerificationError } from '../../core/failure/errors';
import { archTag } from '../../core/image/tag';
import { proxyEnv } from '../../core/network/proxy';
import { type Arch, ociPlatform } from '../../core/platform';
import { redactArgv } from '../../core/secret/names';
import { type BuildInputs, dockerfileArgv } from './build-argv';
import { loggedBuild, verificationFailed } from './build-failure';
import { type Claim, readClaim } from './claim';
import { findImage } from './lookup';
import { contextFlags, layoutDir, type ProducedContext } from './produced';
import { type BuildRecord, ledgerDir, recordPath } from './build-record';
import { writeFileAtomic } from '../../infra/state/atomic-file';
import { tagUpstream } from './upstream';
import { buildTitle } from './summary';
import { verifyFound } from './verification';

/** What every (image, platform) of one task shares. */
export interface ProduceContext extends BuildInputs {
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
  /** The same record in the ledger, where later runs (and their cache keys) read it. */
  ledgerFile: string;
  metadataFile: string;
  load: boolean;
  push: boolean;
  /** Where the OCI layout for dependents goes (container builders, when another component uses the image). */
  layout?: string;
  /** `--build-context` values: the images of other components this build uses, pinned by digest. */
  contexts: string[];
  /** Pushed only (not loaded, no layout): the registry alone holds it, so another machine may reuse it from there. */
  shareable: boolean;
  /** docker argv per attempt; `noCache` after a failure that pointed at the cache. */
  argv: (noCache: boolean) => string[];
}

/** Tags, files and argv of one (image, platform): pure, so --dryRun prints exactly what a run does. */
export function planImage(ctx: ProduceContext, image: { name: string; target?: string }, arch: Arch): ImagePlan {
  const { options, environment } = ctx;
  const ref = archTag(options.naming, image.name, arch);
  const refs = [ref, ...options.extraTags.map((tag) => archTag({ ...options.naming, tag }, image.name, arch))];
  const recordFile = recordPath(options.outputDir, image.name, arch);
  const ledgerFile = recordPath(ledgerDir(options.stateDir, options.outputDir), image.name, arch);
  const metadataFile = `${options.outputDir}/${image.name}-${arch}.metadata.json`;
  const driver = environment.builder?.driver ?? 'docker';
  const { load, push } = outputs(options.load, options.push, driver);
  if (options.source.kind === 'upstream') {
    const upstream = options.source.upstream;
    return {
      ref,
      refs,
      recordFile,
      ledgerFile,
      metadataFile,
      load: true,
      push: options.push,
      contexts: [],
      shareable: false,
      argv: () => pullImageArgs(upstream, arch),
    };
  }
  // The docker driver builds FROM the daemon's images; container builders get them as named contexts.
  const layout = driver !== 'docker' && ctx.produced?.exportLayout ? layoutDir(options.stateDir, ref, arch) : undefined;
  const contexts = driver !== 'docker' ? contextFlags(ctx.produced?.contexts[arch] ?? []) : [];
  // The docker driver loads what it pushes: the image is then in this daemon too, not only the registry.
  const shareable = push && !load && driver !== 'docker' && !layout && ctx.taskHash !== undefined;
  const out = {
    refs,
    metadataFile,
    load,
    push,
    ...(layout && { layout }),
    contexts,
    ...(shareable && { inputsLabel: ctx.taskHash }),
  };
  const argv = dockerfileArgv(ctx, options.source, image, arch, out);
  // On the docker driver `--push` writes to the daemon's store first: the image is loaded as well.
  return {
    ref,
    refs,
    recordFile,
    ledgerFile,
    metadataFile,
    load: load || (push && driver === 'docker'),
    push,
    ...(layout && { layout }),
    contexts,
    shareable,
    argv,
  };
}

export function clientEnv(ctx: ProduceContext): Record<string, string | undefined> {
  // The client fetches registry tokens itself, so it needs the proxies in its environment; secrets come from it too.
  return { ...process.env, ...proxyEnv(ctx.environment.proxies.client), ...ctx.secrets.env };
}

/**
 * Builds (or pulls and retags) one image for one platform, then proves the result is that platform, in the daemon
 * and in the registry, and that it is what this build wrote. In CI its output is one collapsible block.
 */
export async function produceImage(
  ctx: ProduceContext,
  image: { name: string; target?: string },
  arch: Arch,
  prefix: string,
): Promise<BuildRecord> {
  const ci = ciKind(process.env);
  const title = ctx.mask(buildTitle(ctx.options.project, image.name, ociPlatform(arch)));
  const marker = (line: string | undefined) => line !== undefined && process.stdout.write(`${line}\n`);
  marker(blockStart(ci, title, Date.now()));
  try {
    return await buildImage(ctx, image, arch, prefix);
  } finally {
    marker(blockEnd(ci, title, Date.now()));
  }
}

async function buildImage(
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
    ...(ctx.environment.builderProxy && { proxy: ctx.environment.builderProxy }),
    ...nodeField(ctx.environment.builder, arch),
  };

  const logFile = (attempt: number) =>
    `${options.logDir}/${options.project}/${image.name}-${arch}.attempt-${attempt}.log`;
  // The exact command, for copying into a terminal: secret-named build args and URL credentials hidden.
  process.stdout.write(`${prefix}${ctx.mask(redactArgv([DOCKER, ...plan.argv(false)]).join(' '))}\n`);
  const run = await loggedBuild(
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
    options.stateDir,
    base,
  );

  let claim: Claim = {};
  // A pull claims nothing of its own: what its tags name now is checked for the platform.
  if (options.source.kind === 'upstream') {
    await tagUpstream(options.source.upstream, plan, { timeoutMs: options.timeoutMs, env, prefix, mask: ctx.mask });
  } else {
    claim = readClaim(plan.metadataFile, plan.push);
  }
  const found = await findImage(plan, ctx.environment.builder?.name, env);
  let proven: Claim;
  try {
    proven = verifyFound(plan, found, arch, claim);
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    throw verificationFailed(error, run, [DOCKER, ...plan.argv(run.noCache)], options.stateDir, base);
  }
  const record: BuildRecord = {
    ...base,
    status: options.source.kind === 'dockerfile' && fullyCached(stepCounts(run.result.all)) ? 'cached' : 'built',
    ...proven,
    ...(plan.layout && found.layoutDigest && { layout: { dir: plan.layout, digest: found.layoutDigest } }),
    ...(plan.contexts.length > 0 && { contexts: plan.contexts }),
    attempts: run.attempts,
    noCache: run.noCache,
    durationMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
  };
  const text = `${JSON.stringify(record, null, 2)}\n`;
  writeFileSync(plan.recordFile, text);
  writeFileAtomic(plan.ledgerFile, text);
  return record;
}
