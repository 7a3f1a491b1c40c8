import type { ProjectGraph, ProjectGraphProjectNode, TargetConfiguration, TaskResult, TaskResults } from '@nx/devkit';
import type { RunTaskInput } from '../../ops/report/run-input';
import type { RunGraph } from '../../infra/run/run-dir';
import { runTasks, workspaceProjectOf } from './tasks';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');

const node = (name: string, root: string, targets: Record<string, TargetConfiguration>): ProjectGraphProjectNode => ({
  name,
  type: 'app',
  data: { root, targets },
});

const build = (options: Record<string, unknown> = {}): TargetConfiguration => ({
  executor: 'nx-multiarch:build-image',
  options: { platform: 'amd64,arm64', ...options },
});

const graph: ProjectGraph = {
  nodes: {
    acme: node('acme', '.', {
      'builder-setup': { executor: 'nx-multiarch:builder-setup', options: {} },
      prefetch: { executor: 'nx-multiarch:prefetch', options: { platform: 'amd64,arm64' } },
      diagnose: { executor: 'nx-multiarch:diagnose', options: { platforms: 'amd64,arm64' } },
      report: { executor: 'nx-multiarch:report' },
      lint: { executor: 'nx:run-commands', options: { command: 'eslint .' } },
    }),
    base: node('base', 'components/base', {
      'build-image': build(),
      'push-image': build({ push: true }),
      manifest: { executor: 'nx-multiarch:manifest', options: { platforms: 'amd64,arm64' } },
    }),
    api: node('api', 'components/api', {
      render: { executor: 'nx-multiarch:render', options: {} },
      'build-image': build({ images: [{ name: 'api' }, { name: 'api-migrate' }] }),
      'push-image': build({ images: [{ name: 'api' }, { name: 'api-migrate' }], push: true }),
      manifest: { executor: 'nx-multiarch:manifest', options: { images: [{ name: 'api' }, { name: 'api-migrate' }] } },
      test: { executor: '@nx/jest:jest' },
    }),
    docs: node('docs', 'docs', { 'build-image': build({ platform: 'arm64' }) }),
    vendor: node('vendor', 'vendor', { 'build-image': build({ platform: 'amd64', platforms: 'amd64' }) }),
  },
  dependencies: {
    acme: [],
    base: [],
    api: [
      { source: 'api', target: 'base', type: 'static' },
      { source: 'api', target: 'shared-lib', type: 'implicit' },
    ],
    docs: [],
    vendor: [],
  },
};

function result(
  id: string,
  status: TaskResult['status'] = 'success',
  overrides: Record<string, unknown> = {},
  times: { startTime?: number; endTime?: number } = { startTime: T0, endTime: T0 + 1_000 },
): [string, TaskResult] {
  const [project, target] = id.split(':');
  return [
    id,
    {
      task: { id, target: { project, target }, overrides, outputs: [], parallelism: true, ...times },
      status,
      code: status === 'failure' ? 1 : 0,
    },
  ];
}

const results = (...entries: Array<[string, TaskResult]>): TaskResults => Object.fromEntries(entries);

const input = (id: string, fields: Partial<RunTaskInput>): RunTaskInput => {
  const [project, target] = id.split(':');
  return {
    id,
    project,
    target,
    executor: 'nx-multiarch:build-image',
    scope: 'component',
    status: 'success',
    startTime: T0,
    endTime: T0 + 1_000,
    images: [project],
    platforms: ['linux/amd64', 'linux/arm64'],
    dependsOnProjects: [],
    ...fields,
  };
};

describe('runTasks', () => {
  it("describes a run's nx-multiarch tasks with what each was to produce", () => {
    const tasks = runTasks(
      results(
        result('acme:builder-setup'),
        result('acme:prefetch'),
        result('api:render', 'local-cache'),
        result('base:build-image', 'failure'),
        result('api:build-image', 'skipped', {}, {}),
        result('api:push-image', 'skipped', {}, {}),
        result('api:manifest', 'skipped', {}, {}),
        result('base:manifest'),
      ),
      graph,
    );
    expect(tasks).toEqual([
      input('acme:builder-setup', {
        executor: 'nx-multiarch:builder-setup',
        scope: 'workspace',
        images: [],
        platforms: [],
      }),
      input('acme:prefetch', { executor: 'nx-multiarch:prefetch', scope: 'workspace', images: [], platforms: [] }),
      // render makes no image.
      input('api:render', {
        executor: 'nx-multiarch:render',
        status: 'local-cache',
        images: [],
        platforms: [],
        dependsOnProjects: ['base', 'shared-lib'],
      }),
      input('base:build-image', { status: 'failure' }),
      {
        id: 'api:build-image',
        project: 'api',
        target: 'build-image',
        executor: 'nx-multiarch:build-image',
        scope: 'component',
        status: 'skipped',
        images: ['api', 'api-migrate'],
        platforms: ['linux/amd64', 'linux/arm64'],
        dependsOnProjects: ['base', 'shared-lib'],
      },
      {
        id: 'api:push-image',
        project: 'api',
        target: 'push-image',
        executor: 'nx-multiarch:build-image',
        scope: 'component',
        status: 'skipped',
        images: ['api', 'api-migrate'],
        platforms: ['linux/amd64', 'linux/arm64'],
        dependsOnProjects: ['base', 'shared-lib'],
      },
      {
        id: 'api:manifest',
        project: 'api',
        target: 'manifest',
        executor: 'nx-multiarch:manifest',
        scope: 'component',
        status: 'skipped',
        images: ['api', 'api-migrate'],
        platforms: ['index'],
        dependsOnProjects: ['base', 'shared-lib'],
      },
      input('base:manifest', { executor: 'nx-multiarch:manifest', platforms: ['index'] }),
    ]);
  });

  test.each([
    ['another plugin', 'api:test'],
    ['nx:run-commands', 'acme:lint'],
    ['the report target', 'acme:report'],
    ['the diagnose target', 'acme:diagnose'],
    ['a project not in the graph', 'gone:build-image'],
    ['a target not in the graph', 'base:build-docs'],
  ])('leaves out %s (%s)', (_name, id) => {
    expect(runTasks(results(result(id), result('docs:build-image')), graph).map((t) => t.id)).toEqual([
      'docs:build-image',
    ]);
  });

  it('is empty for a run of read-only targets only', () => {
    expect(runTasks(results(result('acme:report'), result('acme:diagnose')), graph)).toEqual([]);
  });

  test.each<[string, string, Record<string, unknown>, string[]]>([
    ['the option', 'base:build-image', {}, ['linux/amd64', 'linux/arm64']],
    ['the option, one arch', 'docs:build-image', {}, ['linux/arm64']],
    ['--platform over the option', 'base:build-image', { platform: 'arm64' }, ['linux/arm64']],
    ['--platform=linux/amd64', 'docs:build-image', { platform: 'linux/amd64' }, ['linux/amd64']],
    ['--platform=amd64,arm64', 'docs:build-image', { platform: 'amd64,arm64' }, ['linux/amd64', 'linux/arm64']],
    ['a list, duplicates once', 'docs:build-image', { platform: ['arm64', 'linux/arm64'] }, ['linux/arm64']],
    // The task reports the bad option itself; the matrix has no cells for it and the hook does not throw.
    ['an unknown platform', 'base:build-image', { platform: 'ppc64le' }, []],
    ['an empty platform', 'base:build-image', { platform: '' }, []],
    ['not a string', 'base:build-image', { platform: 64 }, []],
    ['push-image too', 'base:push-image', { platform: 'amd64' }, ['linux/amd64']],
    ['manifest: the index, whatever --platform says', 'base:manifest', { platform: 'arm64' }, ['index']],
    ['prefetch: none, it makes no cell', 'acme:prefetch', { platform: 'arm64' }, []],
    [
      '--platform=amd64,arm64 on an amd64-only component: its own',
      'vendor:build-image',
      { platform: 'amd64,arm64' },
      ['linux/amd64'],
    ],
    ['--platform=arm64 on an amd64-only component: none', 'vendor:build-image', { platform: 'arm64' }, []],
    ['a bad platforms option: none (the task reports it)', 'vendor:build-image', { platforms: 'x86' }, []],
  ])('platforms: %s', (_name, id, overrides, expected) => {
    expect(runTasks(results(result(id, 'success', overrides)), graph)[0].platforms).toEqual(expected);
  });

  test.each<[string, string, string[]]>([
    ['the images option', 'api:build-image', ['api', 'api-migrate']],
    ['no images option: the project', 'base:push-image', ['base']],
    ['manifest: the images option', 'api:manifest', ['api', 'api-migrate']],
    ['manifest: the project', 'base:manifest', ['base']],
    ['builder-setup: none', 'acme:builder-setup', []],
    ['render: none', 'api:render', []],
  ])('images: %s', (_name, id, expected) => {
    expect(runTasks(results(result(id)), graph)[0].images).toEqual(expected);
  });

  test.each<[string, string, RunTaskInput['scope']]>([
    ['acme:builder-setup', 'nx-multiarch:builder-setup', 'workspace'],
    ['acme:prefetch', 'nx-multiarch:prefetch', 'workspace'],
    ['api:render', 'nx-multiarch:render', 'component'],
    ['api:build-image', 'nx-multiarch:build-image', 'component'],
    ['api:push-image', 'nx-multiarch:build-image', 'component'],
    ['api:manifest', 'nx-multiarch:manifest', 'component'],
  ])('%s: executor %s, scope %s', (id, executor, scope) => {
    const [task] = runTasks(results(result(id)), graph);
    expect({ executor: task.executor, scope: task.scope }).toEqual({ executor, scope });
  });

  // A hand-written build-image target without `platform` builds the executor's default (amd64,arm64): so do its cells.
  it('platforms: no option and no --platform: the executor default', () => {
    const bare: ProjectGraph = {
      nodes: { web: node('web', 'web', { 'build-image': { executor: 'nx-multiarch:build-image', options: {} } }) },
      dependencies: {},
    };
    expect(runTasks(results(result('web:build-image', 'local-cache')), bare)[0].platforms).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('keeps the id Nx gave a task with a configuration, and its times', () => {
    const entry = result('docs:build-image', 'remote-cache', {}, { startTime: T0 + 5, endTime: T0 + 9 });
    entry[0] = 'docs:build-image:ci';
    entry[1].task.id = 'docs:build-image:ci';
    entry[1].task.target.configuration = 'ci';
    expect(runTasks(results(entry), graph)).toEqual([
      input('docs:build-image:ci', {
        project: 'docs',
        target: 'build-image',
        status: 'remote-cache',
        startTime: T0 + 5,
        endTime: T0 + 9,
        images: ['docs'],
        platforms: ['linux/arm64'],
      }),
    ]);
  });
});

describe('workspaceProjectOf', () => {
  test.each<[string, ProjectGraph, string]>([
    ['the project at the root', graph, 'acme'],
    [
      'a scoped name',
      { nodes: { '@shop/root': node('@shop/root', '.', {}), api: node('api', 'api', {}) }, dependencies: {} },
      '@shop/root',
    ],
    ['none at the root', { nodes: { api: node('api', 'components/api', {}) }, dependencies: {} }, '<workspace>'],
    ['an empty graph', { nodes: {}, dependencies: {} }, '<workspace>'],
  ])('%s', (_name, projectGraph, expected) => {
    expect(workspaceProjectOf(projectGraph)).toBe(expected);
  });
});

describe("runTasks with the run's task graph", () => {
  // What an executor recorded: every task of the run, with what each waits for (Nx's task graph dependencies).
  const runGraph: RunGraph = {
    tasks: {
      'acme:builder-setup': { project: 'acme', target: 'builder-setup' },
      'acme:prefetch': { project: 'acme', target: 'prefetch', overrides: { platform: 'arm64' } },
      'base:build-image': { project: 'base', target: 'build-image', overrides: { platform: 'arm64' } },
      'api:render': { project: 'api', target: 'render' },
      'api:build-image': { project: 'api', target: 'build-image', overrides: { platform: 'arm64' } },
      'api:test': { project: 'api', target: 'test' },
    },
    dependencies: {
      'acme:builder-setup': [],
      'acme:prefetch': ['acme:builder-setup'],
      'base:build-image': ['acme:builder-setup', 'acme:prefetch'],
      'api:render': [],
      'api:build-image': ['acme:builder-setup', 'acme:prefetch', 'base:build-image', 'api:render', 'api:test'],
      'api:test': [],
    },
  };

  it('adds the tasks Nx left out of its results as skipped, and what each task waited for', () => {
    const tasks = runTasks(
      results(
        result('acme:builder-setup'),
        result('acme:prefetch', 'success', { platform: 'arm64' }),
        result('base:build-image', 'failure', { platform: 'arm64' }),
      ),
      graph,
      runGraph,
    );
    expect(tasks).toEqual([
      input('acme:builder-setup', {
        executor: 'nx-multiarch:builder-setup',
        scope: 'workspace',
        images: [],
        platforms: [],
        after: [],
      }),
      input('acme:prefetch', {
        executor: 'nx-multiarch:prefetch',
        scope: 'workspace',
        images: [],
        platforms: [],
        after: ['acme:builder-setup'],
      }),
      input('base:build-image', {
        status: 'failure',
        platforms: ['linux/arm64'],
        after: ['acme:builder-setup', 'acme:prefetch'],
      }),
      // Not in Nx's results: skipped, untimed, its --platform from the recorded overrides.
      {
        id: 'api:render',
        project: 'api',
        target: 'render',
        executor: 'nx-multiarch:render',
        scope: 'component',
        status: 'skipped',
        images: [],
        platforms: [],
        dependsOnProjects: ['base', 'shared-lib'],
        after: [],
      },
      {
        id: 'api:build-image',
        project: 'api',
        target: 'build-image',
        executor: 'nx-multiarch:build-image',
        scope: 'component',
        status: 'skipped',
        images: ['api', 'api-migrate'],
        platforms: ['linux/arm64'],
        dependsOnProjects: ['base', 'shared-lib'],
        // api:test is another plugin's task: not part of the record.
        after: ['acme:builder-setup', 'acme:prefetch', 'base:build-image', 'api:render'],
      },
    ]);
  });

  it("keeps Nx's status and times for a task that is in both", () => {
    const tasks = runTasks(results(result('api:render', 'local-cache')), graph, runGraph);
    expect(tasks.find((t) => t.id === 'api:render')).toEqual(
      input('api:render', {
        executor: 'nx-multiarch:render',
        status: 'local-cache',
        images: [],
        platforms: [],
        dependsOnProjects: ['base', 'shared-lib'],
        after: [],
      }),
    );
    expect(tasks.filter((t) => t.id === 'api:render')).toHaveLength(1);
  });

  it('gives no after to a task the recorded graph has no dependencies for', () => {
    const partial: RunGraph = { tasks: {}, dependencies: {} };
    const [task] = runTasks(results(result('docs:build-image')), graph, partial);
    expect(task).toEqual(input('docs:build-image', { platforms: ['linux/arm64'] }));
  });
});
