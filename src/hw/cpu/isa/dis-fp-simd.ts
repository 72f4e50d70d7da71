// Disassembly of the AdvSIMD vector rows vgicsim executes (encodings-fp.ts
// FP_DATA: three same, two-register miscellaneous, across lanes, copy, EXT,
// permute, TBL/TBX; Arm ARM C4.1 "Data Processing -- Scalar Floating-Point
// and Advanced SIMD"), as GNU objdump prints them, preferred aliases
// included (MOV for ORR and UMOV/INS, MVN for NOT). Each returns null for
// what exec-fp-simd.ts / exec-fp-simd-move.ts take as UNDEFINED.

import { ins, xr } from './dis-util.ts';
import { arr, fpr, velem, vlist, vr } from './dis-fp-util.ts';

const LOGIC = ['and', 'bic', 'orr', 'orn', 'eor', 'bsl', 'bit', 'bif'];

/** Integer three-same mnemonics by U:opcode (the subset exec-fp-simd.ts's op3 implements). */
const SAME3: Record<number, string> = {
  16: 'add',
  48: 'sub',
  17: 'cmtst',
  49: 'cmeq',
  6: 'cmgt',
  38: 'cmhi',
  7: 'cmge',
  39: 'cmhs',
  12: 'smax',
  44: 'umax',
  13: 'smin',
  45: 'umin',
  20: 'smaxp',
  52: 'umaxp',
  21: 'sminp',
  53: 'uminp',
  23: 'addp',
  19: 'mul',
};
/** The ones defined for 64-bit elements (2D). */
const SAME3_D = new Set([
  0b0_10000, 0b1_10000, 0b0_10001, 0b1_10001, 0b0_00110, 0b1_00110, 0b0_00111, 0b1_00111, 0b0_10111,
]);

export function disSimd3Same(
  q: number,
  u: number,
  size: number,
  rm: number,
  opcode: number,
  rn: number,
  rd: number,
): string | null {
  if (opcode === 0b00011) {
    const op = (u << 2) | size;
    if (op === 2 && rn === rm) return ins('mov', vr(rd, 0, q), vr(rn, 0, q));
    return ins(LOGIC[op], vr(rd, 0, q), vr(rn, 0, q), vr(rm, 0, q));
  }
  const key = (u << 5) | opcode;
  const m = SAME3[key];
  if (m === undefined || (size === 3 && (!q || !SAME3_D.has(key)))) return null;
  return ins(m, vr(rd, size, q), vr(rn, size, q), vr(rm, size, q));
}

/** Two-register miscellaneous compares with zero and unary integer ops by U:opcode. */
const MISC2: Record<number, string> = {
  8: 'cmgt',
  9: 'cmeq',
  10: 'cmlt',
  40: 'cmge',
  41: 'cmle',
  11: 'abs',
  43: 'neg',
  36: 'clz',
  4: 'cls',
};
const MISC2_ZERO = new Set([0b0_01000, 0b0_01001, 0b0_01010, 0b1_01000, 0b1_01001]);

export function disSimd2Misc(
  q: number,
  u: number,
  size: number,
  opcode: number,
  rn: number,
  rd: number,
): string | null {
  const key = (u << 5) | opcode;
  if (opcode === 0b00101) {
    if (size === 0) return ins(u ? 'mvn' : 'cnt', vr(rd, 0, q), vr(rn, 0, q));
    if (size === 1 && u) return ins('rbit', vr(rd, 0, q), vr(rn, 0, q));
    return null;
  }
  if (key === 0b0_00000 || key === 0b1_00000 || key === 0b0_00001) {
    const container = key === 0b0_00000 ? 3 : key === 0b1_00000 ? 2 : 1;
    if (size >= container) return null;
    return ins(`rev${8 << container}`, vr(rd, size, q), vr(rn, size, q));
  }
  if (key === 0b0_10010) {
    if (size === 3) return null;
    return ins(q ? 'xtn2' : 'xtn', vr(rd, size, q), vr(rn, size + 1, 1));
  }
  const m = MISC2[key];
  if (m === undefined || (size === 3 && (!q || key === 0b1_00100 || key === 0b0_00100))) return null;
  const ops = [vr(rd, size, q), vr(rn, size, q)];
  if (MISC2_ZERO.has(key)) ops.push('#0');
  return ins(m, ...ops);
}

/** ADDV, S/UMAXV, S/UMINV, S/UADDLV. */
export function disSimdAcross(
  q: number,
  u: number,
  size: number,
  opcode: number,
  rn: number,
  rd: number,
): string | null {
  if (size === 3 || (size === 2 && !q)) return null;
  let m: string;
  let long = 0;
  if (opcode === 0b00011) {
    m = u ? 'uaddlv' : 'saddlv';
    long = 1;
  } else if (opcode === 0b11011 && !u) m = 'addv';
  else if (opcode === 0b01010) m = u ? 'umaxv' : 'smaxv';
  else if (opcode === 0b11010) m = u ? 'uminv' : 'sminv';
  else return null;
  return ins(m, fpr(rd, size + long), vr(rn, size, q));
}

/** DUP (element, general), INS (general, element) as MOV, SMOV, UMOV (MOV for 32/64-bit). */
export function disSimdCopy(
  q: number,
  op: number,
  imm5: number,
  imm4: number,
  rn: number,
  rd: number,
): string | null {
  if ((imm5 & 15) === 0) return null;
  const size = 31 - Math.clz32(imm5 & -imm5);
  const idx = imm5 >>> (size + 1);
  if (op === 1) {
    if (!q) return null;
    return ins('mov', velem(rd, size, idx), velem(rn, size, imm4 >>> size));
  }
  switch (imm4) {
    case 0b0000:
    case 0b0001:
      if (size === 3 && !q) return null;
      return ins('dup', vr(rd, size, q), imm4 === 0 ? velem(rn, size, idx) : xr(rn, size === 3 ? 1 : 0));
    case 0b0011:
      if (!q) return null;
      return ins('mov', velem(rd, size, idx), xr(rn, size === 3 ? 1 : 0));
    case 0b0101:
      if (size >= (q ? 3 : 2)) return null;
      return ins('smov', xr(rd, q), velem(rn, size, idx));
    case 0b0111:
      if (q !== (size === 3 ? 1 : 0)) return null;
      return ins(size >= 2 ? 'mov' : 'umov', xr(rd, q), velem(rn, size, idx));
    default:
      return null;
  }
}

export function disSimdExt(q: number, rm: number, imm4: number, rn: number, rd: number): string | null {
  if (!q && imm4 >= 8) return null;
  return ins('ext', vr(rd, 0, q), vr(rn, 0, q), vr(rm, 0, q), `#${imm4}`);
}

const PERMUTE = [null, 'uzp1', 'trn1', 'zip1', null, 'uzp2', 'trn2', 'zip2'];

export function disSimdPermute(
  q: number,
  size: number,
  rm: number,
  opcode: number,
  rn: number,
  rd: number,
): string | null {
  const m = PERMUTE[opcode];
  if (m === null || (size === 3 && !q)) return null;
  return ins(m, vr(rd, size, q), vr(rn, size, q), vr(rm, size, q));
}

export function disSimdTbl(q: number, rm: number, len: number, op: number, rn: number, rd: number): string {
  return ins(op ? 'tbx' : 'tbl', vr(rd, 0, q), vlist(rn, len + 1, arr(0, 1)), vr(rm, 0, q));
}
