// Errors of the command line itself (bad options, outputs that cannot be
// written): exit code 2, one line, no stack trace.

/** Exit codes of every command (SCENARIOS.md): 0 every expectation met. */
export const EXIT_OK = 0;
/** An expectation failed (or the guest did something the hypervisor cannot run). */
export const EXIT_FAILED = 1;
/** Bad input or usage, also an output that cannot be written. */
export const EXIT_USAGE = 2;
/** A bug of vgicsim. */
export const EXIT_BUG = 3;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** An output (a trace file, standard output) that cannot be written. */
export class OutputError extends UsageError {
  override name = 'OutputError';
}

const WRITE_REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  ENAMETOOLONG: 'the name is too long',
};

/** Why a write failed, in words (the errno code kept for searching). */
export function describeWriteError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code === undefined ? undefined : WRITE_REASONS[err.code];
  if (reason !== undefined) return `${reason} (${err.code})`;
  return err.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
}
