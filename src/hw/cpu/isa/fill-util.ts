// Helpers of the decode table's fill functions: register slots (Cpu.x
// indexes, ops.ts), sign extension, and the Arm ARM's DecodeBitMasks.

import { SLOT_DISCARD, SLOT_SP } from '../ops.ts';

/** Register read where 31 means XZR. */
export function rX(r: number): number {
  return r << 1;
}
/** Register read or write where 31 means SP. */
export function rSP(r: number): number {
  return (r === 31 ? SLOT_SP : r) << 1;
}
/** Register write where 31 means XZR (the value is discarded). */
export function wX(r: number): number {
  return (r === 31 ? SLOT_DISCARD : r) << 1;
}

export function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

function rorBits(v: bigint, r: number, width: number): bigint {
  if (r === 0) return v;
  const m = ones(width);
  return ((v >> BigInt(r)) | (v << BigInt(width - r))) & m;
}

/**
 * Arm ARM DecodeBitMasks (shared pseudocode): the (wmask, tmask) pair for
 * logical immediates and bitfield moves, or null where the encoding is
 * reserved (UNDEFINED). Decode-time only, so BigInt is fine.
 */
export function decodeBitMasks(
  n: number,
  imms: number,
  immr: number,
  immediate: boolean,
  datasize: number,
): [bigint, bigint] | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null;
  const s = imms & levels;
  const r = immr & levels;
  const diff = (s - r) & 0x3f;
  const esize = 1 << len;
  if (esize > datasize) return null;
  const d = diff & (esize - 1);
  const welem = rorBits(ones(s + 1), r, esize);
  const telem = ones(d + 1);
  let wmask = 0n;
  let tmask = 0n;
  for (let p = 0; p < datasize; p += esize) {
    wmask |= welem << BigInt(p);
    tmask |= telem << BigInt(p);
  }
  return [wmask, tmask];
}

export function lo32(v: bigint): number {
  return Number(v & 0xffff_ffffn) | 0;
}
export function hi32(v: bigint): number {
  return Number((v >> 32n) & 0xffff_ffffn) | 0;
}
