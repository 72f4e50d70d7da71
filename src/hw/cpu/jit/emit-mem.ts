// JavaScript source for the loads and stores of a translated block: LDR/STR
// (immediate and register offset) and LDP/STP/LDPSW with the RAM fast path
// of mem-access.ts inline (ramOffset, from the VA's int32 halves:
// VA = PA with SCTLR_EL1.M = 0, or a
// data-TLB hit with the permission the access needs), naturally aligned
// accesses only (a pair: both halves in one page). Anything else (unaligned,
// a TLB miss, MMIO, SP alignment checking, LDTR/STTR) runs the interpreter's
// executor (execLdSt, execLdStReg, execLdStPair) on the unchanged state: the
// fast path decides before it changes anything, and changes registers in the
// executors' order (memory, then base writeback, then the loaded registers).

import { PAGE_TOUCHED } from '../../mem/guest-ram.ts';
import { AM_POST, AM_PRE, LK_LOADS32, LK_LOADS64, LK_STORE, SLOT_SP } from '../ops.ts';
import {
  F_LS_ACCESS,
  F_LS_BASE,
  F_LS_INDEX,
  F_LS_INDEX_EXTEND,
  F_LS_MODE,
  F_LS_OFFSET,
  F_LS_RT,
  F_LS_RT2,
  LS_INDEX_AMOUNT_LSB,
  LS_INDEX_OPTION_MASK,
  LS_KIND_LSB,
  LS_SIZE_MASK,
} from '../slots.ts';

const SP2 = SLOT_SP * 2;
/** Register-offset extend options (Arm ARM C6.2 LDR (register)): UXTW, LSL (UXTX), SXTW, SXTX. */
const EXT_UXTW = 2;
const EXT_SXTW = 6;

/** The VA's int32 halves `vl`, `vh`: register slot `rn` plus `imm` (0: the register itself). */
function vaHalves(rn: number, imm: number): string {
  if (imm === 0) return `const vl = x[${rn}]; const vh = x[${rn + 1}];`;
  return (
    `const vs = (x[${rn}] >>> 0) + ${imm}; const vl = vs | 0;` +
    ` const vh = (x[${rn + 1}] + (vs > 0xffffffff ? 1 : vs < 0 ? -1 : 0)) | 0;`
  );
}

/** The SP alignment check's condition for a fast path (SCTLR_EL1.SA/SA0 with SP as base). */
function spOk(rn: number): string {
  return rn === SP2 ? ` && !(c.spAlignCheck && (x[${SP2}] & 15) !== 0)` : '';
}

/** Base register writeback by the constant `imm` (|imm| < 2^32: a carry or borrow of one), or ''. */
function writeback(rn: number, imm: number, mode: number): string {
  if (mode !== AM_PRE && mode !== AM_POST) return '';
  return ` { const wl = (x[${rn}] >>> 0) + ${imm}; x[${rn}] = wl | 0; x[${rn + 1}] = (x[${rn + 1}] + (wl > 0xffffffff ? 1 : wl < 0 ? -1 : 0)) | 0; }`;
}

/** Read `size` bytes at RAM offset expression `off` into locals `${v}l` (and `${v}h` for 8). */
function loadCode(off: string, size: number, v: string): string {
  if (size === 8) return ` let ${v}l = I32[(${off}) >> 2]; const ${v}h = I32[((${off}) >> 2) + 1];`;
  if (size === 4) return ` let ${v}l = I32[(${off}) >> 2];`;
  if (size === 2) return ` let ${v}l = U16[(${off}) >> 1];`;
  return ` let ${v}l = U8[${off}];`;
}

/** Write the loaded locals `${v}l`/`${v}h` to register slot `rt`, extended per `kind` (writeLoaded). */
function writeLoadedCode(rt: number, size: number, kind: number, v: string): string {
  if (kind === LK_LOADS64 || kind === LK_LOADS32) {
    let s = '';
    if (size === 1) s += ` ${v}l = (${v}l << 24) >> 24;`;
    else if (size === 2) s += ` ${v}l = (${v}l << 16) >> 16;`;
    return `${s} x[${rt}] = ${v}l; x[${rt + 1}] = ${kind === LK_LOADS64 ? `${v}l >> 31` : '0'};`;
  }
  return ` x[${rt}] = ${v}l; x[${rt + 1}] = ${size === 8 ? `${v}h` : '0'};`;
}

/** Store register slot `rt`'s low `size` bytes at RAM offset expression `off`. */
function storeCode(off: string, size: number, lo: string, hi: string): string {
  if (size === 8) return ` I32[(${off}) >> 2] = ${lo}; I32[((${off}) >> 2) + 1] = ${hi};`;
  if (size === 4) return ` I32[(${off}) >> 2] = ${lo};`;
  if (size === 2) return ` U16[(${off}) >> 1] = ${lo};`;
  return ` U8[${off}] = ${lo};`;
}

/**
 * A single-register access of `size` bytes at the `va` local: the fast path
 * test, the RAM access, writeback `wb`, the loaded register; else `slow`.
 */
function single(
  size: number,
  kind: number,
  rt: number,
  extra: string,
  wb: string,
  slow: string,
  smcExit: string,
): string {
  const store = kind === LK_STORE;
  const aligned = size === 1 ? 'true' : `(vl & ${size - 1}) === 0`;
  let s = ` const off = ${aligned}${extra} ? H.ramOffset(c, vl, vh, ${size}, ${store ? 'c.permW' : 'c.permR'}) : -1;`;
  s += ' if (off >= 0) {';
  if (store) {
    s += ` const lo = x[${rt}];${size === 8 ? ` const hi = x[${rt + 1}];` : ''} const slowPage = PF[off >>> 12] !== ${PAGE_TOUCHED};`;
    s += ` if (slowPage) ram.noteStore(off, ${size});`;
    s += storeCode('off', size, 'lo', 'hi');
    s += wb;
    s += ` if (slowPage && cache.invalidations !== inv) { ${smcExit} }`;
  } else {
    s += loadCode('off', size, 'v');
    s += wb;
    s += writeLoadedCode(rt, size, kind, 'v');
  }
  return `${s} } else { ${slow} } }`;
}

/**
 * LDR/STR (immediate, unsigned offset / unscaled / pre- / post-index).
 * `slow` is the code for the executor call (it ends the statement or exits
 * the block); `smcExit` the block exit after a store that dropped decoded
 * code (self-modifying code: the rest of the block may be stale).
 */
export function emitLdSt(f: Int32Array, k: number, slow: string, smcExit: string): string {
  const rn = f[k + F_LS_BASE];
  const a = f[k + F_LS_ACCESS];
  const mode = f[k + F_LS_MODE];
  const imm = f[k + F_LS_OFFSET];
  const va = vaHalves(rn, mode === AM_POST ? 0 : imm);
  return `{ ${va}${single(1 << (a & LS_SIZE_MASK), a >>> LS_KIND_LSB, f[k + F_LS_RT], spOk(rn), writeback(rn, imm, mode), slow, smcExit)}`;
}

/**
 * LDR/STR (register offset): Rn + the extended and scaled Rm (execLdStReg's
 * address), then the same fast path; `slow` and `smcExit` as for emitLdSt.
 */
export function emitLdStReg(f: Int32Array, k: number, slow: string, smcExit: string): string {
  const rn = f[k + F_LS_BASE];
  const rm = f[k + F_LS_INDEX];
  const a = f[k + F_LS_ACCESS];
  const b = f[k + F_LS_INDEX_EXTEND];
  const option = b & LS_INDEX_OPTION_MASK;
  const sh = b >>> LS_INDEX_AMOUNT_LSB;
  // The offset's halves (ol, oh): Rm extended per option, then shifted left by sh (0..3).
  let ext = `const ml = x[${rm}]; const mh = `;
  if (option === EXT_UXTW) ext += '0;';
  else if (option === EXT_SXTW) ext += 'ml >> 31;';
  else ext += `x[${rm + 1}];`;
  const ol = sh === 0 ? 'ml' : `(ml << ${sh})`;
  const oh = sh === 0 ? 'mh' : `((mh << ${sh}) | (ml >>> ${32 - sh}))`;
  const va =
    `${ext} const al = (x[${rn}] >>> 0) + (${ol} >>> 0); const vl = al | 0;` +
    ` const vh = (x[${rn + 1}] + ${oh} + (al > 0xffffffff ? 1 : 0)) | 0;`;
  return `{ ${va}${single(1 << (a & LS_SIZE_MASK), a >>> LS_KIND_LSB, f[k + F_LS_RT], spOk(rn), '', slow, smcExit)}`;
}

/**
 * LDP/STP/LDPSW (offset, pre-, post-index): both halves aligned and in one
 * page, one TLB test for the pair (execLdStPair's fast path, pairFast).
 */
export function emitLdStPair(f: Int32Array, k: number, slow: string, smcExit: string): string {
  const rn = f[k + F_LS_BASE];
  const rt = f[k + F_LS_RT];
  const rt2 = f[k + F_LS_RT2];
  const a = f[k + F_LS_ACCESS];
  const size = 1 << (a & LS_SIZE_MASK);
  const kind = a >>> LS_KIND_LSB;
  const mode = f[k + F_LS_MODE];
  const imm = f[k + F_LS_OFFSET];
  const store = kind === LK_STORE;
  const va = vaHalves(rn, mode === AM_POST ? 0 : imm);
  let s = `{ ${va} const off = (vl & ${size - 1}) === 0 && (vl & 4095) <= ${4096 - 2 * size}${spOk(rn)}`;
  s += ` ? H.ramOffset(c, vl, vh, ${2 * size}, ${store ? 'c.permW' : 'c.permR'}) : -1; if (off >= 0) {`;
  if (store) {
    s += ` const l1 = x[${rt}]; const h1 = x[${rt + 1}]; const l2 = x[${rt2}]; const h2 = x[${rt2 + 1}];`;
    s += ` const slowPage = PF[off >>> 12] !== ${PAGE_TOUCHED}; if (slowPage) ram.noteStore(off, ${2 * size});`;
    s += storeCode('off', size, 'l1', 'h1');
    s += storeCode(`off + ${size}`, size, 'l2', 'h2');
    s += writeback(rn, imm, mode);
    s += ` if (slowPage && cache.invalidations !== inv) { ${smcExit} }`;
  } else {
    s += loadCode('off', size, 'p');
    s += loadCode(`off + ${size}`, size, 'q');
    s += writeback(rn, imm, mode);
    s += writeLoadedCode(rt, size, kind, 'p');
    s += writeLoadedCode(rt2, size, kind, 'q');
  }
  return `${s} } else { ${slow} } }`;
}
