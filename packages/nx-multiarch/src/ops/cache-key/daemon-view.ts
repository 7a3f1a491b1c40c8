import { type Docker, docker as realDocker } from '../../cli/docker/cli';
import {
  type DaemonObjects,
  inspectObjectsArgs,
  onlyMissingNames,
  parseInspectedObjects,
} from '../../cli/docker/objects';
import { PluginError } from '../../core/failure/errors';

// One inspect of a few hundred names takes well under a second; a daemon that does not answer in this gets none.
const VIEW_TIMEOUT_MS = 20_000;

/**
 * What the daemon holds of `names` (containers, image IDs), in one `docker inspect`; undefined when the daemon did
 * not answer, which vouches for nothing.
 */
export async function viewDaemon(
  names: readonly string[],
  env: Record<string, string | undefined>,
  docker: Docker = realDocker,
): Promise<DaemonObjects | undefined> {
  if (names.length === 0) return { images: new Map(), containers: new Map() };
  try {
    const result = await docker(inspectObjectsArgs([...new Set(names)].sort()), {
      timeoutMs: VIEW_TIMEOUT_MS,
      env,
      answeringExitCodes: [1],
    });
    if (result.exitCode !== 0 && !onlyMissingNames(result.stderr)) return undefined;
    return parseInspectedObjects(result.stdout);
  } catch (error) {
    // Out of reach, timed out, or output we cannot read: nothing vouched for.
    if (error instanceof PluginError) return undefined;
    throw error;
  }
}
