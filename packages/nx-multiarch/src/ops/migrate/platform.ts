import { resolveWorkspaceEnv } from '../../core/env/workspace-env';
import { parseBuildTargets } from './build-targets';
import { type ComponentSource, type MigratedComponent, migrateComponent } from './component';
import { chooseImagePrefix, deriveImagePrefix, envNamingNotes } from './naming';

/** What the migration knows besides the component directories. */
export interface PlatformSettings {
  /** --imagePrefix, when given. */
  askedPrefix?: string;
  /** imagePrefix in nx.json, when set. */
  existingPrefix?: string;
  /** Text of .env.example, when there is one. */
  envExample?: string;
  /** Whether the repository root (build.sh's build context) has a .dockerignore. */
  rootDockerignore: boolean;
}

export interface MigratedPlatform {
  imagePrefix: string;
  components: MigratedComponent[];
  /** What could not be mapped for the platform as a whole; each component carries its own. */
  notes: string[];
}

/** Every `src/*` directory, with one image prefix for all of them. */
export function migratePlatform(sources: readonly ComponentSource[], settings: PlatformSettings): MigratedPlatform {
  const values =
    settings.envExample === undefined ? {} : resolveWorkspaceEnv({ example: settings.envExample, shell: {} }).values;
  // Only a buildable component's build-targets.conf named images in build.sh.
  const buildTargetImages = sources
    .filter(
      (s) =>
        s.text['build-targets.conf'] !== undefined &&
        (s.files.includes('Dockerfile') || s.files.includes('Dockerfile.tpl')),
    )
    .flatMap((s) => parseBuildTargets(s.text['build-targets.conf'], `${s.root}/build-targets.conf`).targets)
    .map((t) => t.image);
  const buildShPrefix = deriveImagePrefix(buildTargetImages);
  const choice = chooseImagePrefix({
    existing: settings.existingPrefix,
    asked: settings.askedPrefix,
    derived: buildShPrefix,
  });
  const naming = { imagePrefix: choice.prefix, buildShPrefix, values };
  const components = sources.map((source) => migrateComponent(source, naming));
  const notes = [...choice.notes, ...envNamingNotes(values, '.env.example')];
  if (!settings.rootDockerignore && components.some((c) => c.kind !== 'none')) {
    notes.push(
      '.dockerignore: none at the repository root, the build context: every build sends the whole repository (.env and .git included) to BuildKit, as build.sh did; add one (e.g. .git, node_modules, .env, .nx-multiarch, dist)',
    );
  }
  return { imagePrefix: choice.prefix, components, notes };
}
