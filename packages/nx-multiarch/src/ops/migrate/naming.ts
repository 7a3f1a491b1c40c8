import { componentConfigSchema } from '../../core/component/config';

/** What build.sh names every image that build-targets.conf does not name: `ai-infra-<component>`. */
export const BUILD_SH_PREFIX = 'ai-infra-';

// Up to the last place an image name may be cut into prefix and name: `ai-infra-` + `backend`, `acme/` + `api`.
const UP_TO_LAST_SEPARATOR = /^.*[-_./]/;

/** The longest prefix every name shares, cut after its last separator: `ai-infra-` of `ai-infra-backend(-init)`. */
export function commonImagePrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let common = names[0];
  for (const name of names) {
    while (!name.startsWith(common)) common = common.slice(0, -1);
  }
  // A whole name is no prefix: `ai-infra-backend` alone gives `ai-infra-`.
  const shortest = Math.min(...names.map((name) => name.length));
  return UP_TO_LAST_SEPARATOR.exec(common.slice(0, shortest - 1))?.[0] ?? '';
}

/**
 * build.sh's prefix: the one build-targets.conf's image names share, else its hard-coded `ai-infra-`. A fork whose
 * build-targets.conf says `acme-api` is taken to have changed `ai-infra-<component>` in build.sh the same way.
 */
export function deriveImagePrefix(buildTargetImages: readonly string[]): string {
  return commonImagePrefix(buildTargetImages) || BUILD_SH_PREFIX;
}

export interface PrefixChoice {
  prefix: string;
  notes: string[];
}

/** nx.json's imagePrefix wins (the user set it), then --imagePrefix, then build.sh's. */
export function chooseImagePrefix(choice: { existing?: string; asked?: string; derived: string }): PrefixChoice {
  const { existing, asked, derived } = choice;
  if (existing === undefined) return { prefix: asked ?? derived, notes: [] };
  if (asked !== undefined && asked !== existing) {
    return {
      prefix: existing,
      notes: [`nx.json already sets imagePrefix to "${existing}"; kept it (edit nx.json to change it)`],
    };
  }
  if (asked === undefined && existing !== derived) {
    return {
      prefix: existing,
      notes: [
        `nx.json sets imagePrefix to "${existing}" where build.sh named the images ${derived}<name>; kept nx.json's, so they are ${existing}<name> (edit nx.json to change it)`,
      ],
    };
  }
  return { prefix: existing, notes: [] };
}

const imagesField = componentConfigSchema.pick({ images: true });

/** A name multiarch.json accepts for an image (the plugin prefixes it). */
export function isImageName(name: string): boolean {
  return imagesField.safeParse({ images: [{ name }] }).success;
}

/** The plugin's name for a build.sh image: without the first prefix it has (the chosen one, then build.sh's). */
export function imageNameWithout(image: string, prefixes: readonly string[]): string | undefined {
  for (const prefix of prefixes) {
    if (image.startsWith(prefix) && isImageName(image.slice(prefix.length))) return image.slice(prefix.length);
  }
  return undefined;
}

/** IMAGE_TAG and PRIVATE_REGISTRY: build.sh read them from .env, the plugin takes them from nx.json or the command. */
export function envNamingNotes(values: Readonly<Record<string, string>>, envExample: string): string[] {
  const notes: string[] = [];
  if (values.IMAGE_TAG) {
    notes.push(
      `${envExample}: IMAGE_TAG=${values.IMAGE_TAG} not mapped: build.sh tagged <image>:${values.IMAGE_TAG}-<arch>, the plugin does not read the tag from .env; pass --tag=${values.IMAGE_TAG} or set "tag" in nx.json (default latest)`,
    );
  }
  if (values.PRIVATE_REGISTRY) {
    notes.push(
      `${envExample}: PRIVATE_REGISTRY=${values.PRIVATE_REGISTRY} not mapped: the plugin does not read the registry from .env; pass --registry=${values.PRIVATE_REGISTRY} or set "registry" in nx.json`,
    );
  }
  return notes;
}
