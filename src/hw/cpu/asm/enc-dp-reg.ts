// Data processing (register) other than add/sub and logical: multiply
// (C4.1.95 "Data-processing (3 source)"), divide and bit operations
// (1 and 2 source), conditional select and conditional compare, with the
// aliases MUL, MNEG, SMULL, UMULL, CSET, CSETM, CINC, CINV, CNEG.

import { fail } from './diagnostics.ts';
import { type Encoder, condition, enc, expectCount, immRange, RA, RD, RM, RN, reg, SF } from './encoding.ts';
import type { Operand, RegOp } from './operands.ts';

const ZR = 31;
const COND_LSB = 12;
const NZCV_MAX = 15;
const IMM5_MAX = 31;
const COND_AL = 14;

const DP3 = { madd: 0x1b000000, msub: 0x1b008000 } as const;
const LONG = {
  smaddl: 0x9b200000,
  smsubl: 0x9b208000,
  umaddl: 0x9ba00000,
  umsubl: 0x9ba08000,
} as const;

function same(ops: Operand[], n: number): RegOp[] {
  const rd = reg(ops[0], 'zr');
  const out = [rd];
  for (let i = 1; i < n; i++) out.push(reg(ops[i], 'zr', rd.sf));
  return out;
}

/** MADD/MSUB Rd, Rn, Rm, Ra; MUL/MNEG Rd, Rn, Rm (Ra = ZR). */
const dp3 =
  (base: number, withRa: boolean): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [withRa ? 4 : 3], m);
    const [rd, rn, rm, ra] = same(ops, withRa ? 4 : 3);
    return enc(base, [rd.sf, SF], [rm.num, RM], [ra?.num ?? ZR, RA], [rn.num, RN], [rd.num, RD]);
  };

/** SMADDL/UMADDL... Xd, Wn, Wm, Xa; SMULL/UMULL Xd, Wn, Wm; SMULH/UMULH Xd, Xn, Xm. */
const long =
  (base: number, withRa: boolean, wideSources = false): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [withRa ? 4 : 3], m);
    const rd = reg(ops[0], 'zr', 1);
    const rn = reg(ops[1], 'zr', wideSources ? 1 : 0);
    const rm = reg(ops[2], 'zr', wideSources ? 1 : 0);
    const ra = withRa ? reg(ops[3], 'zr', 1).num : ZR;
    return enc(base, [rm.num, RM], [ra, RA], [rn.num, RN], [rd.num, RD]);
  };

const DP2_BASE = 0x1ac00000;
const dp2 =
  (opcode: number): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [3], m);
    const [rd, rn, rm] = same(ops, 3);
    return enc(DP2_BASE, [rd.sf, SF], [rm.num, RM], [opcode, 10], [rn.num, RN], [rd.num, RD]);
  };
const OPC_UDIV = 2;
const OPC_SDIV = 3;

const DP1_BASE = 0x5ac00000;
/** opcode for W and X; -1 when that size does not exist. */
const dp1 =
  (opcodeW: number, opcodeX: number): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [2], m);
    const [rd, rn] = same(ops, 2);
    const opcode = rd.sf ? opcodeX : opcodeW;
    if (opcode < 0) fail(`expected a 64-bit register (x0-x30), found '${rd.text}'`, rd.col);
    return enc(DP1_BASE, [rd.sf, SF], [opcode, 10], [rn.num, RN], [rd.num, RD]);
  };

const CSEL_BASE = { csel: 0x1a800000, csinc: 0x1a800400, csinv: 0x5a800000, csneg: 0x5a800400 } as const;

const csel =
  (base: number): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [4], m);
    const [rd, rn, rm] = same(ops, 3);
    return enc(base, [rd.sf, SF], [rm.num, RM], [condition(ops[3]), COND_LSB], [rn.num, RN], [rd.num, RD]);
  };

function invertible(op: Operand | undefined): number {
  const c = condition(op);
  if (c >= COND_AL)
    fail(
      `condition '${op!.text}' cannot be inverted here: expected eq, ne, hs, lo, ... (not al or nv)`,
      op!.col,
    );
  return c ^ 1;
}

/** CSET/CSETM Rd, cond: CSINC/CSINV Rd, ZR, ZR, invert(cond). */
const cset =
  (base: number): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [2], m);
    const rd = reg(ops[0], 'zr');
    return enc(base, [rd.sf, SF], [ZR, RM], [invertible(ops[1]), COND_LSB], [ZR, RN], [rd.num, RD]);
  };

/** CINC/CINV/CNEG Rd, Rn, cond: CSINC/CSINV/CSNEG Rd, Rn, Rn, invert(cond). */
const cinc =
  (base: number): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [3], m);
    const [rd, rn] = same(ops, 2);
    return enc(base, [rd.sf, SF], [rn.num, RM], [invertible(ops[2]), COND_LSB], [rn.num, RN], [rd.num, RD]);
  };

const CCMP_BASE = { ccmn: 0x3a400000, ccmp: 0x7a400000 } as const;
const CCMP_IMM = 1 << 11;

/** CCMP/CCMN Rn, <Rm | #imm5>, #nzcv, cond */
const ccmp =
  (base: number): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [4], m);
    const rn = reg(ops[0], 'zr');
    const nzcv = immRange(ops[2], ctx, 0, NZCV_MAX, 'nzcv');
    const cond = condition(ops[3]);
    if (ops[1].kind === 'reg') {
      const rm = reg(ops[1], 'zr', rn.sf);
      return enc(base, [rn.sf, SF], [rm.num, RM], [cond, COND_LSB], [rn.num, RN], [nzcv, 0]);
    }
    const v = immRange(ops[1], ctx, 0, IMM5_MAX, 'immediate');
    return enc(base | CCMP_IMM, [rn.sf, SF], [v, RM], [cond, COND_LSB], [rn.num, RN], [nzcv, 0]);
  };

export const DP_REG_ENCODERS: Record<string, Encoder> = {
  madd: dp3(DP3.madd, true),
  msub: dp3(DP3.msub, true),
  mul: dp3(DP3.madd, false),
  mneg: dp3(DP3.msub, false),
  smaddl: long(LONG.smaddl, true),
  smsubl: long(LONG.smsubl, true),
  umaddl: long(LONG.umaddl, true),
  umsubl: long(LONG.umsubl, true),
  smull: long(LONG.smaddl, false),
  umull: long(LONG.umaddl, false),
  smnegl: long(LONG.smsubl, false),
  umnegl: long(LONG.umsubl, false),
  smulh: long(0x9b400000, false, true),
  umulh: long(0x9bc00000, false, true),
  udiv: dp2(OPC_UDIV),
  sdiv: dp2(OPC_SDIV),
  rbit: dp1(0, 0),
  rev16: dp1(1, 1),
  rev32: dp1(-1, 2),
  rev: dp1(2, 3),
  clz: dp1(4, 4),
  cls: dp1(5, 5),
  csel: csel(CSEL_BASE.csel),
  csinc: csel(CSEL_BASE.csinc),
  csinv: csel(CSEL_BASE.csinv),
  csneg: csel(CSEL_BASE.csneg),
  cset: cset(CSEL_BASE.csinc),
  csetm: cset(CSEL_BASE.csinv),
  cinc: cinc(CSEL_BASE.csinc),
  cinv: cinc(CSEL_BASE.csinv),
  cneg: cinc(CSEL_BASE.csneg),
  ccmp: ccmp(CCMP_BASE.ccmp),
  ccmn: ccmp(CCMP_BASE.ccmn),
};
