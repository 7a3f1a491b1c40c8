import { classOf, FAILURE_KINDS, type FailureKind } from './kinds';

describe('FAILURE_KINDS', () => {
  it('retries with --no-cache only after a poisoned cache', () => {
    const kinds = Object.entries(FAILURE_KINDS).filter(([, traits]) => traits.noCacheOnRetry);
    expect(kinds.map(([kind]) => kind)).toEqual(['poisoned-cache']);
  });

  it('reads a Retry-After only for a rate limit', () => {
    const kinds = Object.entries(FAILURE_KINDS).filter(([, traits]) => traits.readsRetryAfter);
    expect(kinds.map(([kind]) => kind)).toEqual(['rate-limit']);
  });

  it('leaves only unknown to the operation', () => {
    const kinds = Object.entries(FAILURE_KINDS).filter(([, traits]) => traits.class === 'by-operation');
    expect(kinds.map(([kind]) => kind)).toEqual(['unknown']);
  });
});

describe('classOf', () => {
  it('gives a recognised kind its own class, whatever the operation', () => {
    const kinds: FailureKind[] = ['dns', 'stalled', 'poisoned-cache', 'not-found', 'run-step'];
    expect(kinds.map((kind) => classOf(kind, 'pull'))).toEqual([
      'transient',
      'transient',
      'transient',
      'permanent',
      'permanent',
    ]);
    expect(kinds.map((kind) => classOf(kind, 'build'))).toEqual(kinds.map((kind) => classOf(kind, 'pull')));
  });

  it("gives unknown the operation's default: registry operations fail on the way, builds in the build", () => {
    const operations = ['pull', 'manifest', 'build'] as const;
    expect(operations.map((operation) => classOf('unknown', operation))).toEqual([
      'transient',
      'transient',
      'permanent',
    ]);
  });
});
