// Logical (bitmask) immediates: the inverse of DecodeBitMasks (Arm ARM
// J1.1.x, shared/functions/bitmasks). A bitmask immediate is an element of
// 2, 4, ..., 64 bits, replicated to the register width, whose element is a
// run of `s` ones (0 < s < esize) rotated right by `r`.

export interface BitmaskFields {
  n: number;
  immr: number;
  imms: number;
}

const ELEMENT_SIZES = [2, 4, 8, 16, 32, 64];

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

/**
 * Encode `value` (taken modulo 2^width) for a `width`-bit (32 or 64)
 * instruction, or return null when it has no encoding.
 */
export function encodeBitmask(value: bigint, width: 32 | 64): BitmaskFields | null {
  let v = BigInt.asUintN(width, value);
  // Work on 64 bits: a 32-bit immediate is a 64-bit one with esize <= 32.
  if (width === 32) v |= v << 32n;
  if (v === 0n || v === ones(64)) return null;
  for (const esize of ELEMENT_SIZES) {
    if (esize > width) break;
    const emask = ones(esize);
    const elem = v & emask;
    let replicated = 0n;
    for (let i = 0; i < 64; i += esize) replicated |= elem << BigInt(i);
    if (replicated !== v) continue;
    // Find k such that ROR(elem, k) is the run of ones starting at bit 0;
    // then elem = ROR(ones(s), esize - k).
    const s = popcount(elem);
    const run = ones(s);
    for (let k = 0; k < esize; k++) {
      const rotated = ((elem >> BigInt(k)) | (elem << BigInt(esize - k))) & emask;
      if (rotated === run) {
        const immr = (esize - k) % esize;
        // imms: the element size as a prefix of ones before a 0, then s-1.
        const imms = ((-esize << 1) & 0x3f) | (s - 1);
        return { n: esize === 64 ? 1 : 0, immr, imms };
      }
    }
    return null;
  }
  return null;
}

function popcount(v: bigint): number {
  let n = 0;
  while (v !== 0n) {
    n += Number(v & 1n);
    v >>= 1n;
  }
  return n;
}

/** DecodeBitMasks' wmask for (N, immr, imms), for tests and the interpreter. */
export function decodeBitmask(f: BitmaskFields, width: 32 | 64): bigint | null {
  const combined = (f.n << 6) | (~f.imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return null;
  const esize = 1 << len;
  if (esize > width) return null;
  const levels = esize - 1;
  const s = f.imms & levels;
  const r = f.immr & levels;
  if (s === levels) return null;
  const emask = ones(esize);
  const welem = ones(s + 1);
  const elem = ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  let out = 0n;
  for (let i = 0; i < width; i += esize) out |= elem << BigInt(i);
  return out;
}
