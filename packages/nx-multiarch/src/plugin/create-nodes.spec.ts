import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContextV2 } from '@nx/devkit';
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
    expect(glob).toBe('{nx.json,**/Dockerfile,**/multiarch.json}');
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
               },
               "name": "api",
               "projectType": "application",
               "root": "src/api",
               "tags": [
                 "nx-multiarch",
                 "phase:dependent",
               ],
               "targets": {
                 "build-image": {
                   "cache": false,
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
                   ],
                   "executor": "nx-multiarch:build-image",
                   "inputs": [
                     "{projectRoot}/**/*",
                     {
                       "dependentTasksOutputFiles": "**/*.json",
                       "transitive": true,
                     },
                   ],
                   "metadata": {
                     "description": "Build api, api-init for arm64 with docker buildx",
                     "technologies": [
                       "docker",
                     ],
                   },
                   "options": {
                     "context": "src/api",
                     "dockerfile": "src/api/Dockerfile",
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
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/images/{projectName}",
                   ],
                 },
               },
             },
           },
         },
       ],
       [
         "src/api/multiarch.json",
         {},
       ],
       [
         "images/cache/multiarch.json",
         {
           "projects": {
             "images/cache": {
               "metadata": {
                 "description": "Upstream image redis:7.2-alpine, retagged per platform",
               },
               "name": "cache",
               "projectType": "application",
               "root": "images/cache",
               "tags": [
                 "nx-multiarch",
                 "phase:foundation",
               ],
               "targets": {
                 "build-image": {
                   "cache": false,
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
                   ],
                   "executor": "nx-multiarch:build-image",
                   "inputs": [
                     "{projectRoot}/**/*",
                     {
                       "dependentTasksOutputFiles": "**/*.json",
                       "transitive": true,
                     },
                   ],
                   "metadata": {
                     "description": "Build cache for amd64, arm64 with docker buildx",
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
                     "platform": "amd64,arm64",
                     "registry": "127.0.0.1:5000",
                     "tag": "1.0",
                     "upstream": "redis:7.2-alpine",
                   },
                   "outputs": [
                     "{workspaceRoot}/dist/images/{projectName}",
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
    expect(Object.keys(result.projects?.['images/gw']?.targets ?? {})).toEqual(['image']);
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
      'src/c/multiarch.json: upstream: there is no Dockerfile and no upstream image. ' +
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
      targets: {
        'builder-setup': {
          executor: 'nx-multiarch:builder-setup',
          options: { driver: 'docker-container', daemonConfig: 'ops/daemon.json' },
          cache: false,
          parallelism: false,
          metadata: {
            description: 'Create or update the buildx builder every build uses, configured from daemon.json',
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

  it('only takes component files under the components globs', async () => {
    const context = workspace({ 'images/a/Dockerfile': 'FROM alpine\n', 'tools/ci/Dockerfile': 'FROM alpine\n' });
    const results = await infer(
      ['images/a/Dockerfile', 'tools/ci/Dockerfile'],
      { components: ['images/*/*'] },
      context,
    );
    expect(results.map(([file]) => file)).toEqual(['images/a/Dockerfile']);
  });
});
