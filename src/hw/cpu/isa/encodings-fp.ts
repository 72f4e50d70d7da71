// FP/SIMD encodings (Arm ARM C4.1): MRS/MSR of FPCR/FPSR, loads and stores
// with V = 1, and "Data Processing -- Scalar Floating-Point and Advanced
// SIMD". Every implemented class becomes OP_FP with its handler (FPH_*) in
// F_FP_HANDLER and the raw word in F_FP_WORD (slots.ts): the handlers (exec-fp*.ts) read their own
// fields, FP code is not the integer hot path. Everything else is UNDEFINED
// ('fp-simd'): scalar AdvSIMD but the conversions, three-different, FP vector
// arithmetic, the FMADD family, half precision, crypto, single-structure
// loads/stores. Rows in priority order.

import { multiValid } from './fp-multi.ts';
import * as O from '../ops.ts';
import { F_FP_HANDLER, F_FP_WORD } from '../slots.ts';
import * as DM from './dis-fp-mem.ts';
import * as DI from './dis-fp-imm.ts';
import * as DS from './dis-fp-scalar.ts';
import * as DV from './dis-fp-simd.ts';
import { type Encoding, type Fields, reject, row, undefRow } from './pattern.ts';

/** A row of handler `h`: the fill keeps the raw word; `dis` is objdump's text (null: the handler rejects the word). */
function fp<const P extends string>(
  name: string,
  pattern: P,
  h: number,
  dis: (v: Fields<P>, pc: number) => string | null,
): Encoding {
  return row({ name, pattern, feature: 'fp', fill: (_v, f, k, w) => setFp(f, k, w, h), dis });
}

function setFp(f: Int32Array, k: number, w: number, h: number): number {
  f[k + F_FP_HANDLER] = h;
  f[k + F_FP_WORD] = w | 0;
  return O.OP_FP;
}

/** MRS/MSR (register) of FPCR (op2 0) or FPSR (op2 1): op0 3, op1 3, CRn 4, CRm 4. Before BRANCH_SYS. */
export const FP_SYSREG: Encoding[] = [
  fp('MRS, MSR (FPCR, FPSR)', '1101010100 L:1 11 011 0100 0100 00 op2lo:1 Rt:5', O.FPH_SYSREG, (v) =>
    DS.disFpSysreg(v.L, v.op2lo, v.Rt),
  ),
];

const MULTI = (name: string, pattern: string): Encoding =>
  row({
    name,
    pattern,
    feature: 'fp',
    fill: (_v, f, k, w) => (multiValid(w) ? setFp(f, k, w, O.FPH_LDST_MULTI) : reject(f, k, 'fp-simd')),
    // The two patterns share the field names but Rm (post-index only).
    dis: (v: Record<string, number>, _pc, w) =>
      multiValid(w) ? DM.disFpLdStMulti(v.Q, v.L, v.Rm ?? -1, v.opcode, v.size, v.Rn, v.Rt) : null,
  });

export const FP_LDST: Encoding[] = [
  MULTI('LD1-4/ST1-4 (multiple structures)', '0 Q:1 001100 0 L:1 000000 opcode:4 size:2 Rn:5 Rt:5'),
  MULTI(
    'LD1-4/ST1-4 (multiple structures, post-index)',
    '0 Q:1 001100 1 L:1 0 Rm:5 opcode:4 size:2 Rn:5 Rt:5',
  ),
  undefRow('LDR (literal, SIMD&FP), opc 11', '11 011100 xxxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  fp('LDR (literal, SIMD&FP)', 'opc:2 011100 imm19:19 Rt:5', O.FPH_LDR_LIT, (v, pc) =>
    DM.disFpLdrLit(v.opc, v.imm19, v.Rt, pc),
  ),
  undefRow('LDP/STP (SIMD&FP), opc 11', '11 10110 xxxxxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  fp('LDP/STP/LDNP/STNP (SIMD&FP)', 'opc:2 10110 mode:2 L:1 imm7:7 Rt2:5 Rn:5 Rt:5', O.FPH_LDSTP, (v) =>
    DM.disFpLdStPair(v.opc, v.mode, v.L, v.imm7, v.Rt2, v.Rn, v.Rt),
  ),
  // size:opc: Q is size 00 with opc 1x; other sizes with opc 1x are unallocated.
  undefRow('LDR/STR (SIMD&FP), size 01 opc 1x', '01 11110 x 1x xxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  undefRow('LDR/STR (SIMD&FP), size 1x opc 1x', '1x 11110 x 1x xxxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  fp(
    'LDR/STR (immediate, SIMD&FP, unsigned offset)',
    'size:2 111101 opc:2 imm12:12 Rn:5 Rt:5',
    O.FPH_LDST_UIMM,
    (v) => DM.disFpLdStUimm(v.size, v.opc, v.imm12, v.Rn, v.Rt),
  ),
  undefRow('LDR/STR (SIMD&FP), imm9 mode 10', 'xx 111100 xx 0 xxxxxxxxx 10 xxxxx xxxxx', 'unallocated'),
  fp(
    'LDUR/STUR, LDR/STR (SIMD&FP, post-, pre-index)',
    'size:2 111100 opc:2 0 imm9:9 mode:2 Rn:5 Rt:5',
    O.FPH_LDST_IMM9,
    (v) => DM.disFpLdStImm9(v.size, v.opc, v.imm9, v.mode, v.Rn, v.Rt),
  ),
  row({
    name: 'LDR/STR (register, SIMD&FP)',
    pattern: 'size:2 111100 opc:2 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5',
    feature: 'fp',
    fill: (v, f, k, w) => (v.option & 2 ? setFp(f, k, w, O.FPH_LDST_REG) : reject(f, k, 'unallocated')),
    dis: (v) => (v.option & 2 ? DM.disFpLdStReg(v.size, v.opc, v.Rm, v.option, v.S, v.Rn, v.Rt) : null),
  }),
  undefRow('LDR/STR (SIMD&FP), other', 'xx 111100 xx 1 xxxxxxxxxxxxxxxxxxxxx', 'unallocated'),
  undefRow('Loads and stores (SIMD&FP), other', 'xxxx 110 xxxxxxxxxxxxxxxxxxxxxxxxx', 'fp-simd'),
];

// S = 1 is unallocated in every floating-point class (C4.1): those words fall to the last row.
const FP1 = 'M:1 0 0 11110 type:2 1';
export const FP_DATA: Encoding[] = [
  fp(
    'Conversion between floating-point and integer',
    `${FP1} rmode:2 opcode:3 000000 Rn:5 Rd:5`,
    O.FPH_FP_CONV,
    (v) => DS.disFpConv(v.M, v.type, v.rmode, v.opcode, v.Rn, v.Rd),
  ),
  undefRow('Floating-point, M = 1', '1 0 x 11110 xx 1 xxxxxxxxxxxxxxxxxxxxx', 'fp-simd'),
  undefRow('Floating-point, type 1x', 'x 0 x 11110 1x 1 xxxxxxxxxxxxxxxxxxxxx', 'fp-simd'),
  fp('Floating-point data-processing (1 source)', `${FP1} opcode:6 10000 Rn:5 Rd:5`, O.FPH_FP_ARITH1, (v) =>
    DS.disFp1(v.type, v.opcode, v.Rn, v.Rd),
  ),
  fp('Floating-point compare', `${FP1} Rm:5 op=00 1000 Rn:5 opc:2 000`, O.FPH_FP_CMP, (v) =>
    DS.disFpCmp(v.type, v.opc, v.Rm, v.Rn),
  ),
  undefRow('Floating-point compare, opcode2 other', 'x 0 x 11110 xx 1 xxxxx 001000 xxxxx xxxxx', 'fp-simd'),
  fp('Floating-point immediate (FMOV)', `${FP1} imm8:8 100 imm5=00000 Rd:5`, O.FPH_FP_MOVIMM, (v) =>
    DS.disFpMovImm(v.type, v.imm8, v.Rd),
  ),
  undefRow('Floating-point immediate, imm5 != 0', 'x 0 x 11110 xx 1 xxxxxxxx 100 xxxxx xxxxx', 'fp-simd'),
  fp('Floating-point conditional compare', `${FP1} Rm:5 cond:4 01 Rn:5 op:1 nzcv:4`, O.FPH_FP_CCMP, (v) =>
    DS.disFpCcmp(v.type, v.op, v.cond, v.nzcv, v.Rm, v.Rn),
  ),
  fp('Floating-point data-processing (2 source)', `${FP1} Rm:5 opcode:4 10 Rn:5 Rd:5`, O.FPH_FP_ARITH2, (v) =>
    DS.disFp2(v.type, v.opcode, v.Rm, v.Rn, v.Rd),
  ),
  fp('Floating-point conditional select (FCSEL)', `${FP1} Rm:5 cond:4 11 Rn:5 Rd:5`, O.FPH_FP_CSEL, (v) =>
    DS.disFpCsel(v.type, v.cond, v.Rm, v.Rn, v.Rd),
  ),
  fp(
    'Advanced SIMD three same',
    '0 Q:1 U:1 01110 size:2 1 Rm:5 opcode:5 1 Rn:5 Rd:5',
    O.FPH_SIMD_3SAME,
    (v) => DV.disSimd3Same(v.Q, v.U, v.size, v.Rm, v.opcode, v.Rn, v.Rd),
  ),
  fp(
    'Advanced SIMD two-register miscellaneous',
    '0 Q:1 U:1 01110 size:2 1 0000 opcode:5 10 Rn:5 Rd:5',
    O.FPH_SIMD_2MISC,
    (v) => DV.disSimd2Misc(v.Q, v.U, v.size, v.opcode, v.Rn, v.Rd),
  ),
  fp(
    'Advanced SIMD across lanes',
    '0 Q:1 U:1 01110 size:2 1 1000 opcode:5 10 Rn:5 Rd:5',
    O.FPH_SIMD_ACROSS,
    (v) => DV.disSimdAcross(v.Q, v.U, v.size, v.opcode, v.Rn, v.Rd),
  ),
  undefRow('Advanced SIMD, bit 21 set, other', '0 x x 01110 xx 1 xxxxxxxxxxxxxxxxxxxxx', 'fp-simd'),
  undefRow('Advanced SIMD, bit 15 set', '0 x x 01110 xx 0 xxxxx 1 xxxxxxxxxxxxxxx', 'fp-simd'),
  fp('Advanced SIMD copy', '0 Q:1 op:1 01110 000 imm5:5 0 imm4:4 1 Rn:5 Rd:5', O.FPH_SIMD_COPY, (v) =>
    DV.disSimdCopy(v.Q, v.op, v.imm5, v.imm4, v.Rn, v.Rd),
  ),
  undefRow('Advanced SIMD copy, bits 23:22 != 00', '0 x x 01110 xx 0 xxxxx 0 xxxx 1 xxxxx xxxxx', 'fp-simd'),
  fp('Advanced SIMD extract (EXT)', '0 Q:1 1 01110 op2=00 0 Rm:5 0 imm4:4 0 Rn:5 Rd:5', O.FPH_SIMD_EXT, (v) =>
    DV.disSimdExt(v.Q, v.Rm, v.imm4, v.Rn, v.Rd),
  ),
  undefRow('Advanced SIMD, U = 1, other', '0 x 1 01110 xxxxxxxxxxxxxxxxxxxxxxxx', 'fp-simd'),
  fp(
    'Advanced SIMD permute',
    '0 Q:1 0 01110 size:2 0 Rm:5 0 opcode:3 10 Rn:5 Rd:5',
    O.FPH_SIMD_PERMUTE,
    (v) => DV.disSimdPermute(v.Q, v.size, v.Rm, v.opcode, v.Rn, v.Rd),
  ),
  fp(
    'Advanced SIMD table lookup (TBL, TBX)',
    '0 Q:1 0 01110 op2=00 0 Rm:5 0 len:2 op:1 00 Rn:5 Rd:5',
    O.FPH_SIMD_TBL,
    (v) => DV.disSimdTbl(v.Q, v.Rm, v.len, v.op, v.Rn, v.Rd),
  ),
  fp(
    'Advanced SIMD scalar two-register miscellaneous',
    '01 U:1 11110 size:2 10000 opcode:5 10 Rn:5 Rd:5',
    O.FPH_SIMD_SCALAR_2MISC,
    (v) => DS.disScalar2Misc(v.U, v.size, v.opcode, v.Rn, v.Rd),
  ),
  fp(
    'Advanced SIMD modified immediate',
    '0 Q:1 op:1 0111100000 a:1 b:1 c:1 cmode:4 o2:1 1 d:1 e:1 f:1 g:1 h:1 Rd:5',
    O.FPH_SIMD_MODIMM,
    (v) =>
      DI.disSimdModImm(
        v.Q,
        v.op,
        v.cmode,
        v.o2,
        (v.a << 7) | (v.b << 6) | (v.c << 5) | (v.d << 4) | (v.e << 3) | (v.f << 2) | (v.g << 1) | v.h,
        v.Rd,
      ),
  ),
  fp(
    'Advanced SIMD shift by immediate',
    '0 Q:1 U:1 011110 immh:4 immb:3 opcode:5 1 Rn:5 Rd:5',
    O.FPH_SIMD_SHIFTIMM,
    (v) => DI.disSimdShiftImm(v.Q, v.U, v.immh, v.immb, v.opcode, v.Rn, v.Rd),
  ),
  undefRow('Data processing (SIMD&FP), other', 'xxxx 111 xxxxxxxxxxxxxxxxxxxxxxxxx', 'fp-simd'),
];
