// Pass-1 items: what each statement contributes to a section, in order.
// Pass 2 walks them to produce bytes.

import type { Expr } from './expr.ts';
import type { FillKind, Pool } from './layout.ts';
import type { Operand } from './operands.ts';

interface Base {
  sec: number;
  /** Offset in the section. */
  off: number;
  size: number;
  /** 1-based source line and 0-based column of the statement. */
  line: number;
  col: number;
}

export type Item =
  | (Base & { kind: 'insn'; mnemonic: string; ops: Operand[]; pool: Pool | null; poolIndex: number })
  | (Base & { kind: 'data'; width: number; exprs: Expr[] })
  | (Base & { kind: 'bytes'; bytes: number[] })
  | (Base & { kind: 'fill'; fill: FillKind })
  | (Base & { kind: 'pool'; pool: Pool })
  | (Base & { kind: 'set'; name: string; expr: Expr });
