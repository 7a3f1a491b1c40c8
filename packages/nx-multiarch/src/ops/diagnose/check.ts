import type { InspectedBuilder } from '../../cli/buildx/builder';
import { FINGERPRINT_OPT } from '../../cli/buildx/builder';
import { atLeast, type BuildxVersion } from '../../cli/buildx/version';
import type { ProbeResult } from '../../infra/network/probe';
import { redactUrl } from '../../core/network/proxy';
import type { Arch } from '../../core/platform';

export type Verdict = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Stable id for machines: `daemon`, `buildx`, `qemu:arm64`, `builder`, `mirror:<url>`, ... */
  id: string;
  verdict: Verdict;
  /** What was found, one line. */
  detail: string;
  /** What to do about it, one line; absent when ok. */
  remedy?: string;
  ms?: number;
}

export function daemonCheck(version: string | undefined, error: string | undefined, ms: number): Check {
  if (version) return { id: 'daemon', verdict: 'ok', detail: `Docker Engine ${version} answers`, ms };
  return {
    id: 'daemon',
    verdict: 'fail',
    detail: `no Docker daemon answers (${error ?? 'no answer'})`,
    remedy: 'start dockerd (e.g. systemctl start docker) or point DOCKER_HOST at the daemon that runs',
    ms,
  };
}

export function buildxCheck(version: BuildxVersion | undefined, error: string | undefined): Check {
  if (!version) {
    return {
      id: 'buildx',
      verdict: 'fail',
      detail: `buildx is missing (${error ?? 'no answer'})`,
      remedy: 'install the docker-buildx plugin (Debian: docker-buildx)',
    };
  }
  if (!atLeast(version, 0, 13)) {
    return {
      id: 'buildx',
      verdict: 'warn',
      detail: `buildx ${version.raw} is older than 0.13`,
      remedy: 'upgrade buildx; older versions lack --buildkitd-config and the network.host default',
    };
  }
  return { id: 'buildx', verdict: 'ok', detail: `buildx ${version.raw}` };
}

/** `/proc/sys/fs/binfmt_misc/qemu-<arch>` contents, or undefined when absent. */
export function qemuCheck(
  arch: Arch,
  hostArch: Arch,
  registration: string | undefined,
  probe?: { output?: string; error?: string },
  builderNative: readonly Arch[] = [],
): Check {
  const id = `qemu:${arch}`;
  if (arch === hostArch) return { id, verdict: 'ok', detail: `${arch} is native here` };
  // builder-setup recorded a node declared for this platform: buildx sends its builds there, not to QEMU.
  if (builderNative.includes(arch))
    return { id, verdict: 'ok', detail: `${arch} builds on a native node of the builder` };
  const qemuName = arch === 'arm64' ? 'aarch64' : 'x86_64';
  if (!registration) {
    return {
      id,
      verdict: 'fail',
      detail: `qemu-${qemuName} is not registered in binfmt_misc: ${arch} RUN steps cannot execute`,
      remedy: `register QEMU for ${arch} in binfmt_misc (Debian: apt-get install qemu-user-static binfmt-support), or add a native ${arch} node to the builder`,
    };
  }
  if (!/^enabled/m.test(registration)) {
    return {
      id,
      verdict: 'fail',
      detail: `qemu-${qemuName} is registered but disabled`,
      remedy: `echo 1 > /proc/sys/fs/binfmt_misc/qemu-${qemuName}`,
    };
  }
  const flags = /^flags: (\S*)/m.exec(registration)?.[1] ?? '';
  if (!flags.includes('F')) {
    return {
      id,
      verdict: 'warn',
      detail: `qemu-${qemuName} is registered without the F flag (flags ${flags || 'none'})`,
      remedy: 'register it with the F flag so the interpreter also works inside build containers',
    };
  }
  if (probe?.error)
    return {
      id,
      verdict: 'fail',
      detail: `an ${arch} container did not run: ${probe.error}`,
      remedy: 'check the QEMU registration and the probe image',
    };
  if (probe?.output !== undefined && probe.output.trim() !== qemuName) {
    return {
      id,
      verdict: 'fail',
      detail: `an ${arch} container reported uname -m = ${probe.output.trim()}`,
      remedy: 'the image or QEMU is not what it claims; rerun with a multi-arch probe image',
    };
  }
  return {
    id,
    verdict: 'ok',
    detail: `qemu-${qemuName} registered (flags ${flags})${probe?.output ? `; uname -m in an ${arch} container: ${probe.output.trim()}` : ''}`,
  };
}

/** The builder builds will use: present, running, host network, entitlement, current config. */
export function builderCheck(
  name: string,
  builder: InspectedBuilder | undefined,
  expectedFingerprint: string | undefined,
  error?: string,
): Check {
  if (!builder) {
    return {
      id: 'builder',
      verdict: 'fail',
      detail: `builder ${name} does not exist${error ? ` (${error})` : ''}`,
      remedy: 'run the builder-setup target (nx run <workspace>:builder-setup)',
    };
  }
  if (builder.driver === 'docker') {
    return {
      id: 'builder',
      verdict: 'ok',
      detail: `builder ${name} uses the docker driver: BuildKit inside dockerd, which reads daemon.json itself`,
    };
  }
  const problems: string[] = [];
  for (const node of builder.nodes) {
    if (builder.driver === 'docker-container' && node.driverOptions.network !== 'host')
      problems.push(`node ${node.name} is not on the host network`);
    if (builder.driver === 'docker-container' && !node.buildkitdFlags.join(' ').includes('network.host')) {
      problems.push(`node ${node.name} lacks --allow-insecure-entitlement network.host`);
    }
    if (expectedFingerprint && node.driverOptions[FINGERPRINT_OPT] !== expectedFingerprint) {
      problems.push(`node ${node.name} was set up from an older daemon.json or other options`);
    }
  }
  if (problems.length)
    return {
      id: 'builder',
      verdict: 'fail',
      detail: `builder ${name}: ${problems.join('; ')}`,
      remedy: 'rerun builder-setup: it recreates the builder from the current configuration',
    };
  const statuses = builder.nodes.map((n) => `${n.name} ${n.status}`).join(', ');
  const running = builder.nodes.every((n) => n.status === 'running');
  return {
    id: 'builder',
    verdict: running ? 'ok' : 'warn',
    detail: `builder ${name} (${builder.driver}): host network, entitlement, current config; ${statuses}`,
    ...(!running && { remedy: `it starts on first use; to check now: docker buildx inspect --bootstrap ${name}` }),
  };
}

export function mirrorCheck(url: string, result: ProbeResult): Check {
  const id = `mirror:${redactUrl(url)}`;
  if (result.ok)
    return {
      id,
      verdict: 'ok',
      detail: `${redactUrl(url)}/v2/ answered ${result.status} in ${result.ms} ms`,
      ms: result.ms,
    };
  return {
    id,
    verdict: 'fail',
    detail: `${redactUrl(url)}/v2/ is dead: ${result.error} (${result.ms} ms)`,
    remedy:
      'fix or remove this mirror in daemon.json, then rerun builder-setup: BuildKit tries mirrors in order and each dead one costs a timeout',
    ms: result.ms,
  };
}

export function proxyCheck(kind: string, url: string, result: ProbeResult): Check {
  const id = `proxy:${kind}`;
  if (result.ok)
    return {
      id,
      verdict: 'ok',
      detail: `${kind} ${redactUrl(url)} accepts connections (${result.ms} ms)`,
      ms: result.ms,
    };
  return {
    id,
    verdict: 'fail',
    detail: `${kind} ${redactUrl(url)} is unreachable: ${result.error}`,
    remedy: 'fix the proxy address in daemon.json proxies / ~/.docker/config.json / HTTP(S)_PROXY',
    ms: result.ms,
  };
}

export function dnsCheck(host: string, result: ProbeResult, hasMirrors: boolean): Check {
  const id = `dns:${host}`;
  if (result.ok) return { id, verdict: 'ok', detail: `${host} resolves (${result.ms} ms)`, ms: result.ms };
  return {
    id,
    verdict: hasMirrors ? 'warn' : 'fail',
    detail: `${host} does not resolve: ${result.error}`,
    remedy: hasMirrors
      ? 'fine while every base image comes through a mirror'
      : 'fix DNS, or configure a registry mirror in daemon.json',
    ms: result.ms,
  };
}

export function tokenCheck(result: ProbeResult, hasMirrors: boolean): Check {
  if (result.ok)
    return {
      id: 'docker-hub-token',
      verdict: 'ok',
      detail: `Docker Hub's token endpoint answered ${result.status} in ${result.ms} ms`,
      ms: result.ms,
    };
  return {
    id: 'docker-hub-token',
    verdict: hasMirrors ? 'warn' : 'fail',
    detail: `Docker Hub's token endpoint is unreachable: ${result.error}`,
    remedy: hasMirrors
      ? 'builds must get docker.io images from the mirrors; an image a mirror lacks fails with "failed to fetch oauth token"'
      : 'configure registry-mirrors in daemon.json (or a proxy) and rerun builder-setup: this is the "failed to fetch oauth token ... i/o timeout" error',
    ms: result.ms,
  };
}
