import type { ExecutorContext, ProjectConfiguration, Task } from '@nx/devkit';
import { INPUTS_NODE } from '../../ops/cache-key/key';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setAsideTorn } from '../../infra/state/torn-file';
import { extendedHash, inputsHashOf, type TaskHasherContext, taskOptions } from './task-hash';

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

describe('extendedHash', () => {
  const context = {
    hasher: { hashTask: async () => ({ value: 'nx-hash', details: { command: 'c', nodes: {}, implicitDeps: {} } }) },
    taskGraph: { tasks: {}, dependencies: {}, roots: [] },
  } as unknown as TaskHasherContext;

  it('is the same twice while the standing holds', async () => {
    const parts = async () => ({ extra: { a: '1' }, standing: { ok: true as const } });
    expect((await extendedHash(task(), context, parts)).value).toBe((await extendedHash(task(), context, parts)).value);
  });

  it('falls, with a key never seen before, when a state file it read was torn and set aside', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'task-hash-')), 'builder.json');
    writeFileSync(file, '{"na');
    setAsideTorn(file, 'not JSON', () => undefined);
    const parts = async () => ({ extra: { a: '1' }, standing: { ok: true as const }, stateFiles: [file] });
    const first = await extendedHash(task(), context, parts);
    expect(first.details.nodes['nx-multiarch:standing']).toBe(`rerun: ${file} was torn and set aside`);
    expect((await extendedHash(task(), context, parts)).value).not.toBe(first.value);
  });
});
