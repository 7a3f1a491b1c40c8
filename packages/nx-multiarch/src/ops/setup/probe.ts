import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeProbeArgs, nativeProbeDockerfile, parseNativeAnswer, probeOutputFile } from '../../cli/buildx/probe';
import { type Docker, docker as realDocker } from '../../cli/docker/cli';
import { PluginError } from '../../core/failure/errors';
import type { BuilderRequest } from '../../core/options/builder-setup';
import { type MeasuredPlatform, routedNodes } from './native';

/**
 * Asks each node that builds a declared platform what it runs natively: one small build across all of them. Throws
 * the build's error when a node does not answer (down, or unable to pull the probe image through its own config).
 */
export async function probeNative(
  request: Pick<BuilderRequest, 'name' | 'driver' | 'endpoint' | 'platforms' | 'nodes'>,
  image: string,
  timeoutMs: number,
  docker: Docker = realDocker,
): Promise<MeasuredPlatform[]> {
  const routes = routedNodes(request).flatMap((node) => node.arches.map((arch) => ({ arch, node })));
  if (routes.length === 0) return [];
  const arches = routes.map((r) => r.arch);
  const dir = mkdtempSync(join(tmpdir(), 'nx-multiarch-probe-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), nativeProbeDockerfile());
    await docker(nativeProbeArgs(request.name, arches, image, dir), { timeoutMs });
    return routes.map(({ arch, node }) => {
      const file = probeOutputFile(dir, arch, arches);
      const answer = parseNativeAnswer(readFileSync(file, 'utf8'));
      if (!answer) throw new PluginError(`the native probe of node ${node.name} wrote no answer to ${file}`);
      return {
        arch,
        node: node.name,
        ...(node.endpoint && { endpoint: node.endpoint }),
        machine: answer.machine,
        ...(answer.native && { native: answer.native }),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
