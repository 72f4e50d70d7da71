// Expressions: parsing (GNU as precedence) and evaluation over 64-bit values.
// A value is absolute or relative to a section (a label); only + and - may
// involve section-relative values, as in GNU as, so that sizes are known in
// pass 1 before section addresses are. Values stay section-relative in pass 2
// too, so that GNU as's rules (no `label * 2`) hold there as well; the
// consumer adds the section's address. Nesting is bounded (MAX_EXPR_DEPTH):
// bad input gets a located error, never a host stack overflow.

import { fail } from './diagnostics.ts';
import type { Token } from './lexer.ts';

export type Expr =
  | { k: 'num'; v: bigint; col: number }
  | { k: 'sym'; name: string; display: string; col: number }
  | { k: 'dot'; col: number }
  | { k: 'un'; op: string; a: Expr; col: number; depth: number }
  | { k: 'bin'; op: string; a: Expr; b: Expr; col: number; depth: number }
  /** `:lo12:expr`, the low 12 bits of an address (for ADRP pairs). */
  | { k: 'lo12'; a: Expr; col: number; depth: number };

/** Deepest expression tree (and parser recursion) accepted; GNU as has no limit, but no source needs more. */
const MAX_EXPR_DEPTH = 500;

function depthOf(e: Expr): number {
  return e.k === 'num' || e.k === 'sym' || e.k === 'dot' ? 1 : e.depth;
}

function checkDepth(depth: number, col: number): number {
  if (depth > MAX_EXPR_DEPTH) fail(`expression nested deeper than ${MAX_EXPR_DEPTH} levels`, col);
  return depth;
}

/** Token cursor shared by the statement and operand parsers. */
export class Cursor {
  i = 0;
  /** Current recursion depth of the expression parser. */
  depth = 0;
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
  const col = c.col();
  if (++c.depth > MAX_EXPR_DEPTH) fail(`expression nested deeper than ${MAX_EXPR_DEPTH} levels`, col);
  try {
    let left = parseUnary(c);
    for (;;) {
      const t = c.peek();
      if (t === undefined || t.kind !== 'punct') return left;
      const prec = PRECEDENCE[t.text];
      if (prec === undefined || prec < minPrec) return left;
      c.next();
      const right = parseExpr(c, prec + 1);
      const depth = checkDepth(1 + Math.max(depthOf(left), depthOf(right)), t.col);
      left = { k: 'bin', op: t.text, a: left, b: right, col: t.col, depth };
    }
  } finally {
    c.depth--;
  }
}

function parseUnary(c: Cursor): Expr {
  const t = c.next();
  if (t === undefined) fail('expected an expression, found end of line', c.col());
  if (t.kind === 'num') return { k: 'num', v: t.value!, col: t.col };
  if (t.kind === 'float')
    fail(`floating-point number '${t.text}' is not supported: expressions are 64-bit integers`, t.col);
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
    if (t.text === '-' || t.text === '~' || t.text === '+') {
      const a = parseNested(c, t.col);
      return { k: 'un', op: t.text, a, col: t.col, depth: checkDepth(depthOf(a) + 1, t.col) };
    }
    if (t.text === ':') {
      const m = c.next();
      if (m?.kind !== 'ident' || m.text.toLowerCase() !== 'lo12' || !c.isPunct(':')) {
        fail(`expected ':lo12:', found ':${m?.text ?? ''}'`, t.col);
      }
      c.next();
      const a = parseNested(c, t.col);
      return { k: 'lo12', a, col: t.col, depth: checkDepth(depthOf(a) + 1, t.col) };
    }
  }
  fail(`expected an expression, found '${t.text}'`, t.col);
}

/** The operand of a unary operator, counted against the recursion bound. */
function parseNested(c: Cursor, col: number): Expr {
  if (++c.depth > MAX_EXPR_DEPTH) fail(`expression nested deeper than ${MAX_EXPR_DEPTH} levels`, col);
  try {
    return parseUnary(c);
  } finally {
    c.depth--;
  }
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
  /** Section addresses once placed (pass 2), else null. */
  bases(): readonly number[] | null;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const INT64_MIN = -(1n << 63n);

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
      return { v: absolute(a, env.bases(), e.col) & 0xfffn, sec: null };
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

/** The absolute value (an address for a label) once the sections are placed. */
export function absolute(a: Value, bases: readonly number[] | null, col: number): bigint {
  if (a.sec === null) return a.v;
  if (bases === null) fail('an address is needed here, not yet known', col);
  return wrap(a.v + BigInt(bases[a.sec]));
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
  if (a.sec !== null || b.sec !== null)
    fail(`operator '${op}' needs constants, found a label (GNU as allows only + and - on labels)`, col);
  const x = a.v;
  const y = b.v;
  switch (op) {
    case '*':
      return { v: wrap(x * y), sec: null };
    case '/':
    case '%':
      if (y === 0n) fail('division by zero', col);
      // GNU as dies of a host arithmetic trap here (binutils 2.40): refused.
      if (x === INT64_MIN && y === -1n) fail(`division overflow (${x} ${op} -1)`, col);
      return { v: wrap(op === '/' ? x / y : x % y), sec: null };
    case '<<':
    case '>>':
      // GNU as warns and yields 0 for a count outside 0..63; refused here rather than silently 0.
      if (y < 0n || y > 63n) fail(`shift count ${y} out of range (0..63)`, col);
      // GNU as shifts right logically (its values are unsigned).
      return { v: wrap(op === '<<' ? x << y : BigInt.asUintN(64, x) >> y), sec: null };
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
