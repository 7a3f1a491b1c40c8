import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { logger } from '@nx/devkit';
import { docker } from '../../cli/docker/cli';
import { inspectImageArgs, parseImageInspect, verifyImagePlatform } from '../../cli/docker/image';
import { CommandError } from '../../core/failure/errors';
import { httpProbe } from '../../infra/network/probe';
import { type Arch, nativeArch } from '../../core/platform';
import {
  containerLogsArgs,
  inspectContainerArgs,
  LABEL_OWNER_HOST,
  LABEL_OWNER_PID,
  LABEL_SERVICE,
  ownedContainersArgs,
  parseContainerInspect,
  parseOwnedContainers,
  removeContainersArgs,
  runServiceArgs,
} from '../../cli/docker/container';
import { waitForHealth } from './health';
import {
  serviceAddHost,
  serviceArch,
  serviceBuildArgs,
  serviceContainerName,
  ServiceError,
  serviceImage,
  type ServiceSpec,
} from '../../core/options/service';

const DOCKER_TIMEOUT_MS = 60_000;
const PROBE_TIMEOUT_MS = 2_000;
const POLL_INTERVAL_MS = 500;
/** How long an interrupted run keeps trying to remove its services before it gives up (and says how to). */
export const STOP_DEADLINE_MS = 60_000;
const STOP_RETRY_MS = 250;

export interface RunningService {
  spec: ServiceSpec;
  container: string;
  image: string;
  arch: Arch;
  ip: string;
  addHost: string;
  buildArgs: Record<string, string>;
}

// Containers this process started and has not removed yet.
const live = new Set<string>();
// `docker run`s in flight: the container one creates must not appear after an interrupted run has looked.
const starting = new Set<Promise<unknown>>();
let handlersInstalled = false;
// The first signal's cleanup: every service of this process removed, then the process dies of that signal.
let stopping: Promise<void> | undefined;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Removals never get our own signals passed on (process/exec.ts): a Ctrl-C must not kill the `docker rm` it started.
function removeNow(names: string[]): Promise<unknown> {
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
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of Object.keys(codes) as NodeJS.Signals[]) {
    handlers.set(signal, () => {
      if (stopping) return;
      // Nx may be gone before us (a second Ctrl-C ends it): writing to its closed pipe must not end the cleanup.
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
      stopping = stopAll(signal).finally(() => {
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

async function stopAll(signal: string): Promise<void> {
  if (live.size > 0) logger.warn(`nx-multiarch: ${signal}: removing build-time services ${[...live].join(', ')}`);
  const left = await removeOwnContainers();
  if (left.length > 0) {
    logger.error(
      `nx-multiarch: ${signal}: build-time service container(s) still there after ${STOP_DEADLINE_MS / 1000} s; ` +
        `remove them with: docker rm --force ${left.join(' ')} (the next build on this host removes them too)`,
    );
  }
}

/** Interrupted: wait until the signal's cleanup ends the process, so that nothing else ends it first. */
async function untilStopped(): Promise<void> {
  if (stopping) {
    await stopping;
    await new Promise<never>(() => undefined);
  }
}

// A run killed with SIGKILL cannot clean up; the next run on this host removes what it left.
async function removeOrphans(host: string): Promise<void> {
  const { stdout } = await docker(ownedContainersArgs(host), { timeoutMs: DOCKER_TIMEOUT_MS });
  const orphans = parseOwnedContainers(stdout).filter(({ pid }) => pid !== process.pid && !processAlive(pid));
  if (orphans.length === 0) return;
  logger.warn(`nx-multiarch: removing ${orphans.length} build-time service container(s) left by a killed run`);
  await removeNow(orphans.map((o) => o.id));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function logsTail(container: string): Promise<string> {
  try {
    const { all } = await docker(containerLogsArgs(container), { timeoutMs: DOCKER_TIMEOUT_MS });
    return all.trim();
  } catch {
    return '';
  }
}

async function startOne(consumer: string, spec: ServiceSpec, buildArch: Arch, runId: string): Promise<RunningService> {
  const arch = serviceArch(spec, buildArch, nativeArch(), consumer);
  const image = serviceImage(spec, arch);
  const what = `build-time service ${spec.project} (${image}) for ${consumer}'s ${buildArch} build`;
  try {
    const inspected = parseImageInspect(
      (await docker(inspectImageArgs(image), { timeoutMs: DOCKER_TIMEOUT_MS })).stdout,
    );
    verifyImagePlatform(inspected, image, arch);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw new ServiceError(
      `${what}: the image is not in the daemon; build it first: nx run ${spec.project}:build-image --platform=${arch}`,
    );
  }
  const container = serviceContainerName(consumer, spec, arch, runId);
  const labels = {
    [LABEL_SERVICE]: spec.project,
    [LABEL_OWNER_HOST]: hostname(),
    [LABEL_OWNER_PID]: String(process.pid),
  };
  // Interrupted: start nothing more (the cleanup only waits for the `docker run`s already in flight).
  await untilStopped();
  live.add(container);
  logger.info(`nx-multiarch: starting ${what} as ${container}`);
  const run = docker(runServiceArgs({ name: container, image, arch, labels }), { timeoutMs: DOCKER_TIMEOUT_MS });
  starting.add(run);
  try {
    await run;
  } finally {
    starting.delete(run);
  }
  const state = async () =>
    parseContainerInspect((await docker(inspectContainerArgs(container), { timeoutMs: DOCKER_TIMEOUT_MS })).stdout);
  const { ip } = await state();
  if (!ip) throw new ServiceError(`${what}: the container has no IPv4 address on any network`);
  const url = `http://${ip}:${spec.port}${spec.health}`;
  const outcome = await waitForHealth({
    url,
    timeoutMs: spec.timeout * 1000,
    intervalMs: POLL_INTERVAL_MS,
    probe: (u) => httpProbe(u, PROBE_TIMEOUT_MS),
    state,
  });
  if (!outcome.healthy) {
    const logs = await logsTail(container);
    throw new ServiceError(
      `${what} did not become healthy: ${outcome.reason}${logs ? `\ncontainer log (last lines):\n${logs}` : ''}`,
    );
  }
  logger.info(`nx-multiarch: ${spec.project} (${arch}) is healthy at ${url} after ${(outcome.ms / 1000).toFixed(1)} s`);
  return { spec, container, image, arch, ip, addHost: serviceAddHost(spec, ip), buildArgs: serviceBuildArgs(spec, ip) };
}

/** Starts every service a build needs, healthy, or none: a failure removes what already started. */
export async function startServices(
  consumer: string,
  specs: readonly ServiceSpec[],
  buildArch: Arch,
): Promise<RunningService[]> {
  if (specs.length === 0) return [];
  installSignalHandlers();
  await removeOrphans(hostname());
  const runId = randomBytes(3).toString('hex');
  const started: RunningService[] = [];
  try {
    for (const spec of specs) started.push(await startOne(consumer, spec, buildArch, runId));
  } catch (error) {
    await stopServices([...live].filter((name) => name.includes(`-${runId}`)));
    throw error;
  }
  // Interrupted while they started: no build begins.
  await untilStopped();
  return started;
}

export async function stopServices(containers: readonly string[]): Promise<void> {
  await untilStopped();
  if (containers.length === 0) return;
  await removeNow([...containers]);
  for (const name of containers) live.delete(name);
  // Interrupted during the removal: the signal's cleanup checks with the daemon.
  await untilStopped();
}
