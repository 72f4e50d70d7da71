// WebAssembly code for the inline integer ops of a translated block, the
// arithmetic of emit-alu.ts (and so of the interpreter) on native i64:
// each guest register the block touches is an i64 local (`Regs.reg`), NZCV
// are i32 locals holding 0 or 1, and a flag-setting op computes only the
// flags live after it (the liveness mask of compile-wasm.ts). A 32-bit
// form computes in i32 and zero-extends into Rd, as the interpreter writes
// the upper half 0. AddWithCarry per Arm ARM J1.1.3 (shared/functions/
// integer/AddWithCarry): C is the unsigned carry out, V the signed overflow.

import { AS_S, AS_SF, AS_SUB, F_RD, F_RM, F_RN } from '../../ops.ts';
import * as S from '../../slots.ts';
import { type FuncBuilder, OP } from './encoder.ts';

/** Flag bits of a liveness mask (as emit-alu.ts). */
export const FL_N = 8;
export const FL_Z = 4;
export const FL_C = 2;
export const FL_V = 1;
export const FL_ALL = 15;

/** The locals of a block function: registers by Cpu.x index, flags, temporaries. */
export interface Regs {
  readonly fb: FuncBuilder;
  /** The i64 local of the register at Cpu.x index `slot` (allocated by the compiler's first pass). */
  reg(slot: number): number;
  readonly nf: number;
  readonly zf: number;
  readonly cf: number;
  readonly vf: number;
  /** i64 temporaries a, b, r and i32 temporaries a32, b32, r32. */
  readonly a: number;
  readonly b: number;
  readonly r: number;
  readonly a32: number;
  readonly b32: number;
  readonly r32: number;
}

const LOW32_LO = -1;
const SIGN64 = 63;
const SIGN32 = 31;

/** Push Rm shifted by the constant s (S.SHIFT_*): an i64, or an i32 for the 32-bit form. */
function shifted(g: Regs, m: number, type: number, s: number, sf: boolean): void {
  const fb = g.fb;
  fb.get(g.reg(m));
  if (!sf) fb.op(OP.i32WrapI64);
  if (s === 0) return;
  if (sf) fb.i64(s, 0);
  else fb.i32(s);
  const ops64 = [OP.i64Shl, OP.i64ShrU, OP.i64ShrS, OP.i64Rotr];
  const ops32 = [OP.i32Shl, OP.i32ShrU, OP.i32ShrS, OP.i32Rotr];
  fb.op((sf ? ops64 : ops32)[type]);
}

/** Pop a value of the op's width into Rd (zero-extending a 32-bit one). */
function setRd(g: Regs, d: number, sf: boolean): void {
  if (!sf) g.fb.op(OP.i64ExtendI32U);
  g.fb.set(g.reg(d));
}

/** N and Z of the result in local r (i64) or r32, when live. */
function nz(g: Regs, sf: boolean, live: number): void {
  const fb = g.fb;
  if (live & FL_N) {
    if (sf) fb.get(g.r).i64(SIGN64, 0).op(OP.i64ShrU, OP.i32WrapI64).set(g.nf);
    else fb.get(g.r32).i32(SIGN32).op(OP.i32ShrU).set(g.nf);
  }
  if (live & FL_Z) {
    if (sf) fb.get(g.r).op(OP.i64Eqz).set(g.zf);
    else fb.get(g.r32).op(OP.i32Eqz).set(g.zf);
  }
}

/**
 * ADD/SUB(S) of the operands in a and b (or a32, b32): Rd and the live flags.
 * SUB is a + NOT(b) + 1: C = a >= b unsigned, V = sign of (a ^ b) & (a ^ r).
 */
function addSub(g: Regs, d: number, sf: boolean, sub: boolean, setFlags: boolean, live: number): void {
  const fb = g.fb;
  const [a, b, r] = sf ? [g.a, g.b, g.r] : [g.a32, g.b32, g.r32];
  const T = sf
    ? { add: OP.i64Add, sub: OP.i64Sub, xor: OP.i64Xor, and: OP.i64And, ltU: OP.i64LtU, geU: OP.i64GeU }
    : { add: OP.i32Add, sub: OP.i32Sub, xor: OP.i32Xor, and: OP.i32And, ltU: OP.i32LtU, geU: OP.i32GeU };
  fb.get(a)
    .get(b)
    .op(sub ? T.sub : T.add)
    .tee(r);
  setRd(g, d, sf);
  if (!setFlags) return;
  nz(g, sf, live);
  if (live & FL_C) {
    if (sub) fb.get(a).get(b).op(T.geU);
    else fb.get(r).get(a).op(T.ltU);
    fb.set(g.cf);
  }
  if (live & FL_V) {
    if (sub) fb.get(a).get(b).op(T.xor).get(a).get(r).op(T.xor, T.and);
    else fb.get(a).get(r).op(T.xor).get(b).get(r).op(T.xor, T.and);
    if (sf) fb.i64(0, 0).op(OP.i64LtS);
    else fb.i32(0).op(OP.i32LtS);
    fb.set(g.vf);
  }
}

/** Rn into a (or a32). */
function loadA(g: Regs, n: number, sf: boolean): void {
  g.fb.get(g.reg(n));
  if (sf) g.fb.set(g.a);
  else g.fb.op(OP.i32WrapI64).set(g.a32);
}

/** ADD/SUB(S) (immediate). */
export function wasmAddSubImm(g: Regs, f: Int32Array, k: number, live: number): void {
  const a = f[k + S.F_AS_FLAGS];
  const sf = (a & AS_SF) !== 0;
  loadA(g, f[k + F_RN], sf);
  const imm = f[k + S.F_AS_IMM];
  if (sf) g.fb.i64(imm, 0).set(g.b);
  else g.fb.i32(imm).set(g.b32);
  addSub(g, f[k + F_RD], sf, (a & AS_SUB) !== 0, (a & AS_S) !== 0, live);
}

/** ADD/SUB(S) (shifted register). */
export function wasmAddSubShift(g: Regs, f: Int32Array, k: number, live: number): void {
  const a = f[k + S.F_AS_FLAGS];
  const sf = (a & AS_SF) !== 0;
  const sh = f[k + S.F_AS_SHIFT];
  loadA(g, f[k + F_RN], sf);
  shifted(g, f[k + F_RM], sh & S.SHIFT_TYPE_MASK, sh >>> S.SHIFT_AMOUNT_LSB, sf);
  g.fb.set(sf ? g.b : g.b32);
  addSub(g, f[k + F_RD], sf, (a & AS_SUB) !== 0, (a & AS_S) !== 0, live);
}

/** Rd = Rn op (operand on the stack): AND ORR EOR ANDS (N, Z; C = V = 0). */
function logic(g: Regs, d: number, n: number, opc: number, sf: boolean, live: number): void {
  const fb = g.fb;
  fb.set(sf ? g.b : g.b32);
  fb.get(g.reg(n));
  if (!sf) fb.op(OP.i32WrapI64);
  fb.get(sf ? g.b : g.b32);
  const which = opc === S.LOGIC_ORR ? 1 : opc === S.LOGIC_EOR ? 2 : 0;
  fb.op((sf ? [OP.i64And, OP.i64Or, OP.i64Xor] : [OP.i32And, OP.i32Or, OP.i32Xor])[which]);
  fb.tee(sf ? g.r : g.r32);
  setRd(g, d, sf);
  if (opc !== S.LOGIC_ANDS) return;
  nz(g, sf, live);
  if (live & FL_C) fb.i32(0).set(g.cf);
  if (live & FL_V) fb.i32(0).set(g.vf);
}

/** AND/ORR/EOR/ANDS (immediate). */
export function wasmLogicImm(g: Regs, f: Int32Array, k: number, live: number): void {
  const a = f[k + S.F_LOGIC_OP];
  const sf = (a & S.LOGIC_IMM_SF) !== 0;
  if (sf) g.fb.i64(f[k + S.F_LOGIC_IMM_LO], f[k + S.F_LOGIC_IMM_HI]);
  else g.fb.i32(f[k + S.F_LOGIC_IMM_LO]);
  logic(g, f[k + F_RD], f[k + F_RN], a & S.LOGIC_OPC_MASK, sf, live);
}

/** AND BIC ORR ORN EOR EON ANDS BICS (shifted register). */
export function wasmLogicShift(g: Regs, f: Int32Array, k: number, live: number): void {
  const a = f[k + S.F_LOGIC_OP];
  const b = f[k + S.F_LOGIC_SHIFT];
  const sf = (a & S.LOGIC_SHIFT_SF) !== 0;
  shifted(g, f[k + F_RM], b & S.SHIFT_TYPE_MASK, b >>> S.SHIFT_AMOUNT_LSB, sf);
  if (a & S.LOGIC_NOT) {
    if (sf) g.fb.i64(-1, -1).op(OP.i64Xor);
    else g.fb.i32(-1).op(OP.i32Xor);
  }
  logic(g, f[k + F_RD], f[k + F_RN], a & S.LOGIC_OPC_MASK, sf, live);
}

/** LSL/LSR/ASR (immediate). */
export function wasmShiftImm(g: Regs, f: Int32Array, k: number): void {
  const a = f[k + S.F_SHIFTOP];
  const sf = (a & S.SHIFTOP_SF) !== 0;
  shifted(g, f[k + F_RN], a & S.SHIFTOP_TYPE_MASK, f[k + S.F_SHIFTOP_AMOUNT], sf);
  setRd(g, f[k + F_RD], sf);
}

/** MOVZ/MOVN/MOV (bitmask): the decoded 64-bit value. */
export function wasmMovi(g: Regs, f: Int32Array, k: number): void {
  g.fb.i64(f[k + S.F_MOVI_LO], f[k + S.F_MOVI_HI]);
  setRd(g, f[k + F_RD], true);
}

/** MOVK: imm16 inserted at its position; the 32-bit form clears the upper half. */
export function wasmMovk(g: Regs, f: Int32Array, k: number): void {
  const d = f[k + F_RD];
  const pos = f[k + S.F_MOVK_POS];
  const imm = f[k + S.F_MOVK_IMM16];
  const fb = g.fb;
  fb.get(g.reg(d));
  if (pos < 32)
    fb.i64(~(0xffff << pos), -1)
      .op(OP.i64And)
      .i64(imm << pos, 0);
  else
    fb.i64(-1, ~(0xffff << (pos - 32)))
      .op(OP.i64And)
      .i64(0, imm << (pos - 32));
  fb.op(OP.i64Or);
  if (!f[k + S.F_MOVK_SF]) fb.i64(LOW32_LO, 0).op(OP.i64And);
  fb.set(g.reg(d));
}

/** Push Arm ARM ConditionHolds(cond) over the flag locals (J1.1.3, shared/functions/system/ConditionHolds). */
export function wasmCond(g: Regs, cond: number): void {
  const fb = g.fb;
  switch (cond >>> 1) {
    case 0:
      fb.get(g.zf);
      break;
    case 1:
      fb.get(g.cf);
      break;
    case 2:
      fb.get(g.nf);
      break;
    case 3:
      fb.get(g.vf);
      break;
    case 4:
      fb.get(g.cf).get(g.zf).op(OP.i32Eqz, OP.i32And);
      break;
    case 5:
      fb.get(g.nf).get(g.vf).op(OP.i32Eq);
      break;
    case 6:
      fb.get(g.nf).get(g.vf).op(OP.i32Eq).get(g.zf).op(OP.i32Eqz, OP.i32And);
      break;
    default:
      fb.i32(1);
      return; // AL and NV: always
  }
  if ((cond & 1) === 1) fb.op(OP.i32Eqz);
}

/** CSEL CSINC CSINV CSNEG. */
export function wasmCsel(g: Regs, f: Int32Array, k: number): void {
  const b = f[k + S.F_CSEL_BITS];
  const fb = g.fb;
  fb.get(g.reg(f[k + F_RN]));
  fb.get(g.reg(f[k + F_RM]));
  const kind = b & S.CSEL_KIND_MASK;
  if (kind === S.CSEL_KIND_INC) fb.i64(1, 0).op(OP.i64Add);
  else if (kind === S.CSEL_KIND_INV) fb.i64(-1, -1).op(OP.i64Xor);
  else if (kind === S.CSEL_KIND_NEG) fb.set(g.b).i64(0, 0).get(g.b).op(OP.i64Sub);
  wasmCond(g, f[k + S.F_CSEL_COND]);
  fb.op(OP.select);
  if (!(b & S.CSEL_SF)) fb.i64(LOW32_LO, 0).op(OP.i64And);
  setRd(g, f[k + F_RD], true);
}

/** Push the i32 condition of a CBZ/CBNZ or TBZ/TBNZ (true: the branch is taken). */
export function wasmCbzCond(g: Regs, f: Int32Array, k: number): void {
  const fb = g.fb;
  const a = f[k + S.F_CBZ_BITS];
  fb.get(g.reg(f[k + F_RN]));
  if (a & S.CBZ_SF) fb.op(OP.i64Eqz);
  else fb.op(OP.i32WrapI64, OP.i32Eqz);
  if (a & S.CBZ_NZ) fb.op(OP.i32Eqz);
}

export function wasmTbzCond(g: Regs, f: Int32Array, k: number): void {
  const fb = g.fb;
  fb.get(g.reg(f[k + F_RN]))
    .i64(f[k + S.F_TBZ_BIT], 0)
    .op(OP.i64ShrU)
    .i64(1, 0)
    .op(OP.i64And, OP.i32WrapI64);
  if (f[k + S.F_TBZ_IF] === 0) fb.op(OP.i32Eqz);
}
