import { AUTOMATIC_ARGS } from '../dockerfile/parse';
import type { WorkspaceEnv } from '../env/workspace-env';
import { isSecretName } from '../secret/names';

export interface EnvBuildArgs {
  /** Declared ARGs that .env (or .env.example, or the shell over them) defines. */
  args: Record<string, string>;
  /** Declared ARGs with a value that looks like a credential: not passed (image history keeps build args). */
  withheld: string[];
}

/** Only what the Dockerfile declares, never the whole .env (the old script passed all 524 keys, passwords included). */
export function envBuildArgs(declared: readonly string[], env: WorkspaceEnv): EnvBuildArgs {
  const args: Record<string, string> = {};
  const withheld: string[] = [];
  for (const name of declared) {
    // BuildKit sets these from --platform; a value from .env would silently build for the wrong arch.
    if (AUTOMATIC_ARGS.includes(name) || !Object.hasOwn(env.values, name)) continue;
    if (isSecretName(name)) withheld.push(name);
    else args[name] = env.values[name];
  }
  return { args, withheld };
}
