import { masker } from './mask';

describe('masker', () => {
  it('replaces every occurrence of a value', () => {
    const mask = masker(['s3cr3t-token']);
    expect(mask('token=s3cr3t-token\nagain: s3cr3t-token, s3cr3t-tokens')).toBe('token=***\nagain: ***, ***s');
  });

  it('replaces the longest value first, so one that contains another goes whole', () => {
    const mask = masker(['hunter22', 'user:hunter22-extra']);
    expect(mask('auth user:hunter22-extra then hunter22')).toBe('auth *** then ***');
  });

  it('gives the same result whatever the order of the values', () => {
    const text = 'auth user:hunter22-extra then hunter22';
    expect(masker(['user:hunter22-extra', 'hunter22'])(text)).toBe(masker(['hunter22', 'user:hunter22-extra'])(text));
  });

  it('leaves values shorter than 4 characters alone, and masks those of exactly 4', () => {
    const mask = masker(['yes', '1', '', 'abcd']);
    expect(mask('yes 1 abc abcd abcde')).toBe('yes 1 abc *** ***e');
  });

  it('masks a value given twice once', () => {
    expect(masker(['token1234', 'token1234'])('x token1234 y')).toBe('x *** y');
  });

  test.each([
    ['http://user:pw@host/path', 'http://***@host/path'],
    [
      'pip install --index-url https://ci:p%40ss@pypi.example.com/simple',
      'pip install --index-url https://***@pypi.example.com/simple',
    ],
    ['no credentials: https://registry.example.com/v2/', 'no credentials: https://registry.example.com/v2/'],
  ])('strips URL credentials: %p', (text, expected) => {
    expect(masker([])(text)).toBe(expected);
  });

  it('masks values and URL credentials together', () => {
    const mask = masker(['npm_abcdef123456']);
    expect(mask('//registry.npmjs.org/:_authToken=npm_abcdef123456 via http://proxy:secret@10.0.0.1:3128')).toBe(
      '//registry.npmjs.org/:_authToken=*** via http://***@10.0.0.1:3128',
    );
  });

  it('leaves text without secrets as it is', () => {
    expect(masker(['npm_abcdef123456'])('#6 [2/2] RUN npm ci\n#6 DONE 3.0s')).toBe('#6 [2/2] RUN npm ci\n#6 DONE 3.0s');
  });
});
