import { createHash } from 'node:crypto';
import {
  buildkitdConfigFromDocker,
  stringifyBuildkitdConfig,
  type CertificateLookup,
} from '../../core/buildkit/config';
import { FINGERPRINT_OPT, type BuilderSpec } from '../../cli/buildx/builder';
import { type BuilderRequest, builderNodes } from '../../core/options/builder-setup';
import type { DaemonConfig } from '../../core/docker-config/daemon';
import type { ProxySettings } from '../../core/network/proxy';

export type BuilderPlan =
  | { kind: 'docker'; name: string; hostNetwork: true; notes: string[]; warnings: string[] }
  | {
      kind: 'create';
      spec: BuilderSpec;
      toml: string;
      fingerprint: string;
      hostNetwork: boolean;
      /** remote: what the user must do on the nodes themselves, said when the file to copy there changes. */
      remoteNote?: string;
      notes: string[];
      warnings: string[];
    };

function proxyDriverOpts(proxies: ProxySettings): Array<[string, string]> {
  const opts: Array<[string, string]> = [];
  const add = (name: string, value?: string) => {
    if (value) opts.push([`env.${name}`, value], [`env.${name.toUpperCase()}`, value]);
  };
  add('http_proxy', proxies.httpProxy);
  add('https_proxy', proxies.httpsProxy);
  add('no_proxy', proxies.noProxy);
  return opts;
}

/** Decides everything about the builder from the request and the Docker configuration. Pure. */
export function planBuilder(
  request: BuilderRequest,
  docker: { daemon: DaemonConfig; proxies: ProxySettings; certificates: CertificateLookup },
): BuilderPlan {
  const warnings = [...docker.daemon.warnings];
  if (request.driver === 'docker') {
    return {
      kind: 'docker',
      name: request.name,
      hostNetwork: true,
      notes: [
        `the docker driver builds inside dockerd, which reads its own daemon.json (mirrors, proxies); nothing to inject`,
      ],
      warnings,
    };
  }
  const { config, warnings: configWarnings } = buildkitdConfigFromDocker(
    docker.daemon,
    request.registries,
    docker.certificates,
  );
  warnings.push(...configWarnings);
  const toml = stringifyBuildkitdConfig(config, docker.daemon.file ?? 'no daemon.json (none found)');
  const container = request.driver === 'docker-container';
  const driverOpts: Array<[string, string]> = container
    ? [
        ['network', 'host'],
        ...(request.image ? [['image', request.image] as [string, string]] : []),
        ...proxyDriverOpts(docker.proxies),
      ]
    : [];
  const nodes = builderNodes(request);
  const remoteNote =
    request.driver === 'remote'
      ? `remote BuildKit nodes read their own buildkitd.toml, which nx-multiarch cannot change: copy ` +
        `${request.configFile} (generated from ${docker.daemon.file ?? 'no daemon.json'}) to each of ` +
        `${nodes.map((n) => `${n.name} (${n.endpoint})`).join(', ')} and restart buildkitd there with --config <that file>`
      : undefined;
  const spec: BuilderSpec = {
    name: request.name,
    driver: request.driver,
    nodes: nodes.map((n) => ({ name: n.name, platforms: n.platforms, ...(n.endpoint && { endpoint: n.endpoint }) })),
    driverOpts,
    buildkitdFlags: container ? ['--allow-insecure-entitlement', 'network.host'] : [],
    ...(container && { configFile: request.configFile }),
    bootstrap: request.bootstrap,
  };
  // The builder carries this hash in its driver options, so `inspect` tells whether it is still current.
  const fingerprint = createHash('sha256').update(JSON.stringify({ spec, toml })).digest('hex').slice(0, 16);
  if (container) spec.driverOpts.push([FINGERPRINT_OPT, fingerprint]);
  return {
    kind: 'create',
    spec,
    toml,
    fingerprint,
    hostNetwork: container,
    ...(remoteNote && { remoteNote }),
    notes: [],
    warnings,
  };
}
