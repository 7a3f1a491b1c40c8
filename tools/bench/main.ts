// npm run bench [-- --only=builds,prefetch,inference --size=40 --layers=4 --out=docs/benchmarks.md]
// Builds the demo and a generated platform with nx-multiarch, buildx bake and a build loop; prefetch against naive
// pulls; project inference for 40 and 200 components. Prints the tables and writes them to docs/benchmarks.md.
// Needs the lab (npm run lab -- up); takes about half an hour on 2 cores. Asserts nothing: it measures.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import globalSetup from '../../packages/nx-multiarch-e2e/src/global-setup';
import { tempWorkspace } from '../../packages/nx-multiarch-e2e/src/workspace';
import type { PluginOptions } from '../../packages/nx-multiarch/src/core/options/plugin';
import { benchBuilds } from './builds';
import {
  type BenchResults,
  benchmarksMarkdown,
  buildsTable,
  inferenceTable,
  overheadTable,
  prefetchTable,
} from './document';
import { benchInference } from './inference';
import { machine } from './machine';
import { demoPlatform, generatedPlatform } from './platform';
import { benchPrefetch } from './prefetch';

const SECTIONS = ['builds', 'prefetch', 'inference'] as const;

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

async function main(): Promise<void> {
  const only = option('only', SECTIONS.join(',')).split(',');
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`--only: unknown section ${unknown.join(', ')} (one of ${SECTIONS.join(', ')})`);
  const size = Number(option('size', '40'));
  const layers = Number(option('layers', '4'));
  const out = resolve(option('out', resolve(__dirname, '../../docs/benchmarks.md')));
  const log = (line: string) => console.log(line);

  await globalSetup();
  const platforms = [demoPlatform(), generatedPlatform(size, layers)];
  const results: BenchResults = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    builds: [],
    prefetch: [],
    inference: [],
  };
  if (only.includes('prefetch')) {
    for (const platform of platforms) {
      log(`prefetch: ${platform.name}`);
      const root = tempWorkspace(platform.files, platform.options);
      const bench = await benchPrefetch(root, platform.componentsDir, platform.options as PluginOptions);
      results.prefetch.push({ platform: platform.name, ...bench });
    }
    log(prefetchTable(results.prefetch));
  }
  if (only.includes('inference')) {
    for (const count of [size, 200]) {
      log(`inference: ${count} components`);
      results.inference.push(await benchInference(count));
    }
    log(inferenceTable(results.inference));
  }
  if (only.includes('builds')) {
    for (const platform of platforms) {
      log(`builds: ${platform.name}`);
      results.builds.push(...benchBuilds(platform, log));
    }
    log(buildsTable(results.builds));
    log(overheadTable(results.builds));
  }
  // Formatted as the repository's prettier --check expects it.
  writeFileSync(out, await format(benchmarksMarkdown(results), { ...(await resolveConfig(out)), filepath: out }));
  log(`written: ${out}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
