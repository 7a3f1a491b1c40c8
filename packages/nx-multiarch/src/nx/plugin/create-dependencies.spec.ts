import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateDependenciesContext, ProjectConfiguration } from '@nx/devkit';
import { readComponent } from '../../core/component/component';
import { imageOwners } from '../../core/component/images';
import { createDependencies } from './create-dependencies';
import { normalizePluginOptions } from '../../core/options/plugin';

const OPTIONS = { imagePrefix: 'acme/' };

/** A workspace on disk whose component projects are the given directories (name: last path segment). */
function context(files: Record<string, string>, roots: string[]): CreateDependenciesContext {
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'deps-'));
  const projects: Record<string, ProjectConfiguration> = {
    'acme-platform': { root: '.', tags: ['nx-multiarch:workspace'] },
  };
  const projectFileMap: Record<string, Array<{ file: string; hash: string }>> = { 'acme-platform': [] };
  for (const root of roots) {
    const name = root.split('/').at(-1) as string;
    projects[name] = { root, name, tags: ['nx-multiarch', 'phase:foundation'] };
    projectFileMap[name] = [];
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), text);
    const owner =
      roots
        .find((root) => file.startsWith(`${root}/`))
        ?.split('/')
        .at(-1) ?? 'acme-platform';
    projectFileMap[owner].push({ file, hash: '1' });
  }
  const fileMap = { projectFileMap, nonProjectFiles: [] };
  return { workspaceRoot, projects, externalNodes: {}, fileMap, filesToProcess: fileMap, nxJsonConfiguration: {} };
}

const edges = async (ctx: CreateDependenciesContext, options: object = OPTIONS) =>
  (await createDependencies(options, ctx)).map((d) =>
    'sourceFile' in d && d.sourceFile
      ? `${d.source} -> ${d.target} (${d.sourceFile})`
      : `${d.source} -> ${d.target} (${d.type})`,
  );

describe('imageOwners', () => {
  it('maps image names with and without the registry to components', () => {
    const ctx = context(
      {
        'src/gw/Dockerfile': 'FROM alpine\n',
        'src/api/Dockerfile': 'FROM alpine\n',
        'src/api/multiarch.json': '{"images":[{"name":"api"},{"name":"api-init"}]}',
      },
      ['src/gw', 'src/api'],
    );
    const options = normalizePluginOptions({ registry: '127.0.0.1:5000', imagePrefix: 'acme/' });
    const components = ['src/gw', 'src/api'].map((root) => readComponent(root, ctx.workspaceRoot, options));
    expect([...imageOwners(components)]).toEqual([
      ['127.0.0.1:5000/acme/gw', 'gw'],
      ['docker.io/acme/gw', 'gw'],
      ['127.0.0.1:5000/acme/api', 'api'],
      ['docker.io/acme/api', 'api'],
      ['127.0.0.1:5000/acme/api-init', 'api'],
      ['docker.io/acme/api-init', 'api'],
    ]);
  });
});

describe('createDependencies', () => {
  it('adds static edges for FROM, ARG-built FROM, COPY --from and RUN --mount from= on component images only', async () => {
    const ctx = context(
      {
        'src/gateway/Dockerfile': 'FROM alpine:3.20\n',
        'src/api/Dockerfile': 'FROM busybox AS build\nFROM build\n',
        'src/api/multiarch.json': '{"images":[{"name":"api"},{"name":"api-init"}]}',
        'src/portal/Dockerfile':
          'ARG TAG=latest\nFROM acme/gateway:${TAG}-${TARGETARCH}\nCOPY --from=acme/api-init:latest /x /x\n',
        'src/tools/Dockerfile':
          'FROM --platform=$BUILDPLATFORM alpine AS b\nRUN --mount=type=bind,from=docker.io/acme/api:1,target=/a true\nFROM scratch\n',
        'src/vcs/Dockerfile': 'FROM gitea/gitea:1.22\nFROM acme/vcs:old\n',
      },
      ['src/gateway', 'src/api', 'src/portal', 'src/tools', 'src/vcs'],
    );
    expect(await edges(ctx)).toEqual([
      'portal -> gateway (src/portal/Dockerfile)',
      'portal -> api (src/portal/Dockerfile)',
      'tools -> api (src/tools/Dockerfile)',
    ]);
  });

  it('reads a Dockerfile.tpl rendered with .env over .env.example, and ARG values from them', async () => {
    const ctx = context(
      {
        '.env.example': 'GATEWAY_IMAGE=acme/old-gateway:1\nBASE_IMAGE=alpine:3.20\n',
        '.env': 'GATEWAY_IMAGE=acme/gateway:2\nBASE_IMAGE=acme/api:1\n',
        'src/gateway/Dockerfile.tpl': 'FROM alpine:{{ALPINE_VERSION}}\n',
        'src/api/Dockerfile': 'FROM alpine\n',
        'src/portal/Dockerfile.tpl': 'ARG BASE_IMAGE=busybox\nFROM {{GATEWAY_IMAGE}}\nFROM ${BASE_IMAGE}\n',
      },
      ['src/gateway', 'src/api', 'src/portal'],
    );
    expect(await edges(ctx)).toEqual([
      'portal -> gateway (src/portal/Dockerfile.tpl)',
      'portal -> api (src/portal/Dockerfile.tpl)',
    ]);
  });

  it('makes every dependent depend on every foundation, unless "after" names its predecessors', async () => {
    const ctx = context(
      {
        'src/hub/Dockerfile': 'FROM alpine\n',
        'src/vcs/Dockerfile': 'FROM alpine\n',
        'src/api/Dockerfile': 'FROM alpine\n',
        'src/api/multiarch.json': '{"phase":"dependent"}',
        'src/docs/Dockerfile': 'FROM alpine\n',
        'src/docs/multiarch.json': '{"phase":"dependent","after":["api"]}',
      },
      ['src/hub', 'src/vcs', 'src/api', 'src/docs'],
    );
    expect(await edges(ctx)).toEqual(['api -> hub (implicit)', 'api -> vcs (implicit)', 'docs -> api (implicit)']);
  });

  it('makes a component depend on its build-time services, and prefers the image edge over the phase edge', async () => {
    const ctx = context(
      {
        'src/hub/Dockerfile': 'FROM alpine\n',
        'src/gateway/Dockerfile': 'FROM alpine\n',
        'src/worker/Dockerfile': 'FROM acme/gateway:latest\n',
        'src/worker/multiarch.json': '{"phase":"dependent","services":[{"project":"hub","port":80}]}',
      },
      ['src/hub', 'src/gateway', 'src/worker'],
    );
    expect(await edges(ctx)).toEqual(['worker -> gateway (src/worker/Dockerfile)', 'worker -> hub (implicit)']);
  });

  it('names the cycle when components depend on each other', async () => {
    const ctx = context(
      {
        'src/a/Dockerfile': 'FROM acme/b:1\n',
        'src/b/Dockerfile': 'FROM alpine\n',
        'src/b/multiarch.json': '{"services":[{"project":"c","port":80}]}',
        'src/c/Dockerfile': 'FROM alpine\n',
        'src/c/multiarch.json': '{"phase":"dependent","after":["a"]}',
      },
      ['src/a', 'src/b', 'src/c'],
    );
    await expect(edges(ctx)).rejects.toThrow(
      'nx-multiarch: the components depend on each other in a cycle: ' +
        'a -> b (a uses its image: src/a/Dockerfile) -> c (b needs it running) -> a (c lists it in "after"). ' +
        'Fix: remove one of these references, or change a phase / "after" in its multiarch.json',
    );
  });

  it('skips components whose config is broken (createNodes reports those)', async () => {
    const ctx = context(
      { 'src/a/Dockerfile': 'FROM acme/b\n', 'src/b/Dockerfile': 'FROM alpine\n', 'src/b/multiarch.json': '{"x":1}' },
      ['src/a', 'src/b'],
    );
    expect(await edges(ctx)).toEqual([]);
  });
});
