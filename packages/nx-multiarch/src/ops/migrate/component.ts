import { posix } from 'node:path';
import type { ComponentConfig } from '../../core/component/config';
import { placeholders } from '../../core/template/render';
import { BUILD_SH_DEFAULT_PHASE, type Phase, parseBuildConf } from './build-conf';
import { parseBuildTargets } from './build-targets';
import { parseDependencyConf } from './dependency-conf';
import { imageNameWithout, isImageName } from './naming';

/** The files of a component directory whose text the migration reads. */
export const MIGRATED_FILES = [
  'Dockerfile.tpl',
  'build.conf',
  'build-targets.conf',
  'dependency.conf',
  'dependency.conf.tpl',
];

/** One `src/<c>` directory as build.sh saw it. */
export interface ComponentSource {
  /** Workspace-relative, e.g. `src/gitea`. */
  root: string;
  /** The names of its entries. */
  files: readonly string[];
  /** The text of those of MIGRATED_FILES it has, by name. */
  text: Readonly<Record<string, string>>;
  /** Its other `*.tpl` files (subdirectories too), by path relative to it: build.sh rendered those as well. */
  templates?: Readonly<Record<string, string>>;
}

/** How the platform names its images, and the values its templates get. */
export interface MigrationNaming {
  /** The plugin's imagePrefix. */
  imagePrefix: string;
  /** The prefix build.sh's image names have. */
  buildShPrefix: string;
  /** From .env.example. */
  values: Readonly<Record<string, string>>;
}

export type ComponentKind = Phase | 'upstream' | 'none';

export interface MigratedComponent {
  root: string;
  name: string;
  kind: ComponentKind;
  /** What its multiarch.json must say: only what differs from the plugin's defaults. */
  config: ComponentConfig;
  /** What could not be mapped, and why; each names its file. */
  notes: string[];
}

/** build.sh's files of one directory → the component's multiarch.json. */
export function migrateComponent(source: ComponentSource, naming: MigrationNaming): MigratedComponent {
  const { root } = source;
  const name = posix.basename(root);
  const has = (file: string) => source.files.includes(file);
  const path = (file: string) => `${root}/${file}`;
  const dependencyFile = ['dependency.conf.tpl', 'dependency.conf'].find(has);
  const dependency =
    dependencyFile &&
    parseDependencyConf(
      source.text[dependencyFile] ?? '',
      path(dependencyFile),
      dependencyFile.endsWith('.tpl') ? naming.values : undefined,
    );
  const result = (kind: ComponentKind, config: ComponentConfig, notes: string[]) => ({
    root,
    name,
    kind,
    config,
    notes,
  });

  if (!has('Dockerfile') && !has('Dockerfile.tpl')) {
    if (!dependency) {
      return result('none', {}, [
        has('multiarch.json')
          ? `${root}: no build.sh files, a multiarch.json: left as it is`
          : `${root}: no Dockerfile, Dockerfile.tpl or dependency.conf: not a component (build.sh skipped it too); it stays in the build context, so Dockerfiles can still COPY from it`,
      ]);
    }
    if (!dependency.image) return result('none', {}, dependency.notes);
    const unread = [
      ...['build.conf', 'build-targets.conf']
        .filter(has)
        .map((file) => `${path(file)}: not mapped: build.sh reads it only for a component with a Dockerfile`),
      ...Object.keys(source.templates ?? {})
        .sort()
        .map((file) => `${path(file)}: not mapped: nothing is built here, so no build renders it`),
    ];
    return result('upstream', { upstream: dependency.image }, [...dependency.notes, ...unread]);
  }

  const conf =
    source.text['build.conf'] === undefined
      ? { phase: BUILD_SH_DEFAULT_PHASE, notes: [] }
      : parseBuildConf(source.text['build.conf'], path('build.conf'));
  const notes = [...conf.notes];
  const images = has('build-targets.conf') ? mapImages(source, naming, notes) : undefined;
  if (dependencyFile && dependency) {
    notes.push(
      `${path(dependencyFile)}: ${dependency.image ? `${dependency.image} ` : ''}not mapped: build.sh pulled it before building; prefetch (before every build) warms every image the Dockerfile is built FROM`,
    );
  }
  const templates = Object.keys(source.templates ?? {}).sort();
  const templateTexts: Record<string, string | undefined> = {
    ...source.templates,
    'Dockerfile.tpl': source.text['Dockerfile.tpl'],
  };
  for (const file of ['Dockerfile.tpl', ...templates]) {
    const text = templateTexts[file];
    if (text !== undefined) notes.push(...unrenderable(text, path(file), naming.values));
  }
  if (has('.dockerignore')) {
    notes.push(
      `${path('.dockerignore')}: not read: the build context is the repository root, where BuildKit reads .dockerignore (or ${path('Dockerfile.dockerignore')}, with paths from the root); build.sh did not read it either`,
    );
  }
  // build.sh's default phase is dependent, the plugin's foundation: only a dependent has something to say.
  const isDefaultImage = images?.length === 1 && images[0].name === name && images[0].target === undefined;
  return result(
    conf.phase,
    {
      ...(conf.phase === 'dependent' && { phase: 'dependent' as const }),
      ...(images?.length && !isDefaultImage && { images }),
      // Rendered beside themselves before the build, as build.sh's render_template did.
      ...(templates.length > 0 && { templates }),
    },
    notes,
  );
}

/** build-targets.conf's images, named without the prefix the plugin adds. */
function mapImages(source: ComponentSource, naming: MigrationNaming, notes: string[]): ComponentConfig['images'] {
  const file = `${source.root}/build-targets.conf`;
  const parsed = parseBuildTargets(source.text['build-targets.conf'] ?? '', file);
  notes.push(...parsed.notes);
  const images = parsed.targets.flatMap(({ target, image, line }) => {
    const at = `${file} line ${line}`;
    const mapped = imageNameWithout(image, [naming.imagePrefix, naming.buildShPrefix]);
    if (mapped !== undefined) return [{ name: mapped, ...(target && { target }) }];
    if (!isImageName(image)) {
      notes.push(
        `${at}: ${image} cannot be a multiarch.json image name (lower case, digits, . _ - between them); not mapped`,
      );
      return [];
    }
    notes.push(
      `${at}: ${image} does not start with the image prefix "${naming.imagePrefix}", so it becomes ${naming.imagePrefix}${image} (the plugin prefixes every image); rename it in multiarch.json "images" if that is wrong`,
    );
    return [{ name: image, ...(target && { target }) }];
  });
  if (images.length === 0) {
    notes.push(`${file}: no image mapped from it; the component builds its one default image`);
  }
  return images;
}

/** Placeholders .env.example has no value for: build.sh rendered them anyway, the plugin's render refuses. */
function unrenderable(template: string, file: string, values: Readonly<Record<string, string>>): string[] {
  const missing = placeholders(template).filter(
    (p) => !p.name.startsWith('multiarch.') && !Object.hasOwn(values, p.name),
  );
  if (missing.length === 0) return [];
  const list = missing.map((p) => `${p.name} (line${p.lines.length > 1 ? 's' : ''} ${p.lines.join(', ')})`).join(', ');
  return [
    `${file}: no value in .env.example for ${list}: build.sh rendered such a placeholder empty or left it with a warning; the plugin's render fails until .env or .env.example defines it`,
  ];
}
