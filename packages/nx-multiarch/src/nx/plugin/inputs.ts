import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import type { Component } from '../../core/component/component';
import { AUTOMATIC_ARGS, parseDockerfile } from '../../core/dockerfile/parse';
import { dockerignoreExclusions } from '../../core/image/build-context';
import type { NormalizedPluginOptions } from '../../core/options/plugin';
import { placeholders } from '../../core/template/render';

type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

function read(workspaceRoot: string, file: string): string {
  return readFileSync(join(workspaceRoot, file), 'utf8');
}

// A context other than the component directory: its files as buildx sends them (.dockerignore applied).
function contextInputs(contextDir: string, root: string, workspaceRoot: string): string[] {
  if (contextDir === root) return [];
  const base = contextDir === '.' ? '{workspaceRoot}' : `{workspaceRoot}/${contextDir}`;
  const ignore = join(workspaceRoot, contextDir, '.dockerignore');
  const excluded = existsSync(ignore) ? dockerignoreExclusions(readFileSync(ignore, 'utf8')) : [];
  return [`${base}/**/*`, ...excluded.map((pattern) => `!${base}/${pattern}`)];
}

// ARGs a value from .env can reach: their env inputs make a changed value a changed hash (.env itself is gitignored).
function envArgInputs(component: Component, workspaceRoot: string): InputDefinition[] {
  if (!component.dockerfileSource) return [];
  const declared = parseDockerfile(read(workspaceRoot, component.dockerfileSource)).declaredArgs;
  return declared.filter((name) => !AUTOMATIC_ARGS.includes(name)).map((env) => ({ env }));
}

/** The component's `dockerImage` named input: what its image is made of. */
export function imageInputs(
  component: Component,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
): InputDefinition[] {
  return [
    '{projectRoot}/**/*',
    ...contextInputs(component.context, component.root, workspaceRoot),
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
