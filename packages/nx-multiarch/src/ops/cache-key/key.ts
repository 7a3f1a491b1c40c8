import { createHash, randomUUID } from 'node:crypto';
import type { Standing } from './standing';

/** Nx's hash of a task, as a custom hasher gets and returns it (`Hash` of nx/src/hasher/task-hasher). */
export interface TaskHash {
  value: string;
  details: {
    command: string;
    nodes: Record<string, string>;
    implicitDeps?: Record<string, string>;
    runtime?: Record<string, string>;
  };
}

/** The details node holding what the build's reuse rule compares: the inputs, without the standing. */
export const INPUTS_NODE = 'nx-multiarch:inputs';

const digest = (parts: readonly string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);

/**
 * Nx's hash extended by what Nx cannot see: `extra` inputs read outside the workspace (daemon.json, the images a
 * build is FROM), this state directory's id, and whether what was recorded still stands. A fallen standing gets a
 * key never seen before, so no cache entry can answer for it and the task runs.
 */
export function extendHash(
  base: TaskHash,
  extra: Readonly<Record<string, string>>,
  workspace: string,
  standing: Standing,
  unique: () => string = randomUUID,
  /** In the key but not in the inputs: what a run selects (its platforms), which reuse looks at per image. */
  selection = '',
): TaskHash {
  const names = Object.keys(extra).sort();
  const inputs = digest([base.value, ...names.map((name) => `${name}=${extra[name]}`)]);
  const stands = standing.ok ? 'recorded results in place' : `rerun: ${standing.why}`;
  return {
    value: digest([inputs, selection, workspace, standing.ok ? 'in place' : unique()]),
    details: {
      ...base.details,
      nodes: {
        ...base.details.nodes,
        ...Object.fromEntries(names.map((name) => [`nx-multiarch:${name}`, digest([extra[name]])])),
        [INPUTS_NODE]: inputs,
        'nx-multiarch:workspace': workspace,
        'nx-multiarch:standing': stands,
      },
    },
  };
}
