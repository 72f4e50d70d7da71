// Execution of loads and stores (Arm ARM C6.2 LDR/STR/LDP/STP/LDXR/...).
// Order inside an instruction: all memory accesses first, then base
// writeback, then the loaded registers; so an access that faults or exits
// changes no register, and where Rt == Rn with writeback (CONSTRAINED
// UNPREDICTABLE, Arm ARM K1.2) the loaded value wins and a store stores the
// register's old value.

import type { CpuCore } from './cpu-state.ts';
import { PERM_EL0_SHIFT, PERM_R, PERM_W } from './mmu/tlb.ts';
import { FSC_ALIGNMENT, takeDataAbort } from './exceptions.ts';
import { R } from './alu.ts';
import { loadInto, spMisaligned, writeback, writeLoaded } from './exec-mem-regs.ts';
import {
  MEM_EXIT,
  MEM_FAULT,
  MEM_PORT,
  memRead,
  memWrite,
  ramOffset,
  storeRam,
  translateData,
} from './mem-access.ts';
import {
  AM_OFFSET,
  AM_POST,
  AM_PRE,
  AM_UNPRIV,
  LK_LOAD,
  LK_STORE,
  LX_EXCL,
  LX_LOAD,
  LX_PAIR,
  ST_FAULT,
  ST_RETIRE,
  ST_STOP,
} from './ops.ts';
import {
  F_LDX_RS,
  F_LS_ACCESS,
  F_LS_BASE,
  F_LS_INDEX,
  F_LS_INDEX_EXTEND,
  F_LS_ISS,
  F_LS_MODE,
  F_LS_OFFSET,
  F_LS_RT,
  F_LS_RT2,
  LS_INDEX_AMOUNT_LSB,
  LS_INDEX_OPTION_MASK,
  LS_KIND_LSB,
  LS_SIZE_MASK,
} from './slots.ts';

const TWO32 = 4294967296;
/** Register-offset extend options (Arm ARM C6.2 LDR (register)): UXTW, SXTW; LSL/SXTX take Rm whole. */
const EXT_UXTW = 2;
const EXT_SXTW = 6;

/** Status for a retired instruction whose access went through the port. */
function portDone(c: CpuCore): number {
  c.stopReason = c.stopRequested ? 'stopped' : 'port';
  return ST_RETIRE | ST_STOP;
}

/** The memory part of a single-register access: Rt stored, or loaded into R[0], R[1]. */
function access(c: CpuCore, f: Int32Array, k: number, va: number, size: number, kind: number): number {
  if (kind !== LK_STORE) return memRead(c, va, size, f[k + F_LS_ISS]);
  const x = c.x;
  const rt = f[k + F_LS_RT];
  return memWrite(c, va, size, x[rt], x[rt + 1], f[k + F_LS_ISS]);
}

/**
 * Finish a single-register access after the memory part: writeback of
 * `wbRn` (-1: none) by `wbOff`, then the loaded register.
 */
function finish(
  c: CpuCore,
  r: number,
  rt: number,
  size: number,
  kind: number,
  wbRn: number,
  wbOff: number,
): number {
  if (r === MEM_FAULT) return ST_FAULT;
  if (r === MEM_EXIT) return ST_STOP;
  const x = c.x;
  const lo = R[0];
  const hi = R[1];
  if (wbRn >= 0) writeback(x, wbRn, wbOff);
  if (kind !== LK_STORE) writeLoaded(x, rt, size, kind, lo, hi);
  return r === MEM_PORT ? portDone(c) : ST_RETIRE;
}

/** LDR/STR (immediate: unsigned offset, unscaled, pre- and post-index). */
export function execLdSt(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rn = f[k + F_LS_BASE];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_LS_ACCESS];
  const size = 1 << (a & LS_SIZE_MASK);
  const kind = a >>> LS_KIND_LSB;
  const mode = f[k + F_LS_MODE];
  const imm = f[k + F_LS_OFFSET];
  // The VA's int32 halves (post-index: the base itself).
  let lo = x[rn];
  let hi = x[rn + 1];
  if (mode !== AM_POST) {
    const s = (lo >>> 0) + imm;
    lo = s | 0;
    hi = (hi + (s > 0xffff_ffff ? 1 : s < 0 ? -1 : 0)) | 0;
  }
  if (mode !== AM_UNPRIV && (lo & (size - 1)) === 0) {
    // Fast path: aligned, in RAM, VA = PA or a data-TLB hit (decided before anything changes).
    const off = ramOffset(c, lo, hi, size, kind === LK_STORE ? c.permW : c.permR);
    if (off >= 0) {
      const rt = f[k + F_LS_RT];
      if (kind === LK_STORE) {
        storeRam(c.ram, off, size, x[rt], x[rt + 1]);
        if (mode !== AM_OFFSET) writeback(x, rn, imm);
      } else {
        // Writeback first: the load reads memory only, and its register wins over the base (Rt == Rn).
        if (mode !== AM_OFFSET) writeback(x, rn, imm);
        loadInto(x, rt, c.ram, off, a);
      }
      return ST_RETIRE;
    }
  }
  const base = x[rn + 1] * TWO32 + (x[rn] >>> 0);
  const va = mode === AM_POST ? base : base + imm;
  // LDTR/STTR at EL1: the access is checked as if made at EL0 (the permission
  // masks the TLB lookup uses are EL0's for this one access).
  const unpriv = mode === AM_UNPRIV && c.el === 1;
  const savedR = c.permR;
  const savedW = c.permW;
  if (unpriv) {
    c.permR = PERM_R << PERM_EL0_SHIFT;
    c.permW = PERM_W << PERM_EL0_SHIFT;
  }
  const r = access(c, f, k, va, size, kind);
  if (unpriv) {
    c.permR = savedR;
    c.permW = savedW;
  }
  return finish(c, r, f[k + F_LS_RT], size, kind, mode === AM_PRE || mode === AM_POST ? rn : -1, imm);
}

/** LDR/STR (register offset, extended and optionally scaled). */
export function execLdStReg(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rn = f[k + F_LS_BASE];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_LS_ACCESS];
  const size = 1 << (a & LS_SIZE_MASK);
  const kind = a >>> LS_KIND_LSB;
  const rm = f[k + F_LS_INDEX];
  const b = f[k + F_LS_INDEX_EXTEND];
  // Rm extended (the decoder keeps options UXTW, LSL, SXTW, SXTX) and shifted left by 0..3.
  const option = b & LS_INDEX_OPTION_MASK;
  const sh = b >>> LS_INDEX_AMOUNT_LSB;
  const ml = x[rm];
  const mh = option === EXT_UXTW ? 0 : option === EXT_SXTW ? ml >> 31 : x[rm + 1];
  const sum = (x[rn] >>> 0) + ((ml << sh) >>> 0);
  const lo = sum | 0;
  const hi =
    (x[rn + 1] + (sh === 0 ? mh : (mh << sh) | (ml >>> (32 - sh))) + (sum > 0xffff_ffff ? 1 : 0)) | 0;
  if ((lo & (size - 1)) === 0) {
    const off = ramOffset(c, lo, hi, size, kind === LK_STORE ? c.permW : c.permR);
    if (off >= 0) {
      const rt = f[k + F_LS_RT];
      if (kind === LK_STORE) storeRam(c.ram, off, size, x[rt], x[rt + 1]);
      else loadInto(x, rt, c.ram, off, a);
      return ST_RETIRE;
    }
  }
  const va = hi * TWO32 + (lo >>> 0);
  return finish(c, access(c, f, k, va, size, kind), f[k + F_LS_RT], size, kind, -1, 0);
}

/** LDR (literal) / LDRSW (literal). */
export function execLdrLit(c: CpuCore, f: Int32Array, k: number): number {
  const a = f[k + F_LS_ACCESS];
  const size = 1 << (a & LS_SIZE_MASK);
  const kind = a >>> LS_KIND_LSB;
  // Literal loads are never LK_STORE: finish() always writes the register.
  return finish(
    c,
    memRead(c, c.pc + f[k + F_LS_OFFSET], size, f[k + F_LS_ISS]),
    f[k + F_LS_RT],
    size,
    kind,
    -1,
    0,
  );
}

/** LDP/STP/LDPSW (offset, pre-, post-index; LDNP/STNP as offset). ISV = 0 for an exit. */
export function execLdStPair(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rn = f[k + F_LS_BASE];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_LS_ACCESS];
  const size = 1 << (a & LS_SIZE_MASK);
  const kind = a >>> LS_KIND_LSB;
  const mode = f[k + F_LS_MODE];
  const imm = f[k + F_LS_OFFSET];
  const rt = f[k + F_LS_RT];
  const rt2 = f[k + F_LS_RT2];
  // The VA's int32 halves (post-index: the base itself).
  let lo = x[rn];
  let hi = x[rn + 1];
  if (mode !== AM_POST) {
    const s = (lo >>> 0) + imm;
    lo = s | 0;
    hi = (hi + (s > 0xffff_ffff ? 1 : s < 0 ? -1 : 0)) | 0;
  }
  if ((lo & (size - 1)) === 0 && (lo & 4095) <= 4096 - 2 * size) {
    // Fast path: both halves aligned in one page, in RAM, VA = PA or a data-TLB hit.
    const off = ramOffset(c, lo, hi, 2 * size, kind === LK_STORE ? c.permW : c.permR);
    if (off >= 0) return pairFast(c, off, a, mode, rn, imm, rt, rt2);
  }
  const base = x[rn + 1] * TWO32 + (x[rn] >>> 0);
  const va = mode === AM_POST ? base : base + imm;
  let port = false;
  let lo1 = 0;
  let hi1 = 0;
  if (kind === LK_STORE) {
    const lo2 = x[rt2];
    const hi2 = x[rt2 + 1];
    let r = memWrite(c, va, size, x[rt], x[rt + 1], 0);
    if (r === MEM_FAULT) return ST_FAULT;
    if (r === MEM_EXIT) return ST_STOP;
    port = r === MEM_PORT;
    r = memWrite(c, va + size, size, lo2, hi2, 0);
    if (r === MEM_FAULT) return ST_FAULT;
    if (r === MEM_EXIT) return ST_STOP;
    port ||= r === MEM_PORT;
  } else {
    let r = memRead(c, va, size, 0);
    if (r === MEM_FAULT) return ST_FAULT;
    if (r === MEM_EXIT) return ST_STOP;
    port = r === MEM_PORT;
    lo1 = R[0];
    hi1 = R[1];
    r = memRead(c, va + size, size, 0);
    if (r === MEM_FAULT) return ST_FAULT;
    if (r === MEM_EXIT) return ST_STOP;
    port ||= r === MEM_PORT;
  }
  if (mode === AM_PRE || mode === AM_POST) writeback(x, rn, imm);
  if (kind !== LK_STORE) {
    const lo2 = R[0];
    const hi2 = R[1];
    writeLoaded(x, rt, size, kind, lo1, hi1);
    writeLoaded(x, rt2, size, kind, lo2, hi2);
  }
  return port ? portDone(c) : ST_RETIRE;
}

/** LDP/STP's RAM fast path at RAM offset `off` (translated and checked): the same order as the full path. */
function pairFast(
  c: CpuCore,
  off: number,
  a: number,
  mode: number,
  rn: number,
  imm: number,
  rt: number,
  rt2: number,
): number {
  const x = c.x;
  const ram = c.ram;
  const size = 1 << (a & LS_SIZE_MASK);
  if (a >>> LS_KIND_LSB === LK_STORE) {
    const lo2 = x[rt2];
    const hi2 = x[rt2 + 1];
    storeRam(ram, off, size, x[rt], x[rt + 1]);
    storeRam(ram, off + size, size, lo2, hi2);
    if (mode === AM_PRE || mode === AM_POST) writeback(x, rn, imm);
    return ST_RETIRE;
  }
  // Writeback first: the loads read memory only, and the loaded registers win over the base.
  if (mode === AM_PRE || mode === AM_POST) writeback(x, rn, imm);
  loadInto(x, rt, ram, off, a);
  loadInto(x, rt2, ram, off + size, a);
  return ST_RETIRE;
}

/**
 * LDXR/STXR/LDAXR/STLXR, the pair forms, LDAR/STLR. These require natural
 * alignment of the whole access whatever the memory type (Arm ARM B2.5.2:
 * Alignment fault). The exclusive monitor is the RAM's global one; an
 * exclusive access outside RAM sets no reservation, so a store-exclusive
 * there always fails (deterministic choice for a CONSTRAINED UNPREDICTABLE case).
 */
export function execLdx(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rn = f[k + F_LS_BASE];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_LS_ACCESS];
  const size = 1 << (a & LS_SIZE_MASK);
  const pair = (a & LX_PAIR) !== 0;
  const total = pair ? 2 * size : size;
  const load = (a & LX_LOAD) !== 0;
  const excl = (a & LX_EXCL) !== 0;
  const va = x[rn + 1] * TWO32 + (x[rn] >>> 0);
  if ((va & (total - 1)) !== 0) {
    takeDataAbort(c, va, !load, FSC_ALIGNMENT);
    return ST_FAULT;
  }
  const rt = f[k + F_LS_RT];
  const rt2 = f[k + F_LS_RT2];
  const ram = c.ram;
  let pa = va;
  if (!c.identityMap) {
    pa = translateData(c, va, total, !load);
    if (pa < 0) return ST_FAULT;
  }
  const off = pa - ram.base;
  const inRam = off >= 0 && off <= ram.size - total;
  // Acquire/release single-register accesses keep ISV = 1 with AR set; exclusives report ISV = 0.
  const srt = Math.min(rt >> 1, 31);
  const iss =
    !excl && !pair
      ? (1 << 24) | ((a & LS_SIZE_MASK) << 22) | (srt << 16) | (size === 8 ? 1 << 15 : 0) | (1 << 14)
      : 0;
  let port = false;
  if (load) {
    let r = memRead(c, va, size, iss);
    if (r === MEM_FAULT) return ST_FAULT;
    if (r === MEM_EXIT) return ST_STOP;
    port = r === MEM_PORT;
    const lo1 = R[0];
    const hi1 = R[1];
    if (pair) {
      r = memRead(c, va + size, size, 0);
      if (r === MEM_FAULT) return ST_FAULT;
      if (r === MEM_EXIT) return ST_STOP;
      port ||= r === MEM_PORT;
    }
    if (excl && inRam) ram.reserve(c.index, off);
    writeLoaded(x, rt, size, LK_LOAD, lo1, hi1);
    if (pair) writeLoaded(x, rt2, size, LK_LOAD, R[0], R[1]);
    return port ? portDone(c) : ST_RETIRE;
  }
  const rs = f[k + F_LDX_RS];
  if (excl) {
    const held = inRam && ram.excl[c.index] === off - (off % 64);
    ram.excl[c.index] = -1;
    if (!held) {
      x[rs] = 1;
      x[rs + 1] = 0;
      return ST_RETIRE;
    }
  }
  const lo2 = x[rt2];
  const hi2 = x[rt2 + 1];
  let r = memWrite(c, va, size, x[rt], x[rt + 1], iss);
  if (r === MEM_FAULT) return ST_FAULT;
  if (r === MEM_EXIT) return ST_STOP;
  port = r === MEM_PORT;
  if (pair) {
    r = memWrite(c, va + size, size, lo2, hi2, 0);
    if (r === MEM_FAULT) return ST_FAULT;
    if (r === MEM_EXIT) return ST_STOP;
    port ||= r === MEM_PORT;
  }
  if (excl) {
    x[rs] = 0;
    x[rs + 1] = 0;
  }
  return port ? portDone(c) : ST_RETIRE;
}
