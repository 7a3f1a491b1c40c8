import { optionalStrings } from '../../core/config/optional-strings';
import { ConfigError, PluginError } from '../../core/failure/errors';
import { type Arch, ociPlatform } from '../../core/platform';

export interface BuildRequest {
  context: string;
  dockerfile: string;
  platform: Arch;
  tags: readonly string[];
  target?: string;
  buildArgs: Readonly<Record<string, string>>;
  metadataFile: string;
  load: boolean;
  push: boolean;
  /** buildx builder to use; absent: buildx's current builder. */
  builder?: string;
  /** `host` lets RUN steps reach services on the build machine's loopback. */
  network?: 'host' | 'none';
  /** `name:ip` entries for /etc/hosts of RUN steps (build-time services). */
  addHosts?: readonly string[];
  noCache?: boolean;
  /** `--secret` values (`id=x,env=NAME` / `id=x,src=path`): where a secret is, never what it is. */
  secrets?: readonly string[];
  /** `--build-context` values (`name=oci-layout://dir@digest`): images built here, for container builders. */
  buildContexts?: readonly string[];
  /** More `--output` values beside load and push (an OCI layout for dependents). */
  outputs?: readonly string[];
  cacheFrom?: readonly string[];
  cacheTo?: readonly string[];
  /** `--label` per entry, sorted by name (image config). */
  labels?: Readonly<Record<string, string>>;
  /** `--annotation` values (`key=value`: manifest or index). */
  annotations?: readonly string[];
  /** `--ssh` values (`default`, `id=path`). */
  ssh?: readonly string[];
  pull?: boolean;
  /** `--provenance` value (`false`, `mode=min`, `mode=max`); absent: buildx's default. */
  provenance?: string;
  /** `--sbom` value (`true`, `false`); absent: buildx's default. */
  sbom?: string;
  /** The user's own flags, checked against the plugin's, before the context. */
  extraArgs?: readonly string[];
}

/**
 * RUN steps get the host network when the builder has it (they then reach a proxy or service on the
 * host's loopback), unless the component asks otherwise; a component that needs it fails clearly without it.
 */
export function resolveBuildNetwork(
  requested: 'default' | 'host' | 'none' | undefined,
  builder: { name: string; hostNetwork: boolean } | undefined,
  source: string,
): 'host' | 'none' | undefined {
  if (requested === 'none') return 'none';
  if (requested === 'default') return undefined;
  if (builder?.hostNetwork) return 'host';
  if (requested === 'host') {
    throw new ConfigError(
      source,
      'network',
      `needs host networking but builder ${builder?.name ?? '(buildx default)'} has none`,
      'run builder-setup with driver docker-container (network=host) or docker',
    );
  }
  return undefined;
}

/**
 * `--load`/`--push` for a build: on the docker driver the image exporter writes to the daemon's store and pushes from
 * there, so `--push` alone also loads; adding `--load` makes BuildKit before 0.13 (Engine 20.10's) fail with
 * "multiple outputs currently unsupported".
 */
export function outputs(
  load: boolean,
  push: boolean,
  driver: 'docker' | 'docker-container' | 'remote',
): { load: boolean; push: boolean } {
  return { load: load && !(push && driver === 'docker'), push };
}

// Fixed flag order so argv tables in tests stay readable and diffs stay small; labels after the inputs and hosts.
export function buildArgs(request: BuildRequest): string[] {
  const args = ['buildx', 'build'];
  if (request.builder) args.push('--builder', request.builder);
  args.push('--platform', ociPlatform(request.platform), '--file', request.dockerfile);
  args.push('--progress', 'plain', '--metadata-file', request.metadataFile);
  for (const tag of request.tags) args.push('--tag', tag);
  if (request.target) args.push('--target', request.target);
  for (const name of Object.keys(request.buildArgs).sort()) {
    args.push('--build-arg', `${name}=${request.buildArgs[name]}`);
  }
  for (const secret of request.secrets ?? []) args.push('--secret', secret);
  for (const ssh of request.ssh ?? []) args.push('--ssh', ssh);
  for (const context of request.buildContexts ?? []) args.push('--build-context', context);
  for (const host of request.addHosts ?? []) args.push('--add-host', host);
  if (request.network) args.push('--network', request.network);
  if (request.network === 'host') args.push('--allow', 'network.host');
  const labels = request.labels ?? {};
  for (const name of Object.keys(labels).sort()) args.push('--label', `${name}=${labels[name]}`);
  for (const annotation of request.annotations ?? []) args.push('--annotation', annotation);
  for (const cache of request.cacheFrom ?? []) args.push('--cache-from', cache);
  for (const cache of request.cacheTo ?? []) args.push('--cache-to', cache);
  if (request.noCache) args.push('--no-cache');
  if (request.pull) args.push('--pull');
  if (request.provenance) args.push(`--provenance=${request.provenance}`);
  if (request.sbom) args.push(`--sbom=${request.sbom}`);
  for (const output of request.outputs ?? []) args.push('--output', output);
  if (request.load) args.push('--load');
  if (request.push) args.push('--push');
  args.push(...(request.extraArgs ?? []), request.context);
  return args;
}

const metadataSchema = optionalStrings(
  'containerimage.digest',
  'containerimage.config.digest',
  'image.name',
  'buildx.build.ref',
).passthrough();

export interface BuildMetadata {
  /** Manifest digest when the exporter produced one (push, containerd store); else absent. */
  digest?: string;
  /** Image config digest: with the classic docker store this is the image ID. */
  configDigest?: string;
  imageNames: string[];
  buildRef?: string;
}

/** Parses the JSON buildx writes with `--metadata-file`. */
export function parseBuildMetadata(text: string, file: string): BuildMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PluginError(`${file}: buildx metadata is not JSON (${(error as Error).message})`);
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) throw new PluginError(`${file}: unexpected buildx metadata: ${parsed.error.message}`);
  const data = parsed.data;
  return {
    ...(data['containerimage.digest'] && { digest: data['containerimage.digest'] }),
    ...(data['containerimage.config.digest'] && { configDigest: data['containerimage.config.digest'] }),
    imageNames: (data['image.name'] ?? '').split(',').filter(Boolean),
    ...(data['buildx.build.ref'] && { buildRef: data['buildx.build.ref'] }),
  };
}
