import { z } from 'zod';
import { type Arch, ociPlatform } from '../../core/platform';
import { parseInspectOutput } from './inspect-output';

/** Labels that let a later run find and remove containers a killed run left behind. */
export const LABEL_SERVICE = 'nx-multiarch.service';
export const LABEL_OWNER_HOST = 'nx-multiarch.owner-host';
export const LABEL_OWNER_PID = 'nx-multiarch.owner-pid';

export interface ServiceContainerRequest {
  name: string;
  image: string;
  arch: Arch;
  labels: Record<string, string>;
}

export function runServiceArgs(request: ServiceContainerRequest): string[] {
  const args = ['run', '--detach', '--name', request.name, '--platform', ociPlatform(request.arch)];
  for (const key of Object.keys(request.labels).sort()) args.push('--label', `${key}=${request.labels[key]}`);
  // Never pull: the service is an image this run built; a registry copy could be stale or the wrong arch.
  args.push('--pull', 'never', request.image);
  return args;
}

export function inspectContainerArgs(name: string): string[] {
  return ['container', 'inspect', name];
}

export function removeContainersArgs(names: readonly string[]): string[] {
  return ['rm', '--force', '--volumes', ...names];
}

export function containerLogsArgs(name: string, lines = 30): string[] {
  return ['logs', '--tail', String(lines), name];
}

/** Containers of this host's runs: `<id>\t<owner pid>` per line. */
export function ownedContainersArgs(host: string): string[] {
  return [
    'ps',
    '--all',
    '--filter',
    `label=${LABEL_OWNER_HOST}=${host}`,
    '--format',
    `{{.ID}}\t{{.Label "${LABEL_OWNER_PID}"}}`,
  ];
}

export function parseOwnedContainers(stdout: string): Array<{ id: string; pid: number }> {
  return stdout
    .split('\n')
    .map((line) => line.trim().split('\t'))
    .filter(([id, pid]) => id && /^\d+$/.test(pid ?? ''))
    .map(([id, pid]) => ({ id, pid: Number(pid) }));
}

const inspectSchema = z
  .array(
    z
      .object({
        State: z.object({ Status: z.string(), Running: z.boolean(), ExitCode: z.number() }).passthrough(),
        NetworkSettings: z
          .object({
            IPAddress: z.string().optional(),
            Networks: z.record(z.string(), z.object({ IPAddress: z.string().optional() }).passthrough()).optional(),
          })
          .passthrough(),
      })
      .passthrough(),
  )
  .min(1);

export interface ContainerState {
  running: boolean;
  status: string;
  exitCode: number;
  /** First IPv4 address on any network; empty when not (yet) attached. */
  ip: string;
}

/** Parses `docker container inspect` output. */
export function parseContainerInspect(stdout: string): ContainerState {
  const [container] = parseInspectOutput(stdout, inspectSchema, 'docker container inspect');
  const addresses = [
    container.NetworkSettings.IPAddress,
    ...Object.values(container.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress),
  ].filter((ip): ip is string => Boolean(ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip)));
  return {
    running: container.State.Running,
    status: container.State.Status,
    exitCode: container.State.ExitCode,
    ip: addresses[0] ?? '',
  };
}
