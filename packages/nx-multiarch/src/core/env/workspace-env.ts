import { constants, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { expand } from 'dotenv-expand';

export interface EnvFiles {
  /** Workspace-relative `.env` (the user's values, usually gitignored). */
  envFile: string;
  /** Workspace-relative `.env.example` (committed defaults). */
  exampleFile: string;
}

export const DEFAULT_ENV_FILES: EnvFiles = { envFile: '.env', exampleFile: '.env.example' };

export type ValueSource = 'shell' | 'env-file' | 'example-file' | 'plugin-options';

export interface WorkspaceEnv {
  /** Every name the workspace defines, with its winning value. */
  values: Record<string, string>;
  /** Where each value came from, for messages. */
  sources: Record<string, ValueSource>;
}

export interface EnvLayers {
  /** `templateValues` from the plugin options: the lowest layer. */
  options?: Readonly<Record<string, string>>;
  example?: string;
  env?: string;
  /** The process environment: it overrides file values, as Nx's own .env loading does, so CI can set one. */
  shell: Readonly<Record<string, string | undefined>>;
}

/**
 * The names come from the files (and plugin options), never from the whole shell environment: a Dockerfile
 * that declares `ARG USER` must not receive the builder's login name. Precedence: shell > .env > .env.example > options.
 */
export function resolveWorkspaceEnv(layers: EnvLayers): WorkspaceEnv {
  const options = { ...layers.options };
  const example = layers.example === undefined ? {} : parse(layers.example);
  const env = layers.env === undefined ? {} : parse(layers.env);
  const merged: Record<string, string> = { ...options, ...example, ...env };
  const shell = Object.fromEntries(
    Object.entries(layers.shell).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  // `${VAR}` and `${VAR:-default}` expand against the shell first, then the files, like Nx's loader.
  const values = { ...(expand({ parsed: merged, processEnv: { ...shell } }).parsed ?? merged) };
  const sources: Record<string, ValueSource> = {};
  for (const name of Object.keys(merged)) {
    // dotenv-expand only lets a non-empty shell value win; an empty one (`HTTP_PROXY= nx ...`) is set too.
    if (Object.hasOwn(shell, name)) values[name] = shell[name];
    sources[name] =
      name in shell ? 'shell' : name in env ? 'env-file' : name in example ? 'example-file' : 'plugin-options';
  }
  return { values, sources };
}

function readIfPresent(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function readWorkspaceEnv(
  workspaceRoot: string,
  files: EnvFiles,
  shell: Readonly<Record<string, string | undefined>>,
  options?: Readonly<Record<string, string>>,
): WorkspaceEnv {
  return resolveWorkspaceEnv({
    ...(options && { options }),
    example: readIfPresent(join(workspaceRoot, files.exampleFile)),
    env: readIfPresent(join(workspaceRoot, files.envFile)),
    shell,
  });
}

/** Creates `.env` from `.env.example` when it is missing (what users of the old script expect); true if created. */
export function ensureEnvFile(workspaceRoot: string, files: EnvFiles): boolean {
  const env = join(workspaceRoot, files.envFile);
  const example = join(workspaceRoot, files.exampleFile);
  if (existsSync(env) || !existsSync(example)) return false;
  try {
    // EXCL: a parallel task may have created it a moment ago; theirs is as good as ours.
    copyFileSync(example, env, constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
