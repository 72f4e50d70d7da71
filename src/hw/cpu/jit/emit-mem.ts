// JavaScript source for LDR/STR (immediate) in a translated block: the
// RAM fast path of mem-access.ts (ramOffset: VA = PA with SCTLR_EL1.M = 0, or a
// data-TLB hit with the permission the access needs), naturally aligned
// accesses only. Anything else (unaligned, a TLB miss, MMIO, SP alignment
// checking, LDTR/STTR) runs the interpreter's executor, execLdSt, on the
// unchanged state: the fast path decides before it changes anything.

import { PAGE_TOUCHED } from '../../mem/guest-ram.ts';
import {
  AM_POST,
  AM_PRE,
  F_A,
  F_B,
  F_IMM,
  F_RD,
  F_RN,
  LK_LOADS32,
  LK_LOADS64,
  LK_STORE,
  SLOT_SP,
} from '../ops.ts';

const SP2 = SLOT_SP * 2;

/**
 * LDR/STR (immediate, unsigned offset / unscaled / pre- / post-index).
 * `slow` is the code for the executor call (it ends the statement or exits
 * the block); `smcExit` the block exit after a store that dropped decoded
 * code (self-modifying code: the rest of the block may be stale).
 */
export function emitLdSt(f: Int32Array, k: number, slow: string, smcExit: string): string {
  const rn = f[k + F_RN];
  const rt = f[k + F_RD];
  const a = f[k + F_A];
  const size = 1 << (a & 3);
  const kind = a >>> 2;
  const mode = f[k + F_B];
  const imm = f[k + F_IMM];
  const store = kind === LK_STORE;
  const base = `x[${rn + 1}] * 4294967296 + (x[${rn}] >>> 0)`;
  const va = mode === AM_POST || imm === 0 ? base : `${base} + ${imm}`;
  const spOk = rn === SP2 ? ' && !(c.spAlignCheck && (x[66] & 15) !== 0)' : '';
  const aligned = size === 1 ? 'true' : `(va & ${size - 1}) === 0`;
  let s = `{ const va = ${va}; const off = ${aligned}${spOk} ? H.ramOffset(c, va, ${size}, ${store ? 'c.permW' : 'c.permR'}) : -1;`;
  s += ' if (off >= 0) {';
  const wb =
    mode === AM_PRE || mode === AM_POST
      ? ` { const wl = (x[${rn}] >>> 0) + ${imm}; x[${rn}] = wl | 0; x[${rn + 1}] = (x[${rn + 1}] + Math.floor(wl / 4294967296)) | 0; }`
      : '';
  if (store) {
    s += ` const lo = x[${rt}];${size === 8 ? ` const hi = x[${rt + 1}];` : ''} const slowPage = PF[off >>> 12] !== ${PAGE_TOUCHED};`;
    s += ` if (slowPage) ram.noteStore(off, ${size});`;
    if (size === 8) s += ' I32[off >> 2] = lo; I32[(off >> 2) + 1] = hi;';
    else if (size === 4) s += ' I32[off >> 2] = lo;';
    else if (size === 2) s += ' U16[off >> 1] = lo;';
    else s += ' U8[off] = lo;';
    s += wb;
    s += ` if (slowPage && cache.invalidations !== inv) { ${smcExit} }`;
  } else {
    let lo: string;
    if (size === 8) lo = 'I32[off >> 2]';
    else if (size === 4) lo = 'I32[off >> 2]';
    else if (size === 2) lo = 'U16[off >> 1]';
    else lo = 'U8[off]';
    s += ` let lo = ${lo};`;
    if (size === 8) s += ' const hi = I32[(off >> 2) + 1];';
    s += wb;
    if (kind === LK_LOADS64 || kind === LK_LOADS32) {
      if (size === 1) s += ' lo = (lo << 24) >> 24;';
      else if (size === 2) s += ' lo = (lo << 16) >> 16;';
      s += ` x[${rt}] = lo; x[${rt + 1}] = ${kind === LK_LOADS64 ? 'lo >> 31' : '0'};`;
    } else s += ` x[${rt}] = lo; x[${rt + 1}] = ${size === 8 ? 'hi' : '0'};`;
  }
  s += ` } else { ${slow} } }`;
  return s;
}
