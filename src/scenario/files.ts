// Reading the files a scenario names (the scenario itself, guest binaries,
// kernels, initrds, DTBs) without ever hanging or exhausting memory: only
// regular files are read (a FIFO would block, a device like /dev/zero never
// ends), they are opened non-blocking and checked on the open descriptor (no
// window between the check and the read), and at most a bound is read.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';

/** A file that cannot be used, with a reason that says why in words. */
export class FileProblem extends Error {
  override name = 'FileProblem';
}

/** What a non-regular file is, for messages ("is a directory, not a file"). */
function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why an error of the file system happened, in words. */
export function errnoReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.code ? `${err.code} (${err.message})` : String(err.message ?? e);
  }
}

/** Why `path` cannot be read as a regular file of at most `max` bytes, or undefined when it can. */
export function regularFileProblem(path: string, max: number, limit: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    return errnoReason(e);
  }
  if (!st.isFile()) return `${fileKind(st)}, not a regular file`;
  if (st.size > max) return `${st.size} bytes, larger than ${limit} (${sizeText(max)})`;
  return undefined;
}

function sizeText(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

/**
 * The bytes of the regular file `path`, at most `max` of them; a FileProblem
 * otherwise. Files whose size the kernel does not know (`/proc`) are read up
 * to the bound too.
 */
export function readRegularFile(path: string, max: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new FileProblem(errnoReason(e));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileProblem(`${fileKind(st)}, not a regular file`);
    if (st.size > max) throw new FileProblem(`${st.size} bytes, more than ${sizeText(max)}`);
    let buf = new Uint8Array(Math.min(max + 1, Math.max(st.size + 1, 4096)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > max) throw new FileProblem(`more than ${sizeText(max)}`);
        const bigger = new Uint8Array(Math.min(max + 1, buf.length * 2));
        bigger.set(buf);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > max) throw new FileProblem(`more than ${sizeText(max)}`);
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof FileProblem) throw e;
    throw new FileProblem(`cannot read: ${errnoReason(e)}`);
  } finally {
    closeSync(fd);
  }
}
