// Benchmark: prefetch of a workspace's base images, cold (tags and records gone) and warm, against what the old
// build.sh did (`docker pull` of each image for each component and platform, one after the other).
// Needs the lab (npm run lab -- up). Prints times, fetch counts and ratios; asserts nothing.
// Run: npm run bench:prefetch (the demo); npm run bench runs it on the generated platform too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readComponent } from '../../packages/nx-multiarch/src/core/component/component';
import { pullImageArgs } from '../../packages/nx-multiarch/src/cli/docker/image';
import { normalizePluginOptions, type PluginOptions } from '../../packages/nx-multiarch/src/core/options/plugin';
import { nativeArch } from '../../packages/nx-multiarch/src/core/platform';
import {
  prefetchItems,
  type PrefetchOutcome,
  type PrefetchSettings,
} from '../../packages/nx-multiarch/src/ops/prefetch/fetch';
import type { PrefetchPlan } from '../../packages/nx-multiarch/src/ops/prefetch/plan';
import { recordKey } from '../../packages/nx-multiarch/src/ops/prefetch/prefetch-record';
import { planWorkspacePrefetch } from '../../packages/nx-multiarch/src/nx/executors/prefetch/workspace';
import { DEFAULT_RETRY_POLICY } from '../../packages/nx-multiarch/src/core/options/retry';

const REPO = resolve(__dirname, '../..');

export interface PrefetchBench {
  components: number;
  pairs: number;
  naive: { fetches: number; ms: number };
  cold: { fetches: number; ms: number };
  warm: { fetches: number; ms: number };
  failed: string[];
}

function docker(args: string[]): number {
  return spawnSync('docker', args, { stdio: 'ignore', timeout: 300_000 }).status ?? 1;
}

const prefetchAll = (plan: PrefetchPlan, settings: PrefetchSettings) =>
  prefetchItems(plan.items, settings, 4, () => undefined);

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

/** Prefetch of the components under `root/componentsDir` (one directory each), naive, cold and warm. */
export async function benchPrefetch(
  root: string,
  componentsDir: string,
  pluginOptions: PluginOptions,
): Promise<PrefetchBench> {
  const options = normalizePluginOptions(pluginOptions);
  const roots = new Map<string, string>();
  for (const dir of readdirSync(join(root, componentsDir))) {
    const component = `${componentsDir}/${dir}`;
    if (['Dockerfile', 'Dockerfile.tpl', 'multiarch.json'].some((f) => existsSync(join(root, component, f)))) {
      roots.set(readComponent(component, root, options).name, component);
    }
  }
  const plan = planWorkspacePrefetch(root, roots, {
    platforms: options.platforms,
    defaults: options,
    envFiles: { envFile: options.envFile, exampleFile: options.envExample },
    values: options.templateValues,
    buildArch: nativeArch(),
  });
  const settings: PrefetchSettings = {
    target: { kind: 'daemon' },
    policy: DEFAULT_RETRY_POLICY,
    attemptTimeoutMs: 300_000,
    workDir: mkdtempSync(join(tmpdir(), 'bench-prefetch-')),
    record: {},
  };
  const removeAll = () => plan.items.forEach((item) => docker(['image', 'rm', item.ref]));

  // Naive: what build.sh did, per component, per platform, per image, in sequence.
  const naive = plan.items.flatMap((item) => item.projects.map(() => item));
  removeAll();
  const [, naiveMs] = await timed(() => naive.forEach((item) => docker(pullImageArgs(item.ref, item.arch))));

  removeAll();
  const [cold, coldMs] = await timed(() => prefetchAll(plan, settings));
  const record = Object.fromEntries(
    cold.filter((o) => o.imageId).map((o) => [recordKey(o.ref, o.arch), o.imageId as string]),
  );
  const [warm, warmMs] = await timed(() => prefetchAll(plan, { ...settings, record }));

  const fetches = (outcomes: PrefetchOutcome[]) => outcomes.reduce((n, o) => n + o.attempts, 0);
  return {
    components: roots.size,
    pairs: plan.items.length,
    naive: { fetches: naive.length, ms: naiveMs },
    cold: { fetches: fetches(cold), ms: coldMs },
    warm: { fetches: fetches(warm), ms: warmMs },
    failed: [...cold, ...warm].filter((o) => o.status === 'failed').map((o) => `${o.ref} ${o.arch}: ${o.message}`),
  };
}

async function main(): Promise<void> {
  const nxJson = JSON.parse(readFileSync(join(REPO, 'nx.json'), 'utf8'));
  const options = nxJson.plugins.find((p: { plugin: string }) => p.plugin === 'nx-multiarch').options;
  const r = await benchPrefetch(REPO, 'packages/demo', options);
  console.log(`prefetch of the demo (${r.components} components, amd64 + arm64): ${r.pairs} (image, platform) pairs`);
  console.log(
    `  naive (pull per component x platform x image, sequential): ${r.naive.fetches} pulls, ${(r.naive.ms / 1000).toFixed(2)} s`,
  );
  console.log(
    `  prefetch cold (tags and record removed):                   ${r.cold.fetches} pulls, ${(r.cold.ms / 1000).toFixed(2)} s`,
  );
  console.log(
    `  prefetch warm (everything present):                        ${r.warm.fetches} pulls, ${(r.warm.ms / 1000).toFixed(2)} s`,
  );
  console.log(
    `  time: naive/cold ${(r.naive.ms / r.cold.ms).toFixed(1)}x, naive/warm ${(r.naive.ms / r.warm.ms).toFixed(1)}x`,
  );
  if (r.failed.length > 0) console.log(`  FAILED: ${r.failed.join('; ')}`);
}

if (require.main === module) void main();
