// Assembler directives (GNU as spelling). Each handler consumes its
// arguments from the cursor and updates the pass-1 state.

import { fail } from './diagnostics.ts';
import { type Cursor, describe, type Expr, parseExpr, type Value } from './expr.ts';
import { DATA, type FillKind, MAX_SECTION_BYTES, type Section, TEXT } from './layout.ts';

/** What a directive handler may do to the assembler state. */
export interface DirectiveHost {
  readonly sec: number;
  section(): Section;
  setSection(index: number): void;
  /** Evaluate in pass 1 (labels section-relative); fails on forward references. */
  evalNow(e: Expr): Value;
  emitData(width: number, exprs: Expr[]): void;
  emitBytes(bytes: number[]): void;
  emitFill(size: number, fill: FillKind): void;
  assign(name: string, expr: Expr, col: number): void;
  flushPools(): void;
}

type Handler = (c: Cursor, h: DirectiveHost, col: number) => void;

const MAX_ALIGN_POWER = 16;

function constant(h: DirectiveHost, e: Expr, what: string): number {
  const v = h.evalNow(e);
  if (v.sec !== null) fail(`${what} must be a constant, found a label`, e.col);
  if (v.v < -0x8000_0000n || v.v > 0xffff_ffffn) fail(`${what} ${v.v} is too large`, e.col);
  return Number(v.v);
}

function exprList(c: Cursor): Expr[] {
  const out: Expr[] = [];
  for (;;) {
    out.push(parseExpr(c));
    if (c.atEnd()) return out;
    c.expectPunct(',', 'between values');
  }
}

function noMore(c: Cursor): void {
  if (!c.atEnd()) fail(`expected end of statement, found ${describe(c.peek())}`, c.col());
}

/** Optional `, fill` argument: a byte value. */
function fillArg(c: Cursor, h: DirectiveHost, dflt: FillKind): FillKind {
  if (c.atEnd()) return dflt;
  c.expectPunct(',', 'before the fill value');
  const e = parseExpr(c);
  noMore(c);
  const v = constant(h, e, 'fill value');
  if (v < -128 || v > 255) fail(`fill value ${v} does not fit in a byte`, e.col);
  return { kind: 'byte', value: v & 0xff };
}

function align(bytes: number, c: Cursor, h: DirectiveHost): void {
  const s = h.section();
  s.align = Math.max(s.align, bytes);
  const pad = (bytes - (s.size % bytes)) % bytes;
  h.emitFill(pad, fillArg(c, h, h.sec === TEXT ? { kind: 'code' } : { kind: 'zero' }));
}

const powerAlign: Handler = (c, h) => {
  const e = parseExpr(c);
  const p = constant(h, e, 'alignment');
  if (p < 0 || p > MAX_ALIGN_POWER) fail(`alignment power ${p} out of range (0..${MAX_ALIGN_POWER})`, e.col);
  align(2 ** p, c, h);
};

const byteAlign: Handler = (c, h) => {
  const e = parseExpr(c);
  const b = constant(h, e, 'alignment');
  if (b < 1 || b > 2 ** MAX_ALIGN_POWER || (b & (b - 1)) !== 0)
    fail(`alignment ${b} is not a power of two (1..65536)`, e.col);
  align(b, c, h);
};

const data =
  (width: number): Handler =>
  (c, h) =>
    h.emitData(width, exprList(c));

const strings =
  (terminate: boolean): Handler =>
  (c, h) => {
    for (;;) {
      const t = c.next();
      if (t?.kind !== 'str')
        fail(`expected a string in double quotes, found ${describe(t)}`, t?.col ?? c.col());
      h.emitBytes(terminate ? [...t.bytes!, 0] : t.bytes!);
      if (c.atEnd()) return;
      c.expectPunct(',', 'between strings');
    }
  };

const skip: Handler = (c, h) => {
  const e = parseExpr(c);
  const n = constant(h, e, 'size');
  if (n < 0) fail(`size ${n} is negative`, e.col);
  h.emitFill(n, fillArg(c, h, { kind: 'zero' }));
};

const org: Handler = (c, h) => {
  const e = parseExpr(c);
  const v = h.evalNow(e);
  if (v.sec !== null && v.sec !== h.sec) fail('.org target is in another section', e.col);
  if (v.v < 0n) fail(`.org target ${v.v} is a negative offset`, e.col);
  if (v.v > BigInt(MAX_SECTION_BYTES))
    fail(`.org target 0x${v.v.toString(16)} is beyond the ${MAX_SECTION_BYTES}-byte section limit`, e.col);
  const target = Number(v.v);
  const cur = h.section().size;
  if (target < cur)
    fail(
      `.org 0x${target.toString(16)} moves backwards (section is already at offset 0x${cur.toString(16)})`,
      e.col,
    );
  h.emitFill(target - cur, fillArg(c, h, { kind: 'zero' }));
};

function symbolName(c: Cursor): { name: string; col: number } {
  const t = c.next();
  if (t?.kind !== 'ident') fail(`expected a symbol name, found ${describe(t)}`, t?.col ?? c.col());
  return { name: t.text, col: t.col };
}

const assign: Handler = (c, h) => {
  const { name, col } = symbolName(c);
  c.expectPunct(',', 'after the symbol name');
  const e = parseExpr(c);
  noMore(c);
  h.assign(name, e, col);
};

const ignoreRest: Handler = (c) => {
  c.i = c.toks.length;
};

const globl: Handler = (c) => {
  for (;;) {
    symbolName(c);
    if (c.atEnd()) return;
    c.expectPunct(',', 'between symbols');
  }
};

const section =
  (index: number): Handler =>
  (c, h) => {
    noMore(c);
    h.setSection(index);
  };

const ltorg: Handler = (c, h) => {
  noMore(c);
  h.flushPools();
};

/** Every directive, by lower-case name. */
export const DIRECTIVES: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['.text', section(TEXT)],
  ['.data', section(DATA)],
  ['.align', powerAlign],
  ['.p2align', powerAlign],
  ['.balign', byteAlign],
  ['.byte', data(1)],
  ['.hword', data(2)],
  ['.short', data(2)],
  ['.word', data(4)],
  ['.long', data(4)],
  ['.inst', data(4)],
  ['.quad', data(8)],
  ['.ascii', strings(false)],
  ['.asciz', strings(true)],
  ['.string', strings(true)],
  ['.skip', skip],
  ['.space', skip],
  ['.org', org],
  ['.equ', assign],
  ['.set', assign],
  ['.global', globl],
  ['.globl', globl],
  ['.type', ignoreRest],
  ['.size', ignoreRest],
  ['.ltorg', ltorg],
  ['.pool', ltorg],
]);
