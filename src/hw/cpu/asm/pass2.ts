// Pass 2: with the sections placed (assembler.ts), evaluate every item's
// operands and write the image: instructions through the mnemonic table,
// data values, fills and literal pools; `.set` reassignments replayed in
// order. A failing item becomes a diagnostic and the pass goes on.

import { absolute, type Expr, evaluate } from './expr.ts';
import type { EncodeContext } from './encoding.ts';
import { writeValue } from './image.ts';
import { DATA, type Section, TEXT, writeFill } from './layout.ts';
import { MNEMONICS } from './mnemonics.ts';
import type { Item } from './statements.ts';
import type { SymbolTable } from './symbols.ts';

/** What pass 2 needs of the assembler. */
export interface Pass2Host {
  readonly symbols: SymbolTable;
  readonly sections: Section[];
  readonly items: Item[];
  /** Run `f`; a failure becomes a diagnostic at the statement (or its own column). */
  guard(line: number, col: number, f: () => void): boolean;
}

/** The image (.text, then .data at `bases[DATA]`) of the placed items. */
export function encodeImage(a: Pass2Host, bases: number[]): Uint8Array {
  a.symbols.resetPredefined();
  const data = a.sections[DATA].size;
  // No .data: the image ends with .text (no padding to the data alignment).
  const total = data === 0 ? a.sections[TEXT].size : bases[DATA] - bases[TEXT] + data;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (const item of a.items) {
    const at = bases[item.sec] - bases[TEXT] + item.off;
    const addr = BigInt(bases[item.sec] + item.off);
    a.guard(item.line, item.col, () => encodeItem(a, item, out, view, at, addr));
  }
  return out;
}

function encodeItem(
  a: Pass2Host,
  item: Item,
  out: Uint8Array,
  view: DataView,
  at: number,
  addr: bigint,
): void {
  let dot = BigInt(item.off);
  const env = a.symbols.env(() => ({ v: dot, sec: item.sec }));
  const placed = a.symbols.bases;
  const value = (e: Expr): bigint => absolute(evaluate(e, env), placed, e.col);
  switch (item.kind) {
    case 'insn': {
      const ctx: EncodeContext = {
        pc: addr,
        value,
        eval: (e) => evaluate(e, env),
        literalAddress: () =>
          BigInt(a.symbols.bases![item.sec] + item.pool!.off + item.poolIndex * item.pool!.size),
      };
      view.setUint32(at, MNEMONICS.get(item.mnemonic)!(item.ops, ctx, item.mnemonic), true);
      return;
    }
    case 'data':
      item.exprs.forEach((e, i) => {
        dot = BigInt(item.off + i * item.width);
        writeValue(view, at + i * item.width, item.width, value(e), e.col);
      });
      return;
    case 'bytes':
      out.set(item.bytes, at);
      return;
    case 'fill':
      writeFill(out, view, at, item.size, item.fill);
      return;
    case 'pool':
      item.pool.entries.forEach((e, i) => {
        a.guard(e.line, e.col, () =>
          writeValue(view, at + i * item.pool.size, item.pool.size, value(e.expr), e.col),
        );
      });
      return;
    case 'set': {
      const sym = a.symbols.syms.get(item.name);
      if (sym?.kind === 'equ') sym.value = evaluate(item.expr, env);
      return;
    }
  }
}
