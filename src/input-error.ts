/**
 * A problem with what the operator gave: a file that cannot be read, configuration that does not parse. Exit code
 * 2, as distinct from findings in a package (exit code 1). The CLI's `UsageError` is one kind of it.
 */
export class InputError extends Error {
  readonly exitCode: number = 2;
}
