import { componentName, generatedPlatform } from './platform';

const dockerfilePath = (name: string) => `components/${name}/Dockerfile`;

describe('generatedPlatform', () => {
  test.each<[number, number, string[][]]>([
    [40, 4, [0, 1, 2, 3].map((layer) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((index) => componentName(layer, index)))],
    [
      10,
      3,
      [
        ['l0-c0', 'l0-c1', 'l0-c2', 'l0-c3'],
        ['l1-c0', 'l1-c1', 'l1-c2', 'l1-c3'],
        ['l2-c0', 'l2-c1'],
      ],
    ],
    [3, 1, [['l0-c0', 'l0-c1', 'l0-c2']]],
  ])('%d components in %d layers: one Dockerfile per component, layer by layer', (count, layers, expected) => {
    const platform = generatedPlatform(count, layers);
    expect(Object.keys(platform.files)).toEqual(expected.flat().map(dockerfilePath));
    expect(Object.keys(platform.files)).toHaveLength(count);
  });

  test('names components by layer and column', () => {
    expect([componentName(0, 0), componentName(3, 9), componentName(12, 101)]).toEqual(['l0-c0', 'l3-c9', 'l12-c101']);
  });

  test('the rest of the platform: name, options, leaf in the last layer, foundation in the first', () => {
    const { files, leaf, foundation, ...rest } = generatedPlatform(40, 4);
    expect(rest).toEqual({
      name: 'generated 40/4',
      componentsDir: 'components',
      options: { components: ['components/*'], imagePrefix: 'bench/', platforms: ['amd64', 'arm64'] },
      exclude: [],
      upstreams: {},
    });
    expect(leaf.project).toBe('l3-c0');
    expect(Object.keys(leaf.edit)).toEqual(['components/l3-c0/Dockerfile']);
    expect(foundation.project).toBe('l0-c0');
    expect(Object.keys(foundation.edit)).toEqual(['components/l0-c0/Dockerfile']);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([...Object.keys(leaf.edit), ...Object.keys(foundation.edit)]),
    );
  });

  test('a layer 0 Dockerfile, exactly', () => {
    expect(generatedPlatform(40, 4).files['components/l0-c3/Dockerfile']).toBe(
      ['FROM alpine:3.20', 'ARG TARGETARCH', 'RUN echo "l0-c3 v1 $TARGETARCH $(uname -m)" > /l0-c3', ''].join('\n'),
    );
  });

  test('the last column of layer 1, exactly: its neighbour wraps to column 0', () => {
    expect(generatedPlatform(40, 4).files['components/l1-c9/Dockerfile']).toBe(
      [
        'FROM bench/l0-c0:latest-${TARGETARCH} AS neighbour',
        'FROM bench/l0-c9:latest-${TARGETARCH}',
        'ARG TARGETARCH',
        'COPY --from=neighbour /l0-c0 /from-l0-c0',
        'RUN echo "l1-c9 v1 $TARGETARCH $(uname -m)" > /l1-c9',
        '',
      ].join('\n'),
    );
  });

  test('the image prefix goes into FROM and the options', () => {
    const platform = generatedPlatform(4, 2, 'acme/');
    expect(platform.options.imagePrefix).toBe('acme/');
    expect(platform.files['components/l1-c1/Dockerfile']).toBe(
      [
        'FROM acme/l0-c0:latest-${TARGETARCH} AS neighbour',
        'FROM acme/l0-c1:latest-${TARGETARCH}',
        'ARG TARGETARCH',
        'COPY --from=neighbour /l0-c0 /from-l0-c0',
        'RUN echo "l1-c1 v1 $TARGETARCH $(uname -m)" > /l1-c1',
        '',
      ].join('\n'),
    );
  });

  test.each<[number, number, number]>([
    [40, 4, 10],
    [10, 3, 4],
  ])(
    '%d/%d: every Dockerfile above layer 0 is FROM its column below, with the next column as neighbour',
    (count, layers, width) => {
      const { files } = generatedPlatform(count, layers);
      for (const [path, text] of Object.entries(files)) {
        const [, layer, index] = /^components\/l(\d+)-c(\d+)\/Dockerfile$/.exec(path)!.map(Number);
        const lines = text.split('\n');
        if (layer === 0) {
          expect(lines[0]).toBe('FROM alpine:3.20');
          continue;
        }
        const parent = componentName(layer - 1, index);
        const neighbour = componentName(layer - 1, (index + 1) % width);
        expect(lines.filter((line) => line.startsWith('FROM '))).toEqual([
          `FROM bench/${neighbour}:latest-\${TARGETARCH} AS neighbour`,
          `FROM bench/${parent}:latest-\${TARGETARCH}`,
        ]);
        // What they are FROM is generated too.
        expect(files[dockerfilePath(parent)]).toBeDefined();
        expect(files[dockerfilePath(neighbour)]).toBeDefined();
      }
    },
  );

  test('every Dockerfile records its own name at v1', () => {
    const { files } = generatedPlatform(10, 3);
    for (const [path, text] of Object.entries(files)) {
      const name = path.split('/')[1];
      expect(text).toContain(`RUN echo "${name} v1 $TARGETARCH $(uname -m)" > /${name}\n`);
    }
  });

  test.each(['leaf', 'foundation'] as const)('the %s edit bumps its version v1 -> v2 -> v3', (which) => {
    const platform = generatedPlatform(40, 4);
    const { project, edit } = platform[which];
    const path = dockerfilePath(project);
    const original = platform.files[path];
    const once = edit[path](original);
    expect(once).toBe(original.replace(`"${project} v1 `, `"${project} v2 `));
    expect(once).not.toBe(original);
    expect(edit[path](once)).toBe(original.replace(`"${project} v1 `, `"${project} v3 `));
  });

  test('the foundation edit, exactly', () => {
    const platform = generatedPlatform(40, 4);
    const path = 'components/l0-c0/Dockerfile';
    expect(platform.foundation.edit[path](platform.files[path])).toBe(
      ['FROM alpine:3.20', 'ARG TARGETARCH', 'RUN echo "l0-c0 v2 $TARGETARCH $(uname -m)" > /l0-c0', ''].join('\n'),
    );
  });

  test.each([
    [9, 4, '9 components do not fill 4 layers of 3: the last layer would be empty'],
    [3, 4, '3 components do not fill 4 layers of 1: the last layer would be empty'],
    [0, 1, '0 components do not fill 1 layers of 0: the last layer would be empty'],
  ])('refuses %i components in %i layers (no leaf to change)', (count, layers, message) => {
    expect(() => generatedPlatform(count, layers)).toThrow(new Error(message));
  });
});
