#!/usr/bin/env node
// Builds the publishable nx-multiarch package into dist/packages/nx-multiarch: compiled JS + d.ts,
// schemas, executors.json, generators.json and a package.json whose entry points at the JS.
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const repo = join(__dirname, '..');
const source = join(repo, 'packages/nx-multiarch');
const out = join(repo, 'dist/packages/nx-multiarch');

rmSync(out, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(source, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
const schemas = readdirSync(join(source, 'src'), { recursive: true })
  .filter((file) => file.endsWith('.json'))
  .map((file) => join('src', file));
for (const file of [...schemas, 'executors.json', 'generators.json', 'README.md']) {
  mkdirSync(dirname(join(out, file)), { recursive: true });
  cpSync(join(source, file), join(out, file));
}
const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
pkg.main = './src/index.js';
pkg.types = './src/index.d.ts';
delete pkg.scripts;
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`built ${pkg.name}@${pkg.version} into ${out}`);
