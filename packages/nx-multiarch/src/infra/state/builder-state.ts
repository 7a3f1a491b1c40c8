import { setAsideTorn } from './torn-file';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { PluginError } from '../../core/failure/errors';
import { ARCHES, type Arch, nativeArch } from '../../core/platform';
import { writeFileAtomic } from './atomic-file';

/** What builder-setup leaves for the build tasks: which builder to use and what it can do. */
export const builderStateSchema = z.object({
  name: z.string(),
  driver: z.enum(['docker', 'docker-container', 'remote']),
  /** BuildKit runs on the host network, so `--network host` works and reaches host loopback services. */
  hostNetwork: z.boolean(),
  fingerprint: z.string().optional(),
  configFile: z.string().optional(),
  buildxVersion: z.string(),
  /** Platforms the builder runs without QEMU (its nodes' machines); older states lack it. */
  nativePlatforms: z.array(z.enum(ARCHES)).min(1).optional(),
  /** Nodes on other machines: which one builds each declared platform, and what it said it runs natively. */
  platformNodes: z
    .array(
      z.object({
        arch: z.enum(ARCHES),
        node: z.string(),
        endpoint: z.string().optional(),
        machine: z.string(),
        native: z.enum(ARCHES).optional(),
      }),
    )
    .optional(),
  /** docker-container: the BuildKit container setup left; another one there means the builder was recreated. */
  containerId: z.string().optional(),
  updatedAt: z.string(),
});

export type BuilderState = z.infer<typeof builderStateSchema>;

export function builderStatePath(stateDir: string): string {
  return `${stateDir}/builder.json`;
}

export function writeBuilderState(stateDir: string, state: BuilderState): void {
  writeFileAtomic(builderStatePath(stateDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** The builder builder-setup recorded, or undefined when it never ran (builds use the default builder). */
export function readBuilderState(stateDir: string): BuilderState | undefined {
  const file = builderStatePath(stateDir);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // Torn by a run killed while writing it, or edited by hand: builder-setup writes it again.
    setAsideTorn(file, `not JSON: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = builderStateSchema.safeParse(json);
  if (!parsed.success)
    throw new PluginError(`${file} is not a builder state this version understands; rerun builder-setup`);
  return parsed.data;
}

/** What builds without QEMU: what builder-setup found, or else this machine's arch (no builder-setup, older state). */
export function builderNativeArches(state: BuilderState | undefined): Arch[] {
  return state?.nativePlatforms ?? [nativeArch()];
}
