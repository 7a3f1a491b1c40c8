import type { ExecutorContext, Hash, HasherContext, ProjectConfiguration, Task } from '@nx/devkit';
import type { DaemonObjects } from '../../cli/docker/objects';
import { PluginError } from '../../core/failure/errors';
import { viewDaemon } from '../../ops/cache-key/daemon-view';
import { extendHash, INPUTS_NODE, type TaskHash } from '../../ops/cache-key/key';
import { lostToTearing } from '../../infra/state/torn-file';
import { recordedNames } from '../../ops/cache-key/recorded';
import type { Standing } from '../../ops/cache-key/standing';
import { workspaceId } from '../../infra/state/workspace-id';

/** What a custom hasher gets; Nx passes the task's own environment too (nx/src/hasher/hash-task.js). */
export type TaskHasherContext = HasherContext & { env?: NodeJS.ProcessEnv };

export const envOf = (context: TaskHasherContext): NodeJS.ProcessEnv => context.env ?? process.env;

/** The options a task runs with: its target's, its configuration's, then the command line's. */
export function taskOptions(task: Task, projects: Record<string, ProjectConfiguration>): Record<string, unknown> {
  const target = projects[task.target.project]?.targets?.[task.target.target];
  const configuration = task.target.configuration ? target?.configurations?.[task.target.configuration] : undefined;
  const overrides: Record<string, unknown> = { ...task.overrides };
  delete overrides.__overrides_unparsed__;
  return { ...target?.options, ...configuration, ...overrides };
}

/** `normalize` applied to the task's options; undefined when they do not validate (the task itself says why). */
export function normalizedOrUndefined<T>(normalize: () => T): T | undefined {
  try {
    return normalize();
  } catch (error) {
    if (error instanceof PluginError) return undefined;
    throw error;
  }
}

// One `docker inspect` per run and state directory, whichever hasher asks first: the run's task graph keys it.
const views = new WeakMap<object, Map<string, Promise<DaemonObjects | undefined>>>();

export function daemonView(context: TaskHasherContext, stateDir: string): Promise<DaemonObjects | undefined> {
  let byStateDir = views.get(context.taskGraph);
  if (!byStateDir) views.set(context.taskGraph, (byStateDir = new Map()));
  let view = byStateDir.get(stateDir);
  if (!view) {
    view = viewDaemon(recordedNames(stateDir), envOf(context));
    byStateDir.set(stateDir, view);
  }
  return view;
}

/** What a target's hasher adds to Nx's hash (ops/cache-key/key.ts). */
export interface KeyParts {
  extra: Record<string, string>;
  /** Overrides that select rather than change what is made (build-image's --platform): in the key, not the inputs. */
  selection?: string;
  /** Whose workspace id goes in; none when the options did not validate. */
  stateDir?: string;
  standing: Standing;
  /** The state files the standing was read from: one found torn (and set aside) makes it fall. */
  stateFiles?: readonly string[];
}

/** Nx's own hash of the task, extended by what it cannot see (ops/cache-key/key.ts). */
export async function extendedHash(
  task: Task,
  context: TaskHasherContext,
  parts: () => Promise<KeyParts>,
  selecting: readonly string[] = [],
): Promise<Hash> {
  // Nx hashes the overrides too; those that only select are left to the key (`selection`), out of the inputs.
  const overrides = Object.fromEntries(Object.entries(task.overrides ?? {}).filter(([k]) => !selecting.includes(k)));
  const base = (await context.hasher.hashTask({ ...task, overrides }, context.taskGraph, envOf(context))) as TaskHash;
  const { extra: inputs, stateDir, standing, selection, stateFiles = [] } = await parts();
  const workspace = stateDir ? workspaceId(stateDir) : 'unknown';
  // A torn record reads as none, like a first run's: without this the first run's cache entry would answer for it.
  const torn = stateFiles.filter(lostToTearing);
  const stands = torn.length ? { ok: false as const, why: `${torn.join(', ')} was torn and set aside` } : standing;
  return extendHash(base, inputs, workspace, stands, undefined, selection);
}

/** Options that do not validate: a key no cache entry answers, so the task runs and says what is wrong. */
export const OPTIONS_FAILED: KeyParts = {
  extra: {},
  standing: { ok: false, why: 'its options do not validate; the task says why' },
};

/** The inputs part of this task's key, as its hasher left it in the task graph; else Nx's whole hash. */
export function inputsHashOf(context: ExecutorContext, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const task = Object.values(context.taskGraph?.tasks ?? {}).find(
    (t) => t.target.project === context.projectName && t.target.target === context.targetName,
  );
  return task?.hashDetails?.nodes?.[INPUTS_NODE] ?? env.NX_TASK_HASH;
}
