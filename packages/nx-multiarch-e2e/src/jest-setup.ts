// Every e2e file's default timeout. Jest reads `testTimeout` from its global configuration only: set in this
// project's jest.config.js it would be ignored when jest runs from the root's "projects" list (npm test, CI), and
// every async test without a timeout of its own would get jest's 5 s. A setupFilesAfterEnv file is per project and
// runs before each test file, so a file can still choose its own (jest.setTimeout at its top, or per test).
// tools/jest/timeouts.spec.ts checks what each e2e test and hook really gets.
jest.setTimeout(600_000);
