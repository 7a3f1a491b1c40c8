// Writes docs/configuration.md from the plugin's schemas (plugin options, executors.json, generators.json).
// Run: npm run docs. A unit spec fails while the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderConfigurationReference } from '../../packages/nx-multiarch/src/core/options/reference';
import { loadConfigurationInput } from '../../packages/nx-multiarch/src/core/options/reference-input';

const REPO = resolve(__dirname, '../..');
const OUTPUT = 'docs/configuration.md';

writeFileSync(
  join(REPO, OUTPUT),
  renderConfigurationReference(loadConfigurationInput(join(REPO, 'packages/nx-multiarch'))),
);
console.log(`wrote ${OUTPUT}`);
