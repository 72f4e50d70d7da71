// Disassembly of the AdvSIMD immediate rows vgicsim executes (encodings-fp.ts:
// modified immediate, shift by immediate; Arm ARM C4.1) as GNU objdump
// prints them: MOVI/MVNI/ORR/BIC (vector, immediate) with their lsl/msl
// shifts, FMOV (vector, immediate), SSHR/USHR, SSRA/USRA, SHL, SLI, SRI,
// SHRN, SSHLL/USHLL (SXTL/UXTL for a zero shift). null for what
// exec-fp-simd-imm.ts takes as UNDEFINED.

import { hex, hex64, ins } from './dis-util.ts';
import { fpImm, vr } from './dis-fp-util.ts';

/** The 64-bit MOVI immediate: each bit of imm8 a byte of ones. */
function bytesMask(imm8: number): [lo: number, hi: number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 4; i++) if ((imm8 >>> i) & 1) lo |= 0xff << (8 * i);
  for (let i = 0; i < 4; i++) if ((imm8 >>> (i + 4)) & 1) hi |= 0xff << (8 * i);
  return [lo >>> 0, hi >>> 0];
}

/** MOVI, MVNI, ORR, BIC (vector, immediate), FMOV (vector, immediate) by op:cmode (AdvSIMDExpandImm's cases). */
export function disSimdModImm(
  q: number,
  op: number,
  cmode: number,
  o2: number,
  imm8: number,
  rd: number,
): string | null {
  if (o2) return null;
  const imm = hex(imm8);
  if (cmode < 12) {
    // 32-bit (cmode 0xxx) or 16-bit (10xx) elements, shifted by 8 * cmode<2:1> (32) or cmode<1> (16).
    const half = cmode >= 8;
    const amount = half ? 8 * ((cmode >>> 1) & 1) : 8 * ((cmode >>> 1) & 3);
    const m = cmode & 1 ? (op ? 'bic' : 'orr') : op ? 'mvni' : 'movi';
    const ops = [vr(rd, half ? 1 : 2, q), imm];
    if (amount) ops.push(`lsl #${amount}`);
    return ins(m, ...ops);
  }
  if (cmode < 14) return ins(op ? 'mvni' : 'movi', vr(rd, 2, q), imm, `msl #${cmode & 1 ? 16 : 8}`);
  if (cmode === 14) {
    if (!op) return ins('movi', vr(rd, 0, q), imm);
    const [lo, hi] = bytesMask(imm8);
    return ins('movi', q ? vr(rd, 3, 1) : `d${rd}`, hex64(lo, hi));
  }
  if (op && !q) return null;
  return ins('fmov', vr(rd, op ? 3 : 2, q), fpImm(imm8));
}

/** Shift by immediate: the element size is the highest set bit of immh; immh:immb gives the shift. */
export function disSimdShiftImm(
  q: number,
  u: number,
  immh: number,
  immb: number,
  opcode: number,
  rn: number,
  rd: number,
): string | null {
  const size = 31 - Math.clz32(immh);
  const es = 8 << size;
  const ib = (immh << 3) | immb;
  const right = 2 * es - ib;
  const left = ib - es;
  if (opcode === 0b10000 || opcode === 0b10100) {
    if (size === 3) return null;
    if (opcode === 0b10000) {
      if (u) return null;
      return ins(q ? 'shrn2' : 'shrn', vr(rd, size, q), vr(rn, size + 1, 1), `#${right}`);
    }
    const wide = vr(rd, size + 1, 1);
    const narrow = vr(rn, size, q);
    const two = q ? '2' : '';
    if (left === 0) return ins(`${u ? 'u' : 's'}xtl${two}`, wide, narrow);
    return ins(`${u ? 'u' : 's'}shll${two}`, wide, narrow, `#${left}`);
  }
  if (size === 3 && !q) return null;
  let m: string;
  let amount = right;
  switch ((u << 5) | opcode) {
    case 0b0_00000:
      m = 'sshr';
      break;
    case 0b1_00000:
      m = 'ushr';
      break;
    case 0b0_00010:
      m = 'ssra';
      break;
    case 0b1_00010:
      m = 'usra';
      break;
    case 0b0_01010:
      m = 'shl';
      amount = left;
      break;
    case 0b1_01010:
      m = 'sli';
      amount = left;
      break;
    case 0b1_01000:
      m = 'sri';
      break;
    default:
      return null;
  }
  return ins(m, vr(rd, size, q), vr(rn, size, q), `#${amount}`);
}
