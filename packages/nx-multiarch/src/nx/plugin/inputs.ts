import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import { minimatch } from 'minimatch';
import type { Component } from '../../core/component/component';
import { contextReads } from '../../core/dockerfile/context-reads';
import { AUTOMATIC_ARGS, parseDockerfile } from '../../core/dockerfile/parse';
import { dockerignoreExclusions } from '../../core/image/build-context';
import type { NormalizedPluginOptions } from '../../core/options/plugin';
import { placeholders } from '../../core/template/render';

type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

function read(workspaceRoot: string, file: string): string {
  return readFileSync(join(workspaceRoot, file), 'utf8');
}

// BuildKit applies `<Dockerfile>.dockerignore` beside the Dockerfile when there is one, else the context's.
function dockerignoreFiles(component: Component): string[] {
  return [
    ...(component.dockerfile ? [`${component.dockerfile}.dockerignore`] : []),
    posix.join(component.context, '.dockerignore'),
  ];
}

// What the build reads whatever a .dockerignore says: the Dockerfile (or its templates), multiarch.json, the ignore files.
function ownFiles(component: Component): string[] {
  const dockerfile = component.dockerfileSource ? [component.dockerfileSource] : [];
  const ignore = component.upstream ? [] : dockerignoreFiles(component);
  return [...new Set([...dockerfile, ...component.templates, component.configFile, ...ignore])];
}

/**
 * The context's files the Dockerfile reads (COPY, ADD, RUN bind mounts; all of them for `COPY .`), minus what the
 * .dockerignore excludes. Paths, not `{projectRoot}/**`: Nx's `affected` then marks a component touched by a file it
 * copies from outside its directory, and by no file it does not copy.
 */
function contextInputs(component: Component, workspaceRoot: string, kept: string[]): string[] {
  if (!component.dockerfileSource) return [];
  const base = component.context === '.' ? '{workspaceRoot}' : `{workspaceRoot}/${component.context}`;
  const reads = contextReads(read(workspaceRoot, component.dockerfileSource));
  const included = reads.whole ? ['**/*'] : reads.paths.flatMap((path) => [path, `${path}/**/*`]);
  const ignore = dockerignoreFiles(component).find((file) => existsSync(join(workspaceRoot, file)));
  const excluded = ignore ? dockerignoreExclusions(read(workspaceRoot, ignore)) : [];
  // Nx applies an exclusion to every file input: one must not drop the Dockerfile, an ignore file or .env.example.
  const inContext = kept.map((file) => posix.relative(component.context, file)).filter((f) => !f.startsWith('../'));
  const exclusions = excluded.filter((pattern) => !inContext.some((file) => minimatch(file, pattern, { dot: true })));
  return [...included.map((path) => `${base}/${path}`), ...exclusions.map((pattern) => `!${base}/${pattern}`)];
}

// ARGs a value from .env can reach: their env inputs make a changed value a changed hash (.env itself is gitignored).
function envArgInputs(component: Component, workspaceRoot: string): InputDefinition[] {
  if (!component.dockerfileSource) return [];
  const declared = parseDockerfile(read(workspaceRoot, component.dockerfileSource)).declaredArgs;
  return declared.filter((name) => !AUTOMATIC_ARGS.includes(name)).map((env) => ({ env }));
}

/** The component's `dockerImage` named input: what its image is made of, and nothing else (docs/graph.md#hashes). */
export function imageInputs(
  component: Component,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
): InputDefinition[] {
  const own = ownFiles(component);
  return [
    ...own.map((file) => `{workspaceRoot}/${file}`),
    ...contextInputs(component, workspaceRoot, [...own, options.envExample]),
    `{workspaceRoot}/${options.envExample}`,
    ...envArgInputs(component, workspaceRoot),
  ];
}

/** What render reads: the templates, .env.example, and the env variables their placeholders name. */
export function renderInputs(
  component: Component,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
): InputDefinition[] {
  const names = new Set(component.templates.flatMap((t) => placeholders(read(workspaceRoot, t)).map((p) => p.name)));
  return [
    ...component.templates.map((t) => `{workspaceRoot}/${t}`),
    `{workspaceRoot}/${options.envExample}`,
    ...[...names].filter((n) => !n.includes('.')).map((env) => ({ env })),
  ];
}
