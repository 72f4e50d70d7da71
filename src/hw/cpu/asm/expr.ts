// Expressions: parsing (GNU as precedence) and evaluation over 64-bit values.
// A value is absolute or relative to a section (a label); only + and - may
// involve section-relative values, as in GNU as, so that sizes are known in
// pass 1 before section addresses are.

import { fail } from './diagnostics.ts';
import type { Token } from './lexer.ts';

export type Expr =
  | { k: 'num'; v: bigint; col: number }
  | { k: 'sym'; name: string; display: string; col: number }
  | { k: 'dot'; col: number }
  | { k: 'un'; op: string; a: Expr; col: number }
  | { k: 'bin'; op: string; a: Expr; b: Expr; col: number }
  /** `:lo12:expr`, the low 12 bits of an address (for ADRP pairs). */
  | { k: 'lo12'; a: Expr; col: number };

/** Token cursor shared by the statement and operand parsers. */
export class Cursor {
  i = 0;
  constructor(
    readonly toks: Token[],
    /** Resolves a local label reference (`1b`, `1f`) to a unique symbol name. */
    readonly local: (n: bigint, dir: 'b' | 'f', col: number) => string,
  ) {}
  peek(off = 0): Token | undefined {
    return this.toks[this.i + off];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
  isPunct(p: string, off = 0): boolean {
    const t = this.toks[this.i + off];
    return t !== undefined && t.kind === 'punct' && t.text === p;
  }
  /** Column of the next token, or of the end of the statement. */
  col(): number {
    const t = this.peek() ?? this.toks[this.toks.length - 1];
    return t === undefined ? 0 : this.atEnd() ? t.col + t.text.length : t.col;
  }
  expectPunct(p: string, what: string): void {
    if (!this.isPunct(p)) fail(`expected '${p}' ${what}, found ${describe(this.peek())}`, this.col());
    this.i++;
  }
}

export function describe(t: Token | undefined): string {
  return t === undefined ? 'end of line' : `'${t.text}'`;
}

// GNU as binary operator precedence (gas/expr.c): * / % << >> bind tightest,
// then | & ^, then + -. Note this differs from C.
const PRECEDENCE: Record<string, number> = {
  '*': 3,
  '/': 3,
  '%': 3,
  '<<': 3,
  '>>': 3,
  '|': 2,
  '&': 2,
  '^': 2,
  '+': 1,
  '-': 1,
};

export function parseExpr(c: Cursor, minPrec = 1): Expr {
  let left = parseUnary(c);
  for (;;) {
    const t = c.peek();
    if (t === undefined || t.kind !== 'punct') return left;
    const prec = PRECEDENCE[t.text];
    if (prec === undefined || prec < minPrec) return left;
    c.next();
    const right = parseExpr(c, prec + 1);
    left = { k: 'bin', op: t.text, a: left, b: right, col: t.col };
  }
}

function parseUnary(c: Cursor): Expr {
  const t = c.next();
  if (t === undefined) fail('expected an expression, found end of line', c.col());
  if (t.kind === 'num') return { k: 'num', v: t.value!, col: t.col };
  if (t.kind === 'local') {
    return { k: 'sym', name: c.local(t.value!, t.dir!, t.col), display: t.text, col: t.col };
  }
  if (t.kind === 'ident') {
    if (t.text === '.') return { k: 'dot', col: t.col };
    return { k: 'sym', name: t.text, display: t.text, col: t.col };
  }
  if (t.kind === 'punct') {
    if (t.text === '(') {
      const e = parseExpr(c);
      c.expectPunct(')', 'to close the parenthesis');
      return e;
    }
    if (t.text === '-' || t.text === '~' || t.text === '+')
      return { k: 'un', op: t.text, a: parseUnary(c), col: t.col };
    if (t.text === ':') {
      const m = c.next();
      if (m?.kind !== 'ident' || m.text.toLowerCase() !== 'lo12' || !c.isPunct(':')) {
        fail(`expected ':lo12:', found ':${m?.text ?? ''}'`, t.col);
      }
      c.next();
      return { k: 'lo12', a: parseUnary(c), col: t.col };
    }
  }
  fail(`expected an expression, found '${t.text}'`, t.col);
}

/** A value: absolute (sec === null) or an offset in section `sec`. */
export interface Value {
  v: bigint;
  sec: number | null;
}

export interface EvalEnv {
  /** Value of a symbol; fails with "undefined symbol" when unknown. */
  lookup(name: string, display: string, col: number): Value;
  dot(): Value;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

export function evaluate(e: Expr, env: EvalEnv): Value {
  switch (e.k) {
    case 'num':
      return { v: wrap(e.v), sec: null };
    case 'sym':
      return env.lookup(e.name, e.display, e.col);
    case 'dot':
      return env.dot();
    case 'lo12': {
      const a = evaluate(e.a, env);
      if (a.sec !== null) fail(`':lo12:' needs an address, not yet known here`, e.col);
      return { v: a.v & 0xfffn, sec: null };
    }
    case 'un': {
      const a = evaluate(e.a, env);
      if (e.op === '+') return a;
      if (a.sec !== null) fail(`operator '${e.op}' needs a constant, found a label`, e.col);
      return { v: wrap(e.op === '-' ? -a.v : ~a.v), sec: null };
    }
    case 'bin':
      return binary(e.op, evaluate(e.a, env), evaluate(e.b, env), e.col);
  }
}

function binary(op: string, a: Value, b: Value, col: number): Value {
  if (op === '+') {
    if (a.sec !== null && b.sec !== null) fail('cannot add two labels', col);
    return { v: wrap(a.v + b.v), sec: a.sec ?? b.sec };
  }
  if (op === '-') {
    if (b.sec !== null && a.sec !== b.sec) fail('cannot subtract a label of another section', col);
    return { v: wrap(a.v - b.v), sec: b.sec !== null ? null : a.sec };
  }
  if (a.sec !== null || b.sec !== null) fail(`operator '${op}' needs constants, found a label`, col);
  const x = a.v;
  const y = b.v;
  switch (op) {
    case '*':
      return { v: wrap(x * y), sec: null };
    case '/':
    case '%':
      if (y === 0n) fail('division by zero', col);
      return { v: wrap(op === '/' ? x / y : x % y), sec: null };
    case '<<':
      return { v: y < 0n || y > 63n ? 0n : wrap(x << y), sec: null };
    case '>>':
      // GNU as shifts right logically (its values are unsigned).
      return { v: y < 0n || y > 63n ? 0n : wrap(BigInt.asUintN(64, x) >> y), sec: null };
    case '|':
      return { v: x | y, sec: null };
    case '&':
      return { v: x & y, sec: null };
    default:
      return { v: x ^ y, sec: null };
  }
}

/** Canonical text of an expression (literal pool deduplication of symbolic values). */
export function exprKey(e: Expr): string {
  switch (e.k) {
    case 'num':
      return e.v.toString();
    case 'sym':
      return `$${e.name}`;
    case 'dot':
      return '.';
    case 'lo12':
      return `lo12(${exprKey(e.a)})`;
    case 'un':
      return `${e.op}(${exprKey(e.a)})`;
    case 'bin':
      return `(${exprKey(e.a)}${e.op}${exprKey(e.b)})`;
  }
}
