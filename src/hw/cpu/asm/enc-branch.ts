// Branches (Arm ARM C4.1.93 "Branches, Exception Generating and System
// instructions"): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET, and the
// PC-relative address computations ADR/ADRP (C4.1.92 "PC-rel. addressing").

import { fail } from './diagnostics.ts';
import { CONDITIONS } from './conditions.ts';
import {
  type EncodeContext,
  type Encoder,
  enc,
  expectCount,
  immRange,
  RN,
  reg,
  target as targetOf,
} from './encoding.ts';
import type { Operand } from './operands.ts';

const INSN_BYTES = 4n;
const PAGE_SHIFT = 12n;

/** Word offset from the instruction to the target, checked for `bits` signed bits. */
function wordOffset(op: Operand | undefined, ctx: EncodeContext, bits: number): number {
  const target = targetOf(op, ctx, 'a branch target');
  const delta = target - ctx.pc;
  if (delta % INSN_BYTES !== 0n)
    fail(`branch target 0x${target.toString(16)} is not 4-byte aligned`, op!.col);
  const words = delta / INSN_BYTES;
  const limit = 1n << BigInt(bits - 1);
  if (words < -limit || words >= limit) {
    fail(
      `branch target out of range (${delta} bytes; at most +-${(limit * INSN_BYTES) / 1024n} KiB)`,
      op!.col,
    );
  }
  return Number(BigInt.asUintN(bits, words));
}

const IMM26 = 26;
const IMM19 = 19;
const IMM14 = 14;
const IMM19_LSB = 5;

const branch =
  (base: number): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [1], m);
    return enc(base, [wordOffset(ops[0], ctx, IMM26), 0]);
  };

const B_COND = 0x54000000;
const condBranch =
  (cond: number): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [1], m);
    return enc(B_COND, [wordOffset(ops[0], ctx, IMM19), IMM19_LSB], [cond, 0]);
  };

const CBZ = 0x34000000;
const OP_NZ = 1 << 24;
const cbz =
  (nz: boolean): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [2], m);
    const rt = reg(ops[0], 'zr');
    return enc(CBZ | (nz ? OP_NZ : 0), [rt.sf, 31], [wordOffset(ops[1], ctx, IMM19), IMM19_LSB], [rt.num, 0]);
  };

const TBZ = 0x36000000;
const B40_LSB = 19;
const B40_MASK = 0x1f;
const tbz =
  (nz: boolean): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [3], m);
    const rt = reg(ops[0], 'zr');
    const bit = immRange(ops[1], ctx, 0, rt.sf ? 63 : 31, 'bit number');
    return enc(
      TBZ | (nz ? OP_NZ : 0),
      [bit >> 5, 31],
      [bit & B40_MASK, B40_LSB],
      [wordOffset(ops[2], ctx, IMM14), IMM19_LSB],
      [rt.num, 0],
    );
  };

const LINK_REGISTER = 30;
const indirect =
  (base: number, optional: boolean): Encoder =>
  (ops, _ctx, m) => {
    expectCount(ops, optional ? [0, 1] : [1], m);
    const rn = ops.length === 0 ? LINK_REGISTER : reg(ops[0], 'zr', 1).num;
    return enc(base, [rn, RN]);
  };

const ADR = 0x10000000;
const ADRP = 0x90000000;
const IMMLO_LSB = 29;
const IMMHI_LSB = 5;
const IMM21 = 21;
const IMMLO_BITS = 2;

const adr =
  (page: boolean): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [2], m);
    const rd = reg(ops[0], 'zr', 1);
    const target = targetOf(ops[1], ctx, 'a label');
    const delta = page ? (target >> PAGE_SHIFT) - (ctx.pc >> PAGE_SHIFT) : target - ctx.pc;
    const limit = 1n << BigInt(IMM21 - 1);
    if (delta < -limit || delta >= limit)
      fail(`${page ? 'page' : 'address'} out of range for ${m.toUpperCase()}`, ops[1].col);
    const v = Number(BigInt.asUintN(IMM21, delta));
    return enc(
      page ? ADRP : ADR,
      [v & ((1 << IMMLO_BITS) - 1), IMMLO_LSB],
      [v >>> IMMLO_BITS, IMMHI_LSB],
      [rd.num, 0],
    );
  };

export const BRANCH_ENCODERS: Record<string, Encoder> = {
  b: branch(0x14000000),
  bl: branch(0x94000000),
  cbz: cbz(false),
  cbnz: cbz(true),
  tbz: tbz(false),
  tbnz: tbz(true),
  br: indirect(0xd61f0000, false),
  blr: indirect(0xd63f0000, false),
  ret: indirect(0xd65f0000, true),
  adr: adr(false),
  adrp: adr(true),
};
for (const [name, cond] of Object.entries(CONDITIONS)) BRANCH_ENCODERS[`b.${name}`] = condBranch(cond);
