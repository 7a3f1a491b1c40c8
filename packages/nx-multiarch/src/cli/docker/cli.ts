import { run, type RunOptions, type RunResult } from '../exec';

/** The docker CLI; buildx runs as its plugin (`docker buildx ...`). */
export const DOCKER = 'docker';

/**
 * The one way the plugin reaches a process: the docker CLI, through cli/exec.ts (argv only, always a timeout).
 * Operations that specs script take it as a parameter, defaulting to this one.
 */
export type Docker = (args: readonly string[], options: RunOptions) => Promise<RunResult>;

export const docker: Docker = (args, options) => run(DOCKER, args, options);
