import { BuildFailedError, CommandError, type PluginError } from './errors';
import { redactText } from '../network/proxy';
import { classifyFailure, type Classification, type FailureKind } from './classify';

export type ErrorFailure = Pick<Classification, 'class' | 'kind' | 'evidence'>;

export interface FailureReading {
  /** How a failed command's output is read, with the last word; by default as a build's, `otherwise` if unknown. */
  readCommand?: (error: CommandError) => ErrorFailure;
  /** Removes secrets from the evidence; proxy credentials by default. */
  clean?: (text: string) => string;
}

const readBuildCommand = (error: CommandError): ErrorFailure =>
  classifyFailure(error.outputTail, { operation: 'build', timedOut: error.timedOut, stalled: error.stalled });

/**
 * The one mapping from an error the plugin raised to the failure log's class, kind and evidence: a build that
 * failed carries its last attempt's; an error class that names its kind (config, verification, service...) gives
 * it; a command's output is read; anything else is `otherwise`.
 */
export function failureOfError(error: PluginError, otherwise: FailureKind, reading: FailureReading = {}): ErrorFailure {
  const clean = reading.clean ?? redactText;
  const firstLine = clean(error.message.split('\n')[0]);
  if (error instanceof BuildFailedError) return { ...error.last.failure, evidence: clean(error.last.failure.evidence) };
  if (error.kind) return { class: 'permanent', kind: error.kind, evidence: firstLine };
  if (error instanceof CommandError) {
    const read = (reading.readCommand ?? readBuildCommand)(error);
    if (read.kind !== 'unknown' || reading.readCommand)
      return { class: read.class, kind: read.kind, evidence: clean(read.evidence) };
    const evidence = clean(error.outputTail.trim().split('\n').at(-1) || firstLine);
    return { class: 'permanent', kind: otherwise, evidence };
  }
  return { class: 'permanent', kind: otherwise, evidence: firstLine };
}
