import type { JsonSchema } from './reference-input';
import { escapeText, typeOf } from './reference-table';

describe('typeOf', () => {
  test.each<[string, JsonSchema, string]>([
    ['a primitive', { type: 'integer' }, 'integer'],
    ['an enum', { type: 'string', enum: ['docker', 'remote'] }, '"docker" | "remote"'],
    ['a constant', { type: 'boolean', const: false }, 'false'],
    ['anyOf', { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }, 'string | string[]'],
    ['oneOf', { oneOf: [{ type: 'number' }, { type: 'string', enum: ['auto'] }] }, 'number | "auto"'],
    ['a list of types', { type: ['string', 'null'] }, 'string | null'],
    ['an array of an enum', { type: 'array', items: { enum: ['amd64', 'arm64'] } }, '("amd64" | "arm64")[]'],
    [
      'an array of a union with an object',
      {
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'object', properties: { a: { type: 'string' } } }] },
      },
      '(string | { a?: string })[]',
    ],
    ['an array of one constant', { type: 'array', items: { const: 'x' } }, '"x"[]'],
    ['a map', { type: 'object', additionalProperties: { type: 'string' } }, 'Record<string, string>'],
    [
      'a small object',
      { type: 'object', properties: { name: { type: 'string' }, target: { type: 'string' } }, required: ['name'] },
      '{ name: string; target?: string }',
    ],
    [
      'an array of small objects',
      { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
      '{ name: string }[]',
    ],
    ['a larger object', { type: 'object', properties: { a: { type: 'string' }, b: {}, c: {}, d: {} } }, 'object'],
    ['an object of anything', { type: 'object' }, 'object'],
    ['no type', {}, 'unknown'],
  ])('spells %s', (_name, schema, expected) => {
    expect(typeOf(schema)).toBe(expected);
  });
});

describe('escapeText', () => {
  test.each([
    ['a | b', 'a \\| b'],
    ['`a|b` and a|b', '`a\\|b` and a\\|b'],
    ['defaults to <context>/Dockerfile', 'defaults to \\<context>/Dockerfile'],
    ['`<tag>-<arch>` stays code', '`<tag>-<arch>` stays code'],
    ['*.tpl files, `src/*`', '\\*.tpl files, `src/*`'],
    ['two\n  lines', 'two lines'],
  ])('%j', (text, expected) => {
    expect(escapeText(text)).toBe(expected);
  });
});
