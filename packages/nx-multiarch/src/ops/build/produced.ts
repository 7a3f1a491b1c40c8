import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { baseImagesOf } from '../../core/component/images';
import { parseDockerfile } from '../../core/dockerfile/parse';
import { PluginError } from '../../core/failure/errors';
import { type Arch, ARCHES } from '../../core/platform';
import { canonicalName, familiarRef, parseImageReference, qualifiedRef } from '../../core/image/reference';
import { type ImageNaming, imageRepository } from '../../core/image/tag';

/**
 * Images built here, handed to the components built FROM them. A container builder's BuildKit cannot see the images
 * loaded into dockerd, and a `FROM acme/gateway:latest-arm64` would go to Docker Hub (or to a mirror serving a stale
 * copy). So on container and remote builders every image another component uses is also written as an OCI layout,
 * and its dependents get it as a named build context pinned by digest:
 * `--build-context acme/gateway:latest-arm64=oci-layout://<dir>@sha256:...`.
 * https://docs.docker.com/reference/cli/docker/buildx/build/#source-oci-layout
 */

/**
 * The directory an image's OCI layout is written to: one per repository and platform, whatever the tag, so a
 * Dockerfile naming `acme/gateway:${TAG}-${TARGETARCH}` finds it when a run overrides the tag.
 */
export function layoutDir(stateDir: string, ref: string, arch: Arch): string {
  return join(stateDir, 'produced', `${canonicalName(ref).replace(/[^\w.-]+/g, '_')}-${arch}`);
}

/** The `--output` that writes the layout beside the build's other outputs (load, push). */
export function layoutOutput(dir: string): string {
  return `type=oci,dest=${dir},tar=false`;
}

const indexSchema = z
  .object({
    manifests: z
      .array(
        z
          .object({
            mediaType: z.string(),
            digest: z.string(),
            annotations: z.record(z.string(), z.string()).optional(),
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();

/** The digest of the image an OCI layout holds, from its `index.json` (one entry: the build's image or index). */
export function parseLayoutIndex(text: string, file: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PluginError(`${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) throw new PluginError(`${file}: not an OCI layout index: ${parsed.error.message}`);
  const { manifests } = parsed.data;
  if (manifests.length > 1) {
    throw new PluginError(`${file}: holds ${manifests.length} images where one was written; remove the directory`);
  }
  return manifests[0].digest;
}

/** The layout's digest, or undefined when no layout is there. */
export function readLayoutDigest(dir: string): string | undefined {
  const file = join(dir, 'index.json');
  return existsSync(file) ? parseLayoutIndex(readFileSync(file, 'utf8'), file) : undefined;
}

/**
 * The name BuildKit looks a FROM image up by among named contexts: the familiar form, `:latest` dropped
 * (moby/buildkit frontend/dockerui/namedcontext.go).
 */
export function contextKey(ref: string): string {
  return familiarRef(qualifiedRef(ref)).replace(/:latest$/, '');
}

/** A component this one is built from, as its build target names its images. */
export interface Producer {
  project: string;
  images: ReadonlyArray<{ name: string }>;
  naming: Pick<ImageNaming, 'registry' | 'imagePrefix'>;
  /** An upstream component pulls and retags this image instead of building one. */
  upstream?: string;
}

/** An image built here: by whom, and the repository its build tags (where its layout is written). */
export interface ProducedImage {
  producer: Producer;
  repository: string;
}

/** The repositories the producers build (canonical names, with and without their registry), and by whom. */
export function producedRepositories(producers: readonly Producer[]): Map<string, ProducedImage> {
  const owners = new Map<string, ProducedImage>();
  for (const producer of producers) {
    for (const image of producer.images) {
      const naming = { ...producer.naming, tag: '' };
      const produced = { producer, repository: imageRepository(naming, image.name) };
      owners.set(canonicalName(produced.repository), produced);
      // A Dockerfile may name the image without the registry the component pushes to.
      owners.set(canonicalName(imageRepository({ ...naming, registry: '' }, image.name)), produced);
    }
  }
  return owners;
}

// The plugin's per-arch tags end in `-<arch>`; a tag without it names a published multi-arch index.
const ARCH_SUFFIX = new RegExp(`-(${ARCHES.join('|')})$`);

/** One named context a build gets: the image as its Dockerfile names it, and where it was produced. */
export interface ProducedContext {
  key: string;
  /** The image as the Dockerfile names it (after ARG substitution). */
  ref: string;
  project: string;
  /** `oci-layout://<dir>@<digest>` for a build (no digest only in a dry run before it ran), or `docker-image://<upstream>`. */
  source: string;
}

/**
 * The named contexts one build of `arch` needs: each per-arch image its Dockerfile uses (FROM, COPY --from,
 * RUN --mount from=, after ARG substitution) that a producer builds. A produced image whose layout is missing is
 * an error naming the build to run first, except in a dry run.
 */
export function producedContexts(
  dockerfileText: string,
  args: Readonly<Record<string, string>>,
  arch: Arch,
  owners: ReadonlyMap<string, ProducedImage>,
  stateDir: string,
  readDigest: (dir: string) => string | undefined,
  dryRun = false,
): ProducedContext[] {
  const contexts = new Map<string, ProducedContext>();
  for (const image of baseImagesOf(parseDockerfile(dockerfileText, args), arch)) {
    if (image.unresolved) continue;
    const owner = owners.get(canonicalName(image.ref));
    const tagArch = ARCH_SUFFIX.exec(parseImageReference(image.ref).tag ?? '')?.[1] as Arch | undefined;
    if (!owner || !tagArch) continue;
    const { producer, repository } = owner;
    const key = contextKey(image.ref);
    const project = producer.project;
    if (contexts.has(key)) continue;
    if (producer.upstream) {
      // What the upstream component pulls and retags, BuildKit pulls itself, for the build's platform.
      contexts.set(key, { key, ref: image.ref, project, source: `docker-image://${producer.upstream}` });
      continue;
    }
    const dir = layoutDir(stateDir, repository, tagArch);
    const digest = readDigest(dir);
    if (!digest && !dryRun) {
      throw new PluginError(
        `uses ${familiarRef(qualifiedRef(image.ref))}, built by component ${project}, but no image of that build ` +
          `is at ${dir} (a container builder cannot see the daemon's images). Fix: build it first, ` +
          `nx run ${project}:build-image --platform=${tagArch}`,
      );
    }
    contexts.set(key, { key, ref: image.ref, project, source: `oci-layout://${dir}${digest ? `@${digest}` : ''}` });
  }
  return [...contexts.values()];
}

/** `--build-context` values: `<key>=<source>`. */
export function contextFlags(contexts: readonly ProducedContext[]): string[] {
  return contexts.map((c) => `${c.key}=${c.source}`);
}
