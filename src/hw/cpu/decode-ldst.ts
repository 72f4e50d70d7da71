// Decoding of the loads-and-stores class (Arm ARM C4.1.94): exclusive and
// ordered, literal, pair, single register (immediate, register offset).
// FP/SIMD registers, LSE atomics and the later extensions are UNDEFINED.

import { clear, rSP, rX, sext, undef, wX } from './decode-util.ts';
import {
  AM_OFFSET,
  AM_POST,
  AM_PRE,
  AM_UNPRIV,
  F_A,
  F_B,
  F_IMM,
  F_R3,
  F_RD,
  F_RM,
  F_RN,
  LK_LOAD,
  LK_LOADS32,
  LK_LOADS64,
  LK_STORE,
  LX_EXCL,
  LX_LOAD,
  LX_ORDERED,
  LX_PAIR,
  OP_LDR_LIT,
  OP_LDST,
  OP_LDST_REG,
  OP_LDSTP,
  OP_LDX,
  OP_NOP,
} from './ops.ts';

/**
 * The data-abort instruction syndrome a hypervisor sees for a single-register
 * access without writeback (ESR_EL2 ISS: ISV SAS SSE SRT SF AR). Decoded once.
 */
export function issFor(size: number, kind: number, rt: number, ar: boolean): number {
  const sse = kind === LK_LOADS32 || kind === LK_LOADS64 ? 1 : 0;
  const sf = size === 3 || kind === LK_LOADS64 ? 1 : 0;
  return (1 << 24) | (size << 22) | (sse << 21) | (rt << 16) | (sf << 15) | (ar ? 1 << 14 : 0);
}

export function decodeLdSt(w: number, ops: Uint16Array, f: Int32Array, i: number): void {
  const k = clear(f, i);
  if ((w >>> 26) & 1) {
    undef(ops, f, i, 'fp-simd');
    return;
  }
  const rt = w & 31;
  const rn = (w >>> 5) & 31;
  const size = w >>> 30;
  switch ((w >>> 28) & 3) {
    case 0: {
      if ((w >>> 24) & 1) {
        undef(ops, f, i, 'other-extension');
        return;
      }
      const o2 = (w >>> 23) & 1;
      const l = (w >>> 22) & 1;
      const o1 = (w >>> 21) & 1;
      const o0 = (w >>> 15) & 1;
      let a: number;
      if (!o2 && !o1) a = LX_EXCL | size;
      else if (!o2 && o1) {
        if (size < 2) {
          undef(ops, f, i, 'lse-atomic');
          return;
        }
        a = LX_EXCL | LX_PAIR | size;
      } else if (o2 && !o1) {
        if (!o0) {
          undef(ops, f, i, 'other-extension');
          return;
        }
        a = size;
      } else {
        undef(ops, f, i, 'lse-atomic');
        return;
      }
      if (o0) a |= LX_ORDERED;
      if (l) a |= LX_LOAD;
      ops[i] = OP_LDX;
      f[k + F_RD] = l ? wX(rt) : rX(rt);
      f[k + F_RN] = rSP(rn);
      f[k + F_RM] = wX((w >>> 16) & 31);
      f[k + F_R3] = l ? wX((w >>> 10) & 31) : rX((w >>> 10) & 31);
      f[k + F_A] = a;
      return;
    }
    case 1: {
      if ((w >>> 24) & 1) {
        undef(ops, f, i, 'lrcpc');
        return;
      }
      const opc = size;
      if (opc === 3) {
        ops[i] = OP_NOP; // PRFM (literal)
        return;
      }
      ops[i] = OP_LDR_LIT;
      f[k + F_RD] = wX(rt);
      f[k + F_IMM] = sext((w >>> 5) & 0x7ffff, 19) * 4;
      const sz = opc === 1 ? 3 : 2;
      const kind = opc === 2 ? LK_LOADS64 : LK_LOAD;
      f[k + F_A] = sz | (kind << 2);
      f[k + F_R3] = issFor(sz, kind, rt, false);
      return;
    }
    case 2: {
      const l = (w >>> 22) & 1;
      const mode = (w >>> 23) & 3;
      let sz: number;
      let kind = l ? LK_LOAD : LK_STORE;
      if (size === 0) sz = 2;
      else if (size === 1) {
        if (!l) {
          undef(ops, f, i, 'mte');
          return;
        }
        sz = 2;
        kind = LK_LOADS64;
      } else if (size === 2) sz = 3;
      else {
        undef(ops, f, i, 'unallocated');
        return;
      }
      ops[i] = OP_LDSTP;
      f[k + F_RD] = l ? wX(rt) : rX(rt);
      f[k + F_R3] = l ? wX((w >>> 10) & 31) : rX((w >>> 10) & 31);
      f[k + F_RN] = rSP(rn);
      f[k + F_IMM] = sext((w >>> 15) & 127, 7) << sz;
      f[k + F_A] = sz | (kind << 2);
      f[k + F_B] = mode === 1 ? AM_POST : mode === 3 ? AM_PRE : AM_OFFSET;
      return;
    }
    default: {
      decodeLdStReg(w, ops, f, i, k);
      return;
    }
  }
}

function decodeLdStReg(w: number, ops: Uint16Array, f: Int32Array, i: number, k: number): void {
  const rt = w & 31;
  const size = w >>> 30;
  const opc = (w >>> 22) & 3;
  let kind: number;
  let prfm = false;
  if (opc === 0) kind = LK_STORE;
  else if (opc === 1) kind = LK_LOAD;
  else if (opc === 2) {
    kind = LK_LOADS64;
    prfm = size === 3;
  } else {
    if (size >= 2) {
      undef(ops, f, i, 'unallocated');
      return;
    }
    kind = LK_LOADS32;
  }
  f[k + F_RD] = kind === LK_STORE ? rX(rt) : wX(rt);
  f[k + F_RN] = rSP((w >>> 5) & 31);
  f[k + F_A] = size | (kind << 2);
  if ((w >>> 24) & 1) {
    ops[i] = prfm ? OP_NOP : OP_LDST;
    f[k + F_IMM] = ((w >>> 10) & 0xfff) << size;
    f[k + F_B] = AM_OFFSET;
    f[k + F_R3] = issFor(size, kind, rt, false);
    return;
  }
  if (!((w >>> 21) & 1)) {
    const mode = (w >>> 10) & 3;
    if (prfm && mode !== 0) {
      undef(ops, f, i, 'unallocated');
      return;
    }
    ops[i] = prfm ? OP_NOP : OP_LDST;
    f[k + F_IMM] = sext((w >>> 12) & 0x1ff, 9);
    // mode 0 unscaled (LDUR), 1 post-index, 2 unprivileged (LDTR/STTR), 3 pre-index
    f[k + F_B] = mode === 1 ? AM_POST : mode === 3 ? AM_PRE : mode === 2 ? AM_UNPRIV : AM_OFFSET;
    // Writeback forms have ISV = 0: a hypervisor cannot emulate them from the syndrome.
    f[k + F_R3] = mode === 1 || mode === 3 ? 0 : issFor(size, kind, rt, false);
    return;
  }
  const sub = (w >>> 10) & 3;
  if (sub === 0) {
    undef(ops, f, i, 'lse-atomic');
    return;
  }
  if (sub !== 2) {
    undef(ops, f, i, 'pointer-auth');
    return;
  }
  const option = (w >>> 13) & 7;
  if (!(option & 2)) {
    undef(ops, f, i, 'unallocated');
    return;
  }
  ops[i] = prfm ? OP_NOP : OP_LDST_REG;
  f[k + F_RM] = rX((w >>> 16) & 31);
  f[k + F_B] = option | (((w >>> 12) & 1 ? size : 0) << 3);
  f[k + F_R3] = issFor(size, kind, rt, false);
}
