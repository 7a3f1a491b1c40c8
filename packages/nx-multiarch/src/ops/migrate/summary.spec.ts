import type { ComponentKind } from './component';
import { migrationSummary } from './summary';

describe('migrationSummary', () => {
  test.each<[Array<[string, ComponentKind]>, string]>([
    [
      [
        ['api', 'dependent'],
        ['cache', 'upstream'],
        ['gitea', 'foundation'],
        ['hub', 'foundation'],
        ['shared', 'none'],
        ['worker', 'dependent'],
      ],
      '5 components in src/: foundations gitea, hub; dependents api, worker; upstream cache; not components shared',
    ],
    [[['hub', 'foundation']], '1 component in src/: foundations hub'],
    [[['cache', 'upstream']], '1 component in src/: upstream cache'],
    [[['shared', 'none']], '0 components in src/: not components shared'],
    [[], '0 components in src/'],
  ])('%j', (components, line) => {
    expect(
      migrationSummary(
        'src',
        components.map(([name, kind]) => ({ name, kind })),
      ),
    ).toBe(line);
  });
});
