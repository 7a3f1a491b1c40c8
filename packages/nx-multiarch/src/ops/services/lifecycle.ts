import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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
  runServiceArgs,
} from '../../cli/docker/container';
import { processAlive } from '../../infra/state/lock';
import { waitForHealth } from './health';
import { installSignalHandlers, live, removeNow, starting, untilStopped } from './interrupt';
import type { Log } from '../../core/log';
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

export interface RunningService {
  spec: ServiceSpec;
  container: string;
  image: string;
  arch: Arch;
  ip: string;
  addHost: string;
  buildArgs: Record<string, string>;
}

// A run killed with SIGKILL cannot clean up; the next run on this host removes what it left.
async function removeOrphans(host: string, log: Log): Promise<void> {
  const { stdout } = await docker(ownedContainersArgs(host), { timeoutMs: DOCKER_TIMEOUT_MS });
  const orphans = parseOwnedContainers(stdout).filter(({ pid }) => pid !== process.pid && !processAlive(pid));
  if (orphans.length === 0) return;
  log.warn(`nx-multiarch: removing ${orphans.length} build-time service container(s) left by a killed run`);
  await removeNow(orphans.map((o) => o.id));
}

async function logsTail(container: string): Promise<string> {
  try {
    const { all } = await docker(containerLogsArgs(container), { timeoutMs: DOCKER_TIMEOUT_MS });
    return all.trim();
  } catch {
    return '';
  }
}

async function startOne(
  consumer: string,
  spec: ServiceSpec,
  buildArch: Arch,
  runId: string,
  log: Log,
): Promise<RunningService> {
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
  log.info(`nx-multiarch: starting ${what} as ${container}`);
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
  log.info(`nx-multiarch: ${spec.project} (${arch}) is healthy at ${url} after ${(outcome.ms / 1000).toFixed(1)} s`);
  return { spec, container, image, arch, ip, addHost: serviceAddHost(spec, ip), buildArgs: serviceBuildArgs(spec, ip) };
}

/** Starts every service a build needs, healthy, or none: a failure removes what already started. */
export async function startServices(
  consumer: string,
  specs: readonly ServiceSpec[],
  buildArch: Arch,
  log: Log,
): Promise<RunningService[]> {
  if (specs.length === 0) return [];
  installSignalHandlers(log);
  await removeOrphans(hostname(), log);
  const runId = randomBytes(3).toString('hex');
  const started: RunningService[] = [];
  try {
    for (const spec of specs) started.push(await startOne(consumer, spec, buildArch, runId, log));
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
