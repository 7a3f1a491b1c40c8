import type { ComponentConfig } from '../../core/component/config';
import {
  type ComponentKind,
  type ComponentSource,
  MIGRATED_FILES,
  migrateComponent,
  type MigrationNaming,
} from './component';

const NAMING: MigrationNaming = {
  imagePrefix: 'ai-infra-',
  buildShPrefix: 'ai-infra-',
  values: { GITEA_VERSION: '1.22', REDIS_VERSION: '7.2-alpine' },
};

/** A directory of `src/` with these files, as the generator reads it. */
function dir(name: string, files: Record<string, string>, templates?: Record<string, string>): ComponentSource {
  const text = Object.entries(files).filter(([file]) => MIGRATED_FILES.includes(file));
  return {
    root: `src/${name}`,
    files: Object.keys(files),
    text: Object.fromEntries(text),
    ...(templates && { templates }),
  };
}

const TARGETS = 'backend ai-infra-backend\nbackend-init ai-infra-backend-init\n';

describe('migrateComponent', () => {
  describe('maps', () => {
    test.each<[string, ComponentSource, ComponentKind, ComponentConfig, MigrationNaming?]>([
      [
        'a foundation: nothing to say (the plugin default)',
        dir('hub', { Dockerfile: '', 'build.conf': 'BUILD_PHASE=foundation\n' }),
        'foundation',
        {},
      ],
      [
        'a dependent by build.conf',
        dir('web', { Dockerfile: '', 'build.conf': 'BUILD_PHASE=dependent\n' }),
        'dependent',
        { phase: 'dependent' },
      ],
      [
        "no build.conf: build.sh's default, dependent",
        dir('web', { Dockerfile: '' }),
        'dependent',
        { phase: 'dependent' },
      ],
      [
        'build.conf without BUILD_PHASE: dependent',
        dir('web', { Dockerfile: '', 'build.conf': 'USE_PREBUILD=true\n' }),
        'dependent',
        { phase: 'dependent' },
      ],
      [
        'a template Dockerfile alone',
        dir('hub', { 'Dockerfile.tpl': 'FROM alpine:3.20\n', 'build.conf': 'BUILD_PHASE=foundation\n' }),
        'foundation',
        {},
      ],
      [
        'a multi-target Dockerfile: images named without the prefix, with their targets',
        dir('backend', { Dockerfile: '', 'build-targets.conf': TARGETS }),
        'dependent',
        {
          phase: 'dependent',
          images: [
            { name: 'backend', target: 'backend' },
            { name: 'backend-init', target: 'backend-init' },
          ],
        },
      ],
      [
        "build.sh's default target: an image without a target",
        dir('web', {
          Dockerfile: '',
          'build-targets.conf': 'default ai-infra-portal\n',
          'build.conf': 'BUILD_PHASE=foundation\n',
        }),
        'foundation',
        { images: [{ name: 'portal' }] },
      ],
      [
        'build-targets.conf naming just the default image: nothing to say',
        dir('web', {
          Dockerfile: '',
          'build-targets.conf': 'default ai-infra-web\n',
          'build.conf': 'BUILD_PHASE=foundation\n',
        }),
        'foundation',
        {},
      ],
      [
        'one target named like the component keeps its target',
        dir('web', {
          Dockerfile: '',
          'build-targets.conf': 'prod ai-infra-web\n',
          'build.conf': 'BUILD_PHASE=foundation\n',
        }),
        'foundation',
        { images: [{ name: 'web', target: 'prod' }] },
      ],
      [
        "another prefix chosen: build.sh's is stripped, the chosen one applies",
        dir('backend', { Dockerfile: '', 'build-targets.conf': TARGETS }),
        'dependent',
        {
          phase: 'dependent',
          images: [
            { name: 'backend', target: 'backend' },
            { name: 'backend-init', target: 'backend-init' },
          ],
        },
        { ...NAMING, imagePrefix: 'acme/' },
      ],
      [
        'a dependency-only component: its upstream image',
        dir('cache', { 'dependency.conf': 'redis:7-alpine\n' }),
        'upstream',
        { upstream: 'redis:7-alpine' },
      ],
      [
        'a dependency template, rendered from .env.example',
        dir('cache', { 'dependency.conf.tpl': 'redis:{{REDIS_VERSION}}\n' }),
        'upstream',
        { upstream: 'redis:7.2-alpine' },
      ],
      [
        'the template over its rendered file',
        dir('cache', { 'dependency.conf.tpl': 'redis:{{REDIS_VERSION}}\n', 'dependency.conf': 'redis:6\n' }),
        'upstream',
        { upstream: 'redis:7.2-alpine' },
      ],
      [
        'a dependency with its own Dockerfile: built, dependency.conf maps to nothing',
        dir('gitea', {
          'Dockerfile.tpl': 'FROM gitea/gitea:{{GITEA_VERSION}}\n',
          'dependency.conf.tpl': 'gitea/gitea:{{GITEA_VERSION}}\n',
          'build.conf': 'BUILD_PHASE=foundation\n',
        }),
        'foundation',
        {},
      ],
      [
        "other templates, sorted: rendered beside themselves, as build.sh's render_template did",
        dir(
          'nginx',
          { 'Dockerfile.tpl': '', 'build.conf': 'BUILD_PHASE=foundation\n' },
          { 'templates/b.conf.tpl': '', 'a.conf.tpl': '' },
        ),
        'foundation',
        { templates: ['a.conf.tpl', 'templates/b.conf.tpl'] },
      ],
      [
        'after the phase and images',
        dir(
          'api',
          { Dockerfile: '', 'build-targets.conf': 'api ai-infra-api\nx ai-infra-x\n' },
          { 'conf/app.ini.tpl': '' },
        ),
        'dependent',
        {
          phase: 'dependent',
          images: [
            { name: 'api', target: 'api' },
            { name: 'x', target: 'x' },
          ],
          templates: ['conf/app.ini.tpl'],
        },
      ],
      [
        'not for a dependency-only component',
        dir('cache', { 'dependency.conf': 'redis:7\n' }, { 'redis.conf.tpl': '' }),
        'upstream',
        { upstream: 'redis:7' },
      ],
      ['a directory with neither', dir('shared', { 'app.py': '' }), 'none', {}],
      ['an empty directory', dir('empty', {}), 'none', {}],
      ['a dependency.conf naming nothing', dir('cache', { 'dependency.conf': '# none\n' }), 'none', {}],
    ])('%s', (_, source, kind, config, naming = NAMING) => {
      const migrated = migrateComponent(source, naming);
      expect(migrated).toMatchObject({ root: source.root, name: source.root.slice(4), kind });
      expect(migrated.config).toEqual(config);
    });
  });

  describe('reports what it cannot map', () => {
    test.each<[string, ComponentSource, string[], MigrationNaming?]>([
      ['nothing for a plain component', dir('hub', { Dockerfile: '', 'build.conf': 'BUILD_PHASE=foundation\n' }), []],
      [
        'build.conf keys build.sh ignores',
        dir('prometheus', {
          Dockerfile: '',
          'build.conf': 'USE_PREBUILD=true\nPREBUILD_IMAGE="prom/prometheus:v3"\nBUILD_PHASE=dependent\n',
        }),
        [
          'src/prometheus/build.conf: USE_PREBUILD, PREBUILD_IMAGE not mapped: build.sh reads only BUILD_PHASE from build.conf, so they never took effect (build args go in multiarch.json "buildArgs")',
        ],
      ],
      [
        'a dependency.conf beside a Dockerfile',
        dir('gitea', {
          'Dockerfile.tpl': 'FROM gitea/gitea:{{GITEA_VERSION}}\n',
          'dependency.conf.tpl': 'gitea/gitea:{{GITEA_VERSION}}\n',
        }),
        [
          'src/gitea/dependency.conf.tpl: gitea/gitea:1.22 not mapped: build.sh pulled it before building; prefetch (before every build) warms every image the Dockerfile is built FROM',
        ],
      ],
      [
        'an image name without the prefix',
        dir('backend', { Dockerfile: '', 'build-targets.conf': 'backend ai-infra-backend\ntools backend-tools\n' }),
        [
          'src/backend/build-targets.conf line 2: backend-tools does not start with the image prefix "ai-infra-", so it becomes ai-infra-backend-tools (the plugin prefixes every image); rename it in multiarch.json "images" if that is wrong',
        ],
      ],
      [
        'an image name multiarch.json cannot hold',
        dir('backend', { Dockerfile: '', 'build-targets.conf': 'backend ai-infra-backend\ntools acme/Tools\n' }),
        [
          'src/backend/build-targets.conf line 2: acme/Tools cannot be a multiarch.json image name (lower case, digits, . _ - between them); not mapped',
        ],
      ],
      [
        'a build-targets.conf without targets',
        dir('web', { Dockerfile: '', 'build-targets.conf': '# none yet\n' }),
        ['src/web/build-targets.conf: no image mapped from it; the component builds its one default image'],
      ],
      [
        'an unresolved placeholder in dependency.conf.tpl',
        dir('waf', { 'dependency.conf.tpl': 'chaitin/safeline:{{SAFELINE_TAG}}\n' }),
        [
          'src/waf/dependency.conf.tpl: no value in .env.example for SAFELINE_TAG: upstream left as chaitin/safeline:{{SAFELINE_TAG}}; edit "upstream" in multiarch.json (the plugin does not render it)',
        ],
      ],
      [
        'build.conf and build-targets.conf beside a dependency.conf',
        dir('cache', {
          'dependency.conf': 'redis:7\n',
          'build.conf': 'BUILD_PHASE=foundation\n',
          'build-targets.conf': 'x ai-infra-x\n',
        }),
        [
          'src/cache/build.conf: not mapped: build.sh reads it only for a component with a Dockerfile',
          'src/cache/build-targets.conf: not mapped: build.sh reads it only for a component with a Dockerfile',
        ],
      ],
      [
        'a directory that is neither',
        dir('shared', { 'app.py': '' }),
        [
          'src/shared: no Dockerfile, Dockerfile.tpl or dependency.conf: not a component (build.sh skipped it too); it stays in the build context, so Dockerfiles can still COPY from it',
        ],
      ],
      [
        'a directory that already is a plugin component',
        dir('redis', { 'multiarch.json': '' }),
        ['src/redis: no build.sh files, a multiarch.json: left as it is'],
      ],
      [
        'template placeholders .env.example has no value for',
        dir('web', {
          'Dockerfile.tpl':
            'ARG A={{NODE_VERSION}}\nFROM node:{{NODE_VERSION}}\nLABEL v={{multiarch.tag}} g={{GITEA_VERSION}} x={{X}}\n',
          'build.conf': 'BUILD_PHASE=foundation\n',
        }),
        [
          "src/web/Dockerfile.tpl: no value in .env.example for NODE_VERSION (lines 1, 2), X (line 3): build.sh rendered such a placeholder empty or left it with a warning; the plugin's render fails until .env or .env.example defines it",
        ],
      ],
      [
        'placeholders without a value in other templates',
        dir(
          'nginx',
          { 'Dockerfile.tpl': 'FROM nginx:{{NGINX}}\n', 'build.conf': 'BUILD_PHASE=foundation\n' },
          {
            'conf/b.conf.tpl': 'server {{HOST}};\n',
            'a.conf.tpl': 'port {{GITEA_VERSION}};\n',
          },
        ),
        [
          "src/nginx/Dockerfile.tpl: no value in .env.example for NGINX (line 1): build.sh rendered such a placeholder empty or left it with a warning; the plugin's render fails until .env or .env.example defines it",
          "src/nginx/conf/b.conf.tpl: no value in .env.example for HOST (line 1): build.sh rendered such a placeholder empty or left it with a warning; the plugin's render fails until .env or .env.example defines it",
        ],
      ],
      [
        "a dependency-only component's templates",
        dir('cache', { 'dependency.conf': 'redis:7\n' }, { 'redis.conf.tpl': '' }),
        ['src/cache/redis.conf.tpl: not mapped: nothing is built here, so no build renders it'],
      ],
      [
        "a component's .dockerignore",
        dir('nightingale', { Dockerfile: '', '.dockerignore': '', 'build.conf': 'BUILD_PHASE=foundation\n' }),
        [
          'src/nightingale/.dockerignore: not read: the build context is the repository root, where BuildKit reads .dockerignore (or src/nightingale/Dockerfile.dockerignore, with paths from the root); build.sh did not read it either',
        ],
      ],
      [
        'build.conf notes first, then build-targets.conf',
        dir('api', { Dockerfile: '', 'build.conf': 'X=1\n', 'build-targets.conf': 'api\n' }),
        [
          'src/api/build.conf: X not mapped: build.sh reads only BUILD_PHASE from build.conf, so it never took effect (build args go in multiarch.json "buildArgs")',
          'src/api/build-targets.conf line 1: target api names no image (build.sh tagged it ":<tag>", which fails); not mapped',
          'src/api/build-targets.conf: no image mapped from it; the component builds its one default image',
        ],
      ],
    ])('%s', (_, source, notes, naming = NAMING) => {
      expect(migrateComponent(source, naming).notes).toEqual(notes);
    });
  });
});
