import { componentConfigText, mergeComponentConfig } from './config';

describe('mergeComponentConfig', () => {
  test.each<
    [string, Record<string, unknown> | undefined, Record<string, unknown>, Record<string, unknown> | undefined]
  >([
    ['nothing to say and no file: nothing written', undefined, {}, undefined],
    ['a new file', undefined, { phase: 'dependent' }, { phase: 'dependent' }],
    ['nothing to say beside a file: left as it is', { platforms: ['arm64'] }, {}, undefined],
    [
      'the same key already there: left as it is (a second run)',
      { phase: 'dependent' },
      { phase: 'dependent' },
      undefined,
    ],
    ["the user's value wins", { phase: 'foundation' }, { phase: 'dependent' }, undefined],
    [
      "the user's images win whole",
      { images: [{ name: 'api' }] },
      {
        images: [
          { name: 'api', target: 'api' },
          { name: 'api-init', target: 'api-init' },
        ],
      },
      undefined,
    ],
    [
      'a missing key is added after the existing ones',
      { tag: '1.0', platforms: ['arm64'] },
      { phase: 'dependent', platforms: ['amd64'] },
      { tag: '1.0', platforms: ['arm64'], phase: 'dependent' },
    ],
    [
      'several keys added, in the mapped order',
      { buildArgs: { A: '1' } },
      { phase: 'dependent', images: [{ name: 'x', target: 'x' }] },
      { buildArgs: { A: '1' }, phase: 'dependent', images: [{ name: 'x', target: 'x' }] },
    ],
  ])('%s', (_, existing, mapped, merged) => {
    const result = mergeComponentConfig(existing, mapped);
    expect(result).toEqual(merged);
    if (result) expect(Object.keys(result)).toEqual(Object.keys(merged as object));
  });

  it('does not change what it was given', () => {
    const existing = { tag: '1.0' };
    const mapped = { phase: 'dependent' };
    mergeComponentConfig(existing, mapped);
    expect(existing).toEqual({ tag: '1.0' });
    expect(mapped).toEqual({ phase: 'dependent' });
  });
});

describe('componentConfigText', () => {
  it('is two-space JSON with a final newline, as the component generator writes it', () => {
    expect(componentConfigText({ phase: 'dependent', images: [{ name: 'api' }] })).toBe(
      '{\n  "phase": "dependent",\n  "images": [\n    {\n      "name": "api"\n    }\n  ]\n}\n',
    );
  });
});
