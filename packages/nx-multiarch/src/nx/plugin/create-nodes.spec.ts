import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContextV2 } from '@nx/devkit';
import { buildSettingsSchema } from '../../core/options/build-image';
import { manifestSettingsSchema } from '../../core/options/manifest';
import { prefetchSettingsSchema } from '../../core/options/prefetch';
import { createNodes } from './create-nodes';

function workspace(files: Record<string, string>): CreateNodesContextV2 {
  const root = mkdtempSync(join(tmpdir(), 'nodes-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { workspaceRoot: root, nxJsonConfiguration: {} };
}

const [glob, infer] = createNodes;

describe('createNodes', () => {
  it('matches Dockerfiles and component configs anywhere', () => {
    expect(glob).toBe('{nx.json,**/Dockerfile,**/Dockerfile.tpl,**/multiarch.json}');
  });

  it('infers one project per component directory with a build-image target', async () => {
    const context = workspace({
      'src/api/Dockerfile': 'FROM alpine:3.20\n',
      'src/api/multiarch.json': JSON.stringify({
        phase: 'dependent',
        platforms: ['linux/arm64'],
        images: [
          { name: 'api', target: 'api' },
          { name: 'api-init', target: 'api-init' },
        ],
        network: 'host',
      }),
      'images/cache/multiarch.json': JSON.stringify({ upstream: 'redis:7.2-alpine' }),
    });
    const results = await infer(
      ['src/api/Dockerfile', 'src/api/multiarch.json', 'images/cache/multiarch.json'],
      { registry: '127.0.0.1:5000', imagePrefix: 'acme/', tag: '1.0' },
      context,
    );
    expect(results).toMatchInlineSnapshot(`
     [
       [
         "src/api/Dockerfile",
         {
           "projects": {
             "src/api": {
               "metadata": {
                 "description": "Component image built from src/api/Dockerfile",
                 "targetGroups": {
                   "Docker image": [
                     "build-image",
                     "push-image",
                     "manifest",
                   ],
                 },
               },
               "name": "api",
               "namedInputs": {
                 "dockerImage": [
                   "{workspaceRoot}/src/api/Dockerfile",
                   "{workspaceRoot}/src/api/multiarch.json",
                   "{workspaceRoot}/src/api/Dockerfile.dockerignore",
                   "{workspaceRoot}/src/api/.dockerignore",
                   "{workspaceRoot}/.env.example",
                 ],
               },
               "projectType": "application",
               "root": "src/api",
               "tags": [
                 "nx-multiarch",
                 "phase:dependent",
               ],
               "targets": {
                 "build-image": {
                   "cache": true,
                   "dependsOn": [
                     {
                       "dependencies": true,
                       "params": "forward",
                       "target": "build-image",
                     },
                     {
                       "params": "ignore",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "builder-setup",
                     },
                     {
                       "params": "forward",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "prefetch",
                     },
                   ],
                   "executor": "nx-multiarch:build-image",
                   "inputs": [
                     "dockerImage",
                     "^dockerImage",
                     {
                       "env": "DOCKER_HOST",
                     },
                     {
                       "env": "BUILDX_BUILDER",
                     },
                   ],
                   "metadata": {
                     "description": "Build api, api-init for arm64",
                     "technologies": [
                       "docker",
                     ],
                   },
                   "options": {
                     "context": "src/api",
                     "dockerfile": "src/api/Dockerfile",
                     "envExample": ".env.example",
                     "envFile": ".env",
                     "imagePrefix": "acme/",
                     "images": [
                       {
                         "name": "api",
                         "target": "api",
                       },
                       {
                         "name": "api-init",
                         "target": "api-init",
                       },
                     ],
                     "network": "host",
                     "platform": "arm64",
                     "platforms": "arm64",
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/images/{projectName}",
                   ],
                 },
                 "manifest": {
                   "cache": false,
                   "dependsOn": [
                     {
                       "params": "forward",
                       "target": "push-image",
                     },
                   ],
                   "executor": "nx-multiarch:manifest",
                   "metadata": {
                     "description": "Publish api, api-init as multi-arch image(s) of arm64, verified in the registry",
                     "technologies": [
                       "docker",
                     ],
                   },
                   "options": {
                     "imagePrefix": "acme/",
                     "images": [
                       {
                         "name": "api",
                         "target": "api",
                       },
                       {
                         "name": "api-init",
                         "target": "api-init",
                       },
                     ],
                     "platforms": "arm64",
                     "pushedPath": "dist/pushed/api",
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/manifests/{projectName}",
                   ],
                 },
                 "push-image": {
                   "cache": false,
                   "dependsOn": [
                     {
                       "dependencies": true,
                       "params": "forward",
                       "target": "push-image",
                     },
                     {
                       "params": "ignore",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "builder-setup",
                     },
                     {
                       "params": "forward",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "prefetch",
                     },
                   ],
                   "executor": "nx-multiarch:build-image",
                   "inputs": [
                     "dockerImage",
                     "^dockerImage",
                     {
                       "env": "DOCKER_HOST",
                     },
                     {
                       "env": "BUILDX_BUILDER",
                     },
                   ],
                   "metadata": {
                     "description": "Build api, api-init for arm64, and push each platform as <tag>-<arch>",
                     "technologies": [
                       "docker",
                     ],
                   },
                   "options": {
                     "context": "src/api",
                     "dockerfile": "src/api/Dockerfile",
                     "envExample": ".env.example",
                     "envFile": ".env",
                     "imagePrefix": "acme/",
                     "images": [
                       {
                         "name": "api",
                         "target": "api",
                       },
                       {
                         "name": "api-init",
                         "target": "api-init",
                       },
                     ],
                     "network": "host",
                     "outputPath": "dist/pushed/api",
                     "platform": "arm64",
                     "platforms": "arm64",
                     "push": true,
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/pushed/{projectName}",
                   ],
                 },
               },
             },
           },
         },
       ],
       [
         "images/cache/multiarch.json",
         {
           "projects": {
             "images/cache": {
               "metadata": {
                 "description": "Upstream image redis:7.2-alpine, retagged per platform",
                 "targetGroups": {
                   "Docker image": [
                     "build-image",
                     "push-image",
                     "manifest",
                   ],
                 },
               },
               "name": "cache",
               "namedInputs": {
                 "dockerImage": [
                   "{workspaceRoot}/images/cache/multiarch.json",
                   "{workspaceRoot}/.env.example",
                 ],
               },
               "projectType": "application",
               "root": "images/cache",
               "tags": [
                 "nx-multiarch",
                 "phase:foundation",
               ],
               "targets": {
                 "build-image": {
                   "cache": true,
                   "dependsOn": [
                     {
                       "dependencies": true,
                       "params": "forward",
                       "target": "build-image",
                     },
                     {
                       "params": "ignore",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "builder-setup",
                     },
                     {
                       "params": "forward",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "prefetch",
                     },
                   ],
                   "executor": "nx-multiarch:build-image",
                   "inputs": [
                     "dockerImage",
                     "^dockerImage",
                     {
                       "env": "DOCKER_HOST",
                     },
                     {
                       "env": "BUILDX_BUILDER",
                     },
                   ],
                   "metadata": {
                     "description": "Pull and retag cache for amd64, arm64",
                     "technologies": [
                       "docker",
                     ],
                   },
                   "options": {
                     "envExample": ".env.example",
                     "envFile": ".env",
                     "imagePrefix": "acme/",
                     "images": [
                       {
                         "name": "cache",
                       },
                     ],
                     "platform": "amd64,arm64",
                     "platforms": "amd64,arm64",
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                     "upstream": "redis:7.2-alpine",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/images/{projectName}",
                   ],
                 },
                 "manifest": {
                   "cache": false,
                   "dependsOn": [
                     {
                       "params": "forward",
                       "target": "push-image",
                     },
                   ],
                   "executor": "nx-multiarch:manifest",
                   "metadata": {
                     "description": "Publish cache as multi-arch image(s) of amd64, arm64, verified in the registry",
                     "technologies": [
                       "docker",
                     ],
                   },
                   "options": {
                     "imagePrefix": "acme/",
                     "images": [
                       {
                         "name": "cache",
                       },
                     ],
                     "platforms": "amd64,arm64",
                     "pushedPath": "dist/pushed/cache",
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/manifests/{projectName}",
                   ],
                 },
                 "push-image": {
                   "cache": false,
                   "dependsOn": [
                     {
                       "dependencies": true,
                       "params": "forward",
                       "target": "push-image",
                     },
                     {
                       "params": "ignore",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "builder-setup",
                     },
                     {
                       "params": "forward",
                       "projects": "tag:nx-multiarch:workspace",
                       "target": "prefetch",
                     },
                   ],
                   "executor": "nx-multiarch:build-image",
                   "inputs": [
                     "dockerImage",
                     "^dockerImage",
                     {
                       "env": "DOCKER_HOST",
                     },
                     {
                       "env": "BUILDX_BUILDER",
                     },
                   ],
                   "metadata": {
                     "description": "Pull and retag cache for amd64, arm64, and push each platform as <tag>-<arch>",
                     "technologies": [
                       "docker",
                     ],
                   },
                   "options": {
                     "envExample": ".env.example",
                     "envFile": ".env",
                     "imagePrefix": "acme/",
                     "images": [
                       {
                         "name": "cache",
                       },
                     ],
                     "outputPath": "dist/pushed/cache",
                     "platform": "amd64,arm64",
                     "platforms": "amd64,arm64",
                     "push": true,
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                     "upstream": "redis:7.2-alpine",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/pushed/{projectName}",
                   ],
                 },
               },
             },
           },
         },
       ],
     ]
    `);
  });

  it('honours a custom target name and project name', async () => {
    const context = workspace({
      'images/gw/Dockerfile': 'FROM alpine\n',
      'images/gw/multiarch.json': '{"name":"gateway"}',
    });
    const [[, result]] = await infer(['images/gw/Dockerfile'], { buildTargetName: 'image' }, context);
    expect(Object.keys(result.projects?.['images/gw']?.targets ?? {})).toEqual(['image', 'push-image', 'manifest']);
    // push-image is build-image pushing: same executor, its own dependency chain.
    expect(result.projects?.['images/gw']?.targets?.['push-image']).toMatchObject({
      executor: 'nx-multiarch:build-image',
      options: { push: true },
    });
    expect(result.projects?.['images/gw']?.name).toBe('gateway');
  });

  it('reports a bad component config with its file and field', async () => {
    const context = workspace({ 'src/a/Dockerfile': 'FROM alpine\n', 'src/b/multiarch.json': '{"phase":"first"}' });
    const error = await Promise.resolve(infer(['src/a/Dockerfile', 'src/b/multiarch.json'], {}, context)).catch(
      (e) => e,
    );
    expect(error.errors).toEqual([['src/b/multiarch.json', expect.objectContaining({ field: 'phase' })]]);
    expect(error.errors[0][1].message).toMatch(/^src\/b\/multiarch\.json: phase: Invalid option/);
    // The good component still made it into the graph.
    expect(Object.keys(error.partialResults[0][1].projects)).toEqual(['src/a']);
  });

  it('rejects a config-only component without an upstream image', async () => {
    const context = workspace({ 'src/c/multiarch.json': '{"phase":"foundation"}' });
    const error = await Promise.resolve(infer(['src/c/multiarch.json'], {}, context)).catch((e) => e);
    expect(error.errors[0][1].message).toBe(
      'src/c/multiarch.json: upstream: there is no Dockerfile, no Dockerfile.tpl and no upstream image. ' +
        'Fix: add a Dockerfile beside it, or set "upstream" to the image to pull and retag',
    );
  });

  it('rejects bad plugin options naming nx.json', async () => {
    const context = workspace({ 'src/a/Dockerfile': 'FROM alpine\n' });
    await expect(infer(['src/a/Dockerfile'], { platforms: ['x86'] }, context)).rejects.toThrow(
      "nx.json plugins[nx-multiarch].options: platforms: unknown platform 'x86'",
    );
  });

  it('adds builder-setup to a workspace project named after the root package.json', async () => {
    const context = workspace({ 'package.json': '{"name":"acme-platform"}', 'nx.json': '{}' });
    const [[, result]] = await infer(
      ['nx.json'],
      { builder: { driver: 'docker-container', daemonConfig: 'ops/daemon.json' } },
      context,
    );
    expect(result.projects?.['.']).toEqual({
      name: 'acme-platform',
      root: '.',
      tags: ['nx-multiarch:workspace'],
      metadata: { targetGroups: { 'Docker builder': ['builder-setup', 'prefetch', 'diagnose', 'report'] } },
      targets: {
        'builder-setup': {
          executor: 'nx-multiarch:builder-setup',
          options: { driver: 'docker-container', daemonConfig: 'ops/daemon.json' },
          inputs: [
            { env: 'DOCKER_HOST' },
            { env: 'DOCKER_CONFIG' },
            { env: 'BUILDX_CONFIG' },
            { env: 'XDG_CONFIG_HOME' },
          ],
          cache: true,
          metadata: {
            description: 'Create or update the buildx builder every build uses, configured from daemon.json',
            technologies: ['docker'],
          },
        },
        prefetch: {
          executor: 'nx-multiarch:prefetch',
          options: {
            platform: 'amd64,arm64',
            buildTargetName: 'build-image',
            registry: '',
            imagePrefix: '',
            tag: 'latest',
            envFile: '.env',
            envExample: '.env.example',
            daemonConfig: 'ops/daemon.json',
          },
          dependsOn: [{ target: 'builder-setup', params: 'ignore' }],
          inputs: [
            { env: 'DOCKER_HOST' },
            { env: 'DOCKER_CONFIG' },
            { env: 'BUILDX_CONFIG' },
            { env: 'XDG_CONFIG_HOME' },
          ],
          cache: true,
          metadata: {
            description:
              'Fetch every base image the builds need, once per (image, platform), where the builder looks for it',
            technologies: ['docker'],
          },
        },
        diagnose: {
          executor: 'nx-multiarch:diagnose',
          options: {
            builder: { driver: 'docker-container', daemonConfig: 'ops/daemon.json' },
            platforms: 'amd64,arm64',
          },
          cache: false,
          metadata: {
            description:
              'Check daemon, buildx, QEMU, builder, mirrors, proxies and DNS, with a remedy per failing line',
            technologies: ['docker'],
          },
        },
        report: {
          executor: 'nx-multiarch:report',
          options: {},
          cache: false,
          metadata: {
            description: "Print the last run's matrix of components x platforms, with a remedy per failure",
            technologies: ['docker'],
          },
        },
      },
    });
  });

  it('passes daemonConfig and stateDir on to build-image, which depends on builder-setup', async () => {
    const context = workspace({ 'images/a/Dockerfile': 'FROM alpine\n' });
    const [[, result]] = await infer(
      ['images/a/Dockerfile'],
      { builder: { daemonConfig: '/etc/lab/daemon.json', stateDir: 'tmp/state' } },
      context,
    );
    const target = result.projects?.['images/a']?.targets?.['build-image'];
    expect(target?.options).toMatchObject({ daemonConfig: '/etc/lab/daemon.json', stateDir: 'tmp/state' });
    expect(target?.dependsOn).toContainEqual({
      target: 'builder-setup',
      projects: 'tag:nx-multiarch:workspace',
      params: 'ignore',
    });
  });

  it('makes every build depend on the one prefetch task, with --platform forwarded, unless prefetch is false', async () => {
    const context = workspace({ 'images/a/Dockerfile': 'FROM alpine\n', 'package.json': '{"name":"ws"}' });
    const prefetch = { target: 'prefetch', projects: 'tag:nx-multiarch:workspace', params: 'forward' };
    const [[, withPrefetch]] = await infer(['images/a/Dockerfile'], {}, context);
    expect(withPrefetch.projects?.['images/a']?.targets?.['build-image']?.dependsOn).toContainEqual(prefetch);
    const [[, without]] = await infer(['images/a/Dockerfile'], { prefetch: false }, context);
    expect(without.projects?.['images/a']?.targets?.['build-image']?.dependsOn).not.toContainEqual(prefetch);
  });

  it.each<['docker' | 'docker-container' | 'remote', object[]]>([
    ['docker-container', [{ target: 'builder-setup', params: 'ignore' }]],
    ['remote', [{ target: 'builder-setup', params: 'ignore' }]],
    // Fetched into the daemon: prefetch need not wait for builder-setup, both start at once.
    ['docker', []],
  ])('prefetch on the %s driver waits for: %j', async (driver, dependsOn) => {
    const context = workspace({ 'package.json': '{"name":"ws"}', 'nx.json': '{}' });
    const builder = { driver, ...(driver === 'remote' && { endpoint: 'tcp://127.0.0.1:1234' }) };
    const [[, result]] = await infer(['nx.json'], { builder }, context);
    expect(result.projects?.['.']?.targets?.prefetch?.dependsOn).toEqual(dependsOn);
  });

  it('passes the prefetch settings of the plugin options to the prefetch target', async () => {
    const context = workspace({ 'package.json': '{"name":"ws"}', 'nx.json': '{}' });
    const [[, result]] = await infer(['nx.json'], { prefetch: { attempts: 6, attemptTimeout: 120 } }, context);
    expect(result.projects?.['.']?.targets?.prefetch?.options).toMatchObject({ attempts: 6, attemptTimeout: 120 });
  });

  it('passes the build settings of the plugin options and the component secrets to build-image', async () => {
    const context = workspace({
      'images/a/Dockerfile': 'FROM alpine\n',
      'images/a/multiarch.json': JSON.stringify({ secrets: { npm_token: 'env:NPM_TOKEN' } }),
    });
    const [[, result]] = await infer(
      ['images/a/Dockerfile', 'images/a/multiarch.json'],
      { build: { attempts: 5, stallTimeout: 120, emulatedConcurrency: 2 } },
      context,
    );
    const target = result.projects?.['images/a']?.targets?.['build-image'];
    expect(target?.options).toMatchObject({
      attempts: 5,
      stallTimeout: 120,
      emulatedConcurrency: 2,
      secrets: { npm_token: 'env:NPM_TOKEN' },
    });
    // Cached: its hasher vouches for the images in the daemon (push-image is not).
    expect(target?.cache).toBe(true);
  });

  it('infers push-image: build-image pushing each platform, recorded apart for manifest', async () => {
    const context = workspace({
      'images/a/Dockerfile': 'FROM alpine\n',
      'images/b/Dockerfile': 'FROM alpine\n',
      'images/b/multiarch.json': JSON.stringify({ phase: 'dependent', after: ['a'], tags: ['1.4'] }),
    });
    const results = await infer(
      ['images/a/Dockerfile', 'images/b/Dockerfile', 'images/b/multiarch.json'],
      { registry: '127.0.0.1:5000', buildTargetName: 'image', build: { attempts: 5 } },
      context,
    );
    const b = results.map(([, r]) => r.projects?.['images/b']).find(Boolean);
    const push = b?.targets?.['push-image'];
    expect(push).toMatchObject({
      executor: 'nx-multiarch:build-image',
      options: {
        platform: 'amd64,arm64',
        platforms: 'amd64,arm64',
        context: 'images/b',
        registry: '127.0.0.1:5000',
        tags: ['1.4'],
        attempts: 5,
        push: true,
        outputPath: 'dist/pushed/b',
      },
      // Its own output: the records manifest reads are not build-image's.
      outputs: ['{workspaceRoot}/dist/pushed/{projectName}'],
      cache: false,
    });
    // What it is built from is pushed first (not just built): --platform forwarded, whatever the build target's name.
    expect(push?.dependsOn).toContainEqual({ target: 'push-image', dependencies: true, params: 'forward' });
    expect(push?.dependsOn).not.toContainEqual(expect.objectContaining({ target: 'image', dependencies: true }));
    expect(push?.dependsOn).toContainEqual({
      target: 'builder-setup',
      projects: 'tag:nx-multiarch:workspace',
      params: 'ignore',
    });
    // The build target itself neither pushes nor writes where push-image does.
    const build = b?.targets?.image;
    expect(build?.options).not.toHaveProperty('push');
    expect(build?.options).not.toHaveProperty('outputPath');
    expect(build?.outputs).toEqual(['{workspaceRoot}/dist/images/{projectName}']);
  });

  it('infers manifest: the index of every image, from what push-image pushed', async () => {
    const context = workspace({
      'src/api/Dockerfile': 'FROM alpine\n',
      'src/api/multiarch.json': JSON.stringify({
        platforms: ['linux/arm64', 'amd64'],
        tag: '2.0',
        tags: ['stable'],
        images: [
          { name: 'api', target: 'api' },
          { name: 'api-init', target: 'init' },
        ],
      }),
    });
    const [[, result]] = await infer(
      ['src/api/Dockerfile', 'src/api/multiarch.json'],
      {
        registry: '127.0.0.1:5000',
        imagePrefix: 'acme/',
        builder: { stateDir: 'tmp/state', daemonConfig: 'ops/daemon.json' },
        manifest: { partial: true, verifyTimeout: 120 },
      },
      context,
    );
    const manifest = result.projects?.['src/api']?.targets?.manifest;
    expect(manifest).toMatchObject({
      executor: 'nx-multiarch:manifest',
      options: {
        platforms: 'arm64,amd64',
        images: [
          { name: 'api', target: 'api' },
          { name: 'api-init', target: 'init' },
        ],
        registry: '127.0.0.1:5000',
        imagePrefix: 'acme/',
        tag: '2.0',
        tags: ['stable'],
        pushedPath: 'dist/pushed/api',
        stateDir: 'tmp/state',
        daemonConfig: 'ops/daemon.json',
        // The plugin's manifest settings, for every manifest target.
        partial: true,
        verifyTimeout: 120,
      },
      // --platform, --tags and --dryRun reach push-image too.
      dependsOn: [{ target: 'push-image', params: 'forward' }],
      outputs: ['{workspaceRoot}/dist/manifests/{projectName}'],
      // The registry is no Nx output: checked every time.
      cache: false,
      metadata: {
        description: 'Publish api, api-init as multi-arch image(s) of arm64, amd64, verified in the registry',
        technologies: ['docker'],
      },
    });
    // It reads the records push-image writes.
    expect(manifest?.options?.pushedPath).toBe(
      result.projects?.['src/api']?.targets?.['push-image']?.options?.outputPath,
    );
  });

  it('gives push-image no prefetch dependency when prefetch is false', async () => {
    const context = workspace({ 'images/a/Dockerfile': 'FROM alpine\n' });
    const [[, result]] = await infer(['images/a/Dockerfile'], { prefetch: false }, context);
    const targets = result.projects?.['images/a']?.targets;
    expect(targets?.['push-image']?.dependsOn).not.toContainEqual(expect.objectContaining({ target: 'prefetch' }));
  });

  test.each([
    ['no settings', {}, {}, {}, {}],
    ['empty settings', { build: {}, prefetch: {}, manifest: {} }, {}, {}, {}],
    [
      'some settings',
      { build: { attempts: 5 }, prefetch: { concurrency: 2 }, manifest: { partial: true } },
      { attempts: 5 },
      { concurrency: 2 },
      { partial: true },
    ],
  ])(
    'writes %s of the plugin options into the targets, and no defaults',
    async (_name, options, build, prefetch, manifest) => {
      const context = workspace({
        'package.json': '{"name":"ws"}',
        'nx.json': '{}',
        'images/a/Dockerfile': 'FROM alpine\n',
      });
      const results = await infer(['nx.json', 'images/a/Dockerfile'], options, context);
      const targets = (root: string) => results.map(([, r]) => r.projects?.[root]?.targets).find(Boolean) ?? {};
      // The target's options the plugin option may set; the executor applies the defaults of the others.
      const settings = (options: object | undefined, schema: { shape: object }) =>
        Object.fromEntries(Object.entries(options ?? {}).filter(([key]) => key in schema.shape));
      expect(settings(targets('images/a')['build-image']?.options, buildSettingsSchema)).toStrictEqual(build);
      expect(settings(targets('images/a')['push-image']?.options, buildSettingsSchema)).toStrictEqual(build);
      expect(settings(targets('.').prefetch?.options, prefetchSettingsSchema)).toStrictEqual(prefetch);
      expect(settings(targets('images/a').manifest?.options, manifestSettingsSchema)).toStrictEqual(manifest);
    },
  );

  it('only takes component files under the components globs', async () => {
    const context = workspace({ 'images/a/Dockerfile': 'FROM alpine\n', 'tools/ci/Dockerfile': 'FROM alpine\n' });
    const results = await infer(['images/a/Dockerfile', 'tools/ci/Dockerfile'], { components: ['images/*'] }, context);
    expect(results.map(([file]) => file)).toEqual(['images/a/Dockerfile']);
  });

  test.each([
    [['src/*'], ['src/a/Dockerfile']],
    [['src/**'], ['src/a/Dockerfile', 'src/a/b/Dockerfile']],
    [
      ['src/*/', 'tools/*'],
      ['src/a/Dockerfile', 'tools/ci/Dockerfile'],
    ],
    [['**'], ['src/a/Dockerfile', 'src/a/b/Dockerfile', 'tools/ci/Dockerfile']],
  ])('components %j are directory globs (a Dockerfile at the root is never a component)', async (globs, files) => {
    const all = ['Dockerfile', 'src/a/Dockerfile', 'src/a/b/Dockerfile', 'tools/ci/Dockerfile'];
    const context = workspace(Object.fromEntries(all.map((f) => [f, 'FROM alpine\n'])));
    const results = await infer(all, { components: globs }, context);
    expect(results.map(([file]) => file)).toEqual(files);
  });

  it('infers render and build-image for a templated component, and resolves its build-time services', async () => {
    const context = workspace({
      'src/hub/Dockerfile': 'FROM alpine\n',
      'src/hub/multiarch.json': JSON.stringify({ platforms: ['amd64'], tag: '2.0' }),
      'src/worker/Dockerfile.tpl': 'ARG BASE={{BASE_IMAGE}}\nFROM ${BASE}\nARG HUB_URL\nARG TARGETARCH\n',
      'src/worker/Dockerfile': 'rendered earlier, ignored\n',
      'src/worker/motd.tpl': 'Welcome to {{SITE_NAME}} ({{multiarch.tag}})\n',
      'src/worker/multiarch.json': JSON.stringify({
        phase: 'dependent',
        templates: ['motd.tpl'],
        services: [{ project: 'hub', port: 80, health: '/health', buildArgs: { HUB_URL: '{url}' } }],
      }),
    });
    const results = await infer(
      ['src/hub/Dockerfile', 'src/hub/multiarch.json', 'src/worker/Dockerfile', 'src/worker/Dockerfile.tpl'],
      { registry: 'registry.local:5000', imagePrefix: 'acme/', templateValues: { SITE_NAME: 'Acme' } },
      context,
    );
    expect(results.map(([file]) => file)).toEqual(['src/hub/Dockerfile', 'src/worker/Dockerfile.tpl']);
    const worker = results[1][1].projects?.['src/worker'];
    expect(worker).toMatchInlineSnapshot(`
     {
       "metadata": {
         "description": "Component image built from src/worker/Dockerfile.tpl",
         "targetGroups": {
           "Docker image": [
             "render",
             "build-image",
             "push-image",
             "manifest",
           ],
         },
       },
       "name": "worker",
       "namedInputs": {
         "dockerImage": [
           "{workspaceRoot}/src/worker/Dockerfile.tpl",
           "{workspaceRoot}/src/worker/motd.tpl",
           "{workspaceRoot}/src/worker/multiarch.json",
           "{workspaceRoot}/src/worker/Dockerfile.dockerignore",
           "{workspaceRoot}/src/worker/.dockerignore",
           "{workspaceRoot}/.env.example",
           {
             "env": "BASE",
           },
           {
             "env": "HUB_URL",
           },
         ],
       },
       "projectType": "application",
       "root": "src/worker",
       "tags": [
         "nx-multiarch",
         "phase:dependent",
       ],
       "targets": {
         "build-image": {
           "cache": true,
           "dependsOn": [
             "render",
             {
               "dependencies": true,
               "params": "forward",
               "target": "build-image",
             },
             {
               "params": "ignore",
               "projects": "tag:nx-multiarch:workspace",
               "target": "builder-setup",
             },
             {
               "params": "forward",
               "projects": "tag:nx-multiarch:workspace",
               "target": "prefetch",
             },
           ],
           "executor": "nx-multiarch:build-image",
           "inputs": [
             "dockerImage",
             "^dockerImage",
             {
               "env": "DOCKER_HOST",
             },
             {
               "env": "BUILDX_BUILDER",
             },
           ],
           "metadata": {
             "description": "Build worker for amd64, arm64, with hub running",
             "technologies": [
               "docker",
             ],
           },
           "options": {
             "context": "src/worker",
             "dockerfile": "src/worker/Dockerfile",
             "envExample": ".env.example",
             "envFile": ".env",
             "imagePrefix": "acme/",
             "images": [
               {
                 "name": "worker",
               },
             ],
             "platform": "amd64,arm64",
             "platforms": "amd64,arm64",
             "registry": "registry.local:5000",
             "services": [
               {
                 "buildArgs": {
                   "HUB_URL": "{url}",
                 },
                 "health": "/health",
                 "hostname": "hub",
                 "platform": "match",
                 "platforms": [
                   "amd64",
                 ],
                 "port": 80,
                 "project": "hub",
                 "repository": "registry.local:5000/acme/hub",
                 "tag": "2.0",
                 "timeout": 120,
               },
             ],
             "tag": "latest",
             "values": {
               "SITE_NAME": "Acme",
             },
           },
           "outputs": [
             "{workspaceRoot}/dist/images/{projectName}",
           ],
         },
         "manifest": {
           "cache": false,
           "dependsOn": [
             {
               "params": "forward",
               "target": "push-image",
             },
           ],
           "executor": "nx-multiarch:manifest",
           "metadata": {
             "description": "Publish worker as multi-arch image(s) of amd64, arm64, verified in the registry",
             "technologies": [
               "docker",
             ],
           },
           "options": {
             "imagePrefix": "acme/",
             "images": [
               {
                 "name": "worker",
               },
             ],
             "platforms": "amd64,arm64",
             "pushedPath": "dist/pushed/worker",
             "registry": "registry.local:5000",
             "tag": "latest",
           },
           "outputs": [
             "{workspaceRoot}/dist/manifests/{projectName}",
           ],
         },
         "push-image": {
           "cache": false,
           "dependsOn": [
             "render",
             {
               "dependencies": true,
               "params": "forward",
               "target": "push-image",
             },
             {
               "params": "ignore",
               "projects": "tag:nx-multiarch:workspace",
               "target": "builder-setup",
             },
             {
               "params": "forward",
               "projects": "tag:nx-multiarch:workspace",
               "target": "prefetch",
             },
           ],
           "executor": "nx-multiarch:build-image",
           "inputs": [
             "dockerImage",
             "^dockerImage",
             {
               "env": "DOCKER_HOST",
             },
             {
               "env": "BUILDX_BUILDER",
             },
           ],
           "metadata": {
             "description": "Build worker for amd64, arm64, with hub running, and push each platform as <tag>-<arch>",
             "technologies": [
               "docker",
             ],
           },
           "options": {
             "context": "src/worker",
             "dockerfile": "src/worker/Dockerfile",
             "envExample": ".env.example",
             "envFile": ".env",
             "imagePrefix": "acme/",
             "images": [
               {
                 "name": "worker",
               },
             ],
             "outputPath": "dist/pushed/worker",
             "platform": "amd64,arm64",
             "platforms": "amd64,arm64",
             "push": true,
             "registry": "registry.local:5000",
             "services": [
               {
                 "buildArgs": {
                   "HUB_URL": "{url}",
                 },
                 "health": "/health",
                 "hostname": "hub",
                 "platform": "match",
                 "platforms": [
                   "amd64",
                 ],
                 "port": 80,
                 "project": "hub",
                 "repository": "registry.local:5000/acme/hub",
                 "tag": "2.0",
                 "timeout": 120,
               },
             ],
             "tag": "latest",
             "values": {
               "SITE_NAME": "Acme",
             },
           },
           "outputs": [
             "{workspaceRoot}/dist/pushed/{projectName}",
           ],
         },
         "render": {
           "cache": true,
           "executor": "nx-multiarch:render",
           "inputs": [
             "{workspaceRoot}/src/worker/Dockerfile.tpl",
             "{workspaceRoot}/src/worker/motd.tpl",
             "{workspaceRoot}/.env.example",
             {
               "env": "BASE_IMAGE",
             },
             {
               "env": "SITE_NAME",
             },
           ],
           "metadata": {
             "description": "Render Dockerfile.tpl, motd.tpl from .env, .env.example and plugin values",
             "technologies": [
               "docker",
             ],
           },
           "options": {
             "envExample": ".env.example",
             "envFile": ".env",
             "templates": [
               "src/worker/Dockerfile.tpl",
               "src/worker/motd.tpl",
             ],
             "values": {
               "SITE_NAME": "Acme",
               "multiarch.imagePrefix": "acme/",
               "multiarch.project": "worker",
               "multiarch.registry": "registry.local:5000",
               "multiarch.tag": "latest",
             },
           },
           "outputs": [
             "{workspaceRoot}/src/worker/Dockerfile",
             "{workspaceRoot}/src/worker/motd",
           ],
         },
       },
     }
    `);
  });

  test.each([
    [
      { 'src/w/Dockerfile': 'FROM a\n', 'src/w/multiarch.json': '{"services":[{"project":"hubb","port":80}]}' },
      "src/w/multiarch.json: services.0.project: no component named 'hubb'. Fix: use one of w",
    ],
    [
      {
        'src/hub/Dockerfile': 'FROM a\n',
        'src/w/Dockerfile': 'FROM a\n',
        'src/w/multiarch.json': '{"services":[{"project":"hub","image":"hub-ui","port":80}]}',
      },
      "src/w/multiarch.json: services.0.image: hub has no image 'hub-ui'. Fix: use one of hub",
    ],
    [
      { 'src/w/Dockerfile': 'FROM a\n', 'src/w/multiarch.json': '{"phase":"dependent","after":["base"]}' },
      "src/w/multiarch.json: after.0: no component named 'base'. Fix: use one of w",
    ],
    [
      { 'src/w/Dockerfile': 'FROM a\n', 'src/w/multiarch.json': '{"templates":["conf/app.conf.tpl"]}' },
      'src/w/multiarch.json: templates.0: src/w/conf/app.conf.tpl does not exist. Fix: fix the path or remove the entry',
    ],
    [
      { 'src/w/Dockerfile': 'FROM a\n', 'src/w/multiarch.json': '{"upstream":"redis:7"}' },
      'src/w/multiarch.json: upstream: both a Dockerfile and an upstream image (redis:7) are given.',
    ],
  ])('rejects %j naming the file and field', async (files, message) => {
    const context = workspace(files);
    const error = await Promise.resolve(infer(Object.keys(files), {}, context)).catch((e) => e);
    expect(error.errors.map(([, e]: [string, Error]) => e.message)).toEqual([expect.stringContaining(message)]);
  });

  describe('a build context wider than the component (build.sh built every component from the repository root)', () => {
    const files = {
      'src/gitea/Dockerfile': 'FROM gitea/gitea:1.22\nCOPY src/gitea/gitea-entrypoint.sh /usr/local/bin/\n',
      'src/gitea/gitea-entrypoint.sh': '#!/bin/sh\n',
      '.dockerignore': '# not for images\n.git\nnode_modules/\n*.pem\n',
    };
    const buildOptions = async (context: CreateNodesContextV2, file: string, options = {}) => {
      const [[, result]] = await infer([file], options, context);
      const project = Object.values(result.projects ?? {})[0];
      return { project, build: project.targets?.['build-image']?.options };
    };

    it('multiarch.json "context", relative to the component: the workspace root, hashed as BuildKit reads it', async () => {
      const context = workspace({ ...files, 'src/gitea/multiarch.json': JSON.stringify({ context: '../..' }) });
      const { project, build } = await buildOptions(context, 'src/gitea/multiarch.json');
      expect(build).toMatchObject({ context: '.', dockerfile: 'src/gitea/Dockerfile' });
      // Not the whole root: what the Dockerfile copies from it, minus the root's .dockerignore.
      expect(project.namedInputs?.dockerImage).toEqual([
        '{workspaceRoot}/src/gitea/Dockerfile',
        '{workspaceRoot}/src/gitea/multiarch.json',
        '{workspaceRoot}/src/gitea/Dockerfile.dockerignore',
        '{workspaceRoot}/.dockerignore',
        '{workspaceRoot}/src/gitea/gitea-entrypoint.sh',
        '{workspaceRoot}/src/gitea/gitea-entrypoint.sh/**/*',
        '!{workspaceRoot}/.git',
        '!{workspaceRoot}/.git/**',
        '!{workspaceRoot}/node_modules',
        '!{workspaceRoot}/node_modules/**',
        '!{workspaceRoot}/*.pem',
        '!{workspaceRoot}/*.pem/**',
        '{workspaceRoot}/.env.example',
      ]);
    });

    it('the plugin option "context", from the workspace root, for every component; multiarch.json wins', async () => {
      const context = workspace({
        ...files,
        'src/web/Dockerfile': 'FROM alpine:3.20\n',
        'src/web/multiarch.json': '{"context":"."}',
      });
      expect((await buildOptions(context, 'src/gitea/Dockerfile', { context: '.' })).build).toMatchObject({
        context: '.',
      });
      expect((await buildOptions(context, 'src/web/Dockerfile', { context: '.' })).build).toMatchObject({
        context: 'src/web',
      });
      expect((await buildOptions(context, 'src/gitea/Dockerfile', { context: 'src' })).build).toMatchObject({
        context: 'src',
      });
    });

    it('"dockerfile" names another file in the component', async () => {
      const context = workspace({
        'src/api/docker/Dockerfile.prod': 'FROM alpine:3.20\n',
        'src/api/multiarch.json': JSON.stringify({ dockerfile: 'docker/Dockerfile.prod' }),
      });
      expect((await buildOptions(context, 'src/api/multiarch.json')).build).toMatchObject({
        context: 'src/api',
        dockerfile: 'src/api/docker/Dockerfile.prod',
      });
    });

    test.each([
      [
        'outside the workspace',
        { context: '../../..' },
        'src/gitea/multiarch.json: context: ../../.. is outside the workspace. Fix: use a path relative to src/gitea that stays in the workspace, e.g. "../.." for the workspace root',
      ],
      [
        'not a directory',
        { context: 'gitea-entrypoint.sh' },
        'src/gitea/multiarch.json: context: gitea-entrypoint.sh (src/gitea/gitea-entrypoint.sh in the workspace) is not a directory. Fix: fix the path; it is relative to src/gitea',
      ],
      [
        'a Dockerfile that is not there',
        { dockerfile: 'Dockerfile.prod' },
        'src/gitea/multiarch.json: dockerfile: src/gitea/Dockerfile.prod does not exist. Fix: fix the path (relative to src/gitea), or remove "dockerfile" to use src/gitea/Dockerfile',
      ],
    ])('%s is refused naming the file, the field and the fix', async (_name, config, message) => {
      const context = workspace({ ...files, 'src/gitea/multiarch.json': JSON.stringify(config) });
      const error = await Promise.resolve(infer(['src/gitea/multiarch.json'], {}, context)).catch((e) => e);
      expect(error.errors[0][1].message).toBe(message);
    });
  });
});
