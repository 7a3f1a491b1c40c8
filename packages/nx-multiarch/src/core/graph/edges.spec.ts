import { componentEdges, describeCycle, findCycle, type ComponentEdge, type ComponentFacts } from './edges';

function fact(name: string, facts: Partial<ComponentFacts> = {}): ComponentFacts {
  return { name, phase: 'foundation', services: [], usesImages: [], ...facts };
}

const edge = (source: string, target: string, reason: ComponentEdge['reason'], sourceFile?: string): ComponentEdge => ({
  source,
  target,
  reason,
  ...(sourceFile && { sourceFile }),
});

const owners = new Map([
  ['localhost:5000/demo/base', 'base'],
  ['localhost:5000/demo/base-dev', 'base'],
  ['localhost:5000/demo/hub', 'hub'],
  ['localhost:5000/demo/api', 'api'],
  ['localhost:5000/demo/api-init', 'api'],
]);

describe('componentEdges', () => {
  // prettier-ignore
  test.each<[string, ComponentFacts[], ComponentEdge[]]>([
    ['no components', [], []],
    ['foundations alone have no edges', [fact('base'), fact('hub')], []],
    [
      'an image edge carries the Dockerfile that names the image',
      [fact('base'), fact('api', { dockerfile: 'packages/api/Dockerfile.tpl', usesImages: ['localhost:5000/demo/base'] })],
      [edge('api', 'base', 'image', 'packages/api/Dockerfile.tpl')],
    ],
    [
      'images nobody in the workspace owns are ignored',
      [fact('api', { dockerfile: 'packages/api/Dockerfile', usesImages: ['docker.io/library/ubuntu', 'docker.io/library/golang'] })],
      [],
    ],
    [
      'two images of one component: one edge',
      [fact('base'), fact('api', { dockerfile: 'packages/api/Dockerfile', usesImages: ['localhost:5000/demo/base', 'localhost:5000/demo/base-dev'] })],
      [edge('api', 'base', 'image', 'packages/api/Dockerfile')],
    ],
    [
      'its own image (a later stage FROM an earlier target) is no edge',
      [fact('api', { dockerfile: 'packages/api/Dockerfile', usesImages: ['localhost:5000/demo/api-init'] })],
      [],
    ],
    [
      'a service edge per known service; unknown, repeated and own names ignored',
      [fact('hub'), fact('worker', { services: ['hub', 'ghost', 'hub', 'worker'] })],
      [edge('worker', 'hub', 'service')],
    ],
    [
      'phase: each dependent after every foundation',
      [fact('base'), fact('web', { phase: 'dependent' }), fact('hub'), fact('api', { phase: 'dependent' })],
      [edge('web', 'base', 'phase'), edge('web', 'hub', 'phase'), edge('api', 'base', 'phase'), edge('api', 'hub', 'phase')],
    ],
    [
      'dependents only: no phase edges',
      [fact('web', { phase: 'dependent' }), fact('api', { phase: 'dependent' })],
      [],
    ],
    [
      'after replaces the phase edges, may name a dependent, ignores unknown, repeated and own names',
      [fact('base'), fact('hub'), fact('api', { phase: 'dependent' }), fact('web', { phase: 'dependent', after: ['hub', 'api', 'ghost', 'hub', 'web'] })],
      [edge('api', 'base', 'phase'), edge('api', 'hub', 'phase'), edge('web', 'hub', 'after'), edge('web', 'api', 'after')],
    ],
    [
      'an empty after: no predecessors at all',
      [fact('base'), fact('web', { phase: 'dependent', after: [] })],
      [],
    ],
    [
      'after on a foundation is ignored',
      [fact('base'), fact('hub', { after: ['base'] })],
      [],
    ],
    [
      'one pair, several reasons: one edge, the first reason found (an image beats a service and a phase)',
      [
        fact('base'),
        fact('hub', { phase: 'dependent', dockerfile: 'packages/hub/Dockerfile', usesImages: ['localhost:5000/demo/base'], services: ['base'] }),
      ],
      [edge('hub', 'base', 'image', 'packages/hub/Dockerfile')],
    ],
    [
      'a service beats after',
      [fact('hub'), fact('worker', { phase: 'dependent', services: ['hub'], after: ['hub'] })],
      [edge('worker', 'hub', 'service')],
    ],
  ])('%s', (_name, components, expected) => {
    expect(componentEdges(components, owners)).toEqual(expected);
  });

  it('builds the edges of a realistic workspace', () => {
    const components = [
      fact('base', { dockerfile: 'packages/base/Dockerfile', usesImages: ['docker.io/library/ubuntu'] }),
      fact('hub', { dockerfile: 'packages/hub/Dockerfile.tpl', usesImages: ['localhost:5000/demo/base'] }),
      fact('api', {
        phase: 'dependent',
        dockerfile: 'packages/api/Dockerfile',
        usesImages: ['localhost:5000/demo/base', 'docker.io/library/golang'],
        services: ['hub'],
      }),
      fact('worker', { phase: 'dependent', after: ['api'], services: ['hub'] }),
    ];
    expect(componentEdges(components, owners)).toEqual([
      edge('hub', 'base', 'image', 'packages/hub/Dockerfile.tpl'),
      edge('api', 'base', 'image', 'packages/api/Dockerfile'),
      edge('api', 'hub', 'service'),
      edge('worker', 'hub', 'service'),
      edge('worker', 'api', 'after'),
    ]);
  });
});

describe('findCycle', () => {
  // prettier-ignore
  test.each<[string, ComponentEdge[]]>([
    ['no edges', []],
    ['a chain', [edge('api', 'hub', 'service'), edge('hub', 'base', 'image')]],
    ['a diamond (a node reached twice is no cycle)', [edge('a', 'b', 'phase'), edge('a', 'c', 'phase'), edge('b', 'd', 'image'), edge('c', 'd', 'image')]],
    ['both directions with the same source twice', [edge('a', 'b', 'image'), edge('a', 'b', 'phase'), edge('c', 'a', 'after')]],
  ])('none for a DAG: %s', (_name, edges) => {
    expect(findCycle(edges)).toBeUndefined();
  });

  it('finds a 2-cycle as a closed path', () => {
    const portalToGateway = edge('portal', 'gateway', 'image', 'packages/portal/Dockerfile');
    const gatewayToPortal = edge('gateway', 'portal', 'after');
    expect(findCycle([portalToGateway, gatewayToPortal])).toEqual([gatewayToPortal, portalToGateway]);
  });

  it('finds a 3-cycle reached from outside it, without the path that led there', () => {
    const edges = [
      edge('a', 'z', 'phase'),
      edge('a', 'b', 'phase'),
      edge('b', 'c', 'service'),
      edge('c', 'd', 'image', 'packages/c/Dockerfile'),
      edge('d', 'b', 'after'),
    ];
    const cycle = findCycle(edges);
    expect(cycle).toEqual([edges[2], edges[3], edges[4]]);
    expect(cycle?.[0].source).toBe(cycle?.[cycle.length - 1].target);
  });

  it('finds a self edge', () => {
    expect(findCycle([edge('a', 'a', 'image')])).toEqual([edge('a', 'a', 'image')]);
  });

  it('is deterministic: starts from the alphabetically first component whatever the edge order', () => {
    const edges = [
      edge('worker', 'hub', 'service'),
      edge('hub', 'worker', 'after'),
      edge('api', 'hub', 'phase'),
      edge('hub', 'base', 'image'),
    ];
    const expected = [edge('hub', 'worker', 'after'), edge('worker', 'hub', 'service')];
    expect(findCycle(edges)).toEqual(expected);
    expect(findCycle([...edges].reverse())).toEqual(expected);
    expect(findCycle(edges)).toEqual(findCycle(edges));
  });

  it('finds the cycle componentEdges makes of a foundation using a dependent image', () => {
    const edges = componentEdges(
      [
        fact('base', { dockerfile: 'packages/base/Dockerfile', usesImages: ['localhost:5000/demo/api'] }),
        fact('api', { phase: 'dependent' }),
      ],
      owners,
    );
    const cycle = findCycle(edges);
    expect(cycle).toEqual([edge('api', 'base', 'phase'), edge('base', 'api', 'image', 'packages/base/Dockerfile')]);
    expect(describeCycle(cycle!)).toBe(
      'api -> base (api is a dependent, it a foundation) -> api (base uses its image: packages/base/Dockerfile)',
    );
  });
});

describe('describeCycle', () => {
  // prettier-ignore
  test.each<[string, ComponentEdge[], string]>([
    [
      'image and after',
      [edge('portal', 'gateway', 'image', 'packages/portal/Dockerfile'), edge('gateway', 'portal', 'after')],
      'portal -> gateway (portal uses its image: packages/portal/Dockerfile) -> portal (gateway lists it in "after")',
    ],
    [
      'service and phase',
      [edge('worker', 'hub', 'service'), edge('hub', 'worker', 'phase')],
      'worker -> hub (worker needs it running) -> worker (hub is a dependent, it a foundation)',
    ],
    [
      'an image edge without a file, in a 3-cycle',
      [edge('a', 'b', 'image'), edge('b', 'c', 'service'), edge('c', 'a', 'after')],
      'a -> b (a uses its image) -> c (b needs it running) -> a (c lists it in "after")',
    ],
    ['a self edge', [edge('a', 'a', 'image', 'packages/a/Dockerfile.tpl')], 'a -> a (a uses its image: packages/a/Dockerfile.tpl)'],
  ])('%s', (_name, cycle, expected) => {
    expect(describeCycle(cycle)).toBe(expected);
  });
});
