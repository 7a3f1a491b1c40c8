import { predecessors } from './predecessors';
import type { RunTaskInput } from './run-input';

const BOTH = ['linux/amd64', 'linux/arm64'];

function task(id: string, fields: Partial<RunTaskInput> = {}): RunTaskInput {
  const [project, target] = id.split(':');
  const workspace = target === 'builder-setup' || target === 'prefetch';
  return {
    id,
    project,
    target,
    executor: `nx-multiarch:${target === 'push-image' ? 'build-image' : target}`,
    scope: workspace ? 'workspace' : 'component',
    status: 'success',
    images: workspace || target === 'render' ? [] : [project],
    platforms: workspace || target === 'render' ? [] : target === 'manifest' ? ['index'] : BOTH,
    dependsOnProjects: [],
    ...fields,
  };
}

describe('predecessors', () => {
  const tasks: RunTaskInput[] = [
    task('acme:builder-setup'),
    task('acme:prefetch'),
    task('base:render'),
    task('base:build-image'),
    task('base:push-image'),
    task('base:manifest'),
    task('api:render', { dependsOnProjects: ['base'] }),
    task('api:build-image', { dependsOnProjects: ['base'] }),
    task('api:push-image', { dependsOnProjects: ['base'] }),
    task('api:manifest', { dependsOnProjects: ['base'] }),
    task('docs:build-image', { dependsOnProjects: ['elsewhere'] }),
  ];
  const after = predecessors(tasks);
  const WS = ['acme:builder-setup', 'acme:prefetch'];

  test.each<[string, string[]]>([
    ['acme:builder-setup', []],
    ['acme:prefetch', ['acme:builder-setup']],
    // render runs before the builder exists.
    ['base:render', []],
    ['base:build-image', [...WS, 'base:render']],
    ['base:push-image', [...WS, 'base:render', 'base:build-image']],
    ['base:manifest', [...WS, 'base:render', 'base:build-image', 'base:push-image']],
    // Of a project it depends on, only the same target.
    ['api:render', ['base:render']],
    ['api:build-image', [...WS, 'base:build-image', 'api:render']],
    ['api:push-image', [...WS, 'base:push-image', 'api:render', 'api:build-image']],
    ['api:manifest', [...WS, 'base:manifest', 'api:render', 'api:build-image', 'api:push-image']],
    // A project outside the run adds nothing.
    ['docs:build-image', WS],
  ])('%s waits for %p', (id, expected) => {
    expect(after.get(id)).toEqual(expected);
  });

  it('has an entry for every task', () => {
    expect([...after.keys()]).toEqual(tasks.map((t) => t.id));
  });

  // Reported: without a recorded task graph, prefetch is not linked to builder-setup (which it depends on in the
  // project graph, see create-nodes), so the critical path stops at prefetch. Flip to `it` with the fix.
  it('prefetch waits for builder-setup', () => {
    expect(after.get('acme:prefetch')).toEqual(['acme:builder-setup']);
  });
});

describe('predecessors from the recorded task graph', () => {
  it("takes a task's recorded dependencies as they are, workspace tasks too", () => {
    const after = predecessors([
      task('acme:builder-setup', { after: [] }),
      task('acme:prefetch', { after: ['acme:builder-setup'] }),
      task('base:build-image', { after: ['acme:prefetch'] }),
      // Recorded as waiting for nothing: no workspace tasks or earlier stages added.
      task('base:push-image', { after: [] }),
      // Not recorded: the fallback.
      task('api:build-image', { dependsOnProjects: ['base'] }),
    ]);
    expect(Object.fromEntries(after)).toEqual({
      'acme:builder-setup': [],
      'acme:prefetch': ['acme:builder-setup'],
      'base:build-image': ['acme:prefetch'],
      'base:push-image': [],
      'api:build-image': ['acme:builder-setup', 'acme:prefetch', 'base:build-image'],
    });
  });
});
