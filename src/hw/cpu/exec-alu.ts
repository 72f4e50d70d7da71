// Execution of the less frequent integer data-processing instructions
// (the hot ones are inline in the run loop). All retire; none can fault.
// 32-bit forms write the W register and zero the upper half.

import {
  addc32,
  addc64,
  clz64,
  cls64,
  extend64,
  R,
  rbit32,
  rev16x2,
  rev32,
  ror64,
  shift32,
  shift64,
} from './alu.ts';
import type { CpuCore } from './cpu-state.ts';
import { AS_S, AS_SF, AS_SUB, F_A, F_B, F_IMM, F_IMMHI, F_RD, F_RM, F_RN } from './ops.ts';

function setFlags(c: CpuCore): void {
  c.nf = R[2];
  c.zf = R[3];
  c.cf = R[4];
  c.vf = R[5];
}

/** Condition check (Arm ARM ConditionHolds, shared pseudocode). */
export function conditionHolds(c: CpuCore, cond: number): boolean {
  let r: boolean;
  switch (cond >>> 1) {
    case 0:
      r = c.zf === 1;
      break;
    case 1:
      r = c.cf === 1;
      break;
    case 2:
      r = c.nf === 1;
      break;
    case 3:
      r = c.vf === 1;
      break;
    case 4:
      r = c.cf === 1 && c.zf === 0;
      break;
    case 5:
      r = c.nf === c.vf;
      break;
    case 6:
      r = c.nf === c.vf && c.zf === 0;
      break;
    default:
      return true;
  }
  return (cond & 1) === 1 ? !r : r;
}

/** ADD/SUB(S) with operand 2 already in R[0], R[1]. */
export function addSubR(c: CpuCore, d: number, n: number, a: number): void {
  const x = c.x;
  const sub = a & AS_SUB;
  let blo = R[0];
  let bhi = R[1];
  if (sub) {
    blo = ~blo;
    bhi = ~bhi;
  }
  if (a & AS_SF) addc64(x[n], x[n + 1], blo, bhi, sub);
  else addc32(x[n], blo, sub);
  x[d] = R[0];
  x[d + 1] = R[1];
  if (a & AS_S) setFlags(c);
}

export function execAddSubExt(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const m = f[k + F_RM];
  const b = f[k + F_B];
  extend64(x[m], x[m + 1], b & 7, b >>> 3);
  addSubR(c, f[k + F_RD], f[k + F_RN], f[k + F_A]);
}

export function execAdc(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + F_A];
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  let blo = x[m];
  let bhi = x[m + 1];
  if (a & AS_SUB) {
    blo = ~blo;
    bhi = ~bhi;
  }
  if (a & AS_SF) addc64(x[n], x[n + 1], blo, bhi, c.cf);
  else addc32(x[n], blo, c.cf);
  const d = f[k + F_RD];
  x[d] = R[0];
  x[d + 1] = R[1];
  if (a & AS_S) setFlags(c);
}

/** LSLV/LSRV/ASRV/RORV: the amount is Rm modulo the register width (Arm ARM C6.2 LSLV). */
export function execShiftV(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + F_A];
  const n = f[k + F_RN];
  const amt = x[f[k + F_RM]];
  if (a & 4) shift64(x[n], x[n + 1], a & 3, amt & 63);
  else shift32(x[n], a & 3, amt & 31);
  const d = f[k + F_RD];
  x[d] = R[0];
  x[d + 1] = R[1];
}

/** SBFM/BFM/UBFM with the decode-time (wmask, tmask) (Arm ARM C6.2 BFM pseudocode). */
export function execBitfield(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const p = f[k + F_RM];
  const immr = p & 63;
  const imms = (p >>> 8) & 63;
  const opc = (p >>> 16) & 3;
  const sf = (p >>> 20) & 1;
  const n = f[k + F_RN];
  const d = f[k + F_RD];
  const wlo = f[k + F_IMM];
  const whi = f[k + F_IMMHI];
  const tlo = f[k + F_A];
  const thi = f[k + F_B];
  let rlo: number;
  let rhi: number;
  if (sf) {
    ror64(x[n], x[n + 1], immr);
    rlo = R[0];
    rhi = R[1];
  } else {
    const v = x[n];
    rlo = immr === 0 ? v : (v >>> immr) | (v << (32 - immr));
    rhi = 0;
  }
  let blo = rlo & wlo;
  let bhi = rhi & whi;
  if (opc === 1) {
    blo |= x[d] & ~wlo;
    bhi |= x[d + 1] & ~whi;
  }
  let lo: number;
  let hi: number;
  if (opc === 0) {
    // SBFM: bits above the field are copies of source bit <imms>.
    const top = imms < 32 ? (x[n] << (31 - imms)) >> 31 : (x[n + 1] << (63 - imms)) >> 31;
    lo = (top & ~tlo) | (blo & tlo);
    hi = (top & ~thi) | (bhi & thi);
  } else if (opc === 1) {
    lo = (x[d] & ~tlo) | (blo & tlo);
    hi = (x[d + 1] & ~thi) | (bhi & thi);
  } else {
    lo = blo & tlo;
    hi = bhi & thi;
  }
  x[d] = lo;
  x[d + 1] = sf ? hi : 0;
}

/** EXTR: (Rn:Rm) >> lsb, of the register width. */
export function execExtr(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  const lsb = f[k + F_A];
  const d = f[k + F_RD];
  if (f[k + F_B]) {
    // 128-bit (n:m) >> lsb, low 64 bits.
    if (lsb === 0) {
      x[d] = x[m];
      x[d + 1] = x[m + 1];
      return;
    }
    // Words of (n:m) from the bottom: m.lo, m.hi, n.lo, n.hi; take 64 bits at lsb.
    const w0 = lsb < 32 ? x[m] : x[m + 1];
    const w1 = lsb < 32 ? x[m + 1] : x[n];
    const w2 = lsb < 32 ? x[n] : x[n + 1];
    const s = lsb & 31;
    const lo = s === 0 ? w0 : (w0 >>> s) | (w1 << (32 - s));
    const hi = s === 0 ? w1 : (w1 >>> s) | (w2 << (32 - s));
    x[d] = lo;
    x[d + 1] = hi;
    return;
  }
  x[d] = lsb === 0 ? x[m] : (x[m] >>> lsb) | (x[n] << (32 - lsb));
  x[d + 1] = 0;
}

/** RBIT, REV16, REV32, REV, CLZ, CLS. */
export function execOneSrc(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const n = f[k + F_RN];
  const d = f[k + F_RD];
  const sf = f[k + F_B];
  const lo = x[n];
  const hi = sf ? x[n + 1] : 0;
  let rlo: number;
  let rhi = 0;
  switch (f[k + F_A]) {
    case 0:
      rlo = sf ? rbit32(hi) : rbit32(lo);
      rhi = sf ? rbit32(lo) : 0;
      break;
    case 1:
      rlo = rev16x2(lo);
      rhi = rev16x2(hi);
      break;
    case 2:
      rlo = rev32(lo);
      rhi = rev32(hi);
      break;
    case 3:
      rlo = sf ? rev32(hi) : rev32(lo);
      rhi = sf ? rev32(lo) : 0;
      break;
    case 4:
      rlo = sf ? clz64(lo, hi) : Math.clz32(lo);
      break;
    default:
      rlo = sf ? cls64(lo, hi) : Math.clz32(lo ^ (lo >> 31)) - 1;
  }
  x[d] = rlo;
  x[d + 1] = sf ? rhi : 0;
}

/** CCMP/CCMN: compare if the condition holds, else NZCV = #nzcv. */
export function execCcmp(c: CpuCore, f: Int32Array, k: number): void {
  const b = f[k + F_B];
  if (!conditionHolds(c, f[k + F_A])) {
    c.nf = (b >>> 3) & 1;
    c.zf = (b >>> 2) & 1;
    c.cf = (b >>> 1) & 1;
    c.vf = b & 1;
    return;
  }
  const x = c.x;
  const n = f[k + F_RN];
  let blo: number;
  let bhi: number;
  if ((b >>> 6) & 1) {
    blo = f[k + F_IMM];
    bhi = 0;
  } else {
    const m = f[k + F_RM];
    blo = x[m];
    bhi = x[m + 1];
  }
  const sub = (b >>> 4) & 1;
  if (sub) {
    blo = ~blo;
    bhi = ~bhi;
  }
  if ((b >>> 5) & 1) addc64(x[n], x[n + 1], blo, bhi, sub);
  else addc32(x[n], blo, sub);
  setFlags(c);
}

/** Logical (shifted register): AND BIC ORR ORN EOR EON ANDS BICS. */
export function execLogicShift(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + F_A];
  const b = f[k + F_B];
  const m = f[k + F_RM];
  const sf = (a >>> 3) & 1;
  if (sf) shift64(x[m], x[m + 1], b & 3, b >>> 2);
  else shift32(x[m], b & 3, b >>> 2);
  let blo = R[0];
  let bhi = R[1];
  if (a & 4) {
    blo = ~blo;
    bhi = sf ? ~bhi : 0;
  }
  logic(c, f[k + F_RD], f[k + F_RN], a & 3, sf, blo, bhi);
}

/** Rd = Rn op (blo, bhi) for opc 0 AND, 1 ORR, 2 EOR, 3 ANDS (flags: N, Z, C = V = 0). */
export function logic(
  c: CpuCore,
  d: number,
  n: number,
  opc: number,
  sf: number,
  blo: number,
  bhi: number,
): void {
  const x = c.x;
  let lo: number;
  let hi: number;
  switch (opc) {
    case 1:
      lo = x[n] | blo;
      hi = x[n + 1] | bhi;
      break;
    case 2:
      lo = x[n] ^ blo;
      hi = x[n + 1] ^ bhi;
      break;
    default:
      lo = x[n] & blo;
      hi = x[n + 1] & bhi;
  }
  if (!sf) hi = 0;
  x[d] = lo;
  x[d + 1] = hi;
  if (opc === 3) {
    c.nf = sf ? hi >>> 31 : lo >>> 31;
    c.zf = (lo | hi) === 0 ? 1 : 0;
    c.cf = 0;
    c.vf = 0;
  }
}

/** CSEL, CSINC, CSINV, CSNEG (Arm ARM C6.2: Rd = cond ? Rn : f(Rm)); F_B: [1:0] the kind, [2] sf. */
export function execCsel(cpu: CpuCore, f: Int32Array, k: number): void {
  const x = cpu.x;
  const b = f[k + F_B];
  const d = f[k + F_RD];
  let lo: number;
  let hi: number;
  if (conditionHolds(cpu, f[k + F_A])) {
    const n = f[k + F_RN];
    lo = x[n];
    hi = x[n + 1];
  } else {
    const m = f[k + F_RM];
    lo = x[m];
    hi = x[m + 1];
    const kind = b & 3;
    if (kind === 1) {
      lo = (lo + 1) | 0;
      if (lo === 0) hi = (hi + 1) | 0;
    } else if (kind === 2) {
      lo = ~lo;
      hi = ~hi;
    } else if (kind === 3) {
      lo = -lo | 0;
      hi = lo === 0 ? -hi | 0 : ~hi;
    }
  }
  x[d] = lo;
  x[d + 1] = b & 4 ? hi : 0;
}
