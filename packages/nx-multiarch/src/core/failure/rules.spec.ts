import { FAILURE_KINDS } from './kinds';
import { QEMU, RULES, RUN_STEP, STEP_NETWORK } from './rules';

describe('RULES', () => {
  it('tests a failed RUN step first: its command text may contain anything', () => {
    expect(RULES.slice(0, 2)).toEqual([RUN_STEP, QEMU]);
  });

  it('names only kinds with a class of their own', () => {
    const undecided = RULES.filter((rule) => FAILURE_KINDS[rule.kind].class === 'by-operation');
    expect(undecided).toEqual([]);
  });

  it('tests every permanent kind before the network causes (poisoned cache excepted)', () => {
    const classes = RULES.filter((rule) => rule.kind !== 'poisoned-cache').map((r) => FAILURE_KINDS[r.kind].class);
    expect(classes.indexOf('transient')).toBe(classes.lastIndexOf('permanent') + 1);
  });

  it('picks the first matching rule of a line', () => {
    const line = 'failed to compute cache key: failed to calculate checksum of ref abc: "/app/package.json": not found';
    expect(RULES.find((rule) => rule.pattern.test(line))?.kind).toBe('context');
  });
});

describe('STEP_NETWORK', () => {
  it('is the network rules without the token wrapper, which a RUN step may print for its own reasons', () => {
    expect(STEP_NETWORK.map((rule) => rule.kind)).toEqual([
      'rate-limit',
      'server-error',
      'tls',
      'dns',
      'refused',
      'unreachable',
      'reset',
      'eof',
      'timeout',
      'network',
    ]);
  });
});
