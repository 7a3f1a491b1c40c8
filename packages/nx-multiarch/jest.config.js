module.exports = {
  ...require('../../tools/jest/preset'),
  displayName: 'unit',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
