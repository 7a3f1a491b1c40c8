// Shared jest settings. execa and p-retry (and their dependencies) are ESM-only, and jest's module
// runtime on Node 20 cannot require() ESM, so @swc/jest compiles them to CommonJS too.
const { join } = require('node:path');

const esmOnly = [
  'execa',
  'p-retry',
  'is-network-error',
  '@sindresorhus/merge-streams',
  'figures',
  'is-unicode-supported',
  'get-stream',
  '@sec-ant/readable-stream',
  'is-stream',
  'human-signals',
  'is-plain-obj',
  'npm-run-path',
  'path-key',
  'unicorn-magic',
  'pretty-ms',
  'parse-ms',
  'strip-final-newline',
  'yoctocolors',
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // unicorn-magic exports only an "import" condition; jest's CommonJS resolver asks for "require".
  moduleNameMapper: { '^unicorn-magic$': join(__dirname, '../../node_modules/unicorn-magic/node.js') },
};
