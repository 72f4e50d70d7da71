// Logical operations: immediate (Arm ARM C4.1.92 "Logical (immediate)",
// bitmask immediates), shifted register (C4.1.95 "Logical (shifted
// register)"), move wide (C4.1.92 "Move wide (immediate)") and the MOV,
// MVN and TST aliases.

import { encodeBitmask } from './bitmask.ts';
import { fail } from './diagnostics.ts';
import {
  type EncodeContext,
  type Encoder,
  enc,
  expectCount,
  imm,
  RD,
  RM,
  RN,
  reg,
  SF,
  shiftAmount,
  shiftOf,
} from './encoding.ts';
import type { Operand, RegOp } from './operands.ts';

const LOGICAL_IMM_BASE = 0x12000000; // AND (immediate), 32-bit
const LOGICAL_REG_BASE = 0x0a000000; // AND (shifted register)
const ADD_IMM_BASE = 0x11000000; // for MOV to/from SP
const N_BIT = 21; // shifted-register form: invert Rm (BIC, ORN, EON, BICS)
const MOVE_WIDE_BASE = 0x12800000; // MOVN
const HW_LSB = 21;
const IMM16_MAX = 0xffff;
const SHIFT_CODES: Record<string, number> = { lsl: 0, lsr: 1, asr: 2, ror: 3 };

/** opc field: AND 00, ORR 01, EOR 10, ANDS 11 */
type Opc = 0 | 1 | 2 | 3;
const OPC_ORR: Opc = 1;
const OPC_ANDS: Opc = 3;

/** An immediate for a `width`-bit operation: GNU as accepts a 32-bit value written signed or unsigned. */
function immForWidth(op: Operand, ctx: EncodeContext, sf: 0 | 1): bigint {
  const v = imm(op, ctx);
  if (sf === 0 && (v < -(1n << 31n) || v > 0xffff_ffffn))
    fail(`immediate ${v} does not fit in 32 bits`, op.col);
  return BigInt.asUintN(sf ? 64 : 32, v);
}

function logicalImm(opc: Opc, rd: RegOp, rn: RegOp, value: bigint, op: Operand): number {
  const f = encodeBitmask(value, rd.sf ? 64 : 32);
  if (f === null) fail(`bitmask immediate 0x${value.toString(16)} cannot be encoded`, op.col);
  return enc(
    LOGICAL_IMM_BASE,
    [rd.sf, SF],
    [opc, 29],
    [f.n, 22],
    [f.immr, 16],
    [f.imms, 10],
    [rn.num, RN],
    [rd.num, RD],
  );
}

function logicalReg(
  opc: Opc,
  invert: boolean,
  rd: RegOp,
  rn: RegOp,
  ops: Operand[],
  ctx: EncodeContext,
): number {
  const rm = reg(ops[0], 'zr', rd.sf);
  let type = 0;
  let amount = 0;
  if (ops[1] !== undefined) {
    const s = shiftOf(ops[1]);
    if (s === null || !(s.op in SHIFT_CODES))
      fail(`expected lsl, lsr, asr or ror, found '${ops[1].text}'`, ops[1].col);
    type = SHIFT_CODES[s.op];
    amount = shiftAmount(s, ctx, rd.sf ? 63 : 31);
  }
  return enc(
    LOGICAL_REG_BASE | (invert ? 1 << N_BIT : 0),
    [rd.sf, SF],
    [opc, 29],
    [type, 22],
    [rm.num, RM],
    [amount, 10],
    [rn.num, RN],
    [rd.num, RD],
  );
}

const logical =
  (opc: Opc, invert: boolean): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [3, 4], m);
    if (ops[2].kind === 'imm') {
      // GNU as has no immediate form of BIC, ORN, EON, BICS.
      if (invert) fail(`expected a register, found '${ops[2].text}'`, ops[2].col);
      expectCount(ops, [3], m);
      const rd = reg(ops[0], opc === OPC_ANDS ? 'zr' : 'sp');
      const rn = reg(ops[1], 'zr', rd.sf);
      return logicalImm(opc, rd, rn, immForWidth(ops[2], ctx, rd.sf), ops[2]);
    }
    const rd = reg(ops[0], 'zr');
    return logicalReg(opc, invert, rd, reg(ops[1], 'zr', rd.sf), ops.slice(2), ctx);
  };

function zeroReg(like: RegOp): RegOp {
  return { kind: 'reg', num: 31, sf: like.sf, sp: false, text: like.sf ? 'xzr' : 'wzr', col: like.col };
}

/** TST Rn, #imm | Rm{, shift}: ANDS ZR, Rn, ... */
const tst: Encoder = (ops, ctx, m) => {
  expectCount(ops, [2, 3], m);
  const rn = reg(ops[0], 'zr');
  if (ops[1].kind === 'imm') {
    expectCount(ops, [2], m);
    return logicalImm(OPC_ANDS, zeroReg(rn), rn, immForWidth(ops[1], ctx, rn.sf), ops[1]);
  }
  return logicalReg(OPC_ANDS, false, zeroReg(rn), rn, ops.slice(1), ctx);
};

/** MVN Rd, Rm{, shift}: ORN Rd, ZR, Rm. */
const mvn: Encoder = (ops, ctx, m) => {
  expectCount(ops, [2, 3], m);
  const rd = reg(ops[0], 'zr');
  return logicalReg(OPC_ORR, true, rd, zeroReg(rd), ops.slice(1), ctx);
};

/** MOVZ/MOVN/MOVK, opc = 0 (N), 2 (Z), 3 (K). */
function moveWide(opc: number, rd: RegOp, value: number, hw: number): number {
  return enc(MOVE_WIDE_BASE, [rd.sf, SF], [opc, 29], [hw, HW_LSB], [value, 5], [rd.num, RD]);
}
const OPC_MOVN = 0;
const OPC_MOVZ = 2;
const OPC_MOVK = 3;

const moveWideEncoder =
  (opc: number): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [2, 3], m);
    const rd = reg(ops[0], 'zr');
    const v = imm(ops[1], ctx);
    if (v < 0n || v > BigInt(IMM16_MAX))
      fail(
        `immediate ${v} out of range for ${m.toUpperCase()} (0..65535, optionally lsl #16/32/48)`,
        ops[1].col,
      );
    let hw = 0;
    if (ops[2] !== undefined) {
      const s = shiftOf(ops[2]);
      const amount = s === null ? -1 : shiftAmount(s, ctx, 63);
      if (s === null || s.op !== 'lsl' || amount % 16 !== 0 || amount >= (rd.sf ? 64 : 32)) {
        fail(`expected lsl #0, #16${rd.sf ? ', #32 or #48' : ''}, found '${ops[2].text}'`, ops[2].col);
      }
      hw = amount / 16;
    }
    return moveWide(opc, rd, Number(v), hw);
  };

/** The 16-bit chunk index if `v` has non-zero bits in at most one chunk, else -1. */
function singleChunk(v: bigint, width: number): number {
  for (let hw = 0; hw < width / 16; hw++) {
    if ((v & ~(BigInt(IMM16_MAX) << BigInt(16 * hw))) === 0n) return hw;
  }
  return -1;
}

/** MOV: register (ORR or, with SP, ADD #0), or immediate (MOVZ, MOVN, then ORR bitmask, as GNU as chooses). */
const mov: Encoder = (ops, ctx, m) => {
  expectCount(ops, [2], m);
  const isSp = (op: Operand): boolean => op.kind === 'reg' && op.num === 31 && op.sp;
  if (ops[1].kind === 'reg') {
    if (isSp(ops[0]) || isSp(ops[1])) {
      // MOV to/from SP is ADD Rd, Rn, #0; the other register cannot be ZR.
      const rd = reg(ops[0], 'sp');
      const rn = reg(ops[1], 'sp', rd.sf);
      return enc(ADD_IMM_BASE, [rd.sf, SF], [rn.num, RN], [rd.num, RD]);
    }
    const rd = reg(ops[0], 'zr');
    return logicalReg(OPC_ORR, false, rd, zeroReg(rd), [ops[1]], ctx);
  }
  const rdAny = reg(ops[0], 'sp');
  const width = rdAny.sf ? 64 : 32;
  const v = immForWidth(ops[1], ctx, rdAny.sf);
  const mask = (1n << BigInt(width)) - 1n;
  if (!(rdAny.num === 31 && rdAny.sp)) {
    const z = singleChunk(v, width);
    if (z >= 0) return moveWide(OPC_MOVZ, rdAny, Number(v >> BigInt(16 * z)), z);
    const inv = ~v & mask;
    const n = singleChunk(inv, width);
    if (n >= 0) return moveWide(OPC_MOVN, rdAny, Number(inv >> BigInt(16 * n)), n);
  }
  const f = encodeBitmask(v, width as 32 | 64);
  if (f === null)
    fail(
      `immediate 0x${v.toString(16)} cannot be moved in one instruction (not MOVZ, MOVN or a bitmask); use ldr =value`,
      ops[1].col,
    );
  return logicalImm(OPC_ORR, rdAny, zeroReg(rdAny), v, ops[1]);
};

export const LOGICAL_ENCODERS: Record<string, Encoder> = {
  and: logical(0, false),
  orr: logical(1, false),
  eor: logical(2, false),
  ands: logical(3, false),
  bic: logical(0, true),
  orn: logical(1, true),
  eon: logical(2, true),
  bics: logical(3, true),
  tst,
  mvn,
  mov,
  movz: moveWideEncoder(OPC_MOVZ),
  movn: moveWideEncoder(OPC_MOVN),
  movk: moveWideEncoder(OPC_MOVK),
};
