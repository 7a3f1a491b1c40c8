import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile, type ParsedDockerfile } from '../dockerfile/parse';
import type { WorkspaceEnv } from '../env/workspace-env';
import { envBuildArgs } from '../image/build-args';
import { canonicalName } from '../image/reference';
import { imageRepository } from '../image/tag';
import { type Arch, ociPlatform } from '../platform';
import { renderLeniently } from '../template/render';
import { type Component, pluginTemplateValues } from './component';

/** Maps each component image name (with and without its registry) to the component that builds it. */
export function imageOwners(components: readonly Component[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const component of components) {
    for (const image of component.images) {
      owners.set(canonicalName(imageRepository(component.naming, image.name)), component.name);
      owners.set(canonicalName(imageRepository({ ...component.naming, registry: '' }, image.name)), component.name);
    }
  }
  return owners;
}

/** The Dockerfile text the build will see (rendered leniently) and the build args it will get. */
function buildView(component: Component, env: WorkspaceEnv, workspaceRoot: string) {
  if (!component.dockerfileSource) return undefined;
  const file = join(workspaceRoot, component.dockerfileSource);
  if (!existsSync(file)) return undefined;
  const text = renderLeniently(readFileSync(file, 'utf8'), { ...env.values, ...pluginTemplateValues(component) });
  const declared = parseDockerfile(text).declaredArgs;
  return { text, args: { ...envBuildArgs(declared, env).args, ...component.config.buildArgs } };
}

/** The images a component's Dockerfile uses, read the way the build will see it: rendered, with its build args. */
export function imagesUsed(component: Component, env: WorkspaceEnv, workspaceRoot: string): string[] {
  const view = buildView(component, env, workspaceRoot);
  return view ? parseDockerfile(view.text, view.args).images.map(canonicalName) : [];
}

/** BuildKit's automatic platform ARGs for one target platform on a build machine. */
export function platformArgs(target: Arch, build: Arch): Record<string, string> {
  return {
    TARGETPLATFORM: ociPlatform(target),
    TARGETOS: 'linux',
    TARGETARCH: target,
    TARGETVARIANT: '',
    BUILDPLATFORM: ociPlatform(build),
    BUILDOS: 'linux',
    BUILDARCH: build,
    BUILDVARIANT: '',
  };
}

/** An image a build pulls, for the platform it pulls it for. */
export interface BaseImage {
  ref: string;
  arch: Arch;
  /** The ref could not be fully resolved (an ARG without a value): the build would fail on it too. */
  unresolved?: string[];
  /** `FROM --platform=` names a platform this plugin does not build (e.g. linux/riscv64). */
  unsupportedPlatform?: string;
}

/**
 * Images one build of `target` pulls: each FROM image for its `--platform` (`$BUILDPLATFORM` stages are
 * pulled for the build machine), COPY --from and RUN --mount images for the target.
 */
export function baseImagesOf(parsed: ParsedDockerfile, target: Arch): BaseImage[] {
  const found = new Map<string, BaseImage>();
  const add = (image: BaseImage) =>
    found.set(`${image.ref}|${image.arch}`, found.get(`${image.ref}|${image.arch}`) ?? image);
  for (const stage of parsed.stages) {
    if (stage.kind !== 'image') continue;
    const arch = stage.platform === undefined ? target : platformArch(stage.platform);
    const unresolved = stage.unresolved.length > 0 ? { unresolved: stage.unresolved } : {};
    if (arch) add({ ref: stage.ref, arch, ...unresolved });
    else add({ ref: stage.ref, arch: target, unsupportedPlatform: stage.platform, ...unresolved });
  }
  for (const copy of parsed.copyFrom) if (copy.kind === 'image') add({ ref: copy.ref, arch: target });
  return [...found.values()];
}

// BuildKit normalizes platforms as containerd does: aarch64 is arm64, x86_64 is amd64, the OS defaults to linux.
const ARCH_ALIASES: Record<string, Arch> = {
  amd64: 'amd64',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  arm64: 'arm64',
  aarch64: 'arm64',
};

function platformArch(platform: string): Arch | undefined {
  const match = /^(?:linux\/)?([a-z0-9_-]+)(?:\/v8)?$/.exec(platform.trim().toLowerCase());
  return match ? ARCH_ALIASES[match[1]] : undefined;
}

/** What a component's build of `target` pulls from outside; an upstream component pulls its upstream image. */
export function componentBaseImages(
  component: Component,
  env: WorkspaceEnv,
  workspaceRoot: string,
  target: Arch,
  build: Arch,
): BaseImage[] {
  if (component.upstream) return [{ ref: component.upstream, arch: target }];
  const view = buildView(component, env, workspaceRoot);
  if (!view) return [];
  return baseImagesOf(parseDockerfile(view.text, { ...view.args, ...platformArgs(target, build) }), target);
}
