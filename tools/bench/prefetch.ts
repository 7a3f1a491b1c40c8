// Benchmark: prefetch of the demo's base images, cold (tags and records gone) and warm, against what the old
// build.sh did (`docker pull` of each image for each component and platform, one after the other).
// Needs the lab (npm run lab -- up). Prints times, fetch counts and ratios; asserts nothing.
// Run: npm run bench:prefetch
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readComponent } from '../../packages/nx-multiarch/src/component/component';
import { pullImageArgs } from '../../packages/nx-multiarch/src/docker/image';
import { normalizePluginOptions } from '../../packages/nx-multiarch/src/plugin/options';
import { nativeArch } from '../../packages/nx-multiarch/src/platform';
import {
  prefetchItems,
  type PrefetchOutcome,
  type PrefetchSettings,
} from '../../packages/nx-multiarch/src/prefetch/fetch';
import type { PrefetchPlan } from '../../packages/nx-multiarch/src/prefetch/plan';
import { recordKey } from '../../packages/nx-multiarch/src/prefetch/record';
import { planWorkspacePrefetch } from '../../packages/nx-multiarch/src/prefetch/workspace';
import { DEFAULT_RETRY_POLICY } from '../../packages/nx-multiarch/src/retry/policy';

const REPO = resolve(__dirname, '../..');
const DEMO = 'packages/demo';

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

async function main(): Promise<void> {
  const nxJson = JSON.parse(require('node:fs').readFileSync(join(REPO, 'nx.json'), 'utf8'));
  const options = normalizePluginOptions(
    nxJson.plugins.find((p: { plugin: string }) => p.plugin === 'nx-multiarch').options,
  );
  const roots = new Map<string, string>();
  for (const dir of readdirSync(join(REPO, DEMO))) {
    const root = `${DEMO}/${dir}`;
    if (['Dockerfile', 'Dockerfile.tpl', 'multiarch.json'].some((f) => existsSync(join(REPO, root, f)))) {
      roots.set(readComponent(root, REPO, options).name, root);
    }
  }
  const plan = planWorkspacePrefetch(REPO, roots, {
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

  // Naive: what build.sh did, per component, per platform, per image, in sequence.
  const naive = plan.items.flatMap((item) => item.projects.map(() => item));
  const [, naiveMs] = await timed(() => naive.forEach((item) => docker(pullImageArgs(item.ref, item.arch))));

  for (const item of plan.items) docker(['image', 'rm', item.ref]);
  const [cold, coldMs] = await timed(() => prefetchAll(plan, settings));
  const record = Object.fromEntries(
    cold.filter((o) => o.imageId).map((o) => [recordKey(o.ref, o.arch), o.imageId as string]),
  );
  const [warm, warmMs] = await timed(() => prefetchAll(plan, { ...settings, record }));

  const fetches = (outcomes: PrefetchOutcome[]) => outcomes.reduce((n, o) => n + o.attempts, 0);
  const failed = [...cold, ...warm].filter((o) => o.status === 'failed');
  console.log(
    `prefetch of the demo (${roots.size} components, ${options.platforms.join(' + ')}): ${plan.items.length} (image, platform) pairs`,
  );
  console.log(
    `  naive (pull per component x platform x image, sequential): ${naive.length} pulls, ${(naiveMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `  prefetch cold (tags and record removed):                   ${fetches(cold)} pulls, ${(coldMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `  prefetch warm (everything present):                        ${fetches(warm)} pulls, ${(warmMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `  fetches: ${fetches(cold)} vs ${plan.naiveFetches} naive (${(plan.naiveFetches / Math.max(1, fetches(cold))).toFixed(1)}x fewer)`,
  );
  console.log(
    `  time: naive/cold ${(naiveMs / coldMs).toFixed(1)}x, naive/warm ${(naiveMs / warmMs).toFixed(1)}x, cold/warm ${(coldMs / warmMs).toFixed(1)}x`,
  );
  if (failed.length > 0) console.log(`  FAILED: ${failed.map((o) => `${o.ref} ${o.arch}: ${o.message}`).join('; ')}`);
}

void main();
