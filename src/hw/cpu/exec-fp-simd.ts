// AdvSIMD integer instructions (Arm ARM C7.2): the ones glibc's string and
// memory routines use. Handlers take the raw word; results go through a
// temporary register (Rd may be Rn or Rm), then into Rd with bits 64..127
// cleared for 64-bit (Q = 0) forms. Lanes up to 32 bits are Numbers,
// 64-bit lanes BigInt (rare in these routines). Return 0 = retired,
// -1 = UNDEFINED (reserved size/Q combination).

import type { FpRegs } from './fp-state.ts';

const T = new ArrayBuffer(64);
const t8 = new Uint8Array(T);
const t16 = new Uint16Array(T);
const t32 = new Uint32Array(T);
const t64 = new BigUint64Array(T);
const M64 = 0xffff_ffff_ffff_ffffn;

function lane(v: FpRegs, r: number, esize: number, i: number): number {
  switch (esize) {
    case 8:
      return v.u8[r * 16 + i];
    case 16:
      return v.u16[r * 8 + i];
    default:
      return v.u32[r * 4 + i];
  }
}
function setT(esize: number, i: number, x: number): void {
  if (esize === 8) t8[i] = x;
  else if (esize === 16) t16[i] = x;
  else t32[i] = x;
}
function sx(x: number, esize: number): number {
  const s = 32 - esize;
  return (x << s) >> s;
}
/** Rd = the temporary's low 16 (q) or 8 bytes (the rest cleared). */
function commit(v: FpRegs, rd: number, q: number): void {
  const b = rd * 4;
  v.u32[b] = t32[0];
  v.u32[b + 1] = t32[1];
  v.u32[b + 2] = q ? t32[2] : 0;
  v.u32[b + 3] = q ? t32[3] : 0;
}
const sx64 = (x: bigint): bigint => BigInt.asIntN(64, x);

function f3(w: number): [q: number, u: number, size: number, rm: number, rn: number, rd: number] {
  return [(w >>> 30) & 1, (w >>> 29) & 1, (w >>> 22) & 3, (w >>> 16) & 31, (w >>> 5) & 31, w & 31];
}

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
    const b = rd * 4;
    if (q) {
      v.u32[b + 2] = t32[2];
      v.u32[b + 3] = t32[3];
    } else {
      v.u32[b] = t32[0];
      v.u32[b + 1] = t32[1];
      v.u32[b + 2] = 0;
      v.u32[b + 3] = 0;
    }
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

/** Index and esize from an imm5 (lowest set bit), or null if reserved. */
function imm5(w: number): [es: number, index: number] | null {
  const i5 = (w >>> 16) & 31;
  if (i5 === 0 || i5 === 16) return null;
  const sz = 31 - Math.clz32(i5 & -i5);
  return [8 << sz, i5 >>> (sz + 1)];
}

/** AdvSIMD copy: DUP (element, general), SMOV, UMOV, INS (general, element). x: the cpu's X halves. */
export function simdCopy(v: FpRegs, w: number, x: Int32Array): number {
  const q = (w >>> 30) & 1;
  const op = (w >>> 29) & 1;
  const imm4 = (w >>> 11) & 15;
  const rn = (w >>> 5) & 31;
  const rd = w & 31;
  const d = imm5(w);
  if (d === null) return -1;
  const [es, idx] = d;
  if (op === 1) {
    if (!q) return -1;
    const src = imm4 >>> (31 - Math.clz32(es / 8));
    copyLane(v, rd, idx, rn, src, es);
    return 0;
  }
  switch (imm4) {
    case 0b0000:
    case 0b0001: {
      if (es === 64 && !q) return -1;
      const n = (q ? 128 : 64) / es;
      if (es === 64) {
        const val = imm4 === 0 ? v.u64[rn * 2 + idx] : xVal(x, rn);
        t64[0] = val;
        t64[1] = val;
      } else {
        const val =
          imm4 === 0 ? lane(v, rn, es, idx) : (x[rn * 2] >>> 0) & (es === 32 ? 0xffff_ffff : (1 << es) - 1);
        for (let i = 0; i < n; i++) setT(es, i, val);
      }
      commit(v, rd, q);
      return 0;
    }
    case 0b0011: {
      if (!q) return -1;
      if (es === 64) v.u64[rd * 2 + idx] = xVal(x, rn);
      else if (es === 32) v.u32[rd * 4 + idx] = x[rn * 2] >>> 0;
      else if (es === 16) v.u16[rd * 8 + idx] = x[rn * 2];
      else v.u8[rd * 16 + idx] = x[rn * 2];
      return 0;
    }
    case 0b0101:
    case 0b0111: {
      const signed = imm4 === 0b0101;
      if (rd === 31) return 0;
      if (signed ? es >= (q ? 64 : 32) : q !== (es === 64 ? 1 : 0)) return -1;
      if (es === 64) {
        x[rd * 2] = v.u32[rn * 4 + 2 * idx];
        x[rd * 2 + 1] = v.u32[rn * 4 + 2 * idx + 1];
        return 0;
      }
      const val = lane(v, rn, es, idx);
      const s = signed ? sx(val, es) : val;
      x[rd * 2] = s;
      x[rd * 2 + 1] = signed && q ? s >> 31 : 0;
      return 0;
    }
    default:
      return -1;
  }
}

function xVal(x: Int32Array, rn: number): bigint {
  return (BigInt(x[rn * 2 + 1] >>> 0) << 32n) | BigInt(x[rn * 2] >>> 0);
}
function copyLane(v: FpRegs, rd: number, di: number, rn: number, si: number, es: number): void {
  const b = es / 8;
  for (let k = 0; k < b; k++) v.u8[rd * 16 + di * b + k] = v.u8[rn * 16 + si * b + k];
}

/** UZP1/2, TRN1/2, ZIP1/2. */
export function simdPermute(v: FpRegs, w: number): number {
  const [q, , size, rm, rn, rd] = f3(w);
  const opc = (w >>> 12) & 7;
  if (size === 3 && !q) return -1;
  const es = 8 << size;
  const b = es / 8;
  const elems = (q ? 16 : 8) / b;
  const h = elems / 2;
  const part = opc >>> 2;
  for (let i = 0; i < elems; i++) {
    let src: number;
    let si: number;
    switch (opc & 3) {
      case 1: {
        // UZP: even (part 0) or odd elements of Rn:Rm concatenated.
        const j = 2 * i + part;
        src = j < elems ? rn : rm;
        si = j % elems;
        break;
      }
      case 2: {
        // TRN
        src = i & 1 ? rm : rn;
        si = (i & ~1) + part;
        break;
      }
      case 3: {
        // ZIP
        src = i & 1 ? rm : rn;
        si = (i >>> 1) + part * h;
        break;
      }
      default:
        return -1;
    }
    for (let k = 0; k < b; k++) t8[i * b + k] = v.u8[src * 16 + si * b + k];
  }
  commit(v, rd, q);
  return 0;
}

/** EXT: bytes imm4.. of Rm:Rn. */
export function simdExt(v: FpRegs, w: number): number {
  const [q, , , rm, rn, rd] = f3(w);
  const pos = (w >>> 11) & 15;
  const bytes = q ? 16 : 8;
  if (!q && pos >= 8) return -1;
  for (let i = 0; i < bytes; i++) {
    const j = pos + i;
    t8[i] = j < bytes ? v.u8[rn * 16 + j] : v.u8[rm * 16 + j - bytes];
  }
  commit(v, rd, q);
  return 0;
}

/** TBL/TBX with 1-4 table registers. */
export function simdTbl(v: FpRegs, w: number): number {
  const [q, , , rm, rn, rd] = f3(w);
  const regs = ((w >>> 13) & 3) + 1;
  const tbx = (w >>> 12) & 1;
  const bytes = q ? 16 : 8;
  for (let i = 0; i < bytes; i++) {
    const idx = v.u8[rm * 16 + i];
    if (idx < regs * 16) t8[i] = v.u8[((rn + (idx >>> 4)) & 31) * 16 + (idx & 15)];
    else t8[i] = tbx ? v.u8[rd * 16 + i] : 0;
  }
  commit(v, rd, q);
  return 0;
}

/** AdvSIMDExpandImm (Arm ARM shared pseudocode) as [lo, hi] 32-bit halves, or null if reserved. */
function expandImm(op: number, cmode: number, imm8: number): [number, number] | null {
  let w32: number;
  switch (cmode >>> 1) {
    case 0:
    case 1:
    case 2:
    case 3:
      w32 = imm8 << (8 * (cmode >>> 1));
      return [w32 >>> 0, w32 >>> 0];
    case 4:
    case 5: {
      const h = imm8 << (8 * ((cmode >>> 1) & 1));
      w32 = (h << 16) | h;
      return [w32 >>> 0, w32 >>> 0];
    }
    case 6:
      w32 = cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
      return [w32 >>> 0, w32 >>> 0];
    default: {
      if ((cmode & 1) === 0 && op === 0) {
        w32 = imm8 * 0x0101_0101;
        return [w32 >>> 0, w32 >>> 0];
      }
      if ((cmode & 1) === 0) {
        let lo = 0;
        let hi = 0;
        for (let i = 0; i < 4; i++) if ((imm8 >>> i) & 1) lo |= 0xff << (8 * i);
        for (let i = 0; i < 4; i++) if ((imm8 >>> (i + 4)) & 1) hi |= 0xff << (8 * i);
        return [lo >>> 0, hi >>> 0];
      }
      if (op === 0) {
        // FMOV (vector, single): aBbbbbbc defgh000 0..0
        const a = (imm8 >>> 7) & 1;
        const b = (imm8 >>> 6) & 1;
        const f = ((a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0x1f : 0) << 25) | ((imm8 & 0x3f) << 19)) >>> 0;
        return [f, f];
      }
      const a = (imm8 >>> 7) & 1;
      const b = (imm8 >>> 6) & 1;
      const hi = ((a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0xff : 0) << 22) | ((imm8 & 0x3f) << 16)) >>> 0;
      return [0, hi];
    }
  }
}

/** MOVI/MVNI/ORR/BIC (vector, immediate), FMOV (vector, immediate). */
export function simdModImm(v: FpRegs, w: number): number {
  const q = (w >>> 30) & 1;
  const op = (w >>> 29) & 1;
  const cmode = (w >>> 12) & 15;
  const o2 = (w >>> 11) & 1;
  const rd = w & 31;
  const imm8 = (((w >>> 16) & 7) << 5) | ((w >>> 5) & 31);
  if (o2) return -1;
  if (cmode === 15 && op === 1 && !q) return -1;
  const e = expandImm(op, cmode, imm8);
  if (e === null) return -1;
  const [lo, hi] = e;
  const words = q ? 4 : 2;
  const orrBic = (cmode & 1) === 1 && cmode < 12;
  const invert = op === 1 && cmode < 14;
  for (let i = 0; i < words; i++) {
    const imm = i & 1 ? hi : lo;
    const d = v.u32[rd * 4 + i];
    t32[i] = orrBic ? (op ? d & ~imm : d | imm) : invert ? ~imm : imm;
  }
  commit(v, rd, q);
  return 0;
}

/** AdvSIMD shift by immediate: SSHR/USHR, SSRA/USRA, SHL, SLI, SRI, SHRN, SSHLL/USHLL. */
export function simdShiftImm(v: FpRegs, w: number): number {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const immh = (w >>> 19) & 15;
  const immb = (w >>> 16) & 7;
  const opc = (w >>> 11) & 31;
  const rn = (w >>> 5) & 31;
  const rd = w & 31;
  const hsb = 31 - Math.clz32(immh);
  const es = 8 << hsb;
  const ib = (immh << 3) | immb;
  const right = 2 * es - ib;
  const left = ib - es;
  if (opc === 0b10000 || opc === 0b10100) {
    // SHRN (U=0) / SSHLL, USHLL: narrowing or widening.
    if (hsb === 3) return -1;
    if (opc === 0b10000) {
      if (u) return -1;
      const n = 64 / es;
      t32[0] = v.u32[rd * 4];
      t32[1] = v.u32[rd * 4 + 1];
      for (let i = 0; i < n; i++) {
        const src = es === 32 ? v.u64[rn * 2 + i] : BigInt(lane(v, rn, es * 2, i));
        setT(es, (q ? n : 0) + i, Number(BigInt.asUintN(es, src >> BigInt(right))));
      }
      const b = rd * 4;
      if (q) {
        v.u32[b + 2] = t32[2];
        v.u32[b + 3] = t32[3];
      } else {
        v.u32[b] = t32[0];
        v.u32[b + 1] = t32[1];
        v.u32[b + 2] = 0;
        v.u32[b + 3] = 0;
      }
      return 0;
    }
    const n = 64 / es;
    for (let i = 0; i < n; i++) {
      const x = lane(v, rn, es, (q ? n : 0) + i);
      const ext = u ? x : sx(x, es);
      const r = BigInt.asUintN(es * 2, BigInt(ext) << BigInt(left));
      if (es === 32) t64[i] = r;
      else setT(es * 2, i, Number(r));
    }
    commit(v, rd, 1);
    return 0;
  }
  if (hsb === 3 && !q) return -1;
  const elems = (q ? 128 : 64) / es;
  const E = BigInt(es);
  for (let i = 0; i < elems; i++) {
    const a = es === 64 ? v.u64[rn * 2 + i] : BigInt(lane(v, rn, es, i));
    const d = es === 64 ? v.u64[rd * 2 + i] : BigInt(lane(v, rd, es, i));
    const sa = BigInt.asIntN(es, a);
    let r: bigint;
    switch ((u << 5) | opc) {
      case 0b0_00000:
        r = sa >> BigInt(Math.min(right, es - 1));
        break;
      case 0b1_00000:
        r = right >= es ? 0n : a >> BigInt(right);
        break;
      case 0b0_00010:
        r = d + (sa >> BigInt(Math.min(right, es - 1)));
        break;
      case 0b1_00010:
        r = d + (right >= es ? 0n : a >> BigInt(right));
        break;
      case 0b0_01010:
        r = a << BigInt(left);
        break;
      case 0b1_01010: {
        const m = ((1n << E) - 1n) >> E === 0n ? ((1n << E) - 1n) ^ ((1n << BigInt(left)) - 1n) : 0n;
        r = (d & ~m) | ((a << BigInt(left)) & m);
        break;
      }
      case 0b1_01000: {
        const m = right >= es ? 0n : ((1n << E) - 1n) >> BigInt(right);
        r = (d & ~m) | (right >= es ? 0n : (a >> BigInt(right)) & m);
        break;
      }
      default:
        return -1;
    }
    r = BigInt.asUintN(es, r);
    if (es === 64) t64[i] = r;
    else setT(es, i, Number(r));
  }
  commit(v, rd, q);
  return 0;
}
