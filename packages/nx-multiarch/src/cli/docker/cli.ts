import { run, type RunOptions, type RunResult } from '../exec';

/** The docker CLI; buildx runs as its plugin (`docker buildx ...`). */
export const DOCKER = 'docker';

export function docker(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return run(DOCKER, args, options);
}
