import type { AttemptFailure } from '../retry/policy';
import { commandFields, type FailureRecord } from './failure-log';

type AttemptFields = Pick<
  FailureRecord,
  'attempt' | 'retryInMs' | 'class' | 'kind' | 'evidence' | 'step' | 'exitCode' | 'timedOut' | 'stalled' | 'outputTail'
>;

/**
 * What a failed attempt puts in its failure-log line, in the log's field order: its number, the wait that follows,
 * its class, the Dockerfile step (builds), and how its process ended.
 */
export function attemptFields(report: AttemptFailure & { step?: string }): AttemptFields {
  return {
    attempt: report.attempt,
    ...(report.nextDelayMs !== undefined && { retryInMs: report.nextDelayMs }),
    class: report.failure.class,
    kind: report.failure.kind,
    evidence: report.failure.evidence,
    ...(report.step && { step: report.step }),
    ...commandFields(report.error),
  };
}
