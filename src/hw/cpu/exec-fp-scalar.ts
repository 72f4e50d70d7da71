// Scalar floating point (Arm ARM C7.2): FMOV (register, immediate,
// general), FABS/FNEG/FSQRT, FCVT between S and D, FADD/FSUB/FMUL/FDIV,
// FMAX/FMIN(NM), FNMUL, FCMP(E), FCCMP(E), FCSEL, SCVTF/UCVTF and
// FCVT{N,P,M,Z,A}{S,U} to general registers. Single and double precision
// only (half precision is UNDEFINED). Results are exact IEEE 754
// round-to-nearest-even: JS doubles, and Math.fround for single precision
// (an operation computed in double then rounded to single is correctly
// rounded for + - * / sqrt, as double has more than 2p+2 bits).
//
// NaNs per Arm ARM FPProcessNaNs: a signalling NaN operand (first operand
// first) gives its quieted self and IOC, else the first quiet NaN; with
// FPCR.DN the default NaN. Cumulative FPSR flags: IOC, DZC, OFC, IXC (exact
// check by multiplying back or with exact dyadic arithmetic) and UFC
// (tiny before rounding, and inexact). Not modelled: FPCR.RMode other than
// round-to-nearest (ignored), FPCR.FZ (denormals are not flushed), trapped
// exceptions (FPCR trap enables read as written, never trap).

import type { CpuCore } from './cpu-state.ts';
import { conditionHolds } from './exec-alu.ts';
import { bigToFloat, fpToInt } from './exec-fp-conv.ts';
import { dyAdd, dyadic, dyCmpAbs, dyMul, flagsFor, MIN_NORMAL_D, MIN_NORMAL_S } from './exec-fp-exact.ts';
import { FPCR_DN, FPSR_DZC, FPSR_IOC, FPSR_IXC, FPSR_OFC, FPSR_UFC, type FpRegs } from './fp-state.ts';

const B = new ArrayBuffer(8);
const bf64 = new Float64Array(B);
const bf32 = new Float32Array(B);
const bu32 = new Uint32Array(B);

/** An operand: its value as a Number and its raw bits (lo, hi; hi = 0 for single). */
interface Op {
  v: number;
  lo: number;
  hi: number;
}
const opA: Op = { v: 0, lo: 0, hi: 0 };
const opB: Op = { v: 0, lo: 0, hi: 0 };

function read(fr: FpRegs, r: number, dbl: boolean, o: Op): Op {
  o.lo = fr.u32[r * 4];
  o.hi = dbl ? fr.u32[r * 4 + 1] : 0;
  o.v = dbl ? fr.f64[r * 2] : fr.f32[r * 4];
  return o;
}
function isNaNBits(o: Op, dbl: boolean): boolean {
  if (dbl) return (o.hi & 0x7ff0_0000) === 0x7ff0_0000 && ((o.hi & 0xf_ffff) | o.lo) !== 0;
  return (o.lo & 0x7f80_0000) === 0x7f80_0000 && (o.lo & 0x7f_ffff) !== 0;
}
function isSNaN(o: Op, dbl: boolean): boolean {
  return isNaNBits(o, dbl) && (dbl ? (o.hi & 0x8_0000) === 0 : (o.lo & 0x40_0000) === 0);
}
function writeBits(fr: FpRegs, rd: number, dbl: boolean, lo: number, hi: number): void {
  if (dbl) fr.setD(rd, lo, hi);
  else fr.setS(rd, lo);
}
function writeNum(fr: FpRegs, rd: number, dbl: boolean, v: number): void {
  if (dbl) {
    bf64[0] = v;
    fr.setD(rd, bu32[0], bu32[1]);
  } else {
    bf32[0] = v;
    fr.setS(rd, bu32[0]);
  }
}
function negate(fr: FpRegs, rd: number, dbl: boolean): void {
  fr.u32[rd * 4 + (dbl ? 1 : 0)] ^= 0x8000_0000;
}
function defaultNaN(fr: FpRegs, rd: number, dbl: boolean): void {
  writeBits(fr, rd, dbl, dbl ? 0 : 0x7fc0_0000, dbl ? 0x7ff8_0000 : 0);
}
/** FPProcessNaNs for 1 or 2 operands; true if the result was a NaN (written). */
function processNaNs(fr: FpRegs, rd: number, dbl: boolean, a: Op, b: Op | null): boolean {
  const aN = isNaNBits(a, dbl);
  const bN = b !== null && isNaNBits(b, dbl);
  if (!aN && !bN) return false;
  let pick: Op;
  if (isSNaN(a, dbl)) pick = a;
  else if (b !== null && isSNaN(b, dbl)) pick = b;
  else pick = aN ? a : (b as Op);
  if (isSNaN(pick, dbl)) fr.fpsr |= FPSR_IOC;
  if (fr.fpcr & FPCR_DN) defaultNaN(fr, rd, dbl);
  else writeBits(fr, rd, dbl, dbl ? pick.lo : pick.lo | 0x40_0000, dbl ? pick.hi | 0x8_0000 : 0);
  return true;
}

function round(v: number, dbl: boolean): number {
  return dbl ? v : Math.fround(v);
}

/** FADD/FSUB/FMUL/FDIV/FMAX/FMIN/FMAXNM/FMINNM/FNMUL by opcode (bits 15:12). */
export function fpArith2(fr: FpRegs, w: number): number {
  const dbl = ((w >>> 22) & 3) === 1;
  const op = (w >>> 12) & 15;
  if (op > 8) return -1;
  const rd = w & 31;
  const a = read(fr, (w >>> 5) & 31, dbl, opA);
  const b = read(fr, (w >>> 16) & 31, dbl, opB);
  if (op === 6 || op === 7) {
    // FMAXNM/FMINNM: a quiet NaN against a number gives the number.
    const aQ = isNaNBits(a, dbl) && !isSNaN(a, dbl);
    const bQ = isNaNBits(b, dbl) && !isSNaN(b, dbl);
    if (aQ && !isNaNBits(b, dbl)) {
      writeBits(fr, rd, dbl, b.lo, b.hi);
      return 0;
    }
    if (bQ && !isNaNBits(a, dbl)) {
      writeBits(fr, rd, dbl, a.lo, a.hi);
      return 0;
    }
  }
  if (processNaNs(fr, rd, dbl, a, b)) {
    if (op === 8) negate(fr, rd, dbl);
    return 0;
  }
  const x = a.v;
  const y = b.v;
  let r: number;
  switch (op) {
    case 0:
    case 8:
      r = round(x * y, dbl);
      break;
    case 1:
      r = round(x / y, dbl);
      break;
    case 2:
      r = round(x + y, dbl);
      break;
    case 3:
      r = round(x - y, dbl);
      break;
    case 4:
    case 6:
      r = x > y || (x === y && Object.is(y, -0)) ? x : y;
      break;
    default:
      r = x < y || (x === y && Object.is(x, -0)) ? x : y;
  }
  if (Number.isNaN(r)) {
    fr.fpsr |= FPSR_IOC;
    defaultNaN(fr, rd, dbl);
    // FNMUL negates whatever FPMul gave, NaNs included (Arm ARM C7.2 FNMUL: FPNeg of the product).
    if (op === 8) negate(fr, rd, dbl);
    return 0;
  }
  if (op === 1 && y === 0 && Number.isFinite(x)) fr.fpsr |= FPSR_DZC;
  else if (op <= 3 || op === 8) {
    if (Number.isFinite(x) && Number.isFinite(y)) {
      if (op === 1) {
        // exact iff r * y == x (r finite); tiny iff |x| < minNormal * |y|.
        if (!Number.isFinite(r)) fr.fpsr |= FPSR_OFC | FPSR_IXC;
        else if (r === 0 ? x !== 0 : dyCmpAbs(dyMul(dyadic(r), dyadic(y)), dyadic(x)) !== 0) {
          fr.fpsr |= FPSR_IXC;
          if (dyCmpAbs(dyadic(x), dyMul(dyadic(dbl ? MIN_NORMAL_D : MIN_NORMAL_S), dyadic(y))) < 0)
            fr.fpsr |= FPSR_UFC;
        }
      } else {
        const dx = dyadic(x);
        const dy = dyadic(y);
        const exact = op === 2 ? dyAdd(dx, dy) : op === 3 ? dyAdd(dx, [-dy[0], dy[1]]) : dyMul(dx, dy);
        flagsFor(fr, exact, r, dbl);
      }
    }
  }
  writeNum(fr, rd, dbl, op === 8 ? -r : r);
  return 0;
}

/** FMOV (register), FABS, FNEG, FSQRT, FCVT (S <-> D) by opcode (bits 20:15). */
export function fpArith1(fr: FpRegs, w: number): number {
  const type = (w >>> 22) & 3;
  const dbl = type === 1;
  const opc = (w >>> 15) & 63;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  const a = read(fr, rn, dbl, opA);
  switch (opc) {
    case 0:
      writeBits(fr, rd, dbl, a.lo, a.hi);
      return 0;
    case 1:
      writeBits(fr, rd, dbl, dbl ? a.lo : a.lo & 0x7fff_ffff, dbl ? a.hi & 0x7fff_ffff : 0);
      return 0;
    case 2:
      writeBits(fr, rd, dbl, dbl ? a.lo : (a.lo ^ 0x8000_0000) >>> 0, dbl ? (a.hi ^ 0x8000_0000) >>> 0 : 0);
      return 0;
    case 3: {
      if (processNaNs(fr, rd, dbl, a, null)) return 0;
      if (a.v < 0) {
        fr.fpsr |= FPSR_IOC;
        defaultNaN(fr, rd, dbl);
        return 0;
      }
      const r = round(Math.sqrt(a.v), dbl);
      if (Number.isFinite(r) && dyCmpAbs(dyMul(dyadic(r), dyadic(r)), dyadic(a.v)) !== 0) fr.fpsr |= FPSR_IXC;
      writeNum(fr, rd, dbl, r);
      return 0;
    }
    case 4:
    case 5: {
      // FCVT to single (4) or double (5) from the other one.
      const toDbl = opc === 5;
      if (toDbl === dbl) return -1;
      if (isNaNBits(a, dbl)) {
        if (isSNaN(a, dbl)) fr.fpsr |= FPSR_IOC;
        if (fr.fpcr & FPCR_DN) defaultNaN(fr, rd, toDbl);
        else if (toDbl) {
          const s = a.lo >>> 31;
          const frac = a.lo & 0x7f_ffff;
          writeBits(fr, rd, true, (frac << 29) >>> 0, ((s << 31) | 0x7ff8_0000 | (frac >>> 3)) >>> 0);
        } else {
          const frac = ((a.hi & 0xf_ffff) << 3) | (a.lo >>> 29);
          writeBits(fr, rd, false, ((a.hi & 0x8000_0000) | 0x7fc0_0000 | frac) >>> 0, 0);
        }
        return 0;
      }
      if (toDbl) {
        writeNum(fr, rd, true, a.v);
        return 0;
      }
      const r = Math.fround(a.v);
      if (Number.isFinite(a.v)) flagsFor(fr, dyadic(a.v), r, false);
      writeNum(fr, rd, false, r);
      return 0;
    }
    default:
      return -1;
  }
}

/** FCMP/FCMPE (opcode2 bit 3: compare with zero, bit 4: signal on quiet NaNs). */
export function fpCompare(c: CpuCore, w: number): number {
  const fr = c.fp;
  const dbl = ((w >>> 22) & 3) === 1;
  const a = read(fr, (w >>> 5) & 31, dbl, opA);
  const zero = (w >>> 3) & 1;
  let b: Op = opB;
  if (zero) {
    opB.v = 0;
    opB.lo = 0;
    opB.hi = 0;
  } else b = read(fr, (w >>> 16) & 31, dbl, opB);
  setCompare(c, a, b, dbl, ((w >>> 4) & 1) === 1);
  return 0;
}

function setCompare(c: CpuCore, a: Op, b: Op, dbl: boolean, signalAll: boolean): void {
  const aN = isNaNBits(a, dbl);
  const bN = isNaNBits(b, dbl);
  if (aN || bN) {
    if (signalAll || isSNaN(a, dbl) || isSNaN(b, dbl)) c.fp.fpsr |= FPSR_IOC;
    c.setNzcv(0x3000_0000);
    return;
  }
  c.setNzcv(a.v === b.v ? 0x6000_0000 : a.v < b.v ? 0x8000_0000 : 0x2000_0000);
}

/** FCCMP/FCCMPE. */
export function fpCondCompare(c: CpuCore, w: number): number {
  if (!conditionHolds(c, (w >>> 12) & 15)) {
    c.setNzcv((w & 15) << 28);
    return 0;
  }
  const dbl = ((w >>> 22) & 3) === 1;
  setCompare(
    c,
    read(c.fp, (w >>> 5) & 31, dbl, opA),
    read(c.fp, (w >>> 16) & 31, dbl, opB),
    dbl,
    ((w >>> 4) & 1) === 1,
  );
  return 0;
}

/** FCSEL. */
export function fpCondSelect(c: CpuCore, w: number): number {
  const dbl = ((w >>> 22) & 3) === 1;
  const src = conditionHolds(c, (w >>> 12) & 15) ? (w >>> 5) & 31 : (w >>> 16) & 31;
  const a = read(c.fp, src, dbl, opA);
  writeBits(c.fp, w & 31, dbl, a.lo, a.hi);
  return 0;
}

/** FMOV (scalar, immediate): VFPExpandImm. */
export function fpMovImm(fr: FpRegs, w: number): number {
  const dbl = ((w >>> 22) & 3) === 1;
  const imm8 = (w >>> 13) & 0xff;
  const a = (imm8 >>> 7) & 1;
  const b = (imm8 >>> 6) & 1;
  if (dbl)
    writeBits(
      fr,
      w & 31,
      true,
      0,
      ((a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0xff : 0) << 22) | ((imm8 & 0x3f) << 16)) >>> 0,
    );
  else
    writeBits(
      fr,
      w & 31,
      false,
      ((a << 31) | ((b ? 0 : 1) << 30) | ((b ? 0x1f : 0) << 25) | ((imm8 & 0x3f) << 19)) >>> 0,
      0,
    );
  return 0;
}

/** Conversions between FP and general registers, FMOV (general). x: the cpu's X halves. */
export function fpConvInt(c: CpuCore, w: number): number {
  const fr = c.fp;
  const x = c.x;
  const sf = w >>> 31;
  const type = (w >>> 22) & 3;
  const rmode = (w >>> 19) & 3;
  const opc = (w >>> 16) & 7;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  if (opc === 6 || opc === 7) {
    // FMOV (general): 32-bit with S, 64-bit with D, 64-bit with V.D[1] (type 10, rmode 01).
    const top = type === 2 && rmode === 1 && sf === 1;
    if (!(top || (rmode === 0 && ((sf === 0 && type === 0) || (sf === 1 && type === 1))))) return -1;
    if (opc === 6) {
      if (rd === 31) return 0;
      const b = rn * 4 + (top ? 2 : 0);
      x[rd * 2] = fr.u32[b];
      x[rd * 2 + 1] = sf ? fr.u32[b + 1] : 0;
    } else if (top) {
      fr.u32[rd * 4 + 2] = x[rn * 2];
      fr.u32[rd * 4 + 3] = x[rn * 2 + 1];
    } else writeBits(fr, rd, sf === 1, x[rn * 2] >>> 0, sf ? x[rn * 2 + 1] >>> 0 : 0);
    return 0;
  }
  if (type > 1) return -1;
  const dbl = type === 1;
  if (opc === 2 || opc === 3) {
    // SCVTF / UCVTF (rmode 00).
    if (rmode !== 0) return -1;
    const lo = x[rn * 2] >>> 0;
    const hi = x[rn * 2 + 1];
    let v: bigint;
    if (sf) v = opc === 2 ? (BigInt(hi) << 32n) | BigInt(lo) : (BigInt(hi >>> 0) << 32n) | BigInt(lo);
    else v = opc === 2 ? BigInt(lo | 0) : BigInt(lo);
    const r = bigToFloat(v, dbl ? 53 : 24);
    if (BigInt(r) !== v) fr.fpsr |= FPSR_IXC;
    writeNum(fr, rd, dbl, r);
    return 0;
  }
  // FCVT{N,P,M,Z}{S,U} (opc 000/001 with rmode 00/01/10/11), FCVTA{S,U} (opc 100/101, rmode 00).
  let mode: number;
  if (opc <= 1) mode = [0, 1, 2, 3][rmode];
  else if ((opc === 4 || opc === 5) && rmode === 0) mode = 4;
  else return -1;
  const unsigned = (opc & 1) === 1;
  const a = read(fr, rn, dbl, opA);
  const res = fpToInt(fr, a.v, isNaNBits(a, dbl), mode, unsigned, sf ? 64 : 32);
  if (rd === 31) return 0;
  const u = BigInt.asUintN(64, res);
  x[rd * 2] = Number(u & 0xffff_ffffn) | 0;
  x[rd * 2 + 1] = sf ? Number(u >> 32n) | 0 : 0;
  return 0;
}
