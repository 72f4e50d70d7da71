// System instructions (Arm ARM C4.1.93): hints (NOP, WFI, ...), barriers,
// CLREX, MRS/MSR (register and PSTATE immediate), exception generation
// (SVC, HVC, SMC, BRK, HLT), ERET and UDF.

import { fail } from './diagnostics.ts';
import { type Encoder, enc, expectCount, identOf, immRange, reg } from './encoding.ts';
import type { Operand } from './operands.ts';
import { sysregByName } from './sysreg-table.ts';

const fixed =
  (word: number): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, [0], m);
    return word >>> 0;
  };

const HINT_BASE = 0xd503201f;
const HINT_LSB = 5;
const HINT_MAX = 127;
const hint: Encoder = (ops, ctx, m) => {
  expectCount(ops, [1], m);
  return enc(HINT_BASE, [immRange(ops[0], ctx, 0, HINT_MAX, 'hint number'), HINT_LSB]);
};

/** Barrier option names (CRm values), Arm ARM C6.2 DMB/DSB. */
const BARRIER_OPTIONS: Record<string, number> = {
  oshld: 1,
  oshst: 2,
  osh: 3,
  nshld: 5,
  nshst: 6,
  nsh: 7,
  ishld: 9,
  ishst: 10,
  ish: 11,
  ld: 13,
  st: 14,
  sy: 15,
};
const CRM_LSB = 8;
const CRM_MAX = 15;
const CRM_SY = 15;

function crmOperand(
  op: Operand | undefined,
  ctx: Parameters<Encoder>[1],
  names: Record<string, number>,
): number {
  if (op === undefined) return CRM_SY;
  const name = identOf(op);
  if (name !== null && name in names) return names[name];
  if (op.kind === 'imm' && name === null) return immRange(op, ctx, 0, CRM_MAX, 'barrier option');
  fail(`expected a barrier option (${Object.keys(names).join(', ')}) or #0..15, found '${op.text}'`, op.col);
}

const barrier =
  (base: number, names: Record<string, number>, optional: boolean): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, optional ? [0, 1] : [1], m);
    return enc(base, [crmOperand(ops[0], ctx, names), CRM_LSB]);
  };

const SYSREG_BASE = 0xd5000000;
const L_READ = 1 << 21;
const OP0_LSB = 19;
const OP1_LSB = 16;
const CRN_LSB = 12;
const OP2_LSB = 5;

function sysreg(op: Operand | undefined): number {
  const name = identOf(op);
  const e = name === null ? undefined : sysregByName(name);
  if (e === undefined)
    fail(
      `expected a system register name (e.g. VBAR_EL1, s3_0_c15_c2_0), found '${op?.text ?? 'nothing'}'`,
      op?.col,
    );
  return enc(0, [e.op0, OP0_LSB], [e.op1, OP1_LSB], [e.crn, CRN_LSB], [e.crm, CRM_LSB], [e.op2, OP2_LSB]);
}

const mrs: Encoder = (ops, _ctx, m) => {
  expectCount(ops, [2], m);
  const rt = reg(ops[0], 'zr', 1);
  return (SYSREG_BASE | L_READ | sysreg(ops[1]) | rt.num) >>> 0;
};

/** PSTATE fields writable by MSR (immediate): op1, op2, largest immediate (C6.2 MSR (immediate)). */
const PSTATE_FIELDS: Record<string, [number, number, number]> = {
  // SPSel is one bit: GNU as refuses #2..#15 (their CRm encodings are other fields' or reserved).
  spsel: [0, 5, 1],
  daifset: [3, 6, CRM_MAX],
  daifclr: [3, 7, CRM_MAX],
};
const MSR_IMM_BASE = 0xd500401f;

const msr: Encoder = (ops, ctx, m) => {
  expectCount(ops, [2], m);
  const name = identOf(ops[0]);
  if (ops[1].kind !== 'reg' && name !== null && name in PSTATE_FIELDS) {
    const [op1, op2, max] = PSTATE_FIELDS[name];
    return enc(
      MSR_IMM_BASE,
      [op1, OP1_LSB],
      [immRange(ops[1], ctx, 0, max, 'immediate'), CRM_LSB],
      [op2, OP2_LSB],
    );
  }
  const target = sysreg(ops[0]);
  const rt = reg(ops[1], 'zr', 1);
  return (SYSREG_BASE | target | rt.num) >>> 0;
};

const IMM16_MAX = 0xffff;
const exception =
  (base: number): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [1], m);
    return enc(base, [immRange(ops[0], ctx, 0, IMM16_MAX, 'immediate'), 5]);
  };

const udf: Encoder = (ops, ctx, m) => {
  expectCount(ops, [1], m);
  return immRange(ops[0], ctx, 0, IMM16_MAX, 'immediate');
};

export const SYSTEM_ENCODERS: Record<string, Encoder> = {
  nop: fixed(0xd503201f),
  yield: fixed(0xd503203f),
  wfe: fixed(0xd503205f),
  wfi: fixed(0xd503207f),
  sev: fixed(0xd503209f),
  sevl: fixed(0xd50320bf),
  hint,
  eret: fixed(0xd69f03e0),
  clrex: barrier(0xd503305f, {}, true),
  dsb: barrier(0xd503309f, BARRIER_OPTIONS, false),
  dmb: barrier(0xd50330bf, BARRIER_OPTIONS, false),
  isb: barrier(0xd50330df, { sy: CRM_SY }, true),
  mrs,
  msr,
  svc: exception(0xd4000001),
  hvc: exception(0xd4000002),
  smc: exception(0xd4000003),
  brk: exception(0xd4200000),
  hlt: exception(0xd4400000),
  udf,
};
