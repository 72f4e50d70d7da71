// The WebAssembly backend of the block translator (issue 16, "Translation":
// the alternative to `new Function`), a prototype behind
// VGICSIM_JIT_BACKEND=wasm. It takes the blocks the JavaScript compiler
// (../compile.ts) chooses when they hold only the inline integer ops of
// emit-wasm.ts and end in B, B.cond, CBZ/CBNZ or TBZ/TBNZ; any other block
// stays JavaScript. A block becomes a module of one function
// `run(left: f64) -> i32`: registers in i64 locals, read from and written
// back to one shared WebAssembly.Memory into which the wrapper copies the
// cpu's register file (Cpu.x: Int32Array, little-endian halves, so the
// halves of a register are one i64 at byte 4 * index) and NZCV; the result
// is the exit PC's offset from the entry, the instructions retired an f64
// in memory. A block that branches to its own entry loops in the function
// while the budget covers another whole pass (as the JS blocks).

import type { CpuCore } from '../../cpu-state.ts';
import type { DecodedPage, TranslatedBlock } from '../../decode-cache.ts';
import * as O from '../../ops.ts';
import * as S from '../../slots.ts';
import { F64, FuncBuilder, I32, I64, moduleBytes, OP } from './encoder.ts';
import {
  FL_ALL,
  type Regs,
  wasmAddSubImm,
  wasmAddSubShift,
  wasmCbzCond,
  wasmCond,
  wasmCsel,
  wasmLogicImm,
  wasmLogicShift,
  wasmMovi,
  wasmMovk,
  wasmShiftImm,
  wasmTbzCond,
} from './emit-wasm.ts';

/** Which backend translates the blocks it can: VGICSIM_JIT_BACKEND=wasm, else JavaScript. */
let wasmOn = typeof process !== 'undefined' && process.env.VGICSIM_JIT_BACKEND === 'wasm';
export function wasmBackend(): boolean {
  return wasmOn;
}
/** Switch the backend for blocks translated from now on (tests, benchmarks). */
export function setWasmBackend(on: boolean): void {
  wasmOn = on;
}

/** Blocks made and runs of them (tests check the backend really ran). */
const stats = { blocks: 0, runs: 0 };
/** Blocks left to JavaScript, by the op number of their first instruction this backend does not hold. */
const declined = new Map<number, number>();
export const wasmStats: { readonly blocks: number; readonly runs: number } = stats;
/** VGICSIM_JIT_WASM_STATS=1: the counters on stderr at exit (for measuring a whole run, e.g. the Linux boot). */
if (typeof process !== 'undefined' && process.env.VGICSIM_JIT_WASM_STATS === '1')
  process.on('exit', () =>
    process.stderr.write(
      `jit/wasm: ${stats.blocks} blocks, ${stats.runs} runs; left to JS by op: ${JSON.stringify([...declined])}\n`,
    ),
  );
/** ST_RETIRE as a module constant (a namespace import's read is a getter under tsx). */
const RETIRE = O.ST_RETIRE;

/** The WebAssembly JS API (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// The shared memory: the register file at byte 0, NZCV (i32 each) at FLAGS_BYTE, the count at COUNT_BYTE.
const memory = new WA.Memory({ initial: 1 });
const M32 = new Int32Array(memory.buffer);
const MF64 = new Float64Array(memory.buffer);
const REG_WORDS = O.SLOTS * 2;
const FLAGS_BYTE = 4 * REG_WORDS;
const FLAGS_WORD = REG_WORDS;
const COUNT_BYTE = FLAGS_BYTE + 16;
const COUNT_F64 = COUNT_BYTE / 8;
const IMPORTS = { m: { mem: memory } };
/** log2 of the natural alignment of i32 and i64 accesses. */
const ALIGN_32 = 2;
const ALIGN_64 = 3;

function supported(op: number): boolean {
  switch (op) {
    case O.OP_MOVI:
    case O.OP_MOVK:
    case O.OP_ADDSUB_IMM:
    case O.OP_ADDSUB_SHIFT:
    case O.OP_LOGIC_IMM:
    case O.OP_LOGIC_SHIFT:
    case O.OP_SHIFT_IMM:
    case O.OP_CSEL:
    case O.OP_NOP:
    case O.OP_B:
    case O.OP_BCOND:
    case O.OP_CBZ:
    case O.OP_TBZ:
      return true;
    default:
      return false;
  }
}

function isBranch(op: number): boolean {
  return op === O.OP_B || op === O.OP_BCOND || op === O.OP_CBZ || op === O.OP_TBZ;
}

function setsFlags(op: number, f: Int32Array, k: number): boolean {
  if (op === O.OP_ADDSUB_IMM || op === O.OP_ADDSUB_SHIFT) return (f[k + S.F_AS_FLAGS] & O.AS_S) !== 0;
  if (op === O.OP_LOGIC_IMM || op === O.OP_LOGIC_SHIFT)
    return (f[k + S.F_LOGIC_OP] & S.LOGIC_OPC_MASK) === S.LOGIC_ANDS;
  return false;
}

/**
 * The block of `slots` (the JS compiler's choice, in `page`) as a
 * WebAssembly function, or null when it holds an op this backend leaves to
 * JavaScript.
 */
export function compileWasmBlock(page: DecodedPage, slots: readonly number[]): TranslatedBlock | null {
  const { ops, f } = page;
  const len = slots.length;
  const bad = slots.find((s) => !supported(ops[s]));
  if (bad !== undefined) {
    declined.set(ops[bad], (declined.get(ops[bad]) ?? 0) + 1);
    return null;
  }
  // Flag liveness, backwards (as ../compile.ts): all live at every exit.
  const liveAfter: number[] = new Array(len);
  let live = FL_ALL;
  let flags = false;
  for (let j = len - 1; j >= 0; j--) {
    const op = ops[slots[j]];
    liveAfter[j] = live;
    if (setsFlags(op, f, slots[j] * O.STRIDE)) {
      live = 0;
      flags = true;
    } else if (op === O.OP_CSEL || op === O.OP_BCOND) {
      live = FL_ALL;
      flags = true;
    }
  }

  const fb = new FuncBuilder(1);
  const left = fb.local(I64);
  const ic = fb.local(I64);
  const locals = new Map<number, number>();
  const written = new Set<number>();
  const reg = (slot: number): number => {
    let l = locals.get(slot);
    if (l === undefined) {
      l = fb.local(I64);
      locals.set(slot, l);
    }
    return l;
  };
  for (const s of slots) {
    const op = ops[s];
    if (op !== O.OP_NOP && !isBranch(op)) written.add(f[s * O.STRIDE + O.F_RD]);
  }
  const g: Regs = {
    fb,
    reg,
    nf: fb.local(I32),
    zf: fb.local(I32),
    cf: fb.local(I32),
    vf: fb.local(I32),
    a: fb.local(I64),
    b: fb.local(I64),
    r: fb.local(I64),
    a32: fb.local(I32),
    b32: fb.local(I32),
    r32: fb.local(I32),
  };
  const flagLocals = [g.nf, g.zf, g.cf, g.vf];
  const exit = (off: number, n: number): void => {
    for (const w of written)
      fb.i32(0)
        .get(reg(w))
        .mem(OP.i64Store, ALIGN_64, 4 * w);
    if (flags)
      for (const [i, l] of flagLocals.entries())
        fb.i32(0)
          .get(l)
          .mem(OP.i32Store, ALIGN_32, FLAGS_BYTE + 4 * i);
    fb.i32(0).get(ic).i64(n, 0).op(OP.i64Add, OP.f64ConvertI64S).mem(OP.f64Store, ALIGN_64, COUNT_BYTE);
    fb.i32(off).op(OP.return);
  };
  /** A taken branch at index j; `depth` the loop's label depth there. */
  const taken = (j: number, k: number, depth: number): void => {
    const n = j + 1;
    const t = 4 * j + f[k + S.F_BRANCH_OFFSET];
    if (t === 0) {
      fb.get(left)
        .i64(2 * n, 0)
        .op(OP.i64GeS)
        .open(OP.if);
      fb.get(left).i64(n, 0).op(OP.i64Sub).set(left);
      fb.get(ic).i64(n, 0).op(OP.i64Add).set(ic);
      fb.br(OP.br, depth + 1).op(OP.end);
    }
    exit(t, n);
  };

  fb.open(OP.loop);
  for (let j = 0; j < len; j++) {
    const k = slots[j] * O.STRIDE;
    const op = ops[slots[j]];
    switch (op) {
      case O.OP_MOVI:
        wasmMovi(g, f, k);
        break;
      case O.OP_MOVK:
        wasmMovk(g, f, k);
        break;
      case O.OP_ADDSUB_IMM:
        wasmAddSubImm(g, f, k, liveAfter[j]);
        break;
      case O.OP_ADDSUB_SHIFT:
        wasmAddSubShift(g, f, k, liveAfter[j]);
        break;
      case O.OP_LOGIC_IMM:
        wasmLogicImm(g, f, k, liveAfter[j]);
        break;
      case O.OP_LOGIC_SHIFT:
        wasmLogicShift(g, f, k, liveAfter[j]);
        break;
      case O.OP_SHIFT_IMM:
        wasmShiftImm(g, f, k);
        break;
      case O.OP_CSEL:
        wasmCsel(g, f, k);
        break;
      case O.OP_B:
        taken(j, k, 0);
        break;
      default:
        if (op === O.OP_NOP) break;
        if (op === O.OP_BCOND) wasmCond(g, f[k + S.F_BCOND_COND]);
        else if (op === O.OP_CBZ) wasmCbzCond(g, f, k);
        else wasmTbzCond(g, f, k);
        fb.open(OP.if);
        taken(j, k, 1);
        fb.op(OP.end);
        exit(4 * len, len);
    }
  }
  if (!isBranch(ops[slots[len - 1]])) exit(4 * len, len);
  fb.op(OP.end, OP.unreachable);

  // The entry, spliced before the body now that the registers used are known.
  const body = fb.code.splice(0);
  fb.get(0).op(OP.prefixFc, OP.truncSatF64S).set(left);
  for (const [slot, l] of locals)
    fb.i32(0)
      .mem(OP.i64Load, ALIGN_64, 4 * slot)
      .set(l);
  if (flags)
    for (const [i, l] of flagLocals.entries())
      fb.i32(0)
        .mem(OP.i32Load, ALIGN_32, FLAGS_BYTE + 4 * i)
        .set(l);
  for (const b of body) fb.code.push(b);

  const mod = new WA.Module(moduleBytes([F64], [I32], fb));
  const fn = new WA.Instance(mod, IMPORTS).exports.run as (left: number) => number;
  stats.blocks++;
  const run = makeRun(fn, Int32Array.from(locals.keys()), Int32Array.from(written), flags);
  return { len, run: run as TranslatedBlock['run'] };
}

/**
 * The JS side of a block: the registers it reads copied into the memory
 * (the two halves of each), NZCV if it uses them, the call, the registers it
 * writes copied back, PC and instret. Copying only these beats
 * `TypedArray.set` of the whole file for the few registers a block touches.
 */
function makeRun(
  fn: (left: number) => number,
  used: Int32Array,
  written: Int32Array,
  flags: boolean,
): (c: CpuCore, pc0: number, budget: number) => number {
  return (c: CpuCore, pc0: number, budget: number): number => {
    const x = c.x;
    for (let i = 0; i < used.length; i++) {
      const s = used[i];
      M32[s] = x[s];
      M32[s + 1] = x[s + 1];
    }
    if (flags) {
      M32[FLAGS_WORD] = c.nf;
      M32[FLAGS_WORD + 1] = c.zf;
      M32[FLAGS_WORD + 2] = c.cf;
      M32[FLAGS_WORD + 3] = c.vf;
    }
    const off = fn(budget);
    for (let i = 0; i < written.length; i++) {
      const s = written[i];
      x[s] = M32[s];
      x[s + 1] = M32[s + 1];
    }
    if (flags) {
      c.nf = M32[FLAGS_WORD];
      c.zf = M32[FLAGS_WORD + 1];
      c.cf = M32[FLAGS_WORD + 2];
      c.vf = M32[FLAGS_WORD + 3];
    }
    c.pc = pc0 + off;
    c.instret += MF64[COUNT_F64];
    stats.runs++;
    return RETIRE;
  };
}
