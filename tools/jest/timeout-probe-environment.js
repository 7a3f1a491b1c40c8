// The test environment of tools/jest/timeouts.spec.ts's probe run: jest loads every e2e file with the e2e project's
// real configuration (its setupFilesAfterEnv included), and when jest-circus starts the file's run (the moment it
// applies a jest.setTimeout), this records the timeout each test and hook would get, the way jest-circus computes it
// (its own timeout, or the state's), then skips them all: nothing of the e2e suite runs.
const { appendFileSync } = require('node:fs');
const { relative } = require('node:path');

// The environment the e2e project really uses (the spec passes it); the probe only adds the event handler.
const base = require(process.env.TIMEOUT_PROBE_BASE_ENVIRONMENT || 'jest-environment-node');
const Base = base.TestEnvironment || base.default || base;

class TimeoutProbeEnvironment extends Base {
  constructor(config, context) {
    super(config, context);
    this.file = relative(config.projectConfig.rootDir, context.testPath);
  }

  async handleTestEvent(event, state) {
    if (super.handleTestEvent) await super.handleTestEvent(event, state);
    if (event.name !== 'run_start') return;
    const rows = [];
    const walk = (block, path) => {
      block.mode = 'skip';
      for (const hook of block.hooks) {
        rows.push({
          file: this.file,
          kind: hook.type,
          name: path.join(' > ') || '(top level)',
          timeout: hook.timeout || state.testTimeout,
        });
      }
      for (const child of block.children) {
        if (child.type === 'describeBlock') {
          walk(child, [...path, child.name]);
        } else {
          child.mode = 'skip';
          const name = [...path, child.name].join(' > ');
          rows.push({ file: this.file, kind: 'test', name, timeout: child.timeout || state.testTimeout });
        }
      }
    };
    walk(state.rootDescribeBlock, []);
    rows.push({ file: this.file, kind: 'file', name: '', timeout: state.testTimeout });
    appendFileSync(process.env.TIMEOUT_PROBE_OUT, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  }
}

module.exports = TimeoutProbeEnvironment;
