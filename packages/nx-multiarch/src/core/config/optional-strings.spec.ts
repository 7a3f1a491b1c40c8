import { optionalStrings } from './optional-strings';

describe('optionalStrings', () => {
  const schema = optionalStrings('http-proxy', 'no-proxy');

  it('accepts each field as a string or absent', () => {
    expect(schema.parse({ 'http-proxy': 'http://proxy:3128' })).toEqual({ 'http-proxy': 'http://proxy:3128' });
    expect(schema.parse({})).toEqual({});
  });

  it('rejects a field that is not a string, naming it', () => {
    const parsed = schema.safeParse({ 'no-proxy': ['localhost'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['no-proxy']);
  });

  it('strips other keys as z.object does, and keeps them with passthrough', () => {
    expect(schema.parse({ 'http-proxy': 'a', other: 1 })).toEqual({ 'http-proxy': 'a' });
    expect(schema.passthrough().parse({ 'http-proxy': 'a', other: 1 })).toEqual({ 'http-proxy': 'a', other: 1 });
  });

  it('lists the fields in the order given', () => {
    expect(Object.keys(schema.shape)).toEqual(['http-proxy', 'no-proxy']);
  });
});
