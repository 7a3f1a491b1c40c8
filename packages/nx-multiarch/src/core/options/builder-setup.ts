import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { ExtraRegistry } from '../buildkit/config';
import { validate } from '../config/validate';
import { daemonConfigSearch, type DaemonConfigSearch } from '../docker-config/daemon';
import { ConfigError } from '../failure/errors';
import { ociPlatform, parsePlatforms } from '../platform';
import { DEFAULT_STATE_DIR } from './state-dir';

export interface BuilderNode {
  name: string;
  /** Docker endpoint (docker-container) or BuildKit address (remote); absent: the current Docker host. */
  endpoint?: string;
  /** Fixed platforms for this node, e.g. a native arm64 machine: `['linux/arm64']`. */
  platforms: string[];
}

/** Every node of the builder, the first one (`<name>0`, on `endpoint` or the Docker host) first. */
export function builderNodes(request: Pick<BuilderRequest, 'name' | 'endpoint' | 'platforms' | 'nodes'>) {
  return [{ name: `${request.name}0`, endpoint: request.endpoint, platforms: request.platforms }, ...request.nodes];
}

export interface BuilderRequest {
  name: string;
  driver: 'docker' | 'docker-container' | 'remote';
  /** Docker endpoint of the first node (docker-container) or BuildKit address (remote). */
  endpoint?: string;
  /** Platforms of the first node (OCI form); empty: whatever it supports. */
  platforms: string[];
  /** Extra nodes, e.g. a native arm64 machine, appended with `--append --node --platform`. */
  nodes: BuilderNode[];
  /** BuildKit image for docker-container builders (e.g. from a mirror: Docker Hub may be unreachable). */
  image?: string;
  registries: Record<string, ExtraRegistry>;
  bootstrap: boolean;
  /** Where the generated buildkitd.toml goes. */
  configFile: string;
}

const registrySchema = z
  .object({
    mirrors: z.array(z.string()).optional(),
    http: z.boolean().optional(),
    insecure: z.boolean().optional(),
    ca: z.array(z.string()).optional(),
    keypair: z.array(z.object({ key: z.string(), cert: z.string() }).strict()).optional(),
  })
  .strict();

// The one source of the executor's options; schema.json is checked against it by a spec.
export const builderSetupOptionsSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'letters, digits and _ . - (buildx builder name)')
      .optional(),
    driver: z.enum(['docker', 'docker-container', 'remote']).default('docker-container'),
    endpoint: z.string().optional(),
    platforms: z.array(z.string()).default([]),
    nodes: z
      .array(z.object({ name: z.string(), endpoint: z.string(), platforms: z.array(z.string()).min(1) }).strict())
      .default([]),
    image: z.string().optional(),
    probeImage: z.string().default('busybox:1.36'),
    daemonConfig: z.string().optional(),
    registries: z.record(z.string(), registrySchema).default({}),
    certsDir: z.string().default('/etc/docker/certs.d'),
    bootstrap: z.boolean().default(true),
    dryRun: z.boolean().default(false),
    timeout: z.number().positive().default(300),
    stateDir: z.string().default(DEFAULT_STATE_DIR),
  })
  .strict();

export type BuilderSetupExecutorSchema = z.input<typeof builderSetupOptionsSchema>;

export interface NormalizedBuilderSetupOptions {
  request: BuilderRequest;
  daemonSearch: DaemonConfigSearch;
  certsDir: string;
  /** The image whose shell asks a node on another machine what it runs natively (`uname -m`). */
  probeImage: string;
  dryRun: boolean;
  timeoutMs: number;
  stateDir: string;
}

export function normalizeBuilderSetupOptions(
  options: BuilderSetupExecutorSchema,
  workspaceRoot: string,
  env: Readonly<Record<string, string | undefined>>,
): NormalizedBuilderSetupOptions {
  const source = 'target builder-setup';
  const o = validate(builderSetupOptionsSchema, options, source);
  if (o.driver === 'remote' && !o.endpoint) {
    throw new ConfigError(
      source,
      'endpoint',
      'the remote driver needs the BuildKit address',
      'set endpoint, e.g. tcp://buildkitd.example:1234',
    );
  }
  if (o.driver === 'docker' && o.nodes.length) {
    throw new ConfigError(
      source,
      'nodes',
      'the docker driver has exactly one node, the daemon',
      'use driver docker-container for native nodes',
    );
  }
  const resolve = (path: string) => (isAbsolute(path) ? path : join(workspaceRoot, path));
  const platforms = (list: string[], field: string) =>
    list.length ? parsePlatforms(list, source, field).map(ociPlatform) : [];
  const stateDir = resolve(o.stateDir);
  const nodes: BuilderNode[] = o.nodes.map((n, i) => ({
    ...n,
    platforms: platforms(n.platforms, `nodes.${i}.platforms`),
  }));
  const registries: Record<string, ExtraRegistry> = o.registries;
  // A docker-driver builder is the Docker context itself, `default` unless the user names another.
  const name = o.name ?? (o.driver === 'docker' ? 'default' : 'nx-multiarch');
  return {
    request: {
      name,
      driver: o.driver,
      ...(o.endpoint && { endpoint: o.endpoint }),
      platforms: platforms(o.platforms, 'platforms'),
      nodes,
      ...(o.image && { image: o.image }),
      registries,
      bootstrap: o.bootstrap,
      configFile: `${stateDir}/builders/${name}/buildkitd.toml`,
    },
    daemonSearch: daemonConfigSearch(o.daemonConfig && resolve(o.daemonConfig), env),
    certsDir: o.certsDir,
    probeImage: o.probeImage,
    dryRun: o.dryRun,
    timeoutMs: o.timeout * 1000,
    stateDir,
  };
}
