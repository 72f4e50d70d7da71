// Disassembly of the SIMD&FP loads and stores vgicsim executes
// (encodings-fp.ts FP_LDST: LDR/STR immediate, unscaled, pre/post-index,
// register offset and literal, LDP/STP/LDNP/STNP, LD1-LD4/ST1-ST4 multiple
// structures; Arm ARM C4.1 "Loads and Stores") as GNU objdump prints them.

import { addr, addrReg } from './dis-ldst.ts';
import { ins, target, xs } from './dis-util.ts';
import { arr, fpr, vlist } from './dis-fp-util.ts';
import { MULTI } from './fp-multi.ts';

/** log2 of the register size of a single-register access: size, or 4 (Q) for size 00 with opc<1> set. */
function scale(size: number, opc: number): number {
  return opc & 2 ? 4 : size;
}

/** LDR/STR (immediate, unsigned offset). */
export function disFpLdStUimm(size: number, opc: number, imm12: number, rn: number, rt: number): string {
  const sc = scale(size, opc);
  return ins(opc & 1 ? 'ldr' : 'str', fpr(rt, sc), addr(rn, imm12 * 2 ** sc, 0));
}

/** LDUR/STUR (mode 00), post-index (01), pre-index (11). */
export function disFpLdStImm9(
  size: number,
  opc: number,
  imm9: number,
  mode: number,
  rn: number,
  rt: number,
): string {
  const sc = scale(size, opc);
  const imm = (imm9 << 23) >> 23;
  const base = mode === 0 ? 'ur' : 'r';
  return ins(`${opc & 1 ? 'ld' : 'st'}${base}`, fpr(rt, sc), addr(rn, imm, mode));
}

export function disFpLdStReg(
  size: number,
  opc: number,
  rm: number,
  option: number,
  s: number,
  rn: number,
  rt: number,
): string {
  const sc = scale(size, opc);
  return ins(opc & 1 ? 'ldr' : 'str', fpr(rt, sc), addrReg(rn, rm, option, s, sc));
}

export function disFpLdrLit(opc: number, imm19: number, rt: number, pc: number): string {
  return ins('ldr', fpr(rt, opc + 2), target(pc, ((imm19 << 13) >> 13) * 4));
}

/** LDNP/STNP (mode 00), LDP/STP post-index (01), offset (10), pre-index (11). */
export function disFpLdStPair(
  opc: number,
  mode: number,
  l: number,
  imm7: number,
  rt2: number,
  rn: number,
  rt: number,
): string {
  const sc = opc + 2;
  const imm = ((imm7 << 25) >> 25) * 2 ** sc;
  const m = `${l ? 'ld' : 'st'}${mode === 0 ? 'np' : 'p'}`;
  return ins(m, fpr(rt, sc), fpr(rt2, sc), addr(rn, imm, mode === 0 ? 0 : mode === 2 ? 0 : mode));
}

/** LD1-LD4/ST1-ST4 (multiple structures); rm: -1 without post-index, 31 for the immediate. */
export function disFpLdStMulti(
  q: number,
  l: number,
  rm: number,
  opcode: number,
  size: number,
  rn: number,
  rt: number,
): string {
  const [regs, selem] = MULTI[opcode];
  const list = vlist(rt, regs, arr(size, q));
  const m = `${l ? 'ld' : 'st'}${selem}`;
  const base = `[${xs(rn, 1)}]`;
  if (rm < 0) return ins(m, list, base);
  return ins(m, list, base, rm === 31 ? `#${regs * (q ? 16 : 8)}` : `x${rm}`);
}
