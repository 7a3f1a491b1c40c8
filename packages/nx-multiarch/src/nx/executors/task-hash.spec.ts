import type { ExecutorContext, ProjectConfiguration, Task } from '@nx/devkit';
import { INPUTS_NODE } from '../../ops/cache-key/key';
import { inputsHashOf, taskOptions } from './task-hash';

const task = (fields: Partial<Task> = {}): Task =>
  ({
    id: 'hub:build-image:ci',
    target: { project: 'hub', target: 'build-image', configuration: 'ci' },
    overrides: { platform: 'arm64', __overrides_unparsed__: ['--platform=arm64'] },
    outputs: [],
    parallelism: true,
    ...fields,
  }) as Task;

const projects: Record<string, ProjectConfiguration> = {
  hub: {
    root: 'images/hub',
    targets: {
      'build-image': {
        executor: 'nx-multiarch:build-image',
        options: { platform: 'amd64,arm64', tag: 'latest', attempts: 3 },
        configurations: { ci: { tag: 'ci', attempts: 5 } },
      },
    },
  },
};

describe('taskOptions', () => {
  it('merges the target options, its configuration and the command line, as Nx hands them to the executor', () => {
    expect(taskOptions(task(), projects)).toEqual({ platform: 'arm64', tag: 'ci', attempts: 5 });
  });

  it('is empty for a target it does not know', () => {
    expect(taskOptions(task({ target: { project: 'gone', target: 'build-image' } }), projects)).toEqual({
      platform: 'arm64',
    });
  });
});

describe('inputsHashOf', () => {
  const context = (hashDetails?: Task['hashDetails']) =>
    ({
      projectName: 'hub',
      targetName: 'build-image',
      taskGraph: { tasks: { 'hub:build-image': { ...task(), hashDetails } }, dependencies: {}, roots: [] },
    }) as unknown as ExecutorContext;

  it("reads the inputs part the hasher left in the task's details", () => {
    const details = { command: 'x', nodes: { [INPUTS_NODE]: 'inputs-1' }, implicitDeps: {}, runtime: {} };
    expect(inputsHashOf(context(details), { NX_TASK_HASH: 'whole' })).toBe('inputs-1');
  });

  it("falls back to Nx's whole hash when no hasher left one", () => {
    expect(inputsHashOf(context(), { NX_TASK_HASH: 'whole' })).toBe('whole');
  });
});
