import { InputError } from '../input-error.js';

/** A command-line usage problem (a bad flag, a missing argument): exit code 2, like every `InputError`. */
export class UsageError extends InputError {}
