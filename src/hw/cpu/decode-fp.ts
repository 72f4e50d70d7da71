// Decoding of the FP/SIMD encodings (Arm ARM C4.1: loads and stores with
// V = 1, "Data Processing -- Scalar Floating-Point and Advanced SIMD", and
// MRS/MSR of FPCR/FPSR). Every implemented class becomes OP_FP with the
// handler in F_A and the raw word in F_IMM (the handlers pick their fields:
// FP code is not the integer hot path). Everything else is UNDEFINED
// ('fp-simd'): scalar AdvSIMD, three-different, FP vector arithmetic,
// FMADD family, half precision, crypto, single-structure loads/stores.

import { multiValid } from './exec-fp-mem.ts';
import { clear, undef } from './decode-util.ts';
import { F_A, F_IMM, OP_FP } from './ops.ts';

export const FPH_LDST_UIMM = 1;
export const FPH_LDST_IMM9 = 2;
export const FPH_LDST_REG = 3;
export const FPH_LDR_LIT = 4;
export const FPH_LDSTP = 5;
export const FPH_LDST_MULTI = 6;
export const FPH_SYSREG = 7;
export const FPH_SIMD_3SAME = 10;
export const FPH_SIMD_2MISC = 11;
export const FPH_SIMD_ACROSS = 12;
export const FPH_SIMD_COPY = 13;
export const FPH_SIMD_PERMUTE = 14;
export const FPH_SIMD_EXT = 15;
export const FPH_SIMD_TBL = 16;
export const FPH_SIMD_MODIMM = 17;
export const FPH_SIMD_SHIFTIMM = 18;
export const FPH_FP_ARITH2 = 20;
export const FPH_FP_ARITH1 = 21;
export const FPH_FP_CMP = 22;
export const FPH_FP_CCMP = 23;
export const FPH_FP_CSEL = 24;
export const FPH_FP_MOVIMM = 25;
export const FPH_FP_CONV = 26;
/** AdvSIMD scalar two-register miscellaneous (the FP <-> integer conversions). */
export const FPH_SIMD_SCALAR_2MISC = 27;

function set(ops: Uint16Array, f: Int32Array, i: number, w: number, h: number): void {
  const k = clear(f, i);
  ops[i] = OP_FP;
  f[k + F_A] = h;
  f[k + F_IMM] = w | 0;
}

/** MRS/MSR (register) of FPCR (op2 0) or FPSR (op2 1): op0 3, op1 3, CRn 4, CRm 4. */
export function isFpSysreg(w: number): boolean {
  const top = (w & 0xffdf_ffc0) >>> 0;
  return top === 0xd51b_4400 && ((w >>> 5) & 7) <= 1;
}

/** Loads and stores with V = 1 (op0 x1x0 with bit 26 set). */
export function decodeFpLdSt(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  if ((w & 0xbfbf_0000) === 0x0c00_0000 || (w & 0xbfa0_0000) === 0x0c80_0000) {
    if (multiValid(w)) set(ops, f, i, w, FPH_LDST_MULTI);
    else undef(ops, f, i, 'fp-simd');
    return;
  }
  if ((w & 0x3f00_0000) === 0x1c00_0000) {
    if (w >>> 30 === 3) undef(ops, f, i, 'unallocated');
    else set(ops, f, i, w, FPH_LDR_LIT);
    return;
  }
  if ((w & 0x3e00_0000) === 0x2c00_0000) {
    if (w >>> 30 === 3) undef(ops, f, i, 'unallocated');
    else set(ops, f, i, w, FPH_LDSTP);
    return;
  }
  if ((w & 0x3c00_0000) === 0x3c00_0000) {
    // size:opc: Q is size 00 with opc 1x; other sizes with opc 1x are unallocated.
    if ((w >>> 23) & 1 && w >>> 30 !== 0) {
      undef(ops, f, i, 'unallocated');
      return;
    }
    if ((w >>> 24) & 1) set(ops, f, i, w, FPH_LDST_UIMM);
    else if (((w >>> 21) & 1) === 0) {
      if (((w >>> 10) & 3) === 2) undef(ops, f, i, 'unallocated');
      else set(ops, f, i, w, FPH_LDST_IMM9);
    } else if (((w >>> 10) & 3) === 2 && ((w >>> 13) & 2) !== 0) set(ops, f, i, w, FPH_LDST_REG);
    else undef(ops, f, i, 'unallocated');
    return;
  }
  undef(ops, f, i, 'fp-simd');
}

/** Data processing, scalar FP and AdvSIMD (op0 x111). */
export function decodeFp(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  const h = classify(w);
  if (h === 0) undef(ops, f, i, 'fp-simd');
  else set(ops, f, i, w, h);
}

function classify(w: number): number {
  if ((w & 0x5f20_0000) === 0x1e20_0000) {
    const type = (w >>> 22) & 3;
    if ((w & 0xfc00) === 0) return FPH_FP_CONV;
    if (w >>> 31 || type > 1) return 0;
    if (((w >>> 10) & 0x1f) === 0x10) return FPH_FP_ARITH1;
    if (((w >>> 10) & 0x3f) === 0x08) return (w & 7) === 0 ? FPH_FP_CMP : 0;
    if (((w >>> 10) & 7) === 4) return ((w >>> 5) & 31) === 0 ? FPH_FP_MOVIMM : 0;
    switch ((w >>> 10) & 3) {
      case 1:
        return FPH_FP_CCMP;
      case 2:
        return FPH_FP_ARITH2;
      case 3:
        return FPH_FP_CSEL;
      default:
        return 0;
    }
  }
  if ((w & 0x9f00_0000) === 0x0e00_0000) {
    if ((w >>> 21) & 1) {
      if ((w >>> 10) & 1) return FPH_SIMD_3SAME;
      if (((w >>> 10) & 3) === 2) {
        const b = (w >>> 17) & 15;
        return b === 0 ? FPH_SIMD_2MISC : b === 8 ? FPH_SIMD_ACROSS : 0;
      }
      return 0;
    }
    if ((w >>> 15) & 1) return 0;
    const u = (w >>> 29) & 1;
    const b2321 = (w >>> 21) & 7;
    if ((w >>> 10) & 1) return b2321 === 0 ? FPH_SIMD_COPY : 0;
    if (u === 1) return b2321 === 0 ? FPH_SIMD_EXT : 0;
    if (((w >>> 10) & 3) === 2) return FPH_SIMD_PERMUTE;
    return b2321 === 0 ? FPH_SIMD_TBL : 0;
  }
  // AdvSIMD scalar two-register misc: 01 U 11110 size 10000 opcode 10 Rn Rd.
  if ((w & 0xdf3e_0c00) === 0x5e20_0800) return FPH_SIMD_SCALAR_2MISC;
  if ((w & 0x9f80_0000) === 0x0f00_0000 && (w >>> 10) & 1)
    return ((w >>> 19) & 15) === 0 ? FPH_SIMD_MODIMM : FPH_SIMD_SHIFTIMM;
  return 0;
}

export function decodeFpSysreg(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  set(ops, f, i, w, FPH_SYSREG);
}
