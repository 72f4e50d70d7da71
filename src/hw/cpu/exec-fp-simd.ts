// AdvSIMD integer instructions (Arm ARM C7.2): the ones glibc's string and
// memory routines use. Handlers take the raw word; results go through a
// temporary register (Rd may be Rn or Rm), then into Rd with bits 64..127
// cleared for 64-bit (Q = 0) forms. Lanes up to 32 bits are Numbers,
// 64-bit lanes BigInt (rare in these routines). Return 0 = retired,
// -1 = UNDEFINED (reserved size/Q combination).

import type { FpRegs } from './fp-state.ts';
import { commit, lane, M64, setT, sx, sx64, t32, t64, t8, f3 } from './exec-fp-lanes.ts';

/** Lane operation of the three-same group for esize <= 32 (unsigned inputs), or null if unallocated. */
function op3(u: number, opc: number, a: number, b: number, es: number): number | null {
  const mask = es === 32 ? 0xffff_ffff : (1 << es) - 1;
  switch ((u << 5) | opc) {
    case 0b0_10000:
      return (a + b) & mask;
    case 0b1_10000:
      return (a - b) & mask;
    case 0b0_10001:
      return (a & b) !== 0 ? mask : 0;
    case 0b1_10001:
      return a === b ? mask : 0;
    case 0b0_00110:
      return sx(a, es) > sx(b, es) ? mask : 0;
    case 0b1_00110:
      return a > b ? mask : 0;
    case 0b0_00111:
      return sx(a, es) >= sx(b, es) ? mask : 0;
    case 0b1_00111:
      return a >= b ? mask : 0;
    case 0b0_01100:
    case 0b0_10100:
      return sx(a, es) >= sx(b, es) ? a : b;
    case 0b1_01100:
    case 0b1_10100:
      return Math.max(a, b);
    case 0b0_01101:
    case 0b0_10101:
      return sx(a, es) <= sx(b, es) ? a : b;
    case 0b1_01101:
    case 0b1_10101:
      return Math.min(a, b);
    case 0b0_10111:
      return (a + b) & mask;
    case 0b0_10011:
      return Number((BigInt(a) * BigInt(b)) & BigInt(mask));
    default:
      return null;
  }
}
function op3_64(u: number, opc: number, a: bigint, b: bigint): bigint | null {
  switch ((u << 5) | opc) {
    case 0b0_10000:
    case 0b0_10111:
      return (a + b) & M64;
    case 0b1_10000:
      return (a - b) & M64;
    case 0b0_10001:
      return (a & b) !== 0n ? M64 : 0n;
    case 0b1_10001:
      return a === b ? M64 : 0n;
    case 0b0_00110:
      return sx64(a) > sx64(b) ? M64 : 0n;
    case 0b1_00110:
      return a > b ? M64 : 0n;
    case 0b0_00111:
      return sx64(a) >= sx64(b) ? M64 : 0n;
    case 0b1_00111:
      return a >= b ? M64 : 0n;
    default:
      return null;
  }
}
const PAIRWISE = new Set([0b10100, 0b10101, 0b10111]);

/** AdvSIMD three same (integer). */
export function simd3Same(v: FpRegs, w: number): number {
  const [q, u, size, rm, rn, rd] = f3(w);
  const opc = (w >>> 11) & 31;
  if (opc === 0b00011) {
    const words = q ? 4 : 2;
    const op = (u << 2) | size;
    for (let i = 0; i < words; i++) {
      const n = v.u32[rn * 4 + i];
      const m = v.u32[rm * 4 + i];
      const d = v.u32[rd * 4 + i];
      let r: number;
      switch (op) {
        case 0:
          r = n & m;
          break;
        case 1:
          r = n & ~m;
          break;
        case 2:
          r = n | m;
          break;
        case 3:
          r = n | ~m;
          break;
        case 4:
          r = n ^ m;
          break;
        case 5:
          r = (d & n) | (~d & m); // BSL
          break;
        case 6:
          r = (d & ~m) | (n & m); // BIT
          break;
        default:
          r = (d & m) | (n & ~m); // BIF
      }
      t32[i] = r;
    }
    commit(v, rd, q);
    return 0;
  }
  const es = 8 << size;
  if (size === 3 && !q) return -1;
  const elems = (q ? 128 : 64) / es;
  const pair = PAIRWISE.has(opc);
  if (size === 3) {
    if (pair && opc !== 0b10111) return -1;
    for (let i = 0; i < 2; i++) {
      const a = pair ? (i === 0 ? v.u64[rn * 2] : v.u64[rm * 2]) : v.u64[rn * 2 + i];
      const b = pair ? (i === 0 ? v.u64[rn * 2 + 1] : v.u64[rm * 2 + 1]) : v.u64[rm * 2 + i];
      const r = op3_64(u, opc, a, b);
      if (r === null) return -1;
      t64[i] = r;
    }
    commit(v, rd, q);
    return 0;
  }
  if (opc === 0b10011 && u === 1) return -1;
  for (let i = 0; i < elems; i++) {
    let a: number;
    let b: number;
    if (pair) {
      const h = elems / 2;
      const src = i < h ? rn : rm;
      const j = 2 * (i < h ? i : i - h);
      a = lane(v, src, es, j);
      b = lane(v, src, es, j + 1);
    } else {
      a = lane(v, rn, es, i);
      b = lane(v, rm, es, i);
    }
    const r = op3(u, opc, a, b, es);
    if (r === null) return -1;
    setT(es, i, r);
  }
  commit(v, rd, q);
  return 0;
}

function popcount8(x: number): number {
  x = x - ((x >>> 1) & 0x55);
  x = (x & 0x33) + ((x >>> 2) & 0x33);
  return (x + (x >>> 4)) & 0x0f;
}

/** AdvSIMD two-register miscellaneous (integer subset). */
export function simd2Misc(v: FpRegs, w: number): number {
  const [q, u, size, , rn, rd] = f3(w);
  const opc = (w >>> 12) & 31;
  const es = 8 << size;
  const bytes = q ? 16 : 8;
  const key = (u << 5) | opc;
  // Whole-register byte forms first.
  if (key === 0b0_00101 || key === 0b1_00101) {
    if (size === 0 && u === 0) for (let i = 0; i < bytes; i++) t8[i] = popcount8(v.u8[rn * 16 + i]);
    else if (size === 0) for (let i = 0; i < bytes; i++) t8[i] = ~v.u8[rn * 16 + i] & 0xff;
    else if (size === 1 && u === 1)
      for (let i = 0; i < bytes; i++) {
        const b = v.u8[rn * 16 + i];
        let r = 0;
        for (let k = 0; k < 8; k++) r |= ((b >>> k) & 1) << (7 - k);
        t8[i] = r;
      }
    else return -1;
    commit(v, rd, q);
    return 0;
  }
  if (key === 0b0_00000 || key === 0b1_00000 || key === 0b0_00001) {
    // REV64 / REV32 / REV16: reverse esize elements within 64/32/16-bit containers.
    const container = key === 0b0_00000 ? 64 : key === 0b1_00000 ? 32 : 16;
    if (es >= container) return -1;
    const per = container / es;
    const elems = bytes / (es / 8);
    for (let i = 0; i < elems; i++) {
      const base = i - (i % per);
      setT(es, i, lane(v, rn, es, base + per - 1 - (i % per)));
    }
    commit(v, rd, q);
    return 0;
  }
  if (key === 0b0_10010) {
    // XTN / XTN2: narrow 2*es lanes of Rn to es, into the low or (Q=1) high half of Rd.
    if (size === 3) return -1;
    const n = 8 / (es / 8);
    t32[0] = v.u32[rd * 4];
    t32[1] = v.u32[rd * 4 + 1];
    for (let i = 0; i < n; i++) {
      const x = size === 2 ? v.u32[rn * 4 + 2 * i] : lane(v, rn, es * 2, i);
      setT(es, (q ? n : 0) + i, x & (es === 32 ? 0xffff_ffff : (1 << es) - 1));
    }
    // t32[0..1] were loaded from Vd: Q = 1 (the '2' form) keeps the lower half.
    commit(v, rd, q);
    return 0;
  }
  if (size === 3 && !q) return -1;
  const elems = bytes / (es / 8);
  if (size === 3) {
    for (let i = 0; i < 2; i++) {
      const a = v.u64[rn * 2 + i];
      const s = sx64(a);
      let r: bigint;
      switch (key) {
        case 0b0_01000:
          r = s > 0n ? M64 : 0n;
          break;
        case 0b0_01001:
          r = a === 0n ? M64 : 0n;
          break;
        case 0b0_01010:
          r = s < 0n ? M64 : 0n;
          break;
        case 0b1_01000:
          r = s >= 0n ? M64 : 0n;
          break;
        case 0b1_01001:
          r = s <= 0n ? M64 : 0n;
          break;
        case 0b0_01011:
          r = (s < 0n ? -s : s) & M64;
          break;
        case 0b1_01011:
          r = -s & M64;
          break;
        default:
          return -1;
      }
      t64[i] = r;
    }
    commit(v, rd, q);
    return 0;
  }
  const mask = es === 32 ? 0xffff_ffff : (1 << es) - 1;
  for (let i = 0; i < elems; i++) {
    const a = lane(v, rn, es, i);
    const s = sx(a, es);
    let r: number;
    switch (key) {
      case 0b0_01000:
        r = s > 0 ? mask : 0;
        break;
      case 0b0_01001:
        r = a === 0 ? mask : 0;
        break;
      case 0b0_01010:
        r = s < 0 ? mask : 0;
        break;
      case 0b1_01000:
        r = s >= 0 ? mask : 0;
        break;
      case 0b1_01001:
        r = s <= 0 ? mask : 0;
        break;
      case 0b0_01011:
        r = (s < 0 ? -s : s) & mask;
        break;
      case 0b1_01011:
        r = -s & mask;
        break;
      case 0b1_00100:
        r = Math.clz32(a) - (32 - es);
        break;
      case 0b0_00100:
        r = Math.clz32(s < 0 ? ~s : s) - (32 - es) - 1;
        break;
      default:
        return -1;
    }
    setT(es, i, r >>> 0);
  }
  commit(v, rd, q);
  return 0;
}

/** AdvSIMD across lanes: ADDV, S/UMAXV, S/UMINV, S/UADDLV. */
export function simdAcross(v: FpRegs, w: number): number {
  const [q, u, size, , rn, rd] = f3(w);
  const opc = (w >>> 12) & 31;
  if (size === 3 || (size === 2 && !q)) return -1;
  const es = 8 << size;
  const elems = (q ? 128 : 64) / es;
  let acc = lane(v, rn, es, 0);
  if (opc === 0b00011 || opc === 0b11011) {
    if (opc === 0b11011 && u) return -1;
    const long = opc === 0b00011;
    let sum = long && !u ? sx(acc, es) : acc;
    for (let i = 1; i < elems; i++) {
      const x = lane(v, rn, es, i);
      sum += long && !u ? sx(x, es) : x;
    }
    const out = long ? 2 * es : es;
    const big = BigInt.asUintN(out, BigInt(sum));
    v.u32.fill(0, rd * 4, rd * 4 + 4);
    if (out === 64) v.u64[rd * 2] = big;
    else v.u32[rd * 4] = Number(big);
    return 0;
  }
  if (opc !== 0b01010 && opc !== 0b11010) return -1;
  const max = opc === 0b01010;
  for (let i = 1; i < elems; i++) {
    const x = lane(v, rn, es, i);
    const a = u ? acc : sx(acc, es);
    const b = u ? x : sx(x, es);
    if (max ? b > a : b < a) acc = x;
  }
  v.u32.fill(0, rd * 4, rd * 4 + 4);
  if (es === 8) v.u8[rd * 16] = acc;
  else if (es === 16) v.u16[rd * 8] = acc;
  else v.u32[rd * 4] = acc;
  return 0;
}
