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
import { AS_S, AS_SF, AS_SUB, F_RD, F_RM, F_RN } from './ops.ts';
import * as S from './slots.ts';

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
  const b = f[k + S.F_AS_EXTEND];
  extend64(x[m], x[m + 1], b & S.EXTEND_OPTION_MASK, b >>> S.EXTEND_AMOUNT_LSB);
  addSubR(c, f[k + F_RD], f[k + F_RN], f[k + S.F_AS_FLAGS]);
}

export function execAdc(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + S.F_AS_FLAGS];
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
  const a = f[k + S.F_SHIFTOP];
  const n = f[k + F_RN];
  const amt = x[f[k + F_RM]];
  if (a & S.SHIFTOP_SF) shift64(x[n], x[n + 1], a & S.SHIFTOP_TYPE_MASK, amt & 63);
  else shift32(x[n], a & S.SHIFTOP_TYPE_MASK, amt & 31);
  const d = f[k + F_RD];
  x[d] = R[0];
  x[d + 1] = R[1];
}

/** SBFM/BFM/UBFM with the decode-time (wmask, tmask) (Arm ARM C6.2 BFM pseudocode). */
export function execBitfield(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const p = f[k + S.F_BFM_PARAMS];
  const immr = p & S.BFM_IMMR_MASK;
  const imms = (p >>> S.BFM_IMMS_LSB) & S.BFM_IMMS_MASK;
  const opc = (p >>> S.BFM_OPC_LSB) & S.BFM_OPC_MASK;
  const sf = (p >>> S.BFM_SF_LSB) & 1;
  const n = f[k + F_RN];
  const d = f[k + F_RD];
  const wlo = f[k + S.F_BFM_WMASK_LO];
  const whi = f[k + S.F_BFM_WMASK_HI];
  const tlo = f[k + S.F_BFM_TMASK_LO];
  const thi = f[k + S.F_BFM_TMASK_HI];
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
  if (opc === S.BFM_BFM) {
    blo |= x[d] & ~wlo;
    bhi |= x[d + 1] & ~whi;
  }
  let lo: number;
  let hi: number;
  if (opc === S.BFM_SBFM) {
    // SBFM: bits above the field are copies of source bit <imms>.
    const top = imms < 32 ? (x[n] << (31 - imms)) >> 31 : (x[n + 1] << (63 - imms)) >> 31;
    lo = (top & ~tlo) | (blo & tlo);
    hi = (top & ~thi) | (bhi & thi);
  } else if (opc === S.BFM_BFM) {
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
  const lsb = f[k + S.F_EXTR_LSB];
  const d = f[k + F_RD];
  if (f[k + S.F_EXTR_SF]) {
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
  const sf = f[k + S.F_ONE_SRC_SF];
  const lo = x[n];
  const hi = sf ? x[n + 1] : 0;
  let rlo: number;
  let rhi = 0;
  switch (f[k + S.F_ONE_SRC_OP]) {
    case S.ONE_SRC_RBIT:
      rlo = sf ? rbit32(hi) : rbit32(lo);
      rhi = sf ? rbit32(lo) : 0;
      break;
    case S.ONE_SRC_REV16:
      rlo = rev16x2(lo);
      rhi = rev16x2(hi);
      break;
    case S.ONE_SRC_REV32:
      rlo = rev32(lo);
      rhi = rev32(hi);
      break;
    case S.ONE_SRC_REV:
      rlo = sf ? rev32(hi) : rev32(lo);
      rhi = sf ? rev32(lo) : 0;
      break;
    case S.ONE_SRC_CLZ:
      rlo = sf ? clz64(lo, hi) : Math.clz32(lo);
      break;
    default:
      // ONE_SRC_CLS
      rlo = sf ? cls64(lo, hi) : Math.clz32(lo ^ (lo >> 31)) - 1;
  }
  x[d] = rlo;
  x[d + 1] = sf ? rhi : 0;
}

/** CCMP/CCMN: compare if the condition holds, else NZCV = #nzcv. */
export function execCcmp(c: CpuCore, f: Int32Array, k: number): void {
  const b = f[k + S.F_CCMP_BITS];
  if (!conditionHolds(c, f[k + S.F_CCMP_COND])) {
    c.nf = (b >>> S.CCMP_N_LSB) & 1;
    c.zf = (b >>> S.CCMP_Z_LSB) & 1;
    c.cf = (b >>> S.CCMP_C_LSB) & 1;
    c.vf = b & 1;
    return;
  }
  const x = c.x;
  const n = f[k + F_RN];
  let blo: number;
  let bhi: number;
  if (b & S.CCMP_IMM) {
    blo = f[k + S.F_CCMP_IMM5];
    bhi = 0;
  } else {
    const m = f[k + F_RM];
    blo = x[m];
    bhi = x[m + 1];
  }
  const sub = (b >>> S.CCMP_SUB_LSB) & 1;
  if (sub) {
    blo = ~blo;
    bhi = ~bhi;
  }
  if (b & S.CCMP_SF) addc64(x[n], x[n + 1], blo, bhi, sub);
  else addc32(x[n], blo, sub);
  setFlags(c);
}

/** Logical (shifted register): AND BIC ORR ORN EOR EON ANDS BICS. */
export function execLogicShift(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + S.F_LOGIC_OP];
  const b = f[k + S.F_LOGIC_SHIFT];
  const m = f[k + F_RM];
  const sf = a & S.LOGIC_SHIFT_SF;
  if (sf) shift64(x[m], x[m + 1], b & S.SHIFT_TYPE_MASK, b >>> S.SHIFT_AMOUNT_LSB);
  else shift32(x[m], b & S.SHIFT_TYPE_MASK, b >>> S.SHIFT_AMOUNT_LSB);
  let blo = R[0];
  let bhi = R[1];
  if (a & S.LOGIC_NOT) {
    blo = ~blo;
    bhi = sf ? ~bhi : 0;
  }
  logic(c, f[k + F_RD], f[k + F_RN], a & S.LOGIC_OPC_MASK, sf, blo, bhi);
}

/** Rd = Rn op (blo, bhi) for opc LOGIC_AND, _ORR, _EOR, _ANDS (flags: N, Z, C = V = 0); sf: non-zero for 64 bits. */
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
    case S.LOGIC_ORR:
      lo = x[n] | blo;
      hi = x[n + 1] | bhi;
      break;
    case S.LOGIC_EOR:
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
  if (opc === S.LOGIC_ANDS) {
    c.nf = sf ? hi >>> 31 : lo >>> 31;
    c.zf = (lo | hi) === 0 ? 1 : 0;
    c.cf = 0;
    c.vf = 0;
  }
}

/** CSEL, CSINC, CSINV, CSNEG (Arm ARM C6.2: Rd = cond ? Rn : f(Rm)). */
export function execCsel(cpu: CpuCore, f: Int32Array, k: number): void {
  const x = cpu.x;
  const b = f[k + S.F_CSEL_BITS];
  const d = f[k + F_RD];
  let lo: number;
  let hi: number;
  if (conditionHolds(cpu, f[k + S.F_CSEL_COND])) {
    const n = f[k + F_RN];
    lo = x[n];
    hi = x[n + 1];
  } else {
    const m = f[k + F_RM];
    lo = x[m];
    hi = x[m + 1];
    const kind = b & S.CSEL_KIND_MASK;
    if (kind === S.CSEL_KIND_INC) {
      lo = (lo + 1) | 0;
      if (lo === 0) hi = (hi + 1) | 0;
    } else if (kind === S.CSEL_KIND_INV) {
      lo = ~lo;
      hi = ~hi;
    } else if (kind === S.CSEL_KIND_NEG) {
      lo = -lo | 0;
      hi = lo === 0 ? -hi | 0 : ~hi;
    }
  }
  x[d] = lo;
  x[d + 1] = b & S.CSEL_SF ? hi : 0;
}
