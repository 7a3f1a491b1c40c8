import type { BaseImage } from '../../core/component/images';
import { canonicalName, familiarRef, parseImageReference, qualifiedRef } from '../../core/image/reference';
import type { Arch } from '../../core/platform';

/** What one component's builds pull, per target platform. */
export interface ComponentPulls {
  project: string;
  /** Per target platform built, the images that build pulls (each for the platform it is pulled for). */
  builds: Array<{ target: Arch; images: BaseImage[] }>;
}

/** One (image, platform) to warm, with every component that needs it. */
export interface PrefetchItem {
  /** Fully qualified reference: `docker.io/library/alpine:3.20`. */
  ref: string;
  arch: Arch;
  projects: string[];
}

export interface SkippedImage {
  ref: string;
  projects: string[];
  reason: string;
}

export interface PrefetchPlan {
  items: PrefetchItem[];
  /** Images left out on purpose: other components' outputs, refs with unresolved ARGs, foreign platforms. */
  skipped: SkippedImage[];
  /** Fetches a script that pulls every component's base images for every platform would make (the items, undeduplicated). */
  naiveFetches: number;
}

// https://github.com/distribution/reference/blob/main/regexp.go, simplified: lower-case path components, a tag.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function isValidReference(ref: string): boolean {
  const { repository, tag, digest } = parseImageReference(ref);
  return (
    REPOSITORY.test(repository) && (tag === undefined || TAG.test(tag)) && (digest === undefined || DIGEST.test(digest))
  );
}

/**
 * Every (image, platform) the builds need, once, however many components share it. Images that are other
 * components' outputs (`owners`, by canonical name) are built in this workspace, so they are not fetched.
 */
export function planPrefetch(components: readonly ComponentPulls[], owners: ReadonlyMap<string, string>): PrefetchPlan {
  const items = new Map<string, PrefetchItem>();
  const skipped = new Map<string, SkippedImage>();
  let naiveFetches = 0;
  const skip = (ref: string, project: string, reason: string) => {
    const entry = skipped.get(`${ref}|${reason}`) ?? { ref, projects: [], reason };
    if (!entry.projects.includes(project)) entry.projects.push(project);
    skipped.set(`${ref}|${reason}`, entry);
  };
  for (const component of components) {
    for (const build of component.builds) {
      for (const image of build.images) {
        if (image.unresolved) {
          skip(image.ref, component.project, `no value for ${image.unresolved.map((n) => `$${n}`).join(', ')}`);
          continue;
        }
        if (image.unsupportedPlatform) {
          skip(
            image.ref,
            component.project,
            `FROM --platform=${image.unsupportedPlatform} is not a platform built here`,
          );
          continue;
        }
        if (!isValidReference(image.ref)) {
          skip(image.ref, component.project, 'not a valid image reference');
          continue;
        }
        const ref = qualifiedRef(image.ref);
        const owner = owners.get(canonicalName(ref));
        if (owner !== undefined) {
          skip(familiarRef(ref), component.project, `built by component ${owner}`);
          continue;
        }
        naiveFetches += 1;
        const key = `${ref}|${image.arch}`;
        const item = items.get(key) ?? { ref, arch: image.arch, projects: [] };
        if (!item.projects.includes(component.project)) item.projects.push(component.project);
        items.set(key, item);
      }
    }
  }
  const sorted = [...items.values()].sort((a, b) => a.ref.localeCompare(b.ref) || a.arch.localeCompare(b.arch));
  return { items: sorted, skipped: [...skipped.values()], naiveFetches };
}

/** The items grouped by image, in plan order: one image's platforms must be fetched one after the other. */
export function byImage(items: readonly PrefetchItem[]): PrefetchItem[][] {
  const groups = new Map<string, PrefetchItem[]>();
  for (const item of items) groups.set(item.ref, [...(groups.get(item.ref) ?? []), item]);
  return [...groups.values()];
}
