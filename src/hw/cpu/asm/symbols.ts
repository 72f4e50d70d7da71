// The symbol table: labels (section, offset) and assigned symbols (.equ,
// .set, `=`). Pass 1 sees labels as section-relative values; pass 2 sees
// absolute addresses once the sections are placed.

import { fail } from './diagnostics.ts';
import { type EvalEnv, type Expr, evaluate, type Value } from './expr.ts';

export type Sym =
  | { kind: 'label'; sec: number; off: number; line: number }
  | { kind: 'equ'; value: Value | null; expr: Expr; line: number };

const MAX_DEPTH = 64;

export class SymbolTable {
  readonly syms = new Map<string, Sym>();
  /** Section base addresses, known after pass 1. */
  bases: number[] | null = null;

  defineLabel(name: string, display: string, sec: number, off: number, line: number, col: number): void {
    const old = this.syms.get(name);
    if (old !== undefined) fail(`symbol '${display}' is already defined (line ${old.line})`, col);
    this.syms.set(name, { kind: 'label', sec, off, line });
  }

  assign(name: string, expr: Expr, value: Value | null, line: number, col: number): void {
    const old = this.syms.get(name);
    if (old?.kind === 'label') fail(`symbol '${name}' is already defined as a label (line ${old.line})`, col);
    this.syms.set(name, { kind: 'equ', value, expr, line });
  }

  /** An environment for evaluating expressions at `dot`. */
  env(dot: () => Value): EvalEnv {
    const resolving = new Set<string>();
    const env: EvalEnv = {
      dot,
      lookup: (name, display, col) => {
        const s = this.syms.get(name);
        if (s === undefined) fail(`undefined label '${display}'`, col);
        if (s.kind === 'label') {
          if (this.bases === null) return { v: BigInt(s.off), sec: s.sec };
          return { v: BigInt(this.bases[s.sec] + s.off), sec: null };
        }
        let v = s.value;
        if (v === null) {
          // A forward reference: evaluate the defining expression now.
          if (resolving.has(name) || resolving.size > MAX_DEPTH)
            fail(`symbol '${display}' is defined in terms of itself`, col);
          resolving.add(name);
          try {
            v = evaluate(s.expr, env);
          } finally {
            resolving.delete(name);
          }
        }
        if (v.sec !== null && this.bases !== null) return { v: v.v + BigInt(this.bases[v.sec]), sec: null };
        return v;
      },
    };
    return env;
  }
}
