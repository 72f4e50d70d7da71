// The block compiler: a run of decoded instructions in one 4 KiB page, from
// an entry slot up to and including the first branch (or up to an
// instruction left to the interpreter, the page's end, MAX_BLOCK), becomes
// one JavaScript function made with `new Function`. Hot integer ops are
// inline with their fields as constants (emit-alu.ts, emit-mem.ts); the
// others call the interpreter's own executors, so their semantics (faults,
// exits, MMIO) are the interpreter's by construction. A block whose branch
// targets its own first instruction loops inside the function while the
// budget covers another whole pass.
//
// The function is `run(cpu, pc0, left)`: pc0 is the virtual address of the
// entry slot (the block holds no address: one translation serves every
// alias of the physical page), `left` the cycles of budget, at least `len`.
// It returns an ST_* status with PC and instret as the interpreter leaves
// them: ST_RETIRE after an ordinary exit, or the status of the executor
// that faulted or stopped (with that instruction's bookkeeping done).

import { decode } from '../decode.ts';
import { type DecodedPage, PAGE_INSNS, type TranslatedBlock } from '../decode-cache.ts';
import { takePcAlignment } from '../exceptions.ts';
import { execCcmp, execOneSrc, execShiftV } from '../exec-alu.ts';
import { execFp } from '../exec-fp.ts';
import { execLdSt, execLdStPair, execLdStReg, execLdrLit, execLdx } from '../exec-mem.ts';
import { execDiv, execMulh, execMull } from '../exec-mul.ts';
import { ramOffset } from '../mem-access.ts';
import type { GuestRam } from '../../mem/guest-ram.ts';
import type { DecodeCache } from '../decode-cache.ts';
import * as O from '../ops.ts';
import * as S from '../slots.ts';
import {
  condExpr,
  emitAddSubImm,
  emitAddSubShift,
  emitAdr,
  emitCsel,
  emitLogicImm,
  emitLogicShift,
  emitMovi,
  emitMovk,
  emitShiftImm,
  FL_ALL,
  setPairCode,
} from './emit-alu.ts';
import { emitAdc, emitAddSubExt, emitBitfield, emitExtr, emitMadd } from './emit-dp.ts';
import { emitLdSt, emitLdStPair, emitLdStReg } from './emit-mem.ts';
import { compileWasmBlock, wasmBackend } from './wasm/compile-wasm.ts';

/** Most instructions in one block (a block runs only when the budget covers all of them). */
export const MAX_BLOCK = 64;
/**
 * Most instructions before its entry a rotated loop may hold: a block whose
 * branch targets a slot shortly before its entry, the slots between being
 * straight-line code (a compiler's rotated loop: `b L2; L1: sxtw; L2: ...;
 * b.ne L1`), becomes one loop from the target, entered in its middle.
 */
const MAX_PRE = 4;

// How the compiler treats an op.
const K_END = 0;
const K_INLINE = 1;
/** An executor that always retires (exec-alu.ts, exec-mul.ts). */
const K_CALL = 2;
/** An executor returning a status (may fault, exit to the machine, or store). */
const K_CALL_ST = 3;
const K_BRANCH = 4;

/** The executors blocks call, by op. */
const EXEC: Partial<Record<number, (c: never, f: Int32Array, k: number) => unknown>> = {
  [O.OP_SHIFTV]: execShiftV,
  [O.OP_MULL]: execMull,
  [O.OP_MULH]: execMulh,
  [O.OP_DIV]: execDiv,
  [O.OP_CCMP]: execCcmp,
  [O.OP_ONE_SRC]: execOneSrc,
  [O.OP_LDST]: execLdSt,
  [O.OP_LDST_REG]: execLdStReg,
  [O.OP_LDSTP]: execLdStPair,
  [O.OP_LDR_LIT]: execLdrLit,
  [O.OP_LDX]: execLdx,
  [O.OP_FP]: execFp,
};
/** Executor calls that read or write NZCV (the block's flag locals are written back before, reloaded after). */
const FLAG_CALLS = new Set([O.OP_CCMP, O.OP_FP]);

function kindOf(op: number): number {
  switch (op) {
    case O.OP_MOVI:
    case O.OP_MOVK:
    case O.OP_ADDSUB_IMM:
    case O.OP_ADDSUB_SHIFT:
    case O.OP_LOGIC_IMM:
    case O.OP_LOGIC_SHIFT:
    case O.OP_SHIFT_IMM:
    case O.OP_CSEL:
    case O.OP_ADR:
    case O.OP_ADDSUB_EXT:
    case O.OP_ADC:
    case O.OP_MADD:
    case O.OP_BITFIELD:
    case O.OP_EXTR:
    case O.OP_NOP:
      return K_INLINE;
    case O.OP_B:
    case O.OP_BL:
    case O.OP_BCOND:
    case O.OP_CBZ:
    case O.OP_TBZ:
    case O.OP_BR:
      return K_BRANCH;
    case O.OP_LDST:
    case O.OP_LDST_REG:
    case O.OP_LDSTP:
    case O.OP_LDR_LIT:
    case O.OP_LDX:
    case O.OP_FP:
      return K_CALL_ST;
    default:
      // System instructions, exception generation, hints (WFI), UNDEFINED: the interpreter's.
      return EXEC[op] !== undefined ? K_CALL : K_END;
  }
}

/** Does this inline op set all of NZCV (and read none)? */
function setsFlags(op: number, f: Int32Array, k: number): boolean {
  if (op === O.OP_ADDSUB_IMM || op === O.OP_ADDSUB_SHIFT || op === O.OP_ADDSUB_EXT)
    return (f[k + S.F_AS_FLAGS] & O.AS_S) !== 0;
  if (op === O.OP_LOGIC_IMM || op === O.OP_LOGIC_SHIFT)
    return (f[k + S.F_LOGIC_OP] & S.LOGIC_OPC_MASK) === S.LOGIC_ANDS;
  return false;
}

/** Helpers the generated code calls: H.e<op> the executor of op, H.pcAlign, H.ramOffset. */
const HELPERS: Record<string, unknown> = { pcAlign: takePcAlignment, ramOffset };
for (const [op, fn] of Object.entries(EXEC)) HELPERS[`e${op}`] = fn;

/** Translate the block starting at slot `i` of `page` (RAM offset `pageOff`), or null if its first op is the interpreter's. */
export function compileBlock(
  ram: GuestRam,
  cache: DecodeCache,
  page: DecodedPage,
  pageOff: number,
  i: number,
  loopsOnly: boolean,
): TranslatedBlock | null {
  const ops = page.ops;
  const f = page.f;
  const slots: number[] = [];
  for (let j = i; j < PAGE_INSNS && slots.length < MAX_BLOCK; j++) {
    if (ops[j] === O.OP_UNDECODED) decode(ram.i32[(pageOff + 4 * j) >> 2], ops, f, j);
    const kind = kindOf(ops[j]);
    if (kind === K_END) break;
    slots.push(j);
    if (kind === K_BRANCH) break;
  }
  if (slots.length === 0) return null;
  const lastSlot = slots[slots.length - 1];
  const lastOp = ops[lastSlot];
  // A block whose branch targets its own entry (or the straight-line code just before it, `pre` slots:
  // the block then starts there and is entered `pre` slots in): it loops inside its function.
  const back =
    kindOf(lastOp) === K_BRANCH && lastOp !== O.OP_BR
      ? lastSlot - i + f[lastSlot * O.STRIDE + S.F_BRANCH_OFFSET] / 4
      : 1;
  const pre = rotatedPrefix(ram, page, pageOff, i, back, slots.length);
  const selfLoop = back === 0 || pre > 0;
  if (loopsOnly && !selfLoop) return null;
  for (let j = i - 1; j >= i - pre; j--) slots.unshift(j);
  const len = slots.length;
  if (wasmBackend() && pre === 0) {
    const w = compileWasmBlock(page, slots);
    if (w !== null) return w;
  }

  // Flag liveness, backwards: which of NZCV a flag-setting inline op must compute.
  const liveAfter = new Array<number>(len);
  let live = FL_ALL;
  let inlineFlags = false;
  for (let j = len - 1; j >= 0; j--) {
    const s = slots[j];
    const op = ops[s];
    const k = s * O.STRIDE;
    liveAfter[j] = live;
    const kind = kindOf(op);
    if (kind === K_INLINE && setsFlags(op, f, k)) {
      live = 0;
      inlineFlags = true;
    } else if (kind !== K_INLINE || op === O.OP_CSEL || op === O.OP_ADC) live = FL_ALL;
    if (op === O.OP_CSEL || op === O.OP_BCOND || op === O.OP_ADC) inlineFlags = true;
  }
  const flush = inlineFlags ? 'c.nf = nf; c.zf = zf; c.cf = cf; c.vf = vf;' : '';
  const reload = inlineFlags ? 'nf = c.nf; zf = c.zf; cf = c.cf; vf = c.vf;' : '';
  const pcAt = (j: number) => (j === 0 ? 'pc0' : `pc0 + ${4 * j}`);
  const exit = (pc: string, n: number) => `c.pc = ${pc}; c.instret = ic + ${n}; ${flush} ${SPILL} return 1;`;
  // Registers in locals in a block that loops on itself when nothing but inline code touches them
  // (an LDR/STR's slow path spills and refills); elsewhere loading and spilling them costs more than it saves.
  const regLocals =
    selfLoop &&
    slots.every((s) => {
      const kind = kindOf(ops[s]);
      return (
        kind === K_INLINE ||
        kind === K_BRANCH ||
        (ops[s] === O.OP_LDST && f[s * O.STRIDE + S.F_LS_MODE] !== O.AM_UNPRIV) ||
        ops[s] === O.OP_LDST_REG ||
        ops[s] === O.OP_LDSTP
      );
    });

  const body: string[] = [];
  for (let j = 0; j < len; j++) {
    const s = slots[j];
    const op = ops[s];
    const k = s * O.STRIDE;
    const pc = pcAt(j);
    const kind = kindOf(op);
    if (kind === K_CALL_ST) {
      const call =
        `${SPILL} c.pc = ${pc}; c.instret = ic + ${j}; ${flush} st = H.e${op}(c, F, ${k}); ${op === O.OP_FP ? reload : ''}` +
        ` if (st !== 1) { if ((st & 1) !== 0) { if ((st & 8) === 0) c.pc = ${pc} + 4; c.instret++; } return st; }` +
        ` ${FILL} if (cache.invalidations !== inv) { ${exit(`${pc} + 4`, j + 1)} }`;
      if (op === O.OP_LDST && f[k + S.F_LS_MODE] !== O.AM_UNPRIV)
        body.push(emitLdSt(f, k, call, exit(`${pc} + 4`, j + 1)));
      else if (op === O.OP_LDST_REG) body.push(emitLdStReg(f, k, call, exit(`${pc} + 4`, j + 1)));
      else if (op === O.OP_LDSTP) body.push(emitLdStPair(f, k, call, exit(`${pc} + 4`, j + 1)));
      else body.push(call);
      continue;
    }
    if (kind === K_CALL) {
      const fl = FLAG_CALLS.has(op);
      body.push(`${fl ? flush : ''} H.e${op}(c, F, ${k}); ${fl ? reload : ''}`);
      continue;
    }
    if (kind === K_INLINE) {
      body.push(inline(op, f, k, liveAfter[j], pc));
      continue;
    }
    body.push(branch(op, f, k, j, exit, flush));
  }
  const last = ops[slots[len - 1]];
  if (kindOf(last) !== K_BRANCH) body.push(exit(pcAt(len), len));

  // A rotated loop's first pass skips its `pre` slots: as if they had run, with the budget they took.
  const first = pre === 0 ? '' : 'let first = true;';
  if (pre > 0) body.splice(0, pre, `if (first) first = false; else {\n${body.slice(0, pre).join('\n')}\n}`);
  const { code, decl } = registers(body.join('\n'), regLocals);
  const entry = pre === 0 ? 'pc0' : `pcE`;
  const start = pre === 0 ? '' : ` const pc0 = pcE - ${4 * pre}; ic -= ${pre}; left += ${pre}; ${first}`;
  const src =
    `return function block(c, ${entry}, left) { const x = c.x; let ic = c.instret; let st = 0; ${decl}${start}` +
    ` const inv = cache.invalidations;${inlineFlags ? ' let nf = c.nf; let zf = c.zf; let cf = c.cf; let vf = c.vf;' : ''}` +
    ` for (;;) {\n${code}\n} };`;
  const make = new Function('H', 'F', 'ram', 'cache', 'RB', 'RS', 'PF', 'I32', 'U16', 'U8', src);
  const run = make(HELPERS, f, ram, cache, ram.base, ram.size, ram.pageFlags, ram.i32, ram.u16, ram.u8);
  return { len: len - pre, pre, run };
}

/**
 * How many slots before entry slot `i` a rotated loop holds: -back when the
 * block's branch targets `back` (< 0) slots before its entry, within
 * MAX_PRE, and those slots are straight-line code a block holds; else 0.
 */
function rotatedPrefix(
  ram: GuestRam,
  page: DecodedPage,
  pageOff: number,
  i: number,
  back: number,
  len: number,
): number {
  if (back >= 0 || back < -MAX_PRE || i + back < 0 || len - back > MAX_BLOCK) return 0;
  for (let j = i + back; j < i; j++) {
    if (page.ops[j] === O.OP_UNDECODED) decode(ram.i32[(pageOff + 4 * j) >> 2], page.ops, page.f, j);
    const kind = kindOf(page.ops[j]);
    if (kind === K_END || kind === K_BRANCH) return 0;
  }
  return -back;
}

/** Where a block writes its register locals back to `x` (exits, before an executor call), and reloads them. */
const SPILL = '/*spill*/';
const FILL = '/*fill*/';

/**
 * Every register access of the generated code is `x[<constant>]`, every
 * write `x[<constant>] = <expression without ';'>;`. With `locals`, each
 * becomes a local rN, loaded at entry (`decl`), written back where the code
 * spills if the block writes it, reloaded where it fills.
 */
function registers(body: string, locals: boolean): { code: string; decl: string } {
  if (!locals) return { code: body.split(SPILL).join('').split(FILL).join(''), decl: '' };
  const used = [...new Set([...body.matchAll(/x\[(\d+)\]/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  const written = [...new Set([...body.matchAll(/x\[(\d+)\] =(?!=)/g)].map((m) => Number(m[1])))];
  const spill = written.map((n) => `x[${n}] = r${n};`).join(' ');
  const fill = used.map((n) => `r${n} = x[${n}];`).join(' ');
  // A local holds what the Int32Array would: the written value as an int32.
  const code = body
    .replace(/x\[(\d+)\] = ([^;]+);/g, 'x[$1] = ($2) | 0;')
    .replace(/x\[(\d+)\]/g, 'r$1')
    .split(SPILL)
    .join(spill)
    .split(FILL)
    .join(fill);
  return { code, decl: used.map((n) => `let r${n} = x[${n}];`).join(' ') };
}

function inline(op: number, f: Int32Array, k: number, live: number, pc: string): string {
  switch (op) {
    case O.OP_MOVI:
      return emitMovi(f, k);
    case O.OP_MOVK:
      return emitMovk(f, k);
    case O.OP_ADDSUB_IMM:
      return emitAddSubImm(f, k, live);
    case O.OP_ADDSUB_SHIFT:
      return emitAddSubShift(f, k, live);
    case O.OP_LOGIC_IMM:
      return emitLogicImm(f, k, live);
    case O.OP_LOGIC_SHIFT:
      return emitLogicShift(f, k, live);
    case O.OP_SHIFT_IMM:
      return emitShiftImm(f, k);
    case O.OP_CSEL:
      return emitCsel(f, k);
    case O.OP_ADR:
      return emitAdr(f, k, pc);
    case O.OP_ADDSUB_EXT:
      return emitAddSubExt(f, k, live);
    case O.OP_ADC:
      return emitAdc(f, k, live);
    case O.OP_MADD:
      return emitMadd(f, k);
    case O.OP_BITFIELD:
      return emitBitfield(f, k);
    case O.OP_EXTR:
      return emitExtr(f, k);
    default:
      return '';
  }
}

/** The block's last instruction: a branch, taken or not; a taken branch to the block's start loops. */
function branch(
  op: number,
  f: Int32Array,
  k: number,
  j: number,
  exit: (pc: string, n: number) => string,
  flush: string,
): string {
  const n = j + 1;
  const pc = j === 0 ? 'pc0' : `pc0 + ${4 * j}`;
  const fallThrough = exit(`${pc} + 4`, n);
  const taken = (): string => {
    const t = 4 * j + f[k + S.F_BRANCH_OFFSET];
    if (t === 0) return `if (left >= ${2 * n}) { left -= ${n}; ic += ${n}; continue; } ${exit('pc0', n)}`;
    return exit(`pc0 + ${t}`, n);
  };
  switch (op) {
    case O.OP_B:
      return taken();
    case O.OP_BL:
      return `${setPairCode(60, `${pc} + 4`)} ${taken()}`;
    case O.OP_BCOND:
      return `if (${condExpr(f[k + S.F_BCOND_COND])}) { ${taken()} } ${fallThrough}`;
    case O.OP_CBZ: {
      const r = f[k + O.F_RN];
      const a = f[k + S.F_CBZ_BITS];
      const zero = a & S.CBZ_SF ? `(x[${r}] | x[${r + 1}]) === 0` : `x[${r}] === 0`;
      return `if (${a & S.CBZ_NZ ? '!' : ''}(${zero})) { ${taken()} } ${fallThrough}`;
    }
    case O.OP_TBZ: {
      const r = f[k + O.F_RN];
      const bit = f[k + S.F_TBZ_BIT];
      const v = bit < 32 ? `(x[${r}] >>> ${bit}) & 1` : `(x[${r + 1}] >>> ${bit - 32}) & 1`;
      return `if ((${v}) === ${f[k + S.F_TBZ_IF]}) { ${taken()} } ${fallThrough}`;
    }
    default: {
      // BR / BLR / RET: a misaligned target takes the PC alignment fault, its entry inside the branch's cycle.
      const r = f[k + O.F_RN];
      const link = f[k + S.F_BR_KIND] === S.BR_BLR ? setPairCode(60, `${pc} + 4`) : '';
      return (
        `{ const t = x[${r + 1}] * 4294967296 + (x[${r}] >>> 0); ${link} c.pc = t; c.instret = ic + ${n}; ${flush} ${SPILL}` +
        ` if ((t & 3) !== 0) { H.pcAlign(c); c.excCycles--; } return 1; }`
      );
    }
  }
}
