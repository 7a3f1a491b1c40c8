import type { FailureKind } from './classify';

/** Base of every error the plugin expects and reports itself (anything else is a bug and is rethrown). */
export class PluginError extends Error {
  override name = 'PluginError';
  /** The failure kind this error class always is (bad options are `config`); absent: read from the error. */
  readonly kind?: FailureKind;
}

/** Bad input: names the file (or option source), the field and the fix. */
export class ConfigError extends PluginError {
  override name = 'ConfigError';
  override readonly kind = 'config';
  constructor(
    readonly source: string,
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${source}: ${field}: ${problem}. Fix: ${fix}`);
  }
}

/** A process that failed, timed out or could not start; carries what is needed to diagnose it. */
export class CommandError extends PluginError {
  override name = 'CommandError';
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly outputTail: string,
    readonly timedOut: boolean,
    readonly reason: string,
    /** Killed by the stall timeout: no output for too long (implies timedOut). */
    readonly stalled = false,
  ) {
    super(`${argv.slice(0, 3).join(' ')} ${reason}${outputTail ? `:\n${outputTail}` : ''}`);
  }
}

/** The image that came out is not what was asked for (e.g. amd64 bytes tagged arm64). */
export class VerificationError extends PluginError {
  override name = 'VerificationError';
  override readonly kind = 'verification';
}

/** A multi-arch index would lack a platform nobody pushed. */
export class MissingPlatformError extends PluginError {
  override name = 'MissingPlatformError';
  override readonly kind = 'missing-platform';
}

/** A build that failed for good, with its last attempt (class, step, log) for the task's result line. */
export class BuildFailedError extends PluginError {
  override name = 'BuildFailedError';
  constructor(
    message: string,
    readonly last: {
      attempt: number;
      failure: { class: 'transient' | 'permanent'; kind: FailureKind; evidence: string };
      step?: string;
      logFile?: string;
    },
  ) {
    super(message);
  }
}
