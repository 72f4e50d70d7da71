// Operands of an instruction: registers, immediates, memory references,
// shift/extend modifiers and literal-pool references (`=value`).

import { fail } from './diagnostics.ts';
import { type Cursor, describe, type Expr, parseExpr } from './expr.ts';

/** Register number 31 means SP when `sp` is true, else the zero register. */
export interface RegOp {
  kind: 'reg';
  num: number;
  /** 1 for a 64-bit register (Xn, SP, XZR), 0 for Wn, WSP, WZR. */
  sf: 0 | 1;
  sp: boolean;
  text: string;
  col: number;
}
export interface ImmOp {
  kind: 'imm';
  expr: Expr;
  /** Written with a leading '#'. */
  hash: boolean;
  text: string;
  col: number;
}
export interface ShiftOp {
  kind: 'shift';
  /** lsl, lsr, asr, ror, uxtb ... sxtx (lower case). */
  op: string;
  amount: Expr | null;
  text: string;
  col: number;
}
export interface MemOp {
  kind: 'mem';
  base: RegOp;
  index: RegOp | null;
  /** Extend/shift of the index register. */
  ext: ShiftOp | null;
  /** Immediate offset, when given. */
  offset: Expr | null;
  writeback: boolean;
  text: string;
  col: number;
}
export interface LitOp {
  kind: 'lit';
  expr: Expr;
  text: string;
  col: number;
}
export type Operand = RegOp | ImmOp | ShiftOp | MemOp | LitOp;

const SHIFT_NAMES = new Set([
  'lsl',
  'lsr',
  'asr',
  'ror',
  'uxtb',
  'uxth',
  'uxtw',
  'uxtx',
  'sxtb',
  'sxth',
  'sxtw',
  'sxtx',
]);

/** Procedure-call-standard aliases GNU as accepts. */
const REG_ALIASES: Record<string, number> = { ip0: 16, ip1: 17, fp: 29, lr: 30 };

/** Register named `name`, or null. */
export function registerByName(name: string): Omit<RegOp, 'text' | 'col'> | null {
  const n = name.toLowerCase();
  if (n === 'sp') return { kind: 'reg', num: 31, sf: 1, sp: true };
  if (n === 'wsp') return { kind: 'reg', num: 31, sf: 0, sp: true };
  if (n === 'xzr') return { kind: 'reg', num: 31, sf: 1, sp: false };
  if (n === 'wzr') return { kind: 'reg', num: 31, sf: 0, sp: false };
  if (n in REG_ALIASES) return { kind: 'reg', num: REG_ALIASES[n], sf: 1, sp: false };
  const m = /^([xw])([0-9]|[12][0-9]|30)$/.exec(n);
  if (!m) return null;
  return { kind: 'reg', num: Number(m[2]), sf: m[1] === 'x' ? 1 : 0, sp: false };
}

function textOf(c: Cursor, from: number): string {
  const toks = c.toks.slice(from, c.i);
  if (toks.length === 0) return '';
  let s = '';
  let prevEnd = toks[0].col;
  for (const t of toks) {
    s += (t.col > prevEnd ? ' ' : '') + t.text;
    prevEnd = t.col + t.text.length;
  }
  return s;
}

function parseReg(c: Cursor, what: string): RegOp {
  const t = c.peek();
  const r = t?.kind === 'ident' ? registerByName(t.text) : null;
  if (r === null || t === undefined) fail(`expected ${what}, found ${describe(t)}`, c.col());
  c.next();
  return { ...r, text: t.text, col: t.col };
}

function isShiftAhead(c: Cursor): boolean {
  const t = c.peek();
  if (t?.kind !== 'ident' || !SHIFT_NAMES.has(t.text.toLowerCase())) return false;
  const n = c.peek(1);
  return (
    n === undefined ||
    (n.kind === 'punct' && (n.text === '#' || n.text === ',' || n.text === ']')) ||
    n.kind === 'num'
  );
}

function parseShift(c: Cursor): ShiftOp {
  const start = c.i;
  const t = c.next()!;
  let amount: Expr | null = null;
  if (c.isPunct('#')) {
    c.next();
    amount = parseExpr(c);
  } else if (!c.atEnd() && !c.isPunct(',') && !c.isPunct(']')) {
    amount = parseExpr(c);
  }
  return { kind: 'shift', op: t.text.toLowerCase(), amount, text: textOf(c, start), col: t.col };
}

function parseMem(c: Cursor): MemOp {
  const start = c.i;
  const col = c.next()!.col; // '['
  const base = parseReg(c, 'a base register (x0-x30 or sp)');
  let index: RegOp | null = null;
  let ext: ShiftOp | null = null;
  let offset: Expr | null = null;
  if (c.isPunct(',')) {
    c.next();
    const t = c.peek();
    if (t?.kind === 'ident' && registerByName(t.text) !== null) {
      index = parseReg(c, 'an index register');
      if (c.isPunct(',')) {
        c.next();
        if (!isShiftAhead(c))
          fail(`expected an extend or shift (lsl, uxtw, sxtw, sxtx), found ${describe(c.peek())}`, c.col());
        ext = parseShift(c);
      }
    } else {
      if (c.isPunct('#')) c.next();
      offset = parseExpr(c);
    }
  }
  c.expectPunct(']', 'to close the memory operand');
  let writeback = false;
  if (c.isPunct('!')) {
    c.next();
    writeback = true;
  }
  return { kind: 'mem', base, index, ext, offset, writeback, text: textOf(c, start), col };
}

function parseOperand(c: Cursor): Operand {
  const start = c.i;
  const t = c.peek()!;
  if (t.kind === 'punct' && t.text === '[') return parseMem(c);
  if (t.kind === 'punct' && t.text === '=') {
    c.next();
    const expr = parseExpr(c);
    return { kind: 'lit', expr, text: textOf(c, start), col: t.col };
  }
  if (t.kind === 'ident' && registerByName(t.text) !== null) return parseReg(c, 'a register');
  if (c.i > 0 && isShiftAhead(c)) return parseShift(c);
  let hash = false;
  if (t.kind === 'punct' && t.text === '#') {
    c.next();
    hash = true;
  }
  const expr = parseExpr(c);
  return { kind: 'imm', expr, hash, text: textOf(c, start), col: t.col };
}

/** Parse a comma-separated operand list up to the end of the statement. */
export function parseOperands(c: Cursor): Operand[] {
  const ops: Operand[] = [];
  if (c.atEnd()) return ops;
  for (;;) {
    ops.push(parseOperand(c));
    if (c.atEnd()) return ops;
    c.expectPunct(',', 'between operands');
    if (c.atEnd()) fail("expected an operand after ',', found end of line", c.col());
  }
}
