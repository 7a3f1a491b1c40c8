import { CommandError } from '../../core/failure/errors';
import type { AttemptFailure } from '../retry/policy';
import { attemptFields } from './attempt-fields';

const PULL = ['docker', 'pull', '--platform', 'linux/arm64', 'alpine:3.20'];
const failure = { class: 'transient', kind: 'server-error', evidence: '503 Service Unavailable' } as const;

describe('attemptFields', () => {
  it('takes number, wait, class and how the process ended, in the order the failure log writes them', () => {
    const error = new CommandError(PULL, 1, 'received unexpected HTTP status: 503', false, 'exited with code 1');
    const report: AttemptFailure = { attempt: 2, error, failure, nextDelayMs: 1_500 };
    const fields = attemptFields(report);
    expect(fields).toStrictEqual({
      attempt: 2,
      retryInMs: 1_500,
      class: 'transient',
      kind: 'server-error',
      evidence: '503 Service Unavailable',
      exitCode: 1,
      timedOut: false,
      outputTail: 'received unexpected HTTP status: 503',
    });
    expect(Object.keys(fields)).toEqual([
      'attempt',
      'retryInMs',
      'class',
      'kind',
      'evidence',
      'exitCode',
      'timedOut',
      'outputTail',
    ]);
  });

  it('leaves out the wait when no attempt follows, and process fields when no process failed', () => {
    const fields = attemptFields({
      attempt: 4,
      error: new Error('not a process'),
      failure: { class: 'permanent', kind: 'unknown', evidence: 'not a process' },
    });
    expect(fields).toStrictEqual({ attempt: 4, class: 'permanent', kind: 'unknown', evidence: 'not a process' });
  });

  it("puts a build's failed step between the class and the process fields", () => {
    const error = new CommandError(['docker', 'buildx', 'build'], undefined, '', true, 'stalled', true);
    const fields = attemptFields({ attempt: 1, error, failure, step: '[3/5] RUN npm ci' });
    expect(fields).toMatchObject({ step: '[3/5] RUN npm ci', timedOut: true, stalled: true });
    expect(fields).not.toHaveProperty('exitCode');
    expect(Object.keys(fields)).toEqual([
      'attempt',
      'class',
      'kind',
      'evidence',
      'step',
      'timedOut',
      'stalled',
      'outputTail',
    ]);
  });
});
