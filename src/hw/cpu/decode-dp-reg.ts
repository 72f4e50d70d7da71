// Decoding of the data-processing (register) class (Arm ARM C4.1.95):
// logical and add/sub (shifted, extended), with carry, conditional
// compare/select, 1- and 2-source, 3-source (multiply).

import { clear, rSP, rX, undef, wX } from './decode-util.ts';
import {
  AS_S,
  AS_SF,
  AS_SUB,
  F_A,
  F_B,
  F_IMM,
  F_R3,
  F_RD,
  F_RM,
  F_RN,
  OP_ADC,
  OP_ADDSUB_EXT,
  OP_ADDSUB_SHIFT,
  OP_CCMP,
  OP_CSEL,
  OP_DIV,
  OP_LOGIC_SHIFT,
  OP_MADD,
  OP_MULH,
  OP_MULL,
  OP_ONE_SRC,
  OP_SHIFTV,
} from './ops.ts';

export function decodeDpReg(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  const k = clear(f, i);
  const sf = w >>> 31;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  const rm = (w >>> 16) & 31;
  const op2 = (w >>> 21) & 0xf;
  const s = (w >>> 29) & 1;
  const sub = (w >>> 30) & 1;
  const asFlags = (sub ? AS_SUB : 0) | (s ? AS_S : 0) | (sf ? AS_SF : 0);
  f[k + F_RD] = wX(rd);
  f[k + F_RN] = rX(rn);
  f[k + F_RM] = rX(rm);
  if (!((w >>> 28) & 1)) {
    const imm6 = (w >>> 10) & 63;
    const shift = (w >>> 22) & 3;
    if (!(op2 & 8)) {
      if (!sf && imm6 >= 32) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      ops[i] = OP_LOGIC_SHIFT;
      f[k + F_A] = ((w >>> 29) & 3) | (((w >>> 21) & 1) << 2) | (sf << 3);
      f[k + F_B] = shift | (imm6 << 2);
      return;
    }
    if (!(op2 & 1)) {
      if (shift === 3 || (!sf && imm6 >= 32)) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      ops[i] = OP_ADDSUB_SHIFT;
      f[k + F_A] = asFlags;
      f[k + F_B] = shift | (imm6 << 2);
      return;
    }
    const imm3 = (w >>> 10) & 7;
    if (shift !== 0 || imm3 > 4) {
      undef(ops, f, i, 'unallocated');
      return;
    }
    ops[i] = OP_ADDSUB_EXT;
    f[k + F_RD] = s ? wX(rd) : rSP(rd);
    f[k + F_RN] = rSP(rn);
    f[k + F_A] = asFlags;
    f[k + F_B] = ((w >>> 13) & 7) | (imm3 << 3);
    return;
  }
  if (op2 & 8) {
    decode3Src(w, ops, f, i, k);
    return;
  }
  switch (op2) {
    case 0:
      if ((w >>> 10) & 63) {
        undef(ops, f, i, 'flagm');
        return;
      }
      ops[i] = OP_ADC;
      f[k + F_A] = asFlags;
      return;
    case 2: {
      // CCMN / CCMP (register or immediate)
      if (!s || (w >>> 10) & 1 || (w >>> 4) & 1) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      const isImm = (w >>> 11) & 1;
      ops[i] = OP_CCMP;
      f[k + F_IMM] = rm;
      f[k + F_A] = (w >>> 12) & 15;
      f[k + F_B] = (w & 15) | (sub << 4) | (sf << 5) | (isImm << 6);
      return;
    }
    case 4: {
      const o2 = (w >>> 10) & 3;
      if (s || o2 >= 2) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      ops[i] = OP_CSEL;
      f[k + F_A] = (w >>> 12) & 15;
      f[k + F_B] = (sub << 1) | o2 | (sf << 2);
      return;
    }
    case 6: {
      const opcode = (w >>> 10) & 63;
      if (sub) {
        // 1-source: RBIT REV16 REV32/REV REV CLZ CLS
        if (s || rm !== 0 || opcode > 5 || (opcode === 3 && !sf)) {
          undef(ops, f, i, rm === 1 ? 'pointer-auth' : 'unallocated');
          return;
        }
        ops[i] = OP_ONE_SRC;
        // REV (32-bit) shares opcode 2 with REV32; make it "reverse the whole register".
        f[k + F_A] = !sf && opcode === 2 ? 3 : opcode;
        f[k + F_B] = sf;
        return;
      }
      if (s) {
        undef(ops, f, i, 'unallocated');
        return;
      }
      if (opcode === 2 || opcode === 3) {
        ops[i] = OP_DIV;
        f[k + F_A] = (opcode & 1) | (sf << 1);
        return;
      }
      if (opcode >= 8 && opcode <= 11) {
        ops[i] = OP_SHIFTV;
        f[k + F_A] = (opcode & 3) | (sf << 2);
        return;
      }
      undef(ops, f, i, (opcode & 0x38) === 0x10 ? 'crc32' : 'unallocated');
      return;
    }
    default: {
      undef(ops, f, i, 'unallocated');
      return;
    }
  }
}

function decode3Src(w: number, ops: Uint16Array, f: Int32Array, i: number, k: number): void {
  const sf = w >>> 31;
  const op31 = (w >>> 21) & 7;
  const o0 = (w >>> 15) & 1;
  if ((w >>> 29) & 3) {
    undef(ops, f, i, 'unallocated');
    return;
  }
  f[k + F_R3] = rX((w >>> 10) & 31);
  if (op31 === 0) {
    ops[i] = OP_MADD;
    f[k + F_A] = o0 | (sf << 1);
    return;
  }
  if (!sf) {
    undef(ops, f, i, 'unallocated');
    return;
  }
  if (op31 === 1 || op31 === 5) {
    ops[i] = OP_MULL;
    f[k + F_A] = o0 | (op31 === 1 ? 2 : 0);
    return;
  }
  if ((op31 === 2 || op31 === 6) && !o0) {
    ops[i] = OP_MULH;
    f[k + F_A] = op31 === 2 ? 1 : 0;
    return;
  }
  undef(ops, f, i, 'unallocated');
  return;
}
