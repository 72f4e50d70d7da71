// The "new ASCII" (newc) cpio format, the one the Linux kernel unpacks as an
// initramfs (Linux Documentation/driver-api/early-userspace/buffer-format.rst;
// the format itself is cpio(5)'s "New ASCII Format"):
//
//   header: "070701" then 13 fields of 8 hex digits: ino, mode, uid, gid,
//           nlink, mtime, filesize, devmajor, devminor, rdevmajor,
//           rdevminor, namesize (including the NUL), check (0)
//   name:   namesize bytes, then NUL padding so header + name is a multiple of 4
//   data:   filesize bytes, padded to a multiple of 4
//   ...     and a last entry named "TRAILER!!!".
//
// Entries are written in the order given; mtimes are 0 so the archive is
// reproducible byte for byte.

const MAGIC = '070701';
const HEADER_SIZE = 110;
const TRAILER = 'TRAILER!!!';
// st_mode file types (POSIX <sys/stat.h>)
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
const S_IFMT = 0o170000;

export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | {
      readonly kind: 'chardev';
      readonly path: string;
      readonly major: number;
      readonly minor: number;
      readonly mode?: number;
    };

export class CpioError extends Error {
  override name = 'CpioError';
}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

function modeOf(e: CpioEntry): number {
  switch (e.kind) {
    case 'dir':
      return S_IFDIR | (e.mode ?? 0o755);
    case 'file':
      return S_IFREG | (e.mode ?? 0o644);
    case 'symlink':
      return S_IFLNK | 0o777;
    case 'chardev':
      return S_IFCHR | (e.mode ?? 0o600);
  }
}

/** A newc archive of `entries` (paths without a leading "/"), ending with the trailer. */
export function writeCpio(entries: readonly CpioEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    size += b.length;
  };
  const record = (
    ino: number,
    mode: number,
    nlink: number,
    name: string,
    data: Uint8Array,
    rdev = [0, 0],
  ) => {
    const nameBytes = enc.encode(`${name}\0`);
    const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
    push(enc.encode(MAGIC + fields.map(hex8).join('')));
    push(nameBytes);
    push(new Uint8Array(pad4(HEADER_SIZE + nameBytes.length)));
    push(data);
    push(new Uint8Array(pad4(data.length)));
  };
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const path = e.path.replace(/^\/+/, '');
    if (path === '' || path.split('/').some((p) => p === '' || p === '..'))
      throw new CpioError(`bad path '${e.path}'`);
    if (seen.has(path)) throw new CpioError(`'${path}' twice`);
    seen.add(path);
    const data = e.kind === 'file' ? e.data : e.kind === 'symlink' ? enc.encode(e.target) : new Uint8Array(0);
    const rdev = e.kind === 'chardev' ? [e.major, e.minor] : [0, 0];
    record(i + 1, modeOf(e), e.kind === 'dir' ? 2 : 1, path, data, rdev);
  });
  record(0, 0, 1, TRAILER, new Uint8Array(0));
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface CpioRecord {
  readonly path: string;
  readonly mode: number;
  readonly kind: 'dir' | 'file' | 'symlink' | 'chardev' | 'other';
  readonly data: Uint8Array;
  readonly rdev: readonly [number, number];
}

/** Parse a newc archive up to its trailer; a truncated or malformed archive is a CpioError saying where. */
export function readCpio(bytes: Uint8Array): CpioRecord[] {
  const dec = new TextDecoder();
  const out: CpioRecord[] = [];
  let at = 0;
  for (;;) {
    if (at + HEADER_SIZE > bytes.length)
      throw new CpioError(
        `truncated: header at offset ${at} runs past the end (${bytes.length} bytes), no ${TRAILER}`,
      );
    const header = dec.decode(bytes.subarray(at, at + HEADER_SIZE));
    if (!header.startsWith(MAGIC)) throw new CpioError(`no newc magic "070701" at offset ${at}`);
    const f = (i: number) => {
      const s = header.slice(6 + i * 8, 14 + i * 8);
      if (!/^[0-9a-fA-F]{8}$/.test(s)) throw new CpioError(`bad header field ${i} at offset ${at}`);
      return Number.parseInt(s, 16);
    };
    const mode = f(1);
    const fileSize = f(6);
    const nameSize = f(11);
    const nameStart = at + HEADER_SIZE;
    const dataStart = nameStart + nameSize + pad4(HEADER_SIZE + nameSize);
    if (nameSize < 1 || dataStart + fileSize > bytes.length)
      throw new CpioError(`truncated: entry at offset ${at} runs past the end (${bytes.length} bytes)`);
    const path = dec.decode(bytes.subarray(nameStart, nameStart + nameSize - 1));
    if (path === TRAILER) return out;
    const type = mode & S_IFMT;
    const kind =
      type === S_IFDIR
        ? 'dir'
        : type === S_IFREG
          ? 'file'
          : type === S_IFLNK
            ? 'symlink'
            : type === S_IFCHR
              ? 'chardev'
              : 'other';
    out.push({ path, mode, kind, data: bytes.slice(dataStart, dataStart + fileSize), rdev: [f(9), f(10)] });
    at = dataStart + fileSize + pad4(fileSize);
  }
}

/** True when `bytes` starts like a newc (or newc-with-CRC "070702") archive. */
export function isCpio(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 6));
  return head === MAGIC || head === '070702';
}
