import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildArgs, outputs, parseBuildMetadata, resolveBuildNetwork } from '../buildx/build';
import { inspectImageArgs, parseImageInspect, pullImageArgs, tagImageArgs, verifyImagePlatform } from '../docker/image';
import type { NormalizedBuildImageOptions } from '../executors/build-image/options';
import { proxyBuildArgs, proxyEnv } from '../network/proxy';
import { ociPlatform, type Arch } from '../platform';
import type { BuildEnvironment } from './build-environment';
import { docker } from '../docker/cli';
import { archTag } from './tag';
import { logger } from '@nx/devkit';
import { redactArgv } from '../secret/names';

const INSPECT_TIMEOUT_MS = 60_000;

export interface ImageResult {
  project: string;
  image: string;
  ref: string;
  platform: string;
  source: 'dockerfile' | 'upstream';
  /** Local image ID (config digest) as the daemon reports it. */
  imageId: string;
  /** Manifest digest when buildx reported one. */
  digest?: string;
  durationMs: number;
  finishedAt: string;
}

/** What running build-time services add to one build. */
export interface ServiceInputs {
  buildArgs: Record<string, string>;
  addHosts: string[];
}

/** Builds (or pulls and retags) one image for one arch, then proves the result is that arch. */
export async function produceImage(
  options: NormalizedBuildImageOptions,
  image: { name: string; target?: string },
  arch: Arch,
  environment: BuildEnvironment,
  services: ServiceInputs = { buildArgs: {}, addHosts: [] },
): Promise<ImageResult> {
  const started = Date.now();
  const ref = archTag(options.naming, image.name, arch);
  const extraRefs = options.extraTags.map((tag) => archTag({ ...options.naming, tag }, image.name, arch));
  const base = `${options.outputDir}/${image.name}-${arch}`;
  mkdirSync(options.outputDir, { recursive: true });
  let digest: string | undefined;
  // The client fetches registry tokens itself, so it needs the proxies in its environment too.
  const env = proxyEnv(environment.proxies.client);

  if (options.source.kind === 'upstream') {
    await docker(pullImageArgs(options.source.upstream, arch), { timeoutMs: options.timeoutMs, echo: true, env });
    for (const target of [ref, ...extraRefs]) {
      await docker(tagImageArgs(options.source.upstream, target), { timeoutMs: INSPECT_TIMEOUT_MS });
    }
  } else {
    const metadataFile = `${base}.metadata.json`;
    const network = resolveBuildNetwork(options.network, environment.builder, `project ${options.project}`);
    const argv = buildArgs({
      ...(environment.builder && { builder: environment.builder.name }),
      context: options.source.context,
      dockerfile: options.source.dockerfile,
      platform: arch,
      tags: [ref, ...extraRefs],
      ...(image.target && { target: image.target }),
      // Predefined proxy ARGs stay out of the cache key and the image history; then .env, the component, services.
      buildArgs: {
        ...proxyBuildArgs(environment.proxies.runSteps),
        ...environment.envArgs.args,
        ...options.buildArgs,
        ...services.buildArgs,
      },
      addHosts: services.addHosts,
      metadataFile,
      // No builder-setup: buildx's default builder, the daemon's docker driver.
      ...outputs(options.load, options.push, environment.builder?.driver ?? 'docker'),
      ...(network && { network }),
    });
    logger.info(`nx-multiarch: ${redactArgv(['docker', ...argv]).join(' ')}`);
    await docker(argv, { timeoutMs: options.timeoutMs, echo: true, env });
    digest = parseBuildMetadata(readFileSync(metadataFile, 'utf8'), metadataFile).digest;
  }

  const inspected = parseImageInspect((await docker(inspectImageArgs(ref), { timeoutMs: INSPECT_TIMEOUT_MS })).stdout);
  verifyImagePlatform(inspected, ref, arch);
  const result: ImageResult = {
    project: options.project,
    image: image.name,
    ref,
    platform: ociPlatform(arch),
    source: options.source.kind,
    imageId: inspected.id,
    ...(digest && { digest }),
    durationMs: Date.now() - started,
    finishedAt: new Date().toISOString(),
  };
  writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
