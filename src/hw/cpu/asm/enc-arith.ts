// Add/subtract: immediate (Arm ARM C4.1.92.x "Add/subtract (immediate)"),
// shifted register and extended register (C4.1.95), with carry (C4.1.95
// "Add/subtract (with carry)"), and the aliases CMP, CMN, NEG, NEGS.

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
import type { Operand, RegOp, ShiftOp } from './operands.ts';

const IMM12_MAX = 0xfff;
const SH_LSL12 = 12;
const IMM_BASE = 0x11000000; // ADD (immediate), 32-bit
const SHIFTED_BASE = 0x0b000000; // ADD (shifted register)
const EXTENDED_BASE = 0x0b200000; // ADD (extended register)
const OP_SUB = 1 << 30;
const S_FLAGS = 1 << 29;
const EXTEND_AMOUNT_MAX = 4;
const SHIFT_CODES: Record<string, number> = { lsl: 0, lsr: 1, asr: 2 };
const EXTEND_CODES: Record<string, number> = {
  uxtb: 0,
  uxth: 1,
  uxtw: 2,
  uxtx: 3,
  sxtb: 4,
  sxth: 5,
  sxtw: 6,
  sxtx: 7,
};

interface AddSub {
  sub: boolean;
  setFlags: boolean;
}

function immediateForm(
  k: AddSub,
  rd: RegOp,
  rn: RegOp,
  op: Operand,
  shift: ShiftOp | null,
  ctx: EncodeContext,
  m: string,
): number {
  let v = imm(op, ctx);
  let sub = k.sub;
  let sh = 0;
  if (shift !== null) {
    if (
      shift.op !== 'lsl' ||
      (shiftAmount(shift, ctx, 63) !== 0 && shiftAmount(shift, ctx, 63) !== SH_LSL12)
    ) {
      fail(
        `expected 'lsl #0' or 'lsl #12' after the immediate of ${m.toUpperCase()}, found '${shift.text}'`,
        shift.col,
      );
    }
    sh = shiftAmount(shift, ctx, 63) === SH_LSL12 ? 1 : 0;
  }
  // GNU as turns a negative immediate into the opposite operation.
  if (v < 0n) {
    v = -v;
    sub = !sub;
  }
  if (
    shift === null &&
    v > BigInt(IMM12_MAX) &&
    (v & BigInt(IMM12_MAX)) === 0n &&
    v >> 12n <= BigInt(IMM12_MAX)
  ) {
    v >>= 12n;
    sh = 1;
  }
  if (v < 0n || v > BigInt(IMM12_MAX)) {
    fail(
      `immediate ${imm(op, ctx)} out of range for ${m.toUpperCase()} (0..4095, optionally lsl #12)`,
      op.col,
    );
  }
  return enc(
    IMM_BASE | (sub ? OP_SUB : 0) | (k.setFlags ? S_FLAGS : 0),
    [rd.sf, SF],
    [sh, 22],
    [Number(v), 10],
    [rn.num, RN],
    [rd.num, RD],
  );
}

function extendedForm(
  k: AddSub,
  rd: RegOp,
  rn: RegOp,
  rmOp: Operand,
  ext: ShiftOp | null,
  ctx: EncodeContext,
): number {
  let option: number;
  if (ext === null || ext.op === 'lsl') {
    // LSL is the preferred spelling of UXTX/UXTW when Rd or Rn is SP.
    option = rd.sf ? EXTEND_CODES.uxtx : EXTEND_CODES.uxtw;
  } else if (ext.op in EXTEND_CODES) {
    option = EXTEND_CODES[ext.op];
  } else {
    fail(`expected an extend (uxtb ... sxtx) or lsl, found '${ext.text}'`, ext.col);
  }
  const amount = ext === null || ext.amount === null ? 0 : shiftAmount(ext, ctx, EXTEND_AMOUNT_MAX);
  // A 64-bit operation extends a W register, except for the X extends.
  const rmSf: 0 | 1 = rd.sf === 1 && (option & 3) === 3 ? 1 : 0;
  const rm = reg(rmOp, 'zr', rmSf);
  return enc(
    EXTENDED_BASE | (k.sub ? OP_SUB : 0) | (k.setFlags ? S_FLAGS : 0),
    [rd.sf, SF],
    [rm.num, RM],
    [option, 13],
    [amount, 10],
    [rn.num, RN],
    [rd.num, RD],
  );
}

function shiftedForm(
  k: AddSub,
  rd: RegOp,
  rn: RegOp,
  rmOp: Operand,
  shift: ShiftOp | null,
  ctx: EncodeContext,
): number {
  const rm = reg(rmOp, 'zr', rd.sf);
  let type = 0;
  let amount = 0;
  if (shift !== null) {
    if (!(shift.op in SHIFT_CODES)) fail(`expected lsl, lsr or asr, found '${shift.text}'`, shift.col);
    type = SHIFT_CODES[shift.op];
    amount = shiftAmount(shift, ctx, rd.sf ? 63 : 31);
  }
  return enc(
    SHIFTED_BASE | (k.sub ? OP_SUB : 0) | (k.setFlags ? S_FLAGS : 0),
    [rd.sf, SF],
    [type, 22],
    [rm.num, RM],
    [amount, 10],
    [rn.num, RN],
    [rd.num, RD],
  );
}

/** Rd, Rn, <imm | Rm>, [shift | extend] once Rd has been decided. */
function addSub(k: AddSub, rdOp: Operand, ops: Operand[], ctx: EncodeContext, m: string): number {
  // Register 31 as Rd of ADD/SUB is XZR only in the shifted-register form, SP in the others
  // (Arm ARM C6.2 ADD (shifted register), ADD (extended register), ADD (immediate)).
  const rdZr = !k.setFlags && rdOp.kind === 'reg' && rdOp.num === 31 && !rdOp.sp;
  const rd = reg(rdOp, k.setFlags || rdZr ? 'zr' : 'sp');
  const rnOp = ops[0];
  const third = ops[1];
  const mod = ops[2] === undefined ? null : shiftOf(ops[2]);
  if (ops[2] !== undefined && mod === null)
    fail(`expected a shift or extend, found '${ops[2].text}'`, ops[2].col);
  if (rdZr) {
    const form = `${m.toUpperCase()} with ${rd.text} as destination is the shifted-register form`;
    if (third?.kind !== 'reg') fail(`${form}: expected a register, found '${third?.text ?? ''}'`, third?.col);
    if (mod !== null && !(mod.op in SHIFT_CODES))
      fail(`${form}: expected lsl, lsr or asr, found '${mod.text}'`, mod.col);
    return shiftedForm(k, rd, reg(rnOp, 'zr', rd.sf), third, mod, ctx);
  }
  if (third?.kind === 'reg') {
    // Rn may be the zero register (shifted form) or SP (extended form).
    const rnZr = rnOp.kind === 'reg' && rnOp.num === 31 && !rnOp.sp;
    const rnAny = reg(rnOp, rnZr ? 'zr' : 'sp', rd.sf);
    const usesSp = (rd.num === 31 && rd.sp) || (rnAny.num === 31 && rnAny.sp);
    if (usesSp || (mod !== null && mod.op in EXTEND_CODES))
      return extendedForm(k, rd, reg(rnOp, 'sp', rd.sf), third, mod, ctx);
    return shiftedForm(k, reg(rd, 'zr'), reg(rnOp, 'zr', rd.sf), third, mod, ctx);
  }
  const rn = reg(rnOp, 'sp', rd.sf);
  if (third === undefined) fail(`expected an immediate or register after '${rnOp.text}'`, rnOp.col);
  return immediateForm(k, rd, rn, third, mod, ctx, m);
}

const addSubEncoder =
  (k: AddSub): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [3, 4], m);
    return addSub(k, ops[0], ops.slice(1), ctx, m);
  };

/** CMP/CMN: SUBS/ADDS with the zero register as destination. */
const compareEncoder =
  (k: AddSub): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [2, 3], m);
    const rn = reg(ops[0], ops[0]?.kind === 'reg' && ops[0].num === 31 && !ops[0].sp ? 'zr' : 'sp');
    const zr: RegOp = {
      kind: 'reg',
      num: 31,
      sf: rn.sf,
      sp: false,
      text: rn.sf ? 'xzr' : 'wzr',
      col: rn.col,
    };
    return addSub(k, zr, ops, ctx, m);
  };

/** NEG/NEGS Rd, Rm{, shift}: SUB(S) Rd, ZR, Rm. */
const negEncoder =
  (setFlags: boolean): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [2, 3], m);
    const rd = reg(ops[0], 'zr');
    const zr: RegOp = { kind: 'reg', num: 31, sf: rd.sf, sp: false, text: 'zr', col: rd.col };
    const shift = ops[2] === undefined ? null : shiftOf(ops[2]);
    if (ops[2] !== undefined && shift === null) fail(`expected a shift, found '${ops[2].text}'`, ops[2].col);
    return shiftedForm({ sub: true, setFlags }, rd, zr, ops[1], shift, ctx);
  };

const CARRY_BASE = 0x1a000000; // ADC

const carryEncoder =
  (sub: boolean, setFlags: boolean): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [3], m);
    const rd = reg(ops[0], 'zr');
    const rn = reg(ops[1], 'zr', rd.sf);
    const rm = reg(ops[2], 'zr', rd.sf);
    return enc(
      CARRY_BASE | (sub ? OP_SUB : 0) | (setFlags ? S_FLAGS : 0),
      [rd.sf, SF],
      [rm.num, RM],
      [rn.num, RN],
      [rd.num, RD],
    );
  };

export const ARITH_ENCODERS: Record<string, Encoder> = {
  add: addSubEncoder({ sub: false, setFlags: false }),
  adds: addSubEncoder({ sub: false, setFlags: true }),
  sub: addSubEncoder({ sub: true, setFlags: false }),
  subs: addSubEncoder({ sub: true, setFlags: true }),
  cmp: compareEncoder({ sub: true, setFlags: true }),
  cmn: compareEncoder({ sub: false, setFlags: true }),
  neg: negEncoder(false),
  negs: negEncoder(true),
  adc: carryEncoder(false, false),
  adcs: carryEncoder(false, true),
  sbc: carryEncoder(true, false),
  sbcs: carryEncoder(true, true),
};
