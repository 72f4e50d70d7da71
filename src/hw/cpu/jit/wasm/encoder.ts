// A small WebAssembly binary encoder: the bytes of a module of one function
// that imports one memory (WebAssembly core specification 2.0, section 5,
// "Binary Format"). Just what the block translator (compile-wasm.ts) emits:
// LEB128 integers, i32/i64/f64 arithmetic, locals, structured control
// (block, loop, if, br, br_if) and memory loads and stores. No dependency.

/** Value types (spec 5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
/** The empty block type (spec 5.4.1). */
const BLOCK_VOID = 0x40;

/** Opcodes (spec 5.4). */
export const OP = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  select: 0x1b,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Store: 0x36,
  i64Store: 0x37,
  f64Store: 0x39,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64LtU: 0x54,
  i64GeS: 0x59,
  i64GeU: 0x5a,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i32Rotr: 0x78,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i64Rotr: 0x8a,
  i32WrapI64: 0xa7,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
  i64TruncF64S: 0xb0,
  f64ConvertI64S: 0xb9,
  /** Prefix of the saturating truncations; 6 is i64.trunc_sat_f64_s. */
  prefixFc: 0xfc,
  truncSatF64S: 6,
} as const;

/** Unsigned LEB128 (spec 5.2.2) of a non-negative safe integer. */
export function uleb(out: number[], v: number): void {
  let n = v;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

/** Signed LEB128 of an int32. */
export function sleb32(out: number[], v: number): void {
  let n = v | 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** Signed LEB128 of the 64-bit value hi:lo (two int32 halves), without BigInt. */
export function sleb64(out: number[], lo: number, hi: number): void {
  let l = lo >>> 0;
  let h = hi | 0;
  for (;;) {
    const b = l & 0x7f;
    // Arithmetic shift right by 7 of the pair.
    l = ((l >>> 7) | (h << 25)) >>> 0;
    h >>= 7;
    const done =
      (h === 0 && l === 0 && (b & 0x40) === 0) || (h === -1 && l === 0xffffffff && (b & 0x40) !== 0);
    if (done) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** A function body under construction: its extra locals and its code. */
export class FuncBuilder {
  readonly code: number[] = [];
  private readonly locals: number[] = [];
  constructor(private readonly params: number) {}

  /** A new local of type t; its index. */
  local(t: number): number {
    this.locals.push(t);
    return this.params + this.locals.length - 1;
  }
  op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }
  get(i: number): this {
    this.code.push(OP.localGet);
    uleb(this.code, i);
    return this;
  }
  set(i: number): this {
    this.code.push(OP.localSet);
    uleb(this.code, i);
    return this;
  }
  tee(i: number): this {
    this.code.push(OP.localTee);
    uleb(this.code, i);
    return this;
  }
  i32(v: number): this {
    this.code.push(OP.i32Const);
    sleb32(this.code, v);
    return this;
  }
  i64(lo: number, hi: number): this {
    this.code.push(OP.i64Const);
    sleb64(this.code, lo, hi);
    return this;
  }
  /** block / loop / if with no result. */
  open(kind: typeof OP.block | typeof OP.loop | typeof OP.if): this {
    this.code.push(kind, BLOCK_VOID);
    return this;
  }
  br(op: typeof OP.br | typeof OP.brIf, depth: number): this {
    this.code.push(op);
    uleb(this.code, depth);
    return this;
  }
  /** A load or store with its natural alignment (log2 `align`) at constant offset. */
  mem(op: number, align: number, offset: number): this {
    this.code.push(op);
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }

  /** The body's bytes (spec 5.5.13): locals grouped by runs of one type, then code. */
  body(): number[] {
    const groups: [number, number][] = [];
    for (const t of this.locals) {
      const g = groups[groups.length - 1];
      if (g !== undefined && g[1] === t) g[0]++;
      else groups.push([1, t]);
    }
    const out: number[] = [];
    uleb(out, groups.length);
    for (const [n, t] of groups) {
      uleb(out, n);
      out.push(t);
    }
    for (const b of this.code) out.push(b);
    out.push(OP.end);
    return out;
  }
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const b of content) out.push(b);
}

function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * The module: imports memory `m.mem` (at least one page), defines one
 * function of type params -> results from `fn`, exported as `run`.
 */
export function moduleBytes(
  params: readonly number[],
  results: readonly number[],
  fn: FuncBuilder,
): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type = [1, 0x60];
  uleb(type, params.length);
  type.push(...params);
  uleb(type, results.length);
  type.push(...results);
  section(out, 1, type);
  const imp = [1];
  name(imp, 'm');
  name(imp, 'mem');
  imp.push(0x02, 0x00, 1); // memory, limits min 1, no max
  section(out, 2, imp);
  section(out, 3, [1, 0]); // one function of type 0
  const exp = [1];
  name(exp, 'run');
  exp.push(0x00, 0); // function 0
  section(out, 7, exp);
  const body = fn.body();
  const code = [1];
  uleb(code, body.length);
  for (const b of body) code.push(b);
  section(out, 10, code);
  return Uint8Array.from(out);
}
