import { InputError } from '../input-error.js';

/** A command-line usage problem (a bad flag, a missing argument): exit code 2, like every `InputError`. */
export class UsageError extends InputError {}

/**
 * The log's key given (`--log-key`) is not the key the log signs with, and the log never named it: a wrong key, not
 * tampering. Exit code 3, so that a script tells it from tampering (1) and from an unreachable server (2).
 */
export class WrongLogKey extends UsageError {
  override readonly exitCode: number = 3;
}
