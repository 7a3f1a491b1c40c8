// Stands in for a project's globalSetup/globalTeardown where a run must not build or start anything
// (tools/jest/timeouts.spec.ts's probe of the e2e files).
module.exports = async () => undefined;
