import { type Arch, ociPlatform, parsePlatforms } from '../../core/platform';
import { type BuilderRequest, builderNodes } from '../../core/options/builder-setup';

/**
 * The platforms the builder runs without QEMU. The first node runs on the Docker host unless it has an endpoint of
 * its own; a node with an endpoint is taken to be native for the platforms declared for it (buildx sends a platform
 * to the node declared for it first: docker/buildx#1561). A node elsewhere with no platforms declared tells nothing.
 */
export function nativeArches(
  request: Pick<BuilderRequest, 'driver' | 'endpoint' | 'platforms' | 'nodes'>,
  dockerHost: Arch,
): Arch[] {
  const declared = (platforms: readonly string[]) => (platforms.length ? parsePlatforms(platforms, 'builder') : []);
  const firstElsewhere = request.driver !== 'docker' && request.endpoint !== undefined;
  const first = firstElsewhere ? declared(request.platforms) : [dockerHost];
  const arches = [...first, ...request.nodes.flatMap((node) => declared(node.platforms))];
  const unique = [...new Set(arches)];
  // A remote first node of unknown platforms, and no other: assume it is like the Docker host.
  return unique.length > 0 ? unique : [dockerHost];
}

type NodesRequest = Pick<BuilderRequest, 'name' | 'driver' | 'endpoint' | 'platforms' | 'nodes'>;

/** A node and the platforms buildx sends it: those declared for it, unless an earlier node declared them first. */
export interface RoutedNode {
  name: string;
  endpoint?: string;
  arches: Arch[];
}

/** Which node builds which declared platform; the first node (named `<builder>0`) takes what no node declares. */
export function routedNodes(request: NodesRequest): RoutedNode[] {
  const taken = new Set<Arch>();
  return builderNodes(request).map((node) => {
    const arches = (node.platforms.length ? parsePlatforms(node.platforms, 'builder') : []).filter(
      (a) => !taken.has(a),
    );
    arches.forEach((arch) => taken.add(arch));
    return { name: node.name, ...(node.endpoint && { endpoint: node.endpoint }), arches };
  });
}

/** Nodes on other machines are asked what they run (a probe build); a builder all on the Docker host is not. */
export function needsProbe(request: NodesRequest): boolean {
  return request.driver !== 'docker' && routedNodes(request).some((n) => n.endpoint && n.arches.length > 0);
}

/** What a probe found for one platform: the node it went to and what that node runs natively. */
export interface MeasuredPlatform {
  arch: Arch;
  node: string;
  endpoint?: string;
  machine: string;
  native?: Arch;
}

/**
 * The platforms built without QEMU: those whose node said it runs them natively, and the Docker host's own when the
 * first node runs there (it takes the platforms no node declares).
 */
export function measuredNativeArches(
  measured: readonly MeasuredPlatform[],
  request: Pick<BuilderRequest, 'endpoint'>,
  dockerHost: Arch,
): Arch[] {
  const onHost = request.endpoint === undefined ? [dockerHost] : [];
  const native = [...onHost, ...measured.filter((m) => m.native === m.arch).map((m) => m.arch)];
  return native.length ? [...new Set(native)] : [dockerHost];
}

/** One warning per platform sent to a node that would emulate it: declared native, measured otherwise. */
export function emulationWarnings(measured: readonly MeasuredPlatform[]): string[] {
  return measured
    .filter((m) => m.native !== m.arch)
    .map(
      (m) =>
        `node ${m.node}${m.endpoint ? ` (${m.endpoint})` : ''} is declared for ${ociPlatform(m.arch)} but its ` +
        `machine is ${m.machine}: ${ociPlatform(m.arch)} builds there run under QEMU, several times slower than ` +
        `natively. Point the node at an ${m.arch} machine, or declare it for the platform it runs natively`,
    );
}
