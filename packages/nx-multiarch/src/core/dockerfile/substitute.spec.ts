import { substitute } from './substitute';

// SET has a value, EMPTY is set to '', DECLARED is an ARG without a default (undefined), UNSET is absent.
const vars = { SET: 'value', EMPTY: '', DECLARED: undefined, OTHER: 'other', IMAGE: 'alpine', TAG: '3.20' };

describe('substitute', () => {
  test.each([
    // plain references
    ['$SET', { value: 'value', unresolved: [] }],
    ['${SET}', { value: 'value', unresolved: [] }],
    ['${IMAGE}:${TAG}', { value: 'alpine:3.20', unresolved: [] }],
    ['$IMAGE:$TAG', { value: 'alpine:3.20', unresolved: [] }],
    ['${SET}_suffix', { value: 'value_suffix', unresolved: [] }],
    ['$SET_suffix', { value: '', unresolved: ['SET_suffix'] }],
    ['$SET-suffix', { value: 'value-suffix', unresolved: [] }],
    ['$SET.suffix', { value: 'value.suffix', unresolved: [] }],
    ['prefix/$SET/suffix', { value: 'prefix/value/suffix', unresolved: [] }],
    ['$EMPTY', { value: '', unresolved: [] }],
    ['${UNSET}', { value: '', unresolved: ['UNSET'] }],
    ['$UNSET', { value: '', unresolved: ['UNSET'] }],
    ['${DECLARED}', { value: '', unresolved: ['DECLARED'] }],
    ['$UNSET/$OTHER_UNSET:$UNSET', { value: '/:', unresolved: ['UNSET', 'OTHER_UNSET', 'UNSET'] }],
    ['demo/gateway:${TAG}-${TARGETARCH}', { value: 'demo/gateway:3.20-', unresolved: ['TARGETARCH'] }],
    // names are looked up as own keys only, never on the prototype
    ['$constructor${toString}', { value: '', unresolved: ['constructor', 'toString'] }],
    // `${VAR:-word}`: word when unset or empty
    ['${SET:-word}', { value: 'value', unresolved: [] }],
    ['${EMPTY:-word}', { value: 'word', unresolved: [] }],
    ['${DECLARED:-word}', { value: 'word', unresolved: [] }],
    ['${UNSET:-word}', { value: 'word', unresolved: [] }],
    ['${UNSET:-}', { value: '', unresolved: [] }],
    // `${VAR-word}`: word only when unset
    ['${SET-word}', { value: 'value', unresolved: [] }],
    ['${EMPTY-word}', { value: '', unresolved: [] }],
    ['${DECLARED-word}', { value: 'word', unresolved: [] }],
    ['${UNSET-word}', { value: 'word', unresolved: [] }],
    // `${VAR:+word}`: word only when set and non-empty
    ['${SET:+word}', { value: 'word', unresolved: [] }],
    ['${EMPTY:+word}', { value: '', unresolved: [] }],
    ['${DECLARED:+word}', { value: '', unresolved: [] }],
    ['${UNSET:+word}', { value: '', unresolved: [] }],
    // `${VAR+word}`: word when set, even to ''
    ['${SET+word}', { value: 'word', unresolved: [] }],
    ['${EMPTY+word}', { value: 'word', unresolved: [] }],
    ['${DECLARED+word}', { value: '', unresolved: [] }],
    ['${UNSET+word}', { value: '', unresolved: [] }],
    // words that look like image references
    ['${BASE:-alpine:3.20}', { value: 'alpine:3.20', unresolved: [] }],
    ['${REGISTRY:-127.0.0.1:5000}/acme/api', { value: '127.0.0.1:5000/acme/api', unresolved: [] }],
    ['alpine:3.20${DEBUG:+-debug}', { value: 'alpine:3.20', unresolved: [] }],
    ['${TAG:-1.0.0-rc.1}-${SET:+x}', { value: '3.20-x', unresolved: [] }],
    // the word is itself expanded; its unset names count only when the word is used
    ['${UNSET:-$IMAGE}', { value: 'alpine', unresolved: [] }],
    ['${UNSET:-${IMAGE}:${TAG}}', { value: 'alpine:3.20', unresolved: [] }],
    ['${UNSET:-${ALSO_UNSET}}', { value: '', unresolved: ['ALSO_UNSET'] }],
    ['${SET:-${ALSO_UNSET}}', { value: 'value', unresolved: [] }],
    ['${SET:+$OTHER}', { value: 'other', unresolved: [] }],
    ['${UNSET:+$ALSO_UNSET}', { value: '', unresolved: [] }],
    ['${UNSET-${ALSO_UNSET:-fallback}}', { value: 'fallback', unresolved: [] }],
    // `\$` is a literal dollar
    ['\\$SET', { value: '$SET', unresolved: [] }],
    ['\\${SET}', { value: '${SET}', unresolved: [] }],
    ['cost: \\$5 and $SET', { value: 'cost: $5 and value', unresolved: [] }],
    // a value is not expanded again
    ['$DOLLAR', { value: '$SET', unresolved: [] }],
    // no variable reference at all
    ['alpine:3.20', { value: 'alpine:3.20', unresolved: [] }],
    ['', { value: '', unresolved: [] }],
    ['$', { value: '$', unresolved: [] }],
    ['$1', { value: '$1', unresolved: [] }],
    ['a $ b', { value: 'a $ b', unresolved: [] }],
  ])('%j', (text, expected) => {
    expect(substitute(text, { ...vars, DOLLAR: '$SET' })).toStrictEqual(expected);
  });

  it('leaves the variables it was given untouched', () => {
    const given = { A: 'a' };
    expect(substitute('${A}${B:-b}', given)).toStrictEqual({ value: 'ab', unresolved: [] });
    expect(given).toStrictEqual({ A: 'a' });
  });
});
