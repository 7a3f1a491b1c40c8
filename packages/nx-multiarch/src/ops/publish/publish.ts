import { failureOfError } from '../../core/failure/of-error';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readRecord, recordPath } from '../build/build-record';
import { imagetoolsCreateArgs } from '../../cli/buildx/imagetools';
import { CommandError, MissingPlatformError, PluginError, VerificationError } from '../../core/failure/errors';
import type { NormalizedManifestOptions } from '../../core/options/manifest';
import { type Classification, classifyFailure } from '../../core/failure/classify';
import { type FailureRecord } from '../../infra/run/failure-log';
import { archTag, imageRepository } from '../../core/image/tag';
import { ociPlatform } from '../../core/platform';
import { INDEX_COLUMN, type Outcome } from '../../infra/run/run-dir';
import { registryClient, type RegistryContext } from './registry';
import { type ArchSource, missingMessage, presentSources } from './sources';
import { describeEntries, indexProblems } from './verify';

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

/** What publishing an index needs: the registry's context, the whole options and the task's progress log. */
export interface ManifestContext extends RegistryContext {
  options: NormalizedManifestOptions;
  /** Progress lines (the task's log). */
  log: (line: string) => void;
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
  return failureOfError(error, 'not-found', { readCommand: classifyRegistryError });
}

/**
 * Publishes one image's multi-arch index: checks each per-arch push in the registry (by digest, and that it is that
 * platform), creates the index unless every tag already is exactly it, then reads every tag back and checks it.
 */
export async function publishManifest(ctx: ManifestContext, image: string): Promise<ManifestRecord> {
  const started = Date.now();
  const { options } = ctx;
  const registry = registryClient(ctx, classifyRegistryError);
  const sources = archSources(options, image);
  const refs = sourceRefs(options, image, sources);
  const { present, expected } = await presentSources(registry, sources, refs);
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
    const found = await registry.inspect(tag);
    if (found && indexProblems(found, expected).length === 0) current.add(found.digest);
    else upToDate = false;
  }
  const create = !upToDate || current.size > 1;
  if (create) {
    const argv = imagetoolsCreateArgs(tags, sourceRefs(options, image, present), ctx.builder);
    ctx.log(`docker ${argv.join(' ')}`);
    await registry.command(tags[0], argv);
  }
  const published = [];
  for (const tag of tags) published.push(await registry.readBack(tag, expected));
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
