// Errors of the command line itself (bad options): exit code 2, one line, no stack trace.

export class UsageError extends Error {
  override name = 'UsageError';
}
