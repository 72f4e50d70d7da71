// Shared vocabulary of the instruction encoders: the context they run in,
// operand checks that produce "found X, expected Y" messages, and the
// condition-code table (Arm ARM C1.2.4).

import { CONDITIONS } from './conditions.ts';
import { fail } from './diagnostics.ts';
import type { Expr, Value } from './expr.ts';
import type { Operand, RegOp, ShiftOp } from './operands.ts';
import { simdRegister } from './unsupported.ts';

export interface EncodeContext {
  /** Address of the instruction being encoded. */
  readonly pc: bigint;
  /** Absolute value of an expression (labels resolved to addresses). */
  value(e: Expr): bigint;
  /** Value of an expression, a label's still relative to its section. */
  eval(e: Expr): Value;
  /** Address of the literal-pool entry of this instruction's `=value` operand. */
  literalAddress(): bigint;
}

export type Encoder = (ops: Operand[], ctx: EncodeContext, mnemonic: string) => number;

/** The register number field value for register 31 means either SP or ZR, per field. */
export type Reg31 = 'zr' | 'sp';

export function expectCount(ops: Operand[], counts: number[], mnemonic: string): void {
  if (!counts.includes(ops.length)) {
    const want = counts.join(' or ');
    fail(`${mnemonic.toUpperCase()} takes ${want} operands, found ${ops.length}`, ops[0]?.col);
  }
}

export function reg(op: Operand | undefined, r31: Reg31, sf?: 0 | 1): RegOp {
  if (op === undefined) fail('expected a register, found nothing');
  if (op.kind !== 'reg') fail(simdRegister(op.text) ?? `expected a register, found '${op.text}'`, op.col);
  if (op.num === 31 && op.sp && r31 === 'zr')
    fail(`expected a general register or ${op.sf ? 'xzr' : 'wzr'}, found '${op.text}'`, op.col);
  if (op.num === 31 && !op.sp && r31 === 'sp')
    fail(`expected a general register or ${op.sf ? 'sp' : 'wsp'}, found '${op.text}'`, op.col);
  if (sf !== undefined && op.sf !== sf) {
    fail(
      `expected a ${sf ? '64-bit register (x0-x30)' : '32-bit register (w0-w30)'}, found '${op.text}'`,
      op.col,
    );
  }
  return op;
}

/** A constant immediate: a label is refused (see `constant`). */
export function imm(op: Operand | undefined, ctx: EncodeContext, what = 'an immediate'): bigint {
  if (op === undefined) fail(`expected ${what}, found nothing`);
  if (op.kind !== 'imm') fail(`expected ${what}, found '${op.text}'`, op.col);
  return constant(op.expr, ctx, op.text, op.col);
}

/** An address operand (branch target, ADR label): labels are addresses here. */
export function target(op: Operand | undefined, ctx: EncodeContext, what: string): bigint {
  if (op === undefined) fail(`expected ${what}, found nothing`);
  if (op.kind !== 'imm') fail(`expected ${what}, found '${op.text}'`, op.col);
  return ctx.value(op.expr);
}

/**
 * The value of a constant field (immediate, offset). A label there is refused:
 * GNU as silently encodes the label's offset within its section, not its
 * address, which is never what the writer meant.
 */
export function constant(e: Expr, ctx: EncodeContext, text: string, col: number): bigint {
  const v = ctx.eval(e);
  if (v.sec !== null) {
    const t = text.replace(/^#/, '');
    fail(
      `'${t}' is an address, not a constant: GNU as would encode its offset within its section; load addresses with adr, adrp or ldr xN, =${t}`,
      col,
    );
  }
  return v.v;
}

/** An immediate in lo..hi (inclusive). */
export function immRange(
  op: Operand | undefined,
  ctx: EncodeContext,
  lo: number,
  hi: number,
  what: string,
): number {
  const v = imm(op, ctx, what);
  if (v < BigInt(lo) || v > BigInt(hi)) fail(`${what} ${v} out of range (${lo}..${hi})`, op!.col);
  return Number(v);
}

/** Identifier operand (condition, system register, barrier option), lower case, or null. */
export function identOf(op: Operand | undefined): string | null {
  if (op?.kind !== 'imm' || op.hash || op.expr.k !== 'sym' || op.expr.display !== op.expr.name) return null;
  return op.expr.name.toLowerCase();
}

export function shiftOf(op: Operand | undefined): ShiftOp | null {
  return op?.kind === 'shift' ? op : null;
}

export function shiftAmount(s: ShiftOp, ctx: EncodeContext, max: number): number {
  if (s.amount === null) fail(`expected '#amount' after '${s.op}'`, s.col);
  const v = constant(s.amount, ctx, s.text, s.col);
  if (v < 0n || v > BigInt(max)) fail(`shift amount ${v} out of range for ${s.op} (0..${max})`, s.col);
  return Number(v);
}

export function condition(op: Operand | undefined): number {
  const name = identOf(op);
  if (name === null || !Object.hasOwn(CONDITIONS, name))
    fail(`expected a condition (eq, ne, hs, lo, ...), found '${op?.text ?? ''}'`, op?.col);
  return CONDITIONS[name];
}

/** Register field positions of the A64 encodings. */
export const RD = 0;
export const RN = 5;
export const RT2 = 10;
export const RA = 10;
export const RM = 16;
export const RS_LSB = 16;
export const SF = 31;

/** Assemble an encoding from its fixed bits and (value, lsb) fields. */
export function enc(base: number, ...fields: [number, number][]): number {
  let w = base;
  for (const [v, lsb] of fields) w |= v << lsb;
  return w >>> 0;
}
