// The symbol table: labels (section, offset), assigned symbols (.equ, .set,
// `=`) and the predefined symbols the caller supplies (board addresses).
// Values are section-relative in both passes (expr.ts); `bases` is set once
// the sections are placed.
//
// An assigned symbol whose value is not known at its definition (a forward
// reference) is resolved when first used: its dependencies are resolved
// first, depth-first with an explicit stack (chains of any length, no host
// recursion), and a dependency on itself is reported as a cycle.

import { AsmFail, fail } from './diagnostics.ts';
import { type EvalEnv, type Expr, evaluate, type Value } from './expr.ts';

type Sym =
  | { kind: 'label'; sec: number; off: number; line: number }
  | {
      kind: 'equ';
      value: Value | null;
      expr: Expr;
      line: number;
      /** `.` where the symbol was assigned (GNU as freezes it there). */
      dot: Value;
    };

/** Names shown of a cycle before it is elided. */
const CYCLE_SHOWN = 6;

export class SymbolTable {
  readonly syms = new Map<string, Sym>();
  /** Section base addresses, known after pass 1. */
  bases: number[] | null = null;
  /**
   * Pass 2: assigned symbols found to have no value (an undefined name, a
   * cycle) and why, so that each further use fails at once instead of
   * walking its chain again.
   */
  private readonly noValue = new Map<string, string>();

  constructor(
    /** Predefined symbols: visible wherever the source does not define the name (see docs/assembler.md). */
    readonly predefined: ReadonlyMap<string, bigint> = new Map(),
  ) {}

  defineLabel(name: string, display: string, sec: number, off: number, line: number, col: number): void {
    const old = this.syms.get(name);
    if (old !== undefined) fail(`symbol '${display}' is already defined (line ${old.line})`, col);
    this.syms.set(name, { kind: 'label', sec, off, line });
  }

  assign(name: string, expr: Expr, value: Value | null, line: number, col: number, dot: Value): void {
    const old = this.syms.get(name);
    if (old?.kind === 'label') fail(`symbol '${name}' is already defined as a label (line ${old.line})`, col);
    this.syms.set(name, { kind: 'equ', value, expr, line, dot });
  }

  /** Before pass 2: predefined symbols the source redefines start again from their predefined value. */
  resetPredefined(): void {
    for (const [name, s] of this.syms) {
      const v = this.predefined.get(name);
      if (v !== undefined && s.kind === 'equ') s.value = { v, sec: null };
    }
  }

  /** An environment for evaluating expressions at `dot`. */
  env(dot: () => Value): EvalEnv {
    return {
      dot,
      bases: () => this.bases,
      lookup: (name, display, col) => {
        const s = this.syms.get(name);
        if (s === undefined) {
          const v = this.predefined.get(name);
          if (v === undefined) fail(`undefined label '${display}'`, col);
          return { v, sec: null };
        }
        if (s.kind === 'label') return { v: BigInt(s.off), sec: s.sec };
        return s.value ?? this.resolve(name, col);
      },
    };
  }

  /** Value of the assigned symbol `root` whose value is not yet known, resolving what it depends on first. */
  private resolve(root: string, col: number): Value {
    const known = this.noValue.get(root);
    if (known !== undefined) fail(`symbol '${root}' has no value: ${known}`, col);
    const stack = [root];
    const onStack = new Set(stack);
    const giveUp = (why: string): never => {
      // Located here at the use; pass 2 reports the cause at the definition itself.
      if (this.bases !== null) for (const n of stack) this.noValue.set(n, why);
      return fail(`symbol '${root}' has no value: ${why}`, col);
    };
    while (stack.length > 0) {
      const name = stack[stack.length - 1];
      const s = this.syms.get(name) as Extract<Sym, { kind: 'equ' }>;
      const dep = this.firstUnresolved(s.expr);
      if (dep !== null) {
        if (onStack.has(dep)) giveUp(`'${dep}' is defined in terms of itself (${cycle(stack, dep)})`);
        const failed = this.noValue.get(dep);
        if (failed !== undefined) giveUp(failed);
        stack.push(dep);
        onStack.add(dep);
        continue;
      }
      // Every assigned symbol of the expression has a value now: no recursion into resolve().
      try {
        s.value = evaluate(
          s.expr,
          this.env(() => s.dot),
        );
      } catch (e) {
        if (!(e instanceof AsmFail)) throw e;
        giveUp(`${name === root ? '' : `'${name}' (line ${s.line}): `}${e.message}`);
      }
      stack.pop();
      onStack.delete(name);
    }
    return (this.syms.get(root) as Extract<Sym, { kind: 'equ' }>).value!;
  }

  /** An assigned symbol used in `e` whose value is not known yet, or null. */
  private firstUnresolved(e: Expr): string | null {
    const todo: Expr[] = [e];
    for (let x = todo.pop(); x !== undefined; x = todo.pop()) {
      if (x.k === 'sym') {
        const s = this.syms.get(x.name);
        if (s?.kind === 'equ' && s.value === null) return x.name;
      } else if (x.k === 'bin') todo.push(x.b, x.a);
      else if (x.k === 'un' || x.k === 'lo12') todo.push(x.a);
    }
    return null;
  }
}

function cycle(stack: readonly string[], dep: string): string {
  const path = [...stack.slice(stack.indexOf(dep)), dep];
  const shown =
    path.length <= CYCLE_SHOWN
      ? path
      : [...path.slice(0, CYCLE_SHOWN - 2), `... ${path.length - CYCLE_SHOWN} more`, ...path.slice(-2)];
  return shown.join(' -> ');
}
