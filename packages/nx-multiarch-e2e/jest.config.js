module.exports = {
  ...require('../../tools/jest/preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  globalSetup: '<rootDir>/src/global-setup.ts',
  // Not `testTimeout`: jest ignores it in a project of the root's "projects" list (see src/jest-setup.ts).
  setupFilesAfterEnv: ['<rootDir>/src/jest-setup.ts'],
};
