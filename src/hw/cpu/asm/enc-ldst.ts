// Single-register loads and stores (Arm ARM C4.1.94 "Loads and Stores"):
// unsigned scaled offset, unscaled (LDUR/STUR), pre- and post-index,
// register offset, and PC-relative literal (including `ldr xN, =value`).

import { fail } from './diagnostics.ts';
import {
  constant,
  type EncodeContext,
  type Encoder,
  enc,
  expectCount,
  imm,
  RM,
  RN,
  reg,
  shiftAmount,
} from './encoding.ts';
import type { MemOp, Operand, RegOp } from './operands.ts';

const LDST_BASE = 0x38000000; // size 00, opc 00, register/unscaled class
const UNSIGNED_OFFSET = 1 << 24;
const REG_OFFSET = (1 << 21) | (2 << 10);
const POST_INDEX = 1 << 10;
const PRE_INDEX = 3 << 10;
const IMM12_MAX = 0xfff;
const IMM9_MIN = -256;
const IMM9_MAX = 255;
const IMM9_MASK = 0x1ff;
const IMM19_MASK = 0x7ffff;
const LITERAL_RANGE = 1 << 20; // +-1 MiB
const INSN_BYTES = 4n;
const LITERAL = { w: 0x18000000, x: 0x58000000, sw: 0x98000000 } as const;
const EXTEND_OPTION: Record<string, number> = { uxtw: 2, lsl: 3, uxtx: 3, sxtw: 6, sxtx: 7 };

/** How a mnemonic's transfer register decides size and opc. */
interface Access {
  /** log2 of the access size; undefined: from the register (W: 2, X: 3). */
  size?: number;
  /** opc: 0 store, 1 load, 2 signed load to X, 3 signed load to W; 'signed': 2 or 3 by Rt. */
  opc: number | 'signed';
  /** Width Rt must have, when fixed. */
  rtSf?: 0 | 1;
  /** Only the unscaled 9-bit offset form (LDUR, STUR and friends). */
  unscaled?: boolean;
  /** Literal form base (LDR/LDRSW). */
  literal?: boolean;
}

function resolve(a: Access, rt: RegOp): { size: number; opc: number } {
  const size = a.size ?? (rt.sf ? 3 : 2);
  const opc = a.opc === 'signed' ? (rt.sf ? 2 : 3) : a.opc;
  return { size, opc };
}

/** The base register of a memory operand: a 64-bit register or SP. */
export function baseReg(mem: MemOp): RegOp {
  return reg(mem.base, 'sp', 1);
}

/** Signed 9-bit immediate (unscaled, pre/post-index). */
export function imm9(v: bigint, col: number, m: string): number {
  if (v < BigInt(IMM9_MIN) || v > BigInt(IMM9_MAX))
    fail(`offset ${v} out of range for ${m.toUpperCase()} (-256..255)`, col);
  return Number(v) & IMM9_MASK;
}

function registerOffset(base: number, mem: MemOp, size: number, ctx: EncodeContext): number {
  const index = mem.index!;
  let option = index.sf ? EXTEND_OPTION.lsl : -1;
  let s = 0;
  if (mem.ext !== null) {
    option = EXTEND_OPTION[mem.ext.op] ?? -1;
    if (option < 0) fail(`expected lsl, uxtw, sxtw or sxtx, found '${mem.ext.text}'`, mem.ext.col);
    if (mem.ext.amount !== null) {
      const amount = shiftAmount(mem.ext, ctx, 63);
      if (amount !== 0 && amount !== size)
        fail(`shift amount ${amount} must be 0 or ${size} for this access size`, mem.ext.col);
      // A byte access has only "#0": written explicitly it sets S (as GNU as does).
      s = size === 0 || amount === size ? 1 : 0;
    }
  }
  if (option < 0) fail(`a 32-bit index register needs uxtw or sxtw, found '${index.text}'`, index.col);
  const wantSf = (option & 1) === 1 ? 1 : 0;
  reg(index, 'zr', wantSf);
  return enc(base | REG_OFFSET, [index.num, RM], [option, 13], [s, 12], [baseReg(mem).num, RN]);
}

function pcRelative19(target: bigint, ctx: EncodeContext, col: number): number {
  const delta = target - ctx.pc;
  if (delta % INSN_BYTES !== 0n) fail(`literal at 0x${target.toString(16)} is not 4-byte aligned`, col);
  if (delta < -BigInt(LITERAL_RANGE) || delta >= BigInt(LITERAL_RANGE))
    fail('literal out of range (+-1 MiB)', col);
  return Number(delta / INSN_BYTES) & IMM19_MASK;
}

const single =
  (a: Access): Encoder =>
  (ops, ctx, m) => {
    expectCount(ops, [2, 3], m);
    const rt = reg(ops[0], 'zr', a.rtSf);
    const { size, opc } = resolve(a, rt);
    const base = LDST_BASE | (size << 30) | (opc << 22) | rt.num;
    const addr = ops[1];
    if (addr.kind === 'lit' || addr.kind === 'imm') {
      if (!a.literal || ops.length !== 2)
        fail(`expected a memory operand '[xN, ...]', found '${addr.text}'`, addr.col);
      const target = addr.kind === 'lit' ? ctx.literalAddress() : ctx.value(addr.expr);
      const lit = opc === 2 ? LITERAL.sw : rt.sf ? LITERAL.x : LITERAL.w;
      return enc(lit, [pcRelative19(target, ctx, addr.col), 5], [rt.num, 0]);
    }
    if (addr.kind !== 'mem') fail(`expected a memory operand '[xN, ...]', found '${addr.text}'`, addr.col);
    const rn = baseReg(addr).num;
    if (ops.length === 3) {
      if (addr.writeback || addr.offset !== null || addr.index !== null || a.unscaled) {
        fail(`expected '[xN], #imm' for post-index, found '${addr.text}, ${ops[2].text}'`, addr.col);
      }
      return enc(base | POST_INDEX, [imm9(imm(ops[2], ctx, 'an offset'), ops[2].col, m), 12], [rn, RN]);
    }
    if (addr.index !== null) {
      if (addr.writeback || a.unscaled) fail(`expected '[xN, #imm]', found '${addr.text}'`, addr.col);
      return registerOffset(base, addr, size, ctx);
    }
    const off = addr.offset === null ? 0n : constant(addr.offset, ctx, addr.text, addr.col);
    if (addr.writeback) {
      if (a.unscaled) fail(`${m.toUpperCase()} has no writeback form, found '${addr.text}'`, addr.col);
      return enc(base | PRE_INDEX, [imm9(off, addr.col, m), 12], [rn, RN]);
    }
    const scale = BigInt(1 << size);
    const forceScaled = addr.offset?.k === 'lo12';
    if (!a.unscaled && off >= 0n && off % scale === 0n && off / scale <= BigInt(IMM12_MAX)) {
      return enc(base | UNSIGNED_OFFSET, [Number(off / scale), 10], [rn, RN]);
    }
    if (forceScaled) fail(`':lo12:' offset 0x${off.toString(16)} is not a multiple of ${scale}`, addr.col);
    if (off >= BigInt(IMM9_MIN) && off <= BigInt(IMM9_MAX))
      return enc(base, [Number(off) & IMM9_MASK, 12], [rn, RN]);
    const range = a.unscaled
      ? '-256..255'
      : `-256..255, or a multiple of ${scale} in 0..${IMM12_MAX * Number(scale)}`;
    fail(`offset ${off} out of range for ${m.toUpperCase()} (${range})`, addr.col);
  };

export const LDST_ENCODERS: Record<string, Encoder> = {
  ldr: single({ opc: 1, literal: true }),
  str: single({ opc: 0 }),
  ldrb: single({ size: 0, opc: 1, rtSf: 0 }),
  strb: single({ size: 0, opc: 0, rtSf: 0 }),
  ldrh: single({ size: 1, opc: 1, rtSf: 0 }),
  strh: single({ size: 1, opc: 0, rtSf: 0 }),
  ldrsb: single({ size: 0, opc: 'signed' }),
  ldrsh: single({ size: 1, opc: 'signed' }),
  ldrsw: single({ size: 2, opc: 2, rtSf: 1, literal: true }),
  ldur: single({ opc: 1, unscaled: true }),
  stur: single({ opc: 0, unscaled: true }),
  ldurb: single({ size: 0, opc: 1, rtSf: 0, unscaled: true }),
  sturb: single({ size: 0, opc: 0, rtSf: 0, unscaled: true }),
  ldurh: single({ size: 1, opc: 1, rtSf: 0, unscaled: true }),
  sturh: single({ size: 1, opc: 0, rtSf: 0, unscaled: true }),
  ldursb: single({ size: 0, opc: 'signed', unscaled: true }),
  ldursh: single({ size: 1, opc: 'signed', unscaled: true }),
  ldursw: single({ size: 2, opc: 2, rtSf: 1, unscaled: true }),
};

/** Size in bytes of the literal a `ldr =value` of this mnemonic and register loads, or 0 if none. */
export function literalSize(mnemonic: string, ops: Operand[]): 0 | 4 | 8 {
  if (ops[1]?.kind !== 'lit') return 0;
  if (mnemonic === 'ldrsw') return 4;
  if (mnemonic !== 'ldr' || ops[0]?.kind !== 'reg') return 0;
  return ops[0].sf ? 8 : 4;
}
