// The arm64 Linux kernel `Image` (Linux Documentation/arch/arm64/booting.rst,
// "Call the kernel image"): a raw binary whose first 64 bytes are a header
//
//   0x00 u32 code0        0x08 u64 text_offset   0x18 u64 flags
//   0x04 u32 code1        0x10 u64 image_size    0x20..0x37 reserved
//   0x38 u32 magic = "ARM\x64" (0x644d5241 little-endian)   0x3c u32 res5
//
// and which "must be placed text_offset bytes from a 2MB aligned base address
// anywhere in usable system RAM and called there"; at least image_size bytes
// from its start must be free. The entry point is the first byte (code0 is a
// branch over the header).

import { hex } from '../../../sim/bits.ts';
import {
  checkInRam,
  FLAGS_RWX,
  LoadError,
  type LoadResult,
  type LoadTarget,
  placeSegment,
} from './target.ts';

const HEADER_SIZE = 64;
const TEXT_OFFSET = 0x08;
const IMAGE_SIZE = 0x10;
const FLAGS = 0x18;
const MAGIC = 0x38;
/** "ARM\x64" read as a little-endian u32 */
export const ARM64_IMAGE_MAGIC = 0x644d5241;
/** Base alignment the protocol requires: 2 MiB. */
export const IMAGE_BASE_ALIGN = 0x20_0000;
/** Before Linux 3.17 image_size is 0 and text_offset is to be taken as 0x80000 (booting.rst). */
const LEGACY_TEXT_OFFSET = 0x8_0000;

// flags (booting.rst): bit 0 endianness, bits 1-2 page size, bit 3 physical placement
const FLAG_BE = 1n;
const FLAG_PAGE_SIZE_SHIFT = 1n;
const FLAG_PAGE_SIZE_MASK = 3n;
const FLAG_PLACEMENT_ANYWHERE = 8n;
const PAGE_SIZES = ['unspecified', '4K', '16K', '64K'] as const;

export interface Arm64ImageHeader {
  readonly textOffset: number;
  /** effective size in memory (including bss); the file length if the header says 0 (legacy) */
  readonly imageSize: number;
  readonly flags: bigint;
  readonly bigEndian: boolean;
  readonly pageSize: (typeof PAGE_SIZES)[number];
  /** flags bit 3: the 2 MiB base may be anywhere, not only near the start of RAM */
  readonly placementAnywhere: boolean;
}

export function isArm64Image(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_SIZE) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(MAGIC, true) === ARM64_IMAGE_MAGIC;
}

export function parseArm64ImageHeader(file: string, bytes: Uint8Array): Arm64ImageHeader {
  if (bytes.length === 0) throw new LoadError(file, 'empty file');
  if (!isArm64Image(bytes)) throw new LoadError(file, 'not an arm64 Image (no "ARM\\x64" magic at 0x38)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawSize = view.getBigUint64(IMAGE_SIZE, true);
  const flags = view.getBigUint64(FLAGS, true);
  const legacy = rawSize === 0n;
  const textOffset = legacy ? BigInt(LEGACY_TEXT_OFFSET) : view.getBigUint64(TEXT_OFFSET, true);
  if (textOffset >= BigInt(IMAGE_BASE_ALIGN) * 1024n)
    throw new LoadError(file, `implausible text_offset ${hex(textOffset)}`);
  if (rawSize > BigInt(Number.MAX_SAFE_INTEGER))
    throw new LoadError(file, `implausible image_size ${hex(rawSize)}`);
  return {
    textOffset: Number(textOffset),
    imageSize: legacy ? bytes.length : Math.max(Number(rawSize), bytes.length),
    flags: legacy ? 0n : flags,
    bigEndian: !legacy && (flags & FLAG_BE) !== 0n,
    pageSize: PAGE_SIZES[Number((flags >> FLAG_PAGE_SIZE_SHIFT) & FLAG_PAGE_SIZE_MASK)],
    placementAnywhere: !legacy && (flags & FLAG_PLACEMENT_ANYWHERE) !== 0n,
  };
}

export interface Arm64ImageOptions {
  /**
   * 2 MiB aligned base; the Image goes to base + text_offset. Default: the
   * first 2 MiB boundary at or above the target's RAM base (flags bit 3
   * clear asks for "as close as possible to the base of DRAM").
   */
  readonly base?: number;
  /**
   * Exact load address, overriding base + text_offset (QEMU's direct kernel
   * boot places an Image text_offset bytes from the start of RAM, 2 MiB
   * higher when that would overlap its boot stub).
   */
  readonly at?: number;
}

/** Place an arm64 Image per its header. The whole image_size range is zero-filled past the file bytes. */
export function loadArm64Image(
  file: string,
  bytes: Uint8Array,
  target: LoadTarget,
  opts: Arm64ImageOptions = {},
): LoadResult & { readonly header: Arm64ImageHeader } {
  const header = parseArm64ImageHeader(file, bytes);
  if (header.bigEndian)
    throw new LoadError(file, 'big-endian arm64 Image (flags bit 0), expected little-endian');
  let base = opts.base;
  if (base === undefined) {
    if (target.base === undefined)
      throw new LoadError(file, 'no base address given and the guest memory does not say where RAM starts');
    base = Math.ceil(target.base / IMAGE_BASE_ALIGN) * IMAGE_BASE_ALIGN;
  }
  if (opts.at === undefined && base % IMAGE_BASE_ALIGN !== 0)
    throw new LoadError(file, `Image base ${hex(base)} is not 2 MiB aligned (arm64 boot protocol)`);
  const pa = opts.at ?? base + header.textOffset;
  checkInRam(file, target, pa, header.imageSize);
  placeSegment(target, pa, bytes, header.imageSize);
  return {
    format: 'arm64-image',
    entry: pa,
    segments: [{ pa, fileSize: bytes.length, memSize: header.imageSize, flags: FLAGS_RWX }],
    header,
  };
}
