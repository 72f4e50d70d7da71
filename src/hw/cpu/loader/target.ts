// What every loader writes into (guest RAM), what it returns, and the one
// error type it throws. A loader never lets a stack trace escape for bad
// input: every problem with a file becomes a LoadError naming the file.

import { hex } from '../../../sim/bits.ts';

/**
 * The guest memory a loader writes through. The interpreter's GuestRam
 * provides load() and contains(); base/size are optional and only make the
 * "outside RAM" message precise (and let the Image loader find the start
 * of RAM when no base is given).
 */
export interface LoadTarget {
  /** Copy `bytes` to guest physical address `pa` (the range is known to be inside). */
  load(pa: number, bytes: Uint8Array): void;
  /** Whether [pa, pa + len) lies entirely in guest RAM. */
  contains(pa: number, len: number): boolean;
  readonly base?: number;
  readonly size?: number;
}

/** One contiguous range written into guest memory. */
export interface LoadedSegment {
  /** guest physical address of the first byte */
  readonly pa: number;
  /** bytes copied from the file */
  readonly fileSize: number;
  /** bytes occupied in memory (fileSize plus zero fill, e.g. .bss) */
  readonly memSize: number;
  /** ELF p_flags (PF_X 1, PF_W 2, PF_R 4); 7 for flat binaries and Images */
  readonly flags: number;
}

export type LoadedFormat = 'elf' | 'flat' | 'arm64-image';

export interface LoadResult {
  readonly format: LoadedFormat;
  /** guest physical address of the first instruction */
  readonly entry: number;
  readonly segments: readonly LoadedSegment[];
}

export class LoadError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'LoadError';
  }
}

/** Flags recorded for formats without permissions (read, write, execute). */
export const FLAGS_RWX = 7;

/** "0x40000000-0x48000000" for the target's RAM, or a generic phrase if it does not say. */
export function describeRam(target: LoadTarget): string {
  if (target.base === undefined || target.size === undefined) return 'guest RAM';
  return `RAM ${hex(target.base)}-${hex(target.base + target.size)}`;
}

/** Throw unless [pa, pa + len) is inside the target's RAM. `pa` may be a BigInt from a 64-bit field. */
export function checkInRam(
  file: string,
  target: LoadTarget,
  pa: number | bigint,
  len: number | bigint,
): void {
  const start = BigInt(pa);
  const end = start + BigInt(len);
  const fits = end <= BigInt(Number.MAX_SAFE_INTEGER) && target.contains(Number(start), Number(end - start));
  if (!fits) throw new LoadError(file, `segment ${hex(start)}-${hex(end)} outside ${describeRam(target)}`);
}

/** Write `bytes` at `pa` and zero-fill up to `memSize` (which is >= bytes.length). */
export function placeSegment(target: LoadTarget, pa: number, bytes: Uint8Array, memSize: number): void {
  if (bytes.length > 0) target.load(pa, bytes);
  const fill = memSize - bytes.length;
  if (fill > 0) target.load(pa + bytes.length, new Uint8Array(fill));
}
