import { type Arch, parsePlatforms } from '../../core/platform';
import type { BuilderRequest } from '../../core/options/builder-setup';

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
