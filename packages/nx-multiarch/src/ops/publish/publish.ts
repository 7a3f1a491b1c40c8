import { mkdirSync, writeFileSync } from 'node:fs';
import { readRecord, recordPath } from '../build/record';
import { imagetoolsCreateArgs, imagetoolsInspectArgs, parsePushedImage, type PushedImage } from '../../cli/buildx/imagetools';
import { CommandError, ConfigError, MissingPlatformError, PluginError, VerificationError } from '../../core/failure/errors';
import type { NormalizedManifestOptions } from '../../core/options/manifest';
import { type Classification, classifyFailure } from '../../core/failure/classify';
import { appendFailure, commandFields, type FailureRecord } from '../../infra/run/failure-log';
import { redactText } from '../../core/network/proxy';
import { archTag, imageRepository } from '../../core/image/tag';
import { type Arch, ociPlatform } from '../../core/platform';
import type { Runner } from '../../cli/exec';
import { INDEX_COLUMN, type Outcome } from '../../infra/run/record';
import { type AttemptFailure, withRetries } from '../../infra/retry/policy';
import { describeEntries, type ExpectedEntry, indexProblems, platformManifest } from './verify';

/** Where one component image's per-arch pushes are, as push-image recorded them. */
export interface ArchSource {
  arch: Arch;
  /** The per-arch tag (`<repo>:<tag>-<arch>`). */
  ref: string;
  recordFile: string;
  /** The manifest digest push-image pushed; undefined when nothing pushed was recorded. */
  digest?: string;
  /** Why there is no digest. */
  absent?: string;
}

/** Every tag the index is published under: the component's tag, then the extra ones. */
export function manifestTags(options: NormalizedManifestOptions, image: string): string[] {
  const repository = imageRepository(options.naming, image);
  return [...new Set([options.naming.tag, ...options.extraTags])].map((tag) => `${repository}:${tag}`);
}

/** What push-image recorded for each platform the index needs. */
export function archSources(options: NormalizedManifestOptions, image: string): ArchSource[] {
  return options.platforms.map((arch) => {
    const ref = archTag(options.naming, image, arch);
    const recordFile = recordPath(options.pushedDir, image, arch);
    const record = readRecord(recordFile);
    if (!record) return { arch, ref, recordFile, absent: `no record: ${recordFile}` };
    if (record.ref !== ref) return { arch, ref, recordFile, absent: `${recordFile} is about ${record.ref}` };
    if (!record.pushed || !record.digest) return { arch, ref, recordFile, absent: `${recordFile}: not pushed` };
    return { arch, ref, recordFile, digest: record.digest };
  });
}

/** The sources `imagetools create` merges: each pushed image by digest, so the index holds exactly what was checked. */
export const sourceRefs = (options: NormalizedManifestOptions, image: string, sources: readonly ArchSource[]) =>
  sources.map((s) => (s.digest ? `${imageRepository(options.naming, image)}@${s.digest}` : s.ref));

export interface ManifestRecord {
  project: string;
  image: string;
  /** The first tag; `tags` has them all. */
  ref: string;
  tags: string[];
  /** Digest of the index. */
  digest: string;
  mediaType: string;
  /** Platform to the image manifest it points at. */
  platforms: Record<string, string>;
  /** Attestation manifests (provenance, SBOM) carried over from the per-arch pushes. */
  attestations: number;
  /** Platforms left out of a partial index, with why. */
  missing: Array<{ platform: string; reason: string }>;
  /** created: the registry got a new index; unchanged: every tag already was this index. */
  status: 'created' | 'unchanged';
  durationMs: number;
  finishedAt: string;
}

export interface ManifestContext {
  options: NormalizedManifestOptions;
  /** The builder whose registry config (mirrors, plain-HTTP, insecure) imagetools reads. */
  builder?: string;
  runner: Runner;
  env: Record<string, string | undefined>;
  /** Progress lines (the task's log). */
  log: (line: string) => void;
  warn: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Why a registry command failed, from its output; not-found and auth are permanent, network trouble is not. */
export function classifyRegistryError(error: unknown): Classification {
  if (error instanceof CommandError) {
    return classifyFailure(error.outputTail, { operation: 'manifest', timedOut: error.timedOut });
  }
  return { class: 'permanent', kind: 'unknown', evidence: error instanceof Error ? error.message : String(error) };
}

/** A registry command's own class (it was retried as far as it deserved); otherwise what the plugin found wrong. */
export function manifestFailure(error: PluginError): Pick<FailureRecord, 'class' | 'kind' | 'evidence'> {
  if (error instanceof CommandError) return classifyRegistryError(error);
  const kind =
    error instanceof ConfigError
      ? 'config'
      : error instanceof VerificationError
        ? 'verification'
        : error instanceof MissingPlatformError
          ? 'missing-platform'
          : 'not-found';
  return { class: 'permanent', kind, evidence: redactText(error.message.split('\n')[0]) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function logAttempt(ctx: ManifestContext, image: string, argv: string[], report: AttemptFailure): void {
  const error = report.error;
  appendFailure(ctx.options.stateDir, {
    time: new Date().toISOString(),
    operation: 'manifest',
    project: ctx.options.project,
    image,
    attempt: report.attempt,
    ...(report.nextDelayMs !== undefined && { retryInMs: report.nextDelayMs }),
    class: report.failure.class,
    kind: report.failure.kind,
    evidence: report.failure.evidence,
    ...commandFields(error),
    argv,
    message: error instanceof Error ? error.message : String(error),
  });
  if (report.nextDelayMs !== undefined) {
    ctx.warn(
      `${image}: ${report.failure.kind} (${report.failure.evidence}); attempt ${report.attempt + 1} ` +
        `in ${Math.round(report.nextDelayMs / 1000)} s`,
    );
  }
}

/**
 * Runs one docker command against the registry, retrying what the classifier calls transient. A lookup's not-found
 * is an answer, not a failure: it is not logged.
 */
async function registry(ctx: ManifestContext, image: string, args: string[], lookup = false): Promise<string> {
  const { options } = ctx;
  const result = await withRetries(
    () =>
      ctx.runner('docker', args, { timeoutMs: options.timeoutMs, env: ctx.env, echo: !lookup, prefix: `[${image}] ` }),
    classifyRegistryError,
    options.policy,
    (report) => {
      if (!(lookup && report.failure.kind === 'not-found')) logAttempt(ctx, image, ['docker', ...args], report);
    },
    ctx.sleep,
  );
  return result.stdout;
}

/** The manifest (or index) a reference names in the registry; undefined when the registry says it has none. */
async function inspect(ctx: ManifestContext, ref: string): Promise<PushedImage | undefined> {
  try {
    return parsePushedImage(await registry(ctx, ref, imagetoolsInspectArgs(ref, ctx.builder), true), ref);
  } catch (error) {
    if (classifyRegistryError(error).kind === 'not-found') return undefined;
    throw error;
  }
}

/** Reads a tag back until it is the expected index: registries are eventually consistent (MANIFEST_UNKNOWN, stale). */
async function readBack(ctx: ManifestContext, ref: string, expected: readonly ExpectedEntry[]): Promise<PushedImage> {
  const deadline = Date.now() + ctx.options.verifyTimeoutMs;
  for (;;) {
    const found = await inspect(ctx, ref);
    const problems = indexProblems(found, expected);
    if (problems.length === 0) return found as PushedImage;
    if (Date.now() >= deadline) {
      throw new VerificationError(`${ref} was published, but read back from the registry ${problems.join('; ')}`);
    }
    await (ctx.sleep ?? sleep)(Math.min(1000, Math.max(0, deadline - Date.now())));
  }
}

function missingMessage(options: NormalizedManifestOptions, missing: ArchSource[]): string {
  const notBuilt = missing.filter((s) => !options.builtNow.includes(s.arch)).map((s) => s.arch);
  return (
    `the index needs ${missing.map((s) => `${ociPlatform(s.arch)}, which was not pushed (${s.absent})`).join('; ')}. ` +
    `Fix: nx run ${options.project}:push-image --platform=${missing.map((s) => s.arch).join(',')}` +
    (notBuilt.length > 0 ? ` (this run built only ${options.builtNow.join(',')}: --platform)` : '') +
    (options.partial ? '' : ', or allow an index without it: --partial')
  );
}

/**
 * Publishes one image's multi-arch index: checks each per-arch push in the registry (by digest, and that it is that
 * platform), creates the index unless every tag already is exactly it, then reads every tag back and checks it.
 */
export async function publishManifest(ctx: ManifestContext, image: string): Promise<ManifestRecord> {
  const started = Date.now();
  const { options } = ctx;
  const sources = archSources(options, image);
  const refs = sourceRefs(options, image, sources);
  const expected: ExpectedEntry[] = [];
  const present: ArchSource[] = [];
  for (const [i, source] of sources.entries()) {
    if (!source.digest) continue;
    const pushed = await inspect(ctx, refs[i]);
    if (!pushed) {
      source.absent = `${refs[i]} (pushed as ${source.ref}) is no longer in the registry`;
      continue;
    }
    expected.push({ arch: source.arch, digest: platformManifest(pushed, source.ref, source.arch) });
    present.push(source);
  }
  const missing = sources.filter((s) => !present.includes(s));
  if (missing.length > 0) {
    const message = missingMessage(options, missing);
    if (!options.partial || present.length === 0) throw new MissingPlatformError(message);
    ctx.warn(`${image}: publishing a partial index (--partial): ${message}`);
  }

  const tags = manifestTags(options, image);
  // Unchanged only when every tag already is one and the same right index; otherwise all tags get one new index.
  const current = new Set<string>();
  let upToDate = true;
  for (const tag of tags) {
    const found = await inspect(ctx, tag);
    if (found && indexProblems(found, expected).length === 0) current.add(found.digest);
    else upToDate = false;
  }
  const create = !upToDate || current.size > 1;
  if (create) {
    const argv = imagetoolsCreateArgs(tags, sourceRefs(options, image, present), ctx.builder);
    ctx.log(`docker ${argv.join(' ')}`);
    await registry(ctx, tags[0], argv);
  }
  const published = [];
  for (const tag of tags) published.push(await readBack(ctx, tag, expected));
  const digests = new Set(published.map((p) => p.digest));
  if (digests.size > 1) {
    throw new VerificationError(
      `${tags.join(', ')} should be one index, but the registry has ${[...digests].join(', ')}`,
    );
  }
  const index = published[0];
  return {
    project: options.project,
    image,
    ref: tags[0],
    tags,
    digest: index.digest,
    mediaType: index.mediaType,
    platforms: Object.fromEntries(index.entries.map((entry) => [entry.platform, entry.digest])),
    attestations: index.attestations,
    missing: missing.map((s) => ({ platform: ociPlatform(s.arch), reason: s.absent ?? '' })),
    status: create ? 'created' : 'unchanged',
    durationMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
  };
}

export const manifestRecordPath = (outputDir: string, image: string) => `${outputDir}/${image}.json`;

export function writeManifestRecord(outputDir: string, record: ManifestRecord): void {
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(manifestRecordPath(outputDir, record.image), `${JSON.stringify(record, null, 2)}\n`);
}

/** `✔ reg/demo/api:latest created: linux/amd64 2ee5d689801d, linux/arm64 9a7180c8897c, 2 attestation(s)` */
export function manifestLine(record: ManifestRecord): string {
  const entries = describeEntries(
    Object.entries(record.platforms).map(([platform, digest]) => ({ platform, digest, mediaType: '' })),
  );
  const extra = record.tags.length > 1 ? ` (also ${record.tags.slice(1).join(', ')})` : '';
  const attestations = record.attestations > 0 ? `, ${record.attestations} attestation(s)` : '';
  const missing = record.missing.length > 0 ? `; WITHOUT ${record.missing.map((m) => m.platform).join(', ')}` : '';
  return `✔ ${record.ref}${extra} ${record.status}: ${entries}${attestations}${missing}`;
}

/** An index's result as the run report shows it: the `index` cell of the image's row. */
export function manifestOutcome(
  image: string,
  result: ManifestRecord | { failure: Pick<FailureRecord, 'class' | 'kind' | 'evidence'>; startedAt: number },
): Outcome {
  if ('failure' in result) {
    const { class: failureClass, kind, evidence } = result.failure;
    return {
      image,
      platform: INDEX_COLUMN,
      status: 'failed',
      startedAt: result.startedAt,
      endedAt: Date.now(),
      failure: { class: failureClass, kind, evidence },
    };
  }
  const endedAt = Date.parse(result.finishedAt);
  return {
    image,
    platform: INDEX_COLUMN,
    status: result.status === 'created' ? 'built' : 'cached',
    detail: result.missing.length > 0 ? `${result.status}, partial` : result.status,
    startedAt: endedAt - result.durationMs,
    endedAt,
    ref: result.ref,
    digest: result.digest,
  };
}
