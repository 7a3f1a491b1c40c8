import type { GitFacts } from '../git/revision';

/**
 * The label a push-only build carries: Nx's hash of its inputs. Another machine (a CI runner with no record of it)
 * finds the image in the registry with the same inputs and reuses it instead of building.
 */
export const INPUTS_LABEL = 'org.nx-multiarch.inputs';

export interface LabelSettings {
  /** The `org.opencontainers.image.*` labels below; false: only the user's. */
  ociLabels: boolean;
  /** The user's labels; they win over the defaults. */
  labels: Readonly<Record<string, string>>;
}

/**
 * `created` is the commit's time (SOURCE_DATE_EPOCH when set), not the build's: labels are image config, so a time
 * per build would give every rebuild of unchanged inputs a new config digest and image ID, and a fully cached build
 * would no longer be the same image. Without a commit time the label is left out rather than made up.
 */
export function createdTime(git: GitFacts, sourceDateEpoch: string | undefined): string | undefined {
  if (sourceDateEpoch && /^\d+$/.test(sourceDateEpoch)) {
    return new Date(Number(sourceDateEpoch) * 1000).toISOString().replace('.000Z', 'Z');
  }
  return git.committedAt;
}

/** The labels of every image of a build: the OCI annotations of https://specs.opencontainers.org/image-spec/annotations/. */
export function imageLabels(
  settings: LabelSettings,
  git: GitFacts,
  version: string,
  created: string | undefined,
): Record<string, string> {
  if (!settings.ociLabels) return { ...settings.labels };
  return {
    ...(git.source && { 'org.opencontainers.image.source': git.source }),
    ...(git.revision && { 'org.opencontainers.image.revision': git.revision }),
    ...(created && { 'org.opencontainers.image.created': created }),
    'org.opencontainers.image.version': version,
    ...settings.labels,
  };
}
