import { hostname } from 'node:os';
import { docker } from '../../cli/docker/cli';
import { ownedContainersArgs, parseOwnedContainers, removeContainersArgs } from '../../cli/docker/container';
import type { Log } from '../../core/log';

/** How long an interrupted run keeps trying to remove its services before it gives up (and says how to). */
export const STOP_DEADLINE_MS = 60_000;
const STOP_RETRY_MS = 250;

// Signals reach the whole process, so what they must clean up is the process's: one set of services per process.
// Containers this process started and has not removed yet.
export const live = new Set<string>();
// `docker run`s in flight: the container one creates must not appear after an interrupted run has looked.
export const starting = new Set<Promise<unknown>>();
let handlersInstalled = false;
// The first signal's cleanup: every service of this process removed, then the process dies of that signal.
let stopping: Promise<void> | undefined;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Removals never get our own signals passed on (process/exec.ts): a Ctrl-C must not kill the `docker rm` it started.
export function removeNow(names: string[]): Promise<unknown> {
  return docker(removeContainersArgs(names), { timeoutMs: 30_000, keepOnSignal: true }).catch(() => undefined);
}

/**
 * Removes every container this process started, as the daemon lists them (by their owner labels), until none is
 * left or `deadlineMs` has passed; returns what is left. On an interrupt a removal can be killed before it reaches
 * the daemon (Nx SIGTERMs every process under the task, `docker rm` included) or be refused because another one
 * is in progress: both are simply looked at again. A `docker run` still in flight is waited for first.
 */
export async function removeOwnContainers(deadlineMs = STOP_DEADLINE_MS): Promise<string[]> {
  const deadline = Date.now() + deadlineMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...starting]),
    new Promise((resolve) => (timer = setTimeout(resolve, deadlineMs))),
  ]);
  clearTimeout(timer);
  let left = [...live];
  for (;;) {
    let removed = false;
    try {
      const { stdout } = await docker(ownedContainersArgs(hostname()), { timeoutMs: remaining(), keepOnSignal: true });
      left = parseOwnedContainers(stdout)
        .filter(({ pid }) => pid === process.pid)
        .map(({ id }) => id);
      if (left.length === 0) {
        live.clear();
        return [];
      }
      await docker(removeContainersArgs(left), { timeoutMs: remaining(), keepOnSignal: true });
      removed = true;
    } catch {
      // Killed, timed out, or a removal already in progress: look again.
    }
    if (Date.now() >= deadline) return left;
    if (!removed) await delay(STOP_RETRY_MS);
  }
}

// Ctrl-C, or Nx stopping the task: remove the services, then die of the signal. Until then later signals (Nx follows
// the SIGINT with a SIGTERM to every process under the task) change nothing, and whatever would end the process
// first waits for this (`untilStopped`): Nx's executor runner exits as soon as build-image returns.
export function installSignalHandlers(log: Log): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of Object.keys(codes) as NodeJS.Signals[]) {
    handlers.set(signal, () => {
      if (stopping) return;
      // Nx may be gone before us (a second Ctrl-C ends it): writing to its closed pipe must not end the cleanup.
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
      stopping = stopAll(signal, log).finally(() => {
        // Die of the signal, as asked: without our handlers its default action ends the process (once
        // process/exec.ts has passed it on to the children started since the first one).
        process.exitCode = codes[signal];
        for (const [name, handler] of handlers) process.removeListener(name, handler);
        process.kill(process.pid, signal);
        // Still alive after the listeners the signal still has ran (they run first): end as asked anyway.
        setImmediate(() => process.exit(codes[signal]));
      });
    });
  }
  for (const [signal, handler] of handlers) process.on(signal, handler);
}

async function stopAll(signal: string, log: Log): Promise<void> {
  if (live.size > 0) log.warn(`nx-multiarch: ${signal}: removing build-time services ${[...live].join(', ')}`);
  const left = await removeOwnContainers();
  if (left.length > 0) {
    log.error(
      `nx-multiarch: ${signal}: build-time service container(s) still there after ${STOP_DEADLINE_MS / 1000} s; ` +
        `remove them with: docker rm --force ${left.join(' ')} (the next build on this host removes them too)`,
    );
  }
}

/** Interrupted: wait until the signal's cleanup ends the process, so that nothing else ends it first. */
export async function untilStopped(): Promise<void> {
  if (stopping) {
    await stopping;
    await new Promise<never>(() => undefined);
  }
}
