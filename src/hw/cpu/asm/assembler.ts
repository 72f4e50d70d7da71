// The two passes. Pass 1 parses every statement, defines labels and sizes
// every item (all instructions are 4 bytes; directive sizes must be known
// constants), and places literal pools. The sections are then placed: .text
// at `base`, .data after it. Pass 2 (pass2.ts) evaluates operands and encodes.

import { AsmError, type AsmDiagnostic, AsmFail, fail } from './diagnostics.ts';
import { DIRECTIVES, type DirectiveHost } from './directives.ts';
import { Cursor, describe, type Expr, evaluate, exprKey, parseExpr, type Value } from './expr.ts';
import { literalSize } from './enc-ldst.ts';
import {
  alignUp,
  DATA,
  DATA_MIN_ALIGN,
  type FillKind,
  grow,
  newSection,
  Pool,
  type Section,
  TEXT,
} from './layout.ts';
import { makeLineOf } from './image.ts';
import { lex, type Token } from './lexer.ts';
import { MNEMONICS } from './mnemonics.ts';
import { encodeImage } from './pass2.ts';
import { parseOperands } from './operands.ts';
import type { Item } from './statements.ts';
import { unsupportedInstruction } from './unsupported.ts';
import { SymbolTable } from './symbols.ts';

export interface AsmOptions {
  /** Load address of .text, default 0x4008_0000. */
  base?: number;
  /** File name for messages, default '<asm>'. */
  file?: string;
  /** 1-based line in `file` of the source's first line (assembly embedded in YAML), default 1. */
  line?: number;
  /** Columns added to every reported column (YAML block indentation), default 0. */
  column?: number;
  /**
   * Predefined symbols (e.g. the board's, src/hw/board/asm-symbols.ts): used
   * wherever the source does not define the name itself; not in `symbols`.
   */
  predefined?: ReadonlyMap<string, number | bigint>;
}

export interface AsmResult {
  base: number;
  /** The image: .text, then .data (see docs/assembler.md for the layout). */
  bytes: Uint8Array;
  /** Address of `_start` if defined, else base. */
  entry: number;
  symbols: ReadonlyMap<string, number>;
  /** Source position of the statement that produced the byte at `address`. */
  lineOf(address: number): { line: number; column: number } | undefined;
}

export const DEFAULT_BASE = 0x4008_0000;
const INSN_BYTES = 4;
const MAX_ADDRESS = 2 ** 48;
const LOCAL_SEP = '\u0002';

class Assembler implements DirectiveHost {
  readonly diags: AsmDiagnostic[] = [];
  readonly symbols: SymbolTable;
  readonly sections: Section[] = [newSection(TEXT), newSection(DATA)];
  readonly items: Item[] = [];
  sec = TEXT;
  private line = 0;
  private col = 0;
  private readonly localCount = new Map<bigint, number>();

  constructor(readonly opts: Required<AsmOptions>) {
    const predefined = new Map<string, bigint>();
    for (const [name, v] of opts.predefined) predefined.set(name, BigInt.asIntN(64, BigInt(v)));
    this.symbols = new SymbolTable(predefined);
  }

  error(line: number, col: number, message: string): void {
    this.diags.push({
      file: this.opts.file,
      line: this.opts.line - 1 + line,
      column: col + 1 + this.opts.column,
      message,
    });
  }

  /** Run `f`; a failure becomes a diagnostic at the statement (or its own column). */
  guard(line: number, col: number, f: () => void): boolean {
    try {
      f();
      return true;
    } catch (e) {
      if (e instanceof AsmFail) this.error(line, e.col ?? col, e.message);
      else this.error(line, col, `internal error: ${(e as Error).message}`);
      return false;
    }
  }

  /** The current line as reported (in the caller's file). */
  private srcLine(): number {
    return this.opts.line - 1 + this.line;
  }

  section(): Section {
    return this.sections[this.sec];
  }
  setSection(index: number): void {
    this.sec = index;
  }

  private localName(n: bigint, dir: 'b' | 'f', col: number): string {
    const count = this.localCount.get(n) ?? 0;
    if (dir === 'b' && count === 0) fail(`local label '${n}b' has no earlier definition`, col);
    return `${n}${LOCAL_SEP}${dir === 'b' ? count : count + 1}`;
  }

  private dotNow(): Value {
    return { v: BigInt(this.section().size), sec: this.sec };
  }

  evalNow(e: Expr): Value {
    return evaluate(
      e,
      this.symbols.env(() => this.dotNow()),
    );
  }

  private push(kind: Item['kind'], size: number, extra: object): void {
    const item = {
      kind,
      sec: this.sec,
      off: this.section().size,
      size,
      line: this.line,
      col: this.col,
      ...extra,
    } as Item;
    grow(this.section(), size, this.col);
    this.items.push(item);
  }

  emitData(width: number, exprs: Expr[]): void {
    this.push('data', width * exprs.length, { width, exprs });
  }
  emitBytes(bytes: number[]): void {
    this.push('bytes', bytes.length, { bytes });
  }
  emitFill(size: number, fill: FillKind): void {
    if (size > 0) this.push('fill', size, { fill });
  }
  assign(name: string, expr: Expr, col: number): void {
    let value: Value | null = null;
    try {
      value = this.evalNow(expr);
    } catch {
      value = null; // forward reference: resolved when used (errors are reported in pass 2)
    }
    this.symbols.assign(name, expr, value, this.srcLine(), col, this.dotNow());
    this.items.push({
      kind: 'set',
      sec: this.sec,
      off: this.section().size,
      size: 0,
      line: this.line,
      col,
      name,
      expr,
    });
  }

  flushPools(): void {
    for (const size of [4, 8] as const) {
      const pool = this.section().pools[size];
      if (pool.entries.length === 0) continue;
      const s = this.section();
      s.align = Math.max(s.align, size);
      this.emitFill((size - (s.size % size)) % size, { kind: 'zero' });
      pool.off = s.size;
      this.push('pool', size * pool.entries.length, { pool });
      s.pools[size] = new Pool(this.sec, size);
    }
  }

  /** Pass 1 over one statement's tokens. */
  statement(toks: Token[]): void {
    const c = new Cursor(toks, (n, dir, col) => this.localName(n, dir, col));
    // Labels: `name:` or `N:` (local), any number of them.
    for (;;) {
      const t = c.peek();
      if (t === undefined) return;
      if ((t.kind === 'ident' || t.kind === 'num') && c.isPunct(':', 1)) {
        c.i += 2;
        this.defineLabel(t);
        continue;
      }
      break;
    }
    const head = c.next()!;
    this.col = head.col;
    if (head.kind === 'ident' && c.isPunct('=')) {
      c.next();
      const e = parseExpr(c);
      if (!c.atEnd()) fail(`expected end of statement, found ${describe(c.peek())}`, c.col());
      this.assign(head.text, e, head.col);
      return;
    }
    if (head.kind === 'str' && head.text.includes('\\n')) {
      fail(
        `expected an instruction, found the string ${head.text.slice(0, 40)}${head.text.length > 40 ? '...' : ''}: ` +
          "was the source quoted twice, so that its '\\n' never became line breaks? Write one statement per line (in YAML, a block scalar '|')",
        head.col,
      );
    }
    if (head.kind !== 'ident')
      fail(`expected an instruction, directive or label, found '${head.text}'`, head.col);
    const name = head.text.toLowerCase();
    const directive = DIRECTIVES.get(name);
    if (directive !== undefined) {
      directive(c, this, head.col);
      return;
    }
    if (!MNEMONICS.has(name)) {
      if (name.startsWith('.')) fail(`unknown directive '${head.text}'`, head.col);
      // Keep the 4 bytes so that later addresses stay right.
      this.push('fill', INSN_BYTES, { fill: { kind: 'zero' } });
      fail(unsupportedInstruction(name, toks.slice(c.i)) ?? `unknown instruction '${head.text}'`, head.col);
    }
    this.instruction(name, c);
  }

  private defineLabel(t: Token): void {
    if (t.kind === 'num') {
      const n = t.value!;
      const count = (this.localCount.get(n) ?? 0) + 1;
      this.localCount.set(n, count);
      this.symbols.defineLabel(
        `${n}${LOCAL_SEP}${count}`,
        t.text,
        this.sec,
        this.section().size,
        this.line,
        t.col,
      );
    } else {
      this.symbols.defineLabel(t.text, t.text, this.sec, this.section().size, this.srcLine(), t.col);
    }
  }

  private instruction(mnemonic: string, c: Cursor): void {
    const s = this.section();
    if (s.size % INSN_BYTES !== 0)
      fail(`instruction at offset 0x${s.size.toString(16)} is not 4-byte aligned (add .align 2)`, this.col);
    let ops: ReturnType<typeof parseOperands> = [];
    try {
      ops = parseOperands(c);
    } catch (e) {
      // Keep the 4 bytes so later addresses (and errors) stay right.
      this.push('fill', INSN_BYTES, { fill: { kind: 'zero' } });
      throw e;
    }
    let pool: Pool | null = null;
    let poolIndex = -1;
    const litSize = literalSize(mnemonic, ops);
    const lit = ops[1];
    if (litSize !== 0 && lit?.kind === 'lit') {
      let key: string;
      try {
        const v = this.evalNow(lit.expr);
        key = v.sec === null ? `#${BigInt.asUintN(litSize * 8, v.v)}` : exprKey(lit.expr);
      } catch {
        key = exprKey(lit.expr);
      }
      pool = s.pools[litSize];
      poolIndex = pool.add(key, { expr: lit.expr, line: this.line, col: lit.col });
    }
    this.push('insn', INSN_BYTES, { mnemonic, ops, pool, poolIndex });
  }

  pass1(src: string): void {
    const { statements, errors } = lex(src);
    for (const e of errors) this.error(e.line, e.col, e.message);
    for (const st of statements) {
      this.line = st.line;
      this.col = st.tokens[0].col;
      this.guard(st.line, this.col, () => this.statement(st.tokens));
    }
    for (let i = 0; i < this.sections.length; i++) {
      this.sec = i;
      this.guard(this.line, 0, () => this.flushPools());
    }
  }

  /** Place the sections; returns the absolute address of each. */
  place(): number[] {
    const base = this.opts.base;
    const text = this.sections[TEXT];
    const dataAlign = Math.max(DATA_MIN_ALIGN, this.sections[DATA].align);
    const bases = [base, alignUp(base + text.size, dataAlign)];
    this.symbols.bases = bases;
    return bases;
  }
}

export function assemble(source: string, options: AsmOptions = {}): AsmResult {
  const opts: Required<AsmOptions> = {
    base: options.base ?? DEFAULT_BASE,
    file: options.file ?? '<asm>',
    line: options.line ?? 1,
    column: options.column ?? 0,
    predefined: options.predefined ?? new Map(),
  };
  const a = new Assembler(opts);
  if (!Number.isSafeInteger(opts.base) || opts.base < 0 || opts.base >= MAX_ADDRESS) {
    throw new AsmError([
      {
        file: opts.file,
        line: opts.line,
        column: 1 + opts.column,
        message: `base ${opts.base} is not an address`,
      },
    ]);
  }
  a.pass1(source);
  const placed = a.place();
  if (opts.base % a.sections[TEXT].align !== 0) {
    a.error(
      1,
      0,
      `base 0x${opts.base.toString(16)} is not aligned to ${a.sections[TEXT].align} bytes, as the .text alignment requires`,
    );
  }
  const bytes = encodeImage(a, placed);
  if (a.diags.length > 0) {
    a.diags.sort((x, y) => x.line - y.line || x.column - y.column);
    throw new AsmError(a.diags);
  }
  const symbols = new Map<string, number>();
  for (const [name, s] of a.symbols.syms) {
    if (name.includes(LOCAL_SEP)) continue;
    if (s.kind === 'label') symbols.set(name, placed[s.sec] + s.off);
    else if (s.value !== null)
      symbols.set(name, Number(s.value.sec === null ? s.value.v : s.value.v + BigInt(placed[s.value.sec])));
  }
  return {
    base: opts.base,
    bytes,
    entry: symbols.get('_start') ?? opts.base,
    symbols,
    lineOf: makeLineOf(a.items, placed, opts.line, opts.column),
  };
}
