import {
  type BakeTarget,
  bakeFiles,
  bakeTargetProjects,
  bakeTarget,
  bakeTargetName,
  baseImages,
  dependencyLevels,
  type PlannedBuild,
  plannedBuilds,
} from './replay';

// Lines of `nx run-many -t build-image --platform=amd64,arm64 --dryRun` as the plugin printed them.
const DRY_RUN = [
  '> nx run nx-multiarch-workspace:prefetch --platform=amd64,arm64 --dryRun',
  "nx-multiarch: prefetch: 8 (image, platform) pairs into the Docker daemon's image store (builder default, docker driver)",
  '  would fetch  gitea/gitea:1.22 linux/amd64  for vcs',
  '  would fetch  gitea/gitea:1.22 linux/arm64  for vcs',
  '  would fetch  alpine:3.20 linux/amd64       for gateway, api, hub',
  '  would fetch  alpine:3.20 linux/arm64       for gateway, api, hub',
  '  would fetch  redis:7.2-alpine linux/amd64  for cache',
  '> nx run gateway:render',
  '> nx run gateway:build-image --platform=amd64,arm64 --dryRun',
  'nx-multiarch: dry run: hub linux/amd64: docker buildx build --builder default --platform linux/amd64 --file /work/main/packages/demo/hub/Dockerfile --progress plain --metadata-file /work/main/dist/images/hub/hub-amd64.metadata.json --tag demo/hub:latest-amd64 --network host --allow network.host --load /work/main/packages/demo/hub',
  'nx-multiarch: dry run: gateway linux/arm64: docker buildx build --builder default --platform linux/arm64 --file /work/main/packages/demo/gateway/Dockerfile --progress plain --metadata-file /work/main/dist/images/gateway/gateway-arm64.metadata.json --tag demo/gateway:latest-arm64 --build-arg ALPINE_VERSION=3.20 --network host --allow network.host --load /work/main/packages/demo/gateway',
  '',
].join('\n');

const HUB_ARGV = [
  'buildx',
  'build',
  '--builder',
  'default',
  '--platform',
  'linux/amd64',
  '--file',
  '/work/main/packages/demo/hub/Dockerfile',
  '--progress',
  'plain',
  '--metadata-file',
  '/work/main/dist/images/hub/hub-amd64.metadata.json',
  '--tag',
  'demo/hub:latest-amd64',
  '--network',
  'host',
  '--allow',
  'network.host',
  '--load',
  '/work/main/packages/demo/hub',
];

const GATEWAY_ARGV = [
  'buildx',
  'build',
  '--builder',
  'default',
  '--platform',
  'linux/arm64',
  '--file',
  '/work/main/packages/demo/gateway/Dockerfile',
  '--progress',
  'plain',
  '--metadata-file',
  '/work/main/dist/images/gateway/gateway-arm64.metadata.json',
  '--tag',
  'demo/gateway:latest-arm64',
  '--build-arg',
  'ALPINE_VERSION=3.20',
  '--network',
  'host',
  '--allow',
  'network.host',
  '--load',
  '/work/main/packages/demo/gateway',
];

const lastSegment = (context: string) => context.split('/').at(-1) as string;

describe('plannedBuilds', () => {
  test('reads every dry-run build line, with its platform, argv after `docker` and project from its context', () => {
    expect(plannedBuilds(DRY_RUN, lastSegment)).toStrictEqual([
      { project: 'hub', platform: 'linux/amd64', argv: HUB_ARGV },
      { project: 'gateway', platform: 'linux/arm64', argv: GATEWAY_ARGV },
    ]);
  });

  test('asks for the project of each build by its context, the last argument', () => {
    const contexts: string[] = [];
    plannedBuilds(DRY_RUN, (context) => {
      contexts.push(context);
      return 'any';
    });
    expect(contexts).toEqual(['/work/main/packages/demo/hub', '/work/main/packages/demo/gateway']);
  });

  test('reads lines ending in CRLF as the same builds', () => {
    expect(plannedBuilds(DRY_RUN.split('\n').join('\r\n'), lastSegment)).toStrictEqual([
      { project: 'hub', platform: 'linux/amd64', argv: HUB_ARGV },
      { project: 'gateway', platform: 'linux/arm64', argv: GATEWAY_ARGV },
    ]);
  });

  test.each([
    ['an empty output', ''],
    ['Nx task headers', '> nx run gateway:render\n> nx run gateway:build-image --platform=amd64,arm64 --dryRun'],
    ['prefetch lines', '  would fetch  alpine:3.20 linux/amd64       for gateway, api, hub'],
    ['the manifest dry run', 'nx-multiarch: dry run: demo/hub:latest: docker manifest create demo/hub:latest'],
    ['a build line not at the start', `  ${DRY_RUN.split('\n')[9]}`],
  ])('finds no build in %s', (_, output) => {
    expect(plannedBuilds(output, lastSegment)).toEqual([]);
  });

  test.each([
    [
      'an empty token (two spaces in a row)',
      'nx-multiarch: dry run: api linux/amd64: docker buildx build --build-arg GREETING=a  b --load /ws/api',
    ],
    [
      'a quoted token',
      'nx-multiarch: dry run: api linux/amd64: docker buildx build --build-arg "GREETING=a b" --load /ws/api',
    ],
    [
      'one space inside a value (a stray token before the context)',
      'nx-multiarch: dry run: api linux/amd64: docker buildx build --build-arg GREETING=hello world --load /ws/api',
    ],
  ])('throws on an argv with %s', (_, line) => {
    expect(() => plannedBuilds(`> nx run api:build-image\n${line}\n`, lastSegment)).toThrow(
      new Error(`a dry-run argv with spaces cannot be replayed: ${line}`),
    );
  });
});

describe('baseImages', () => {
  test('lists each image prefetch would fetch once, whatever the platforms, in the order first seen', () => {
    expect(baseImages(DRY_RUN)).toEqual(['gitea/gitea:1.22', 'alpine:3.20', 'redis:7.2-alpine']);
  });

  test.each([
    ['an empty output', ''],
    ['only build lines', DRY_RUN.split('\n').slice(7).join('\n')],
    ['a skipped image', '  skipped  registry.internal/base:1 (api): not in any registry'],
  ])('finds none in %s', (_, output) => {
    expect(baseImages(output)).toEqual([]);
  });
});

describe('bakeTarget', () => {
  test.each<[string, string[], BakeTarget]>([
    [
      'the hub argv: --builder, --progress, --metadata-file, --network, --allow and --load ignored',
      HUB_ARGV,
      {
        context: '/work/main/packages/demo/hub',
        dockerfile: '/work/main/packages/demo/hub/Dockerfile',
        platforms: ['linux/amd64'],
        tags: ['demo/hub:latest-amd64'],
        args: {},
        output: ['type=docker'],
      },
    ],
    [
      'the gateway argv, with a build arg',
      GATEWAY_ARGV,
      {
        context: '/work/main/packages/demo/gateway',
        dockerfile: '/work/main/packages/demo/gateway/Dockerfile',
        platforms: ['linux/arm64'],
        tags: ['demo/gateway:latest-arm64'],
        args: { ALPINE_VERSION: '3.20' },
        output: ['type=docker'],
      },
    ],
    [
      'a stage, several tags and build args with `=` in the value or an empty value',
      [
        'buildx',
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/ws/api/Dockerfile.api',
        '--target',
        'runtime',
        '--tag',
        'demo/api:latest-amd64',
        '--tag',
        'demo/api:1.2.3-amd64',
        '--build-arg',
        'OPTS=--flag=on --other=off',
        '--build-arg',
        'EMPTY=',
        '--metadata-file',
        '/ws/dist/api.json',
        '--load',
        '/ws/api',
      ],
      {
        context: '/ws/api',
        dockerfile: '/ws/api/Dockerfile.api',
        platforms: ['linux/amd64'],
        tags: ['demo/api:latest-amd64', 'demo/api:1.2.3-amd64'],
        target: 'runtime',
        args: { OPTS: '--flag=on --other=off', EMPTY: '' },
        output: ['type=docker'],
      },
    ],
    [
      'no --file: the context Dockerfile',
      ['buildx', 'build', '--platform', 'linux/arm64', '--tag', 'demo/web:latest-arm64', '/ws/web'],
      {
        context: '/ws/web',
        dockerfile: 'Dockerfile',
        platforms: ['linux/arm64'],
        tags: ['demo/web:latest-arm64'],
        args: {},
        output: ['type=docker'],
      },
    ],
    [
      'only a context',
      ['buildx', 'build', '.'],
      { context: '.', dockerfile: 'Dockerfile', platforms: [], tags: [], args: {}, output: ['type=docker'] },
    ],
  ])('%s', (_, argv, expected) => {
    expect(bakeTarget(argv)).toStrictEqual(expected);
  });
});

describe('bakeTargetName', () => {
  const build = (project: string, platform: string): PlannedBuild => ({ project, platform, argv: [] });

  test.each<[string, PlannedBuild, string[], string]>([
    ['project and platform', build('portal', 'linux/arm64'), [], 'portal-linux-arm64'],
    [
      'other names taken',
      build('portal', 'linux/arm64'),
      ['portal-linux-amd64', 'api-linux-arm64'],
      'portal-linux-arm64',
    ],
    ['a second image of the project', build('api', 'linux/amd64'), ['api-linux-amd64'], 'api-linux-amd64-2'],
    ['a third image', build('api', 'linux/amd64'), ['api-linux-amd64', 'api-linux-amd64-2'], 'api-linux-amd64-3'],
    ['a platform variant', build('edge', 'linux/arm/v7'), [], 'edge-linux-arm-v7'],
    ['a scoped project with dots', build('@acme/web.app', 'linux/amd64'), [], '-acme-web-app-linux-amd64'],
    ['underscores kept', build('my_app', 'linux/amd64'), [], 'my_app-linux-amd64'],
  ])('%s', (_, planned, taken, expected) => {
    expect(bakeTargetName(planned, new Set(taken))).toBe(expected);
  });
});

describe('bakeFiles', () => {
  const build = (project: string, arch: string, tag = `demo/${project}:latest-${arch}`): PlannedBuild => ({
    project,
    platform: `linux/${arch}`,
    argv: ['buildx', 'build', '--platform', `linux/${arch}`, '--tag', tag, '--load', `/ws/${project}`],
  });
  const target = (project: string, arch: string, tag = `demo/${project}:latest-${arch}`): BakeTarget => ({
    context: `/ws/${project}`,
    dockerfile: 'Dockerfile',
    platforms: [`linux/${arch}`],
    tags: [tag],
    args: {},
    output: ['type=docker'],
  });

  test('one file per level holding its projects builds, levels without builds dropped', () => {
    const builds = [
      build('api', 'amd64'),
      build('base', 'amd64'),
      build('api', 'arm64'),
      build('base', 'arm64'),
      build('api', 'amd64', 'demo/api-debug:latest-amd64'),
      build('web', 'amd64'),
      build('elsewhere', 'amd64'),
    ];
    // cache is an upstream: a level of its own with no build.
    expect(bakeFiles(builds, [['base'], ['cache'], ['api', 'web']])).toStrictEqual([
      {
        group: { default: { targets: ['base-linux-amd64', 'base-linux-arm64'] } },
        target: { 'base-linux-amd64': target('base', 'amd64'), 'base-linux-arm64': target('base', 'arm64') },
      },
      {
        group: {
          default: { targets: ['api-linux-amd64', 'api-linux-arm64', 'api-linux-amd64-2', 'web-linux-amd64'] },
        },
        target: {
          'api-linux-amd64': target('api', 'amd64'),
          'api-linux-arm64': target('api', 'arm64'),
          'api-linux-amd64-2': target('api', 'amd64', 'demo/api-debug:latest-amd64'),
          'web-linux-amd64': target('web', 'amd64'),
        },
      },
    ]);
  });

  test('bakeTargetProjects names the project of every target of every file', () => {
    const builds = [
      build('api', 'amd64'),
      build('base', 'amd64'),
      build('api', 'amd64', 'demo/api-debug:latest-amd64'),
      build('web', 'arm64'),
    ];
    const levels = [['base'], ['cache'], ['api', 'web']];
    const projects = bakeTargetProjects(builds, levels);
    expect(projects).toStrictEqual({
      'base-linux-amd64': 'base',
      'api-linux-amd64': 'api',
      'api-linux-amd64-2': 'api',
      'web-linux-arm64': 'web',
    });
    expect(Object.keys(projects).sort()).toEqual(
      bakeFiles(builds, levels)
        .flatMap((f) => Object.keys(f.target))
        .sort(),
    );
  });

  test.each<[string, PlannedBuild[], string[][]]>([
    ['no levels', [build('api', 'amd64')], []],
    ['no builds', [], [['api'], ['web']]],
    ['no build of a level project', [build('api', 'amd64')], [['web']]],
  ])('no file for %s', (_, builds, levels) => {
    expect(bakeFiles(builds, levels)).toEqual([]);
  });
});

describe('dependencyLevels', () => {
  test.each<[string, string[], Record<string, string[]>, string[][]]>([
    ['no projects', [], {}, []],
    ['independent projects, sorted', ['web', 'api'], {}, [['api', 'web']]],
    ['a diamond', ['d', 'c', 'b', 'a'], { b: ['a'], c: ['a'], d: ['b', 'c'] }, [['a'], ['b', 'c'], ['d']]],
    ['a chain longer on one side', ['a', 'b', 'c'], { c: ['a', 'b'], b: ['a'] }, [['a'], ['b'], ['c']]],
    [
      'dependencies outside the projects ignored',
      ['api', 'gateway', 'portal'],
      { api: ['gateway', 'worker', 'nx-multiarch-workspace'], gateway: ['alpine'], portal: ['hub'] },
      [['gateway', 'portal'], ['api']],
    ],
    ['edges of projects not listed ignored', ['a'], { a: [], z: ['a'] }, [['a']]],
  ])('%s', (_, projects, dependsOn, expected) => {
    expect(dependencyLevels(projects, dependsOn)).toEqual(expected);
  });

  test.each<[string, string[], Record<string, string[]>, string]>([
    ['a project depending on itself', ['a', 'b'], { a: ['a'] }, 'dependency cycle: a -> a'],
    ['two projects', ['b', 'a'], { a: ['b'], b: ['a'] }, 'dependency cycle: a -> b -> a'],
    ['three projects', ['a', 'b', 'c'], { a: ['b'], b: ['c'], c: ['a'] }, 'dependency cycle: a -> b -> c -> a'],
    [
      'a cycle below an acyclic project',
      ['top', 'x', 'y'],
      { top: ['x'], x: ['y'], y: ['x'] },
      'dependency cycle: top -> x -> y -> x',
    ],
  ])('throws on a cycle of %s, naming it', (_, projects, dependsOn, message) => {
    expect(() => dependencyLevels(projects, dependsOn)).toThrow(new Error(message));
  });
});
