// Flat (raw) binaries: the file's bytes are the memory image, placed at a
// given physical address and entered at a given address (default: the first
// byte, as `objcopy -O binary` output and the scenario default 0x4008_0000
// expect).

import { hex } from '../../../sim/bits.ts';
import {
  checkInRam,
  FLAGS_RWX,
  LoadError,
  type LoadResult,
  type LoadTarget,
  placeSegment,
} from './target.ts';

/** Where assembly and raw binaries go unless told otherwise (SCENARIOS.md memory map). */
export const DEFAULT_FLAT_BASE = 0x4008_0000;

export interface FlatOptions {
  /** guest physical address of the first byte */
  readonly base: number;
  /** first instruction; must lie inside the image. Default: base */
  readonly entry?: number;
}

export function loadFlat(file: string, bytes: Uint8Array, target: LoadTarget, opts: FlatOptions): LoadResult {
  if (bytes.length === 0) throw new LoadError(file, 'empty file');
  const { base } = opts;
  const entry = opts.entry ?? base;
  if (!Number.isSafeInteger(base) || base < 0) throw new LoadError(file, `bad load address ${base}`);
  checkInRam(file, target, base, bytes.length);
  if (entry < base || entry >= base + bytes.length)
    throw new LoadError(
      file,
      `entry ${hex(entry)} outside the image ${hex(base)}-${hex(base + bytes.length)}`,
    );
  placeSegment(target, base, bytes, bytes.length);
  return {
    format: 'flat',
    entry,
    segments: [{ pa: base, fileSize: bytes.length, memSize: bytes.length, flags: FLAGS_RWX }],
  };
}
