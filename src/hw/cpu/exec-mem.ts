// Execution of loads and stores (Arm ARM C6.2 LDR/STR/LDP/STP/LDXR/...).
// Order inside an instruction: all memory accesses first, then base
// writeback, then the loaded registers; so an access that faults or exits
// changes no register, and where Rt == Rn with writeback (CONSTRAINED
// UNPREDICTABLE, Arm ARM K1.2) the loaded value wins and a store stores the
// register's old value.

import { extend64, R } from './alu.ts';
import type { CpuCore } from './cpu-state.ts';
import { PERM_EL0_SHIFT, PERM_R, PERM_W } from './mmu/tlb.ts';
import { EC_SP_ALIGN, FSC_ALIGNMENT, takeDataAbort, takeSync } from './exceptions.ts';
import {
  loadRam,
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
  F_A,
  F_B,
  F_IMM,
  F_R3,
  F_RD,
  F_RM,
  F_RN,
  LK_LOADS32,
  LK_LOAD,
  LK_LOADS64,
  LK_STORE,
  LX_EXCL,
  LX_LOAD,
  LX_PAIR,
  SLOT_SP,
  ST_FAULT,
  ST_RETIRE,
  ST_STOP,
} from './ops.ts';

const TWO32 = 4294967296;
const SP2 = SLOT_SP * 2;

/** Status for a retired instruction whose access went through the port. */
function portDone(c: CpuCore): number {
  c.stopReason = c.stopRequested ? 'stopped' : 'port';
  return ST_RETIRE | ST_STOP;
}

function spMisaligned(c: CpuCore, rn: number): boolean {
  if (rn === SP2 && c.spAlignCheck && (c.x[SP2] & 15) !== 0) {
    takeSync(c, EC_SP_ALIGN, 0);
    return true;
  }
  return false;
}

/** Write a loaded value (R[0], R[1], zero-extended from `size` bytes) to slot `rt`, extended per `kind`. */
function writeLoaded(x: Int32Array, rt: number, size: number, kind: number, lo: number, hi: number): void {
  if (kind === LK_LOADS64 || kind === LK_LOADS32) {
    if (size === 1) lo = (lo << 24) >> 24;
    else if (size === 2) lo = (lo << 16) >> 16;
    x[rt] = lo;
    x[rt + 1] = kind === LK_LOADS64 ? lo >> 31 : 0;
    return;
  }
  x[rt] = lo;
  x[rt + 1] = size === 8 ? hi : 0;
}

/** Base register + signed small offset, into the base register (exact 64-bit halves). */
function writeback(x: Int32Array, rn: number, off: number): void {
  const lo = (x[rn] >>> 0) + off;
  x[rn] = lo | 0;
  x[rn + 1] = (x[rn + 1] + Math.floor(lo / TWO32)) | 0;
}

/** The memory part of a single-register access: Rt stored, or loaded into R[0], R[1]. */
function access(c: CpuCore, f: Int32Array, k: number, va: number, size: number, kind: number): number {
  if (kind !== LK_STORE) return memRead(c, va, size, f[k + F_R3]);
  const x = c.x;
  const rt = f[k + F_RD];
  return memWrite(c, va, size, x[rt], x[rt + 1], f[k + F_R3]);
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
  const rn = f[k + F_RN];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_A];
  const size = 1 << (a & 3);
  const kind = a >>> 2;
  const mode = f[k + F_B];
  const imm = f[k + F_IMM];
  const base = x[rn + 1] * TWO32 + (x[rn] >>> 0);
  const va = mode === AM_POST ? base : base + imm;
  if (mode !== AM_UNPRIV && (va & (size - 1)) === 0) {
    // Fast path: aligned, in RAM, VA = PA or a data-TLB hit (decided before anything changes).
    const off = ramOffset(c, va, size, kind === LK_STORE ? c.permW : c.permR);
    if (off >= 0) {
      const rt = f[k + F_RD];
      if (kind === LK_STORE) storeRam(c.ram, off, size, x[rt], x[rt + 1]);
      else loadRam(c.ram, off, size);
      if (mode !== AM_OFFSET) writeback(x, rn, imm);
      if (kind !== LK_STORE) writeLoaded(x, rt, size, kind, R[0], R[1]);
      return ST_RETIRE;
    }
  }
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
  return finish(c, r, f[k + F_RD], size, kind, mode === AM_PRE || mode === AM_POST ? rn : -1, imm);
}

/** LDR/STR (register offset, extended and optionally scaled). */
export function execLdStReg(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rn = f[k + F_RN];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_A];
  const size = 1 << (a & 3);
  const kind = a >>> 2;
  const rm = f[k + F_RM];
  const b = f[k + F_B];
  extend64(x[rm], x[rm + 1], b & 7, b >>> 3);
  const lo = (x[rn] >>> 0) + (R[0] >>> 0);
  const hi = (x[rn + 1] + R[1] + (lo > 0xffff_ffff ? 1 : 0)) | 0;
  const va = hi * TWO32 + (lo >>> 0);
  if ((va & (size - 1)) === 0) {
    const off = ramOffset(c, va, size, kind === LK_STORE ? c.permW : c.permR);
    if (off >= 0) {
      const rt = f[k + F_RD];
      if (kind === LK_STORE) storeRam(c.ram, off, size, x[rt], x[rt + 1]);
      else {
        loadRam(c.ram, off, size);
        writeLoaded(x, rt, size, kind, R[0], R[1]);
      }
      return ST_RETIRE;
    }
  }
  return finish(c, access(c, f, k, va, size, kind), f[k + F_RD], size, kind, -1, 0);
}

/** LDR (literal) / LDRSW (literal). */
export function execLdrLit(c: CpuCore, f: Int32Array, k: number): number {
  const a = f[k + F_A];
  const size = 1 << (a & 3);
  const kind = a >>> 2;
  // Literal loads are never LK_STORE: finish() always writes the register.
  return finish(c, memRead(c, c.pc + f[k + F_IMM], size, f[k + F_R3]), f[k + F_RD], size, kind, -1, 0);
}

/** LDP/STP/LDPSW (offset, pre-, post-index; LDNP/STNP as offset). ISV = 0 for an exit. */
export function execLdStPair(c: CpuCore, f: Int32Array, k: number): number {
  const x = c.x;
  const rn = f[k + F_RN];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_A];
  const size = 1 << (a & 3);
  const kind = a >>> 2;
  const mode = f[k + F_B];
  const imm = f[k + F_IMM];
  const base = x[rn + 1] * TWO32 + (x[rn] >>> 0);
  const va = mode === AM_POST ? base : base + imm;
  const rt = f[k + F_RD];
  const rt2 = f[k + F_R3];
  if ((va & (size - 1)) === 0 && (va & 4095) <= 4096 - 2 * size) {
    // Fast path: both halves aligned in one page, in RAM, VA = PA or a data-TLB hit.
    const off = ramOffset(c, va, 2 * size, kind === LK_STORE ? c.permW : c.permR);
    if (off >= 0) return pairFast(c, off, size, kind, mode, rn, imm, rt, rt2);
  }
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
  size: number,
  kind: number,
  mode: number,
  rn: number,
  imm: number,
  rt: number,
  rt2: number,
): number {
  const x = c.x;
  const ram = c.ram;
  if (kind === LK_STORE) {
    const lo2 = x[rt2];
    const hi2 = x[rt2 + 1];
    storeRam(ram, off, size, x[rt], x[rt + 1]);
    storeRam(ram, off + size, size, lo2, hi2);
    if (mode === AM_PRE || mode === AM_POST) writeback(x, rn, imm);
    return ST_RETIRE;
  }
  loadRam(ram, off, size);
  const lo1 = R[0];
  const hi1 = R[1];
  loadRam(ram, off + size, size);
  if (mode === AM_PRE || mode === AM_POST) writeback(x, rn, imm);
  const lo2 = R[0];
  const hi2 = R[1];
  writeLoaded(x, rt, size, kind, lo1, hi1);
  writeLoaded(x, rt2, size, kind, lo2, hi2);
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
  const rn = f[k + F_RN];
  if (spMisaligned(c, rn)) return ST_FAULT;
  const a = f[k + F_A];
  const size = 1 << (a & 3);
  const pair = (a & LX_PAIR) !== 0;
  const total = pair ? 2 * size : size;
  const load = (a & LX_LOAD) !== 0;
  const excl = (a & LX_EXCL) !== 0;
  const va = x[rn + 1] * TWO32 + (x[rn] >>> 0);
  if ((va & (total - 1)) !== 0) {
    takeDataAbort(c, va, !load, FSC_ALIGNMENT);
    return ST_FAULT;
  }
  const rt = f[k + F_RD];
  const rt2 = f[k + F_R3];
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
    !excl && !pair ? (1 << 24) | ((a & 3) << 22) | (srt << 16) | (size === 8 ? 1 << 15 : 0) | (1 << 14) : 0;
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
  const rs = f[k + F_RM];
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
