module.exports = {
  ...require('../../tools/jest/preset'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  globalSetup: '<rootDir>/src/global-setup.ts',
  testTimeout: 600_000,
};
