// A64 decoding, top level and the data-processing (immediate) class
// (Arm ARM C4.1, "A64 instruction set encoding"). decode() fills one slot
// of a DecodedPage; every encoding not implemented becomes OP_UNDEF with
// a reason, so a guest executing it takes the UNDEFINED exception.

import { decodeBranchSys } from './decode-branch-sys.ts';
import { decodeDpReg } from './decode-dp-reg.ts';
import { decodeFp, decodeFpLdSt, decodeFpSysreg, isFpSysreg } from './decode-fp.ts';
import { decodeLdSt } from './decode-ldst.ts';
import { clear, decodeBitMasks, hi32, lo32, rSP, rX, sext, undef, wX } from './decode-util.ts';
import {
  AS_S,
  AS_SF,
  AS_SUB,
  F_A,
  F_B,
  F_IMM,
  F_IMMHI,
  F_R3,
  F_RD,
  F_RM,
  F_RN,
  OP_ADDSUB_IMM,
  OP_ADR,
  OP_BITFIELD,
  OP_EXTR,
  OP_LOGIC_IMM,
  OP_MOVI,
  OP_MOVK,
  OP_SHIFT_IMM,
} from './ops.ts';

/** Decode instruction word `w` into slot `i` of (ops, f). */
export function decode(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  const op0 = (w >>> 25) & 0xf;
  if ((op0 & 0xe) === 0x8) decodeDpImm(w, ops, f, i);
  else if ((op0 & 0xe) === 0xa) {
    if (isFpSysreg(w)) decodeFpSysreg(w, ops, f, i);
    else decodeBranchSys(w, ops, f, i);
  } else if ((op0 & 0x5) === 0x4) {
    if ((w >>> 26) & 1) decodeFpLdSt(w, ops, f, i);
    else decodeLdSt(w, ops, f, i);
  } else if ((op0 & 0x7) === 0x5) decodeDpReg(w, ops, f, i);
  else if ((op0 & 0x7) === 0x7) decodeFp(w, ops, f, i);
  else if (op0 === 0x2 || op0 === 0x0) undef(ops, f, i, op0 === 0 ? 'unallocated' : 'sve-sme');
  else undef(ops, f, i, 'unallocated');
}

function decodeDpImm(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  const k = clear(f, i);
  const sf = w >>> 31;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  switch ((w >>> 23) & 7) {
    case 0:
    case 1: {
      // ADR / ADRP: immhi:immlo
      ops[i] = OP_ADR;
      f[k + F_RD] = wX(rd);
      f[k + F_IMM] = sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21);
      f[k + F_A] = sf;
      return;
    }
    case 2: {
      const s = (w >>> 29) & 1;
      ops[i] = OP_ADDSUB_IMM;
      f[k + F_RD] = s ? wX(rd) : rSP(rd);
      f[k + F_RN] = rSP(rn);
      f[k + F_IMM] = ((w >>> 10) & 0xfff) << (((w >>> 22) & 1) * 12);
      f[k + F_A] = ((w >>> 30) & 1 ? AS_SUB : 0) | (s ? AS_S : 0) | (sf ? AS_SF : 0);
      return;
    }
    case 3: {
      undef(ops, f, i, 'mte');
      return;
    }
    case 4: {
      const opc = (w >>> 29) & 3;
      const n = (w >>> 22) & 1;
      const m = !sf && n ? null : decodeBitMasks(n, (w >>> 10) & 63, (w >>> 16) & 63, true, sf ? 64 : 32);
      if (m === null) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      const imm = m[0];
      if (opc === 1 && rn === 31) {
        // MOV (bitmask immediate): ORR with XZR is a constant.
        ops[i] = OP_MOVI;
        f[k + F_RD] = rSP(rd);
      } else {
        ops[i] = OP_LOGIC_IMM;
        f[k + F_RD] = opc === 3 ? wX(rd) : rSP(rd);
        f[k + F_RN] = rX(rn);
        f[k + F_A] = opc | (sf << 2);
      }
      f[k + F_IMM] = lo32(imm);
      f[k + F_IMMHI] = hi32(imm);
      return;
    }
    case 5: {
      const opc = (w >>> 29) & 3;
      const hw = (w >>> 21) & 3;
      if (opc === 1 || (!sf && hw >= 2)) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      const imm16 = (w >>> 5) & 0xffff;
      f[k + F_RD] = wX(rd);
      if (opc === 3) {
        ops[i] = OP_MOVK;
        f[k + F_IMM] = imm16;
        f[k + F_A] = hw * 16;
        f[k + F_B] = sf;
        return;
      }
      let v = BigInt(imm16) << BigInt(hw * 16);
      if (opc === 0) v = ~v;
      v &= sf ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn;
      ops[i] = OP_MOVI;
      f[k + F_IMM] = lo32(v);
      f[k + F_IMMHI] = hi32(v);
      return;
    }
    case 6: {
      decodeBitfield(w, ops, f, i, k);
      return;
    }
    default: {
      // EXTR
      const n = (w >>> 22) & 1;
      const imms = (w >>> 10) & 63;
      if ((w >>> 29) & 3 || (w >>> 21) & 1 || n !== sf || (!sf && imms >= 32)) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      ops[i] = OP_EXTR;
      f[k + F_RD] = wX(rd);
      f[k + F_RN] = rX(rn);
      f[k + F_RM] = rX((w >>> 16) & 31);
      f[k + F_A] = imms;
      f[k + F_B] = sf;
      return;
    }
  }
}

/** SBFM / BFM / UBFM, with the shift aliases (LSL, LSR, ASR) as their own fast op. */
function decodeBitfield(w: number, ops: Uint16Array, f: Int32Array, i: number, k: number): void {
  const sf = w >>> 31;
  const opc = (w >>> 29) & 3;
  const n = (w >>> 22) & 1;
  const immr = (w >>> 16) & 63;
  const imms = (w >>> 10) & 63;
  if (opc === 3 || n !== sf || (!sf && (immr >= 32 || imms >= 32))) {
    undef(ops, f, i, 'unallocated');
    return;
  }
  const top = sf ? 63 : 31;
  f[k + F_RD] = wX(w & 31);
  f[k + F_RN] = rX((w >>> 5) & 31);
  if (opc !== 1 && imms === top) {
    // LSR / ASR (immediate)
    ops[i] = OP_SHIFT_IMM;
    f[k + F_A] = (opc === 2 ? 1 : 2) | (sf << 2);
    f[k + F_B] = immr;
    return;
  }
  if (opc === 2 && imms + 1 === immr) {
    // LSL (immediate)
    ops[i] = OP_SHIFT_IMM;
    f[k + F_A] = sf << 2;
    f[k + F_B] = top - imms;
    return;
  }
  const m = decodeBitMasks(n, imms, immr, false, sf ? 64 : 32);
  if (m === null) {
    undef(ops, f, i, 'unallocated');
    return;
  }
  ops[i] = OP_BITFIELD;
  f[k + F_RM] = immr | (imms << 8) | (opc << 16) | (sf << 20);
  f[k + F_R3] = 0;
  f[k + F_IMM] = lo32(m[0]);
  f[k + F_IMMHI] = hi32(m[0]);
  f[k + F_A] = lo32(m[1]);
  f[k + F_B] = hi32(m[1]);
}
