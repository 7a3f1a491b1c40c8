// npm run bench [-- --only=builds,prefetch,inference --size=40 --layers=4 --repeat=1 --out=docs/benchmarks.md]
// Builds the demo and a generated platform with nx-multiarch, buildx bake and a build loop; prefetch against naive
// pulls; project inference for 40 and 200 components. Prints the tables and writes them to docs/benchmarks.md, and the
// plot of the builds beside it (benchmarks.svg). With --only, the sections not measured are kept from the page.
// Needs the lab (npm run lab -- up); takes about half an hour on 2 cores. Asserts nothing: it measures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import globalSetup from '../../packages/nx-multiarch-e2e/src/global-setup';
import { tempWorkspace } from '../../packages/nx-multiarch-e2e/src/workspace';
import type { PluginOptions } from '../../packages/nx-multiarch/src/core/options/plugin';
import { benchBuilds } from './builds';
import { type BenchResults, benchmarksMarkdown, inferenceTable, mergePages, prefetchTable, SECTIONS } from './document';
import { benchInference } from './inference';
import { containerStartSamples, machine } from './machine';
import { buildsSvg } from './plot';
import { aggregate } from './stats';
import { buildsTable, goalsTable, overheadTable, workTable } from './tables';
import { demoPlatform, generatedPlatform } from './platform';
import { benchPrefetch } from './prefetch';

// A small image of the lab's mirror: `docker run` of it measures the runtime's container start-up.
const START_IMAGE = 'alpine:3.20';

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
  const repeat = Number(option('repeat', '1'));
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`--repeat: ${option('repeat', '')} is not a whole number ≥ 1`);
  const out = resolve(option('out', resolve(__dirname, '../../docs/benchmarks.md')));
  const log = (line: string) => console.log(line);

  await globalSetup();
  const platforms = [demoPlatform(), generatedPlatform(size, layers)];
  const results: BenchResults = {
    date: new Date().toISOString().slice(0, 10),
    machine: { ...machine(), containerStart: { image: START_IMAGE, samplesMs: containerStartSamples(START_IMAGE) } },
    repeat,
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
      results.builds.push(...benchBuilds(platform, log, repeat));
    }
    const aggregates = aggregate(results.builds);
    for (const print of [goalsTable, buildsTable, workTable, overheadTable]) log(print(aggregates));
    const svg = out.replace(/\.md$/, '') + '.svg';
    writeFileSync(svg, buildsSvg(aggregates));
    log(`written: ${svg}`);
  }
  const fresh = benchmarksMarkdown(results, `${basename(out, '.md')}.svg`);
  const measured = SECTIONS.filter((s) => only.includes(s));
  const page = existsSync(out) ? mergePages(readFileSync(out, 'utf8'), fresh, measured) : fresh;
  // Formatted as the repository's prettier --check expects it.
  writeFileSync(out, await format(page, { ...(await resolveConfig(out)), filepath: out }));
  log(`written: ${out}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
