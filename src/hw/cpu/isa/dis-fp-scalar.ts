// Disassembly of the scalar floating-point rows (encodings-fp.ts FP_DATA,
// Arm ARM C4.1 "Floating-point data-processing", "Conversion between
// floating-point and integer", AdvSIMD scalar two-register miscellaneous
// conversions) and MRS/MSR of FPCR/FPSR, as GNU objdump prints them. Each
// returns null for what vgicsim's executor (exec-fp-scalar.ts,
// exec-fp-conv.ts) takes as UNDEFINED: disassemble() prints those
// `.inst 0x........ ; undefined`.

import { COND, hex, ins, xr } from './dis-util.ts';
import { fpImm, sd } from './dis-fp-util.ts';

const ROUND = ['n', 'p', 'm', 'z'];

/** Conversion between floating point and integer (SCVTF, UCVTF, FCVT*, FMOV general); single, double only. */
export function disFpConv(
  sf: number,
  type: number,
  rmode: number,
  opcode: number,
  rn: number,
  rd: number,
): string | null {
  if (opcode === 6 || opcode === 7) {
    const toGp = opcode === 6;
    if (type === 2 && rmode === 1 && sf === 1)
      return toGp ? ins('fmov', xr(rd, 1), `v${rn}.d[1]`) : ins('fmov', `v${rd}.d[1]`, xr(rn, 1));
    if (rmode !== 0 || type > 1 || sf !== type) return null;
    return toGp ? ins('fmov', xr(rd, sf), sd(rn, type)) : ins('fmov', sd(rd, type), xr(rn, sf));
  }
  if (type > 1) return null;
  if (opcode === 2 || opcode === 3) {
    if (rmode !== 0) return null;
    return ins(opcode === 2 ? 'scvtf' : 'ucvtf', sd(rd, type), xr(rn, sf));
  }
  let m: string;
  if (opcode <= 1) m = `fcvt${ROUND[rmode]}`;
  else if ((opcode === 4 || opcode === 5) && rmode === 0) m = 'fcvta';
  else return null;
  return ins(`${m}${opcode & 1 ? 'u' : 's'}`, xr(rd, sf), sd(rn, type));
}

/** Floating-point data-processing (1 source): FMOV, FABS, FNEG, FSQRT, FCVT between S and D. */
export function disFp1(type: number, opcode: number, rn: number, rd: number): string | null {
  if (opcode < 4) return ins(['fmov', 'fabs', 'fneg', 'fsqrt'][opcode], sd(rd, type), sd(rn, type));
  if ((opcode === 4 || opcode === 5) && (opcode & 1) !== type)
    return ins('fcvt', sd(rd, opcode & 1), sd(rn, type));
  return null;
}

const FP2 = ['fmul', 'fdiv', 'fadd', 'fsub', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul'];

/** Floating-point data-processing (2 source). */
export function disFp2(type: number, opcode: number, rm: number, rn: number, rd: number): string | null {
  if (opcode > 8) return null;
  return ins(FP2[opcode], sd(rd, type), sd(rn, type), sd(rm, type));
}

/** FCMP, FCMPE (opc bit 0: with zero, bit 1: signalling). */
export function disFpCmp(type: number, opc: number, rm: number, rn: number): string | null {
  const m = opc & 2 ? 'fcmpe' : 'fcmp';
  return ins(m, sd(rn, type), opc & 1 ? '#0.0' : sd(rm, type));
}

export function disFpCcmp(
  type: number,
  op: number,
  cond: number,
  nzcv: number,
  rm: number,
  rn: number,
): string {
  return ins(op ? 'fccmpe' : 'fccmp', sd(rn, type), sd(rm, type), hex(nzcv), COND[cond]);
}

export function disFpCsel(type: number, cond: number, rm: number, rn: number, rd: number): string {
  return ins('fcsel', sd(rd, type), sd(rn, type), sd(rm, type), COND[cond]);
}

export function disFpMovImm(type: number, imm8: number, rd: number): string {
  return ins('fmov', sd(rd, type), fpImm(imm8));
}

/** AdvSIMD scalar two-register miscellaneous: the FP conversions vgicsim executes (FCVT{N,M,A,P,Z}{S,U}, SCVTF, UCVTF). */
export function disScalar2Misc(
  u: number,
  size: number,
  opcode: number,
  rn: number,
  rd: number,
): string | null {
  const o2 = size >>> 1;
  const sz = size & 1;
  let m: string;
  if (opcode === 0x1d && o2 === 0) m = u ? 'ucvtf' : 'scvtf';
  else if (opcode >= 0x1a && opcode <= 0x1c && (o2 === 0 || opcode !== 0x1c))
    m = `fcvt${o2 ? ['p', 'z'][opcode - 0x1a] : ['n', 'm', 'a'][opcode - 0x1a]}${u ? 'u' : 's'}`;
  else return null;
  return ins(m, sd(rd, sz), sd(rn, sz));
}

/** MRS/MSR of FPCR (op2 0) / FPSR (op2 1). */
export function disFpSysreg(l: number, op2lo: number, rt: number): string {
  const reg = op2lo ? 'fpsr' : 'fpcr';
  return l ? ins('mrs', xr(rt, 1), reg) : ins('msr', reg, xr(rt, 1));
}
