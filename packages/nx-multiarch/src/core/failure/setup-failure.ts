import { CommandError, ConfigError, type PluginError } from './errors';
import { redactText } from '../network/proxy';
import { classifyFailure, type Classification, type FailureKind } from './classify';

/**
 * A failure of a task that prepares builds (builder-setup, render), classified for the failure log and the run
 * report: bad options are `config`; a docker command's failure is read like any other (no daemon, a timeout);
 * anything else is `otherwise`.
 */
export function setupFailure(
  error: PluginError,
  otherwise: FailureKind,
): Pick<Classification, 'class' | 'kind' | 'evidence'> {
  const firstLine = redactText(error.message.split('\n')[0]);
  if (error instanceof ConfigError) return { class: 'permanent', kind: 'config', evidence: firstLine };
  if (error instanceof CommandError) {
    const read = classifyFailure(error.outputTail, {
      operation: 'build',
      timedOut: error.timedOut,
      stalled: error.stalled,
    });
    if (read.kind !== 'unknown') return { class: read.class, kind: read.kind, evidence: redactText(read.evidence) };
    const evidence = redactText(error.outputTail.trim().split('\n').at(-1) || firstLine);
    return { class: 'permanent', kind: otherwise, evidence };
  }
  return { class: 'permanent', kind: otherwise, evidence: firstLine };
}
