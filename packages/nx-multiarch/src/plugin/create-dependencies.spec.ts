import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateDependenciesContext, ProjectConfiguration } from '@nx/devkit';
import { createDependencies, imageOwners } from './create-dependencies';

function component(root: string, images: string[], extra: Record<string, unknown> = {}): ProjectConfiguration {
  return {
    root,
    targets: {
      'build-image': {
        executor: 'nx-multiarch:build-image',
        options: {
          dockerfile: `${root}/Dockerfile`,
          images: images.map((name) => ({ name })),
          imagePrefix: 'acme/',
          ...extra,
        },
      },
    },
  };
}

function context(
  dockerfiles: Record<string, string>,
  projects: Record<string, ProjectConfiguration>,
): CreateDependenciesContext {
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'deps-'));
  const projectFileMap: Record<string, Array<{ file: string; hash: string }>> = {};
  for (const [name, project] of Object.entries(projects)) projectFileMap[name] = [];
  for (const [file, text] of Object.entries(dockerfiles)) {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
    const owner = Object.entries(projects).find(([, p]) => file.startsWith(`${p.root}/`))?.[0] as string;
    projectFileMap[owner].push({ file, hash: '1' });
  }
  const fileMap = { projectFileMap, nonProjectFiles: [] };
  return { workspaceRoot, projects, externalNodes: {}, fileMap, filesToProcess: fileMap, nxJsonConfiguration: {} };
}

describe('imageOwners', () => {
  it('maps image names with and without the registry to projects', () => {
    const owners = imageOwners({
      gw: component('src/gw', ['gateway'], { registry: '127.0.0.1:5000' }),
      api: component('src/api', ['api', 'api-init']),
    });
    expect([...owners]).toEqual([
      ['127.0.0.1:5000/acme/gateway', 'gw'],
      ['docker.io/acme/gateway', 'gw'],
      ['docker.io/acme/api', 'api'],
      ['docker.io/acme/api-init', 'api'],
    ]);
  });
});

describe('createDependencies', () => {
  const projects = {
    gateway: component('src/gateway', ['gateway']),
    api: component('src/api', ['api', 'api-init']),
    portal: component('src/portal', ['portal']),
    tools: component('src/tools', ['tools']),
    vcs: component('src/vcs', ['vcs']),
  };

  it('adds edges for FROM, ARG-built FROM, COPY --from and RUN --mount from= on component images only', async () => {
    const ctx = context(
      {
        'src/gateway/Dockerfile': 'FROM alpine:3.20\n',
        'src/api/Dockerfile': 'FROM busybox AS build\nFROM build\n',
        'src/portal/Dockerfile':
          'ARG TAG=latest\nFROM acme/gateway:${TAG}-${TARGETARCH}\nCOPY --from=acme/api-init:latest /x /x\n',
        'src/tools/Dockerfile':
          'FROM --platform=$BUILDPLATFORM alpine AS b\nRUN --mount=type=bind,from=docker.io/acme/api:1,target=/a true\nFROM scratch\n',
        'src/vcs/Dockerfile': 'FROM gitea/gitea:1.22\n',
      },
      projects,
    );
    expect(await createDependencies(undefined, ctx)).toEqual([
      { source: 'portal', target: 'gateway', sourceFile: 'src/portal/Dockerfile', type: 'static' },
      { source: 'portal', target: 'api', sourceFile: 'src/portal/Dockerfile', type: 'static' },
      { source: 'tools', target: 'api', sourceFile: 'src/tools/Dockerfile', type: 'static' },
    ]);
  });

  it('ignores a project using its own image and files that are not its Dockerfile', async () => {
    const ctx = context(
      { 'src/api/Dockerfile': 'FROM acme/api:base\n', 'src/gateway/Dockerfile.old': 'FROM acme/api:1\n' },
      projects,
    );
    expect(await createDependencies(undefined, ctx)).toEqual([]);
  });
});
