// Data accesses: RAM fast path, stage-1 translation (mmu/), alignment, MMIO
// through the GuestPort, and the faults (Arm ARM D8 for alignment and
// external aborts). Loads leave the value, zero-extended, in R[0] (low) and
// R[1]. With SCTLR_EL1.M = 0 (identityMap) nothing below touches the MMU.

import { PAGE_TOUCHED } from '../mem/guest-ram.ts';
import { R } from './alu.ts';
import { type CpuCore, PA_LIMIT } from './cpu-state.ts';
import { FSC_ADDRESS_SIZE_L0, FSC_ALIGNMENT, FSC_SYNC_EXTERNAL, takeDataAbort } from './exceptions.ts';
import { MMIO_BUS_FAULT, MMIO_EXIT } from './guest-port.ts';
import { PERM_DEVICE } from './mmu/tlb.ts';

/** The access completed (RAM or a read-only result). */
export const MEM_OK = 0;
/** An exception was taken. */
export const MEM_FAULT = 1;
/** The port asked for an exit; cpu.mmio describes the access. */
export const MEM_EXIT = 2;
/** A port call completed in place: the instruction retires, then the block ends. */
export const MEM_PORT = 3;

/** An aligned load of `size` bytes at RAM offset `off` into R (both translation paths share it). */
export function loadRam(ram: CpuCore['ram'], off: number, size: number): number {
  switch (size) {
    case 8:
      R[0] = ram.i32[off >> 2];
      R[1] = ram.i32[(off >> 2) + 1];
      return MEM_OK;
    case 4:
      R[0] = ram.i32[off >> 2];
      break;
    case 2:
      R[0] = ram.u16[off >> 1];
      break;
    default:
      R[0] = ram.u8[off];
  }
  R[1] = 0;
  return MEM_OK;
}

/** An aligned store of `size` bytes at RAM offset `off` (the page's slow-path flags checked first). */
export function storeRam(ram: CpuCore['ram'], off: number, size: number, lo: number, hi: number): number {
  if (ram.pageFlags[off >>> 12] !== PAGE_TOUCHED) ram.noteStore(off, size);
  switch (size) {
    case 8:
      ram.i32[off >> 2] = lo;
      ram.i32[(off >> 2) + 1] = hi;
      return MEM_OK;
    case 4:
      ram.i32[off >> 2] = lo;
      return MEM_OK;
    case 2:
      ram.u16[off >> 1] = lo;
      return MEM_OK;
    default:
      ram.u8[off] = lo;
      return MEM_OK;
  }
}

/**
 * The RAM offset of a naturally aligned access of `size` bytes at the VA
 * whose int32 halves are `lo` and `hi`, needing TLB permission `need`
 * (cpu.permR / permW), or -1 for the slow path: VA = PA with SCTLR_EL1.M =
 * 0, else a data-TLB hit with that permission (Mmu.translate's hit path,
 * from the TLB's int32 tags: no double arithmetic; lastPerm is left alone:
 * only translateData's callers read it, right after their own translate);
 * RAM only. It changes nothing, so a caller that gets -1 runs the full
 * access on the unchanged state. With the MMU on the access must lie within
 * its 4 KiB page (aligned, a pair checked by the caller); with it off a VA
 * with a non-zero high half takes the slow path (the boards' RAM lies below
 * 4 GiB). The executors' and translated blocks' fast path.
 */
export function ramOffset(c: CpuCore, lo: number, hi: number, size: number, need: number): number {
  if (!c.identityMap) {
    const m = c.mmu;
    const t = m.dtlb;
    const i = (lo >>> 12) & t.mask;
    if (t.tagLo[i] !== (lo & ~4095) || t.tagHi[i] !== hi) return -1;
    const as = t.asid[i];
    if ((as >= 0 && as !== m.asid) || (t.perm[i] & need) === 0) return -1;
    const ro = t.ramOff[i];
    return ro < 0 ? -1 : ro + (lo & 4095);
  }
  if (hi !== 0) return -1;
  const ram = c.ram;
  const off = (lo >>> 0) - ram.base;
  return off >= 0 && off <= ram.size - size ? off : -1;
}

export function memRead(c: CpuCore, va: number, size: number, iss: number): number {
  if (!c.identityMap) return readMmu(c, va, size, iss);
  const ram = c.ram;
  const pa = va;
  const off = pa - ram.base;
  if ((va & (size - 1)) === 0) {
    if (off >= 0 && off <= ram.size - size) {
      return loadRam(ram, off, size);
    }
  } else if (c.strictAlign) {
    takeDataAbort(c, va, false, FSC_ALIGNMENT);
    return MEM_FAULT;
  }
  return readSlow(c, va, pa, size, iss);
}

function readSlow(c: CpuCore, va: number, pa: number, size: number, iss: number): number {
  const ram = c.ram;
  const off = pa - ram.base;
  if (off >= 0 && off <= ram.size - size) {
    // Unaligned access to Normal memory: byte by byte, little-endian.
    let lo = 0;
    let hi = 0;
    for (let b = 0; b < size; b++) {
      const v = ram.u8[off + b];
      if (b < 4) lo |= v << (8 * b);
      else hi |= v << (8 * (b - 4));
    }
    R[0] = lo;
    R[1] = hi;
    return MEM_OK;
  }
  if (!(pa >= 0 && pa < PA_LIMIT)) {
    takeDataAbort(c, va, false, FSC_ADDRESS_SIZE_L0);
    return MEM_FAULT;
  }
  if (c.replay) {
    c.replay = false;
    R[0] = c.replayLo;
    R[1] = size === 8 ? c.replayHi : 0;
    return MEM_OK;
  }
  R[1] = 0;
  if (size === 8) {
    const lo = c.port.mmioRead(c, pa, 4);
    if (lo === MMIO_EXIT) return mmioExit(c, va, pa, size, false, iss, 0, 0);
    if (lo < 0) return busFault(c, va, false);
    const hi = c.port.mmioRead(c, pa + 4, 4);
    if (hi === MMIO_EXIT) return mmioExit(c, va, pa, size, false, iss, 0, 0);
    if (hi < 0) return busFault(c, va, false);
    R[0] = lo | 0;
    R[1] = hi | 0;
    return MEM_PORT;
  }
  const v = c.port.mmioRead(c, pa, size as 1 | 2 | 4);
  if (v === MMIO_EXIT) return mmioExit(c, va, pa, size, false, iss, 0, 0);
  if (v === MMIO_BUS_FAULT || v < 0) return busFault(c, va, false);
  R[0] = v | 0;
  return MEM_PORT;
}

export function memWrite(c: CpuCore, va: number, size: number, lo: number, hi: number, iss: number): number {
  if (!c.identityMap) return writeMmu(c, va, size, lo, hi, iss);
  const ram = c.ram;
  const pa = va;
  const off = pa - ram.base;
  if ((va & (size - 1)) === 0) {
    if (off >= 0 && off <= ram.size - size) {
      return storeRam(ram, off, size, lo, hi);
    }
  } else if (c.strictAlign) {
    takeDataAbort(c, va, true, FSC_ALIGNMENT);
    return MEM_FAULT;
  }
  return writeSlow(c, va, pa, size, lo, hi, iss);
}

function writeSlow(
  c: CpuCore,
  va: number,
  pa: number,
  size: number,
  lo: number,
  hi: number,
  iss: number,
): number {
  const ram = c.ram;
  const off = pa - ram.base;
  if (off >= 0 && off <= ram.size - size) {
    ram.noteStore(off, size);
    for (let b = 0; b < size; b++) ram.u8[off + b] = b < 4 ? lo >>> (8 * b) : hi >>> (8 * (b - 4));
    return MEM_OK;
  }
  if (!(pa >= 0 && pa < PA_LIMIT)) {
    takeDataAbort(c, va, true, FSC_ADDRESS_SIZE_L0);
    return MEM_FAULT;
  }
  if (c.replay) {
    c.replay = false;
    return MEM_OK;
  }
  if (size === 8) {
    let r = c.port.mmioWrite(c, pa, 4, lo >>> 0);
    if (r === MMIO_EXIT) return mmioExit(c, va, pa, size, true, iss, lo, hi);
    if (r < 0) return busFault(c, va, true);
    r = c.port.mmioWrite(c, pa + 4, 4, hi >>> 0);
    if (r === MMIO_EXIT) return mmioExit(c, va, pa, size, true, iss, lo, hi);
    if (r < 0) return busFault(c, va, true);
    return MEM_PORT;
  }
  const mask = size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
  const r = c.port.mmioWrite(c, pa, size as 1 | 2 | 4, (lo & mask) >>> 0);
  if (r === MMIO_EXIT) return mmioExit(c, va, pa, size, true, iss, lo & mask, 0);
  if (r < 0) return busFault(c, va, true);
  return MEM_PORT;
}

/**
 * Translate a data access with the MMU on: the PA, or -1 after taking the
 * fault. Order (Arm ARM D8.14.1 prioritization, AArch64.CheckAlignment):
 * an Alignment fault from SCTLR.A comes before translation faults; one from
 * Device memory (known only after translation) comes after them.
 */
export function translateData(c: CpuCore, va: number, size: number, write: boolean): number {
  const unaligned = (va & (size - 1)) !== 0;
  if (unaligned && c.strictAlign) {
    takeDataAbort(c, va, write, FSC_ALIGNMENT);
    return -1;
  }
  const m = c.mmu;
  const pa = m.translate(m.dtlb, va, write ? c.permW : c.permR);
  if (pa < 0) {
    takeDataAbort(c, va, write, m.fsc);
    return -1;
  }
  if (unaligned && (m.lastPerm & PERM_DEVICE) !== 0) {
    takeDataAbort(c, va, write, FSC_ALIGNMENT);
    return -1;
  }
  return pa;
}

function readMmu(c: CpuCore, va: number, size: number, iss: number): number {
  const pa = translateData(c, va, size, false);
  if (pa < 0) return MEM_FAULT;
  const ram = c.ram;
  const off = pa - ram.base;
  if ((va & (size - 1)) === 0) {
    if (off >= 0 && off <= ram.size - size) {
      return loadRam(ram, off, size);
    }
  } else if ((va & 4095) + size > 4096) return crossRead(c, va, pa, size);
  return readSlow(c, va, pa, size, iss);
}

function writeMmu(c: CpuCore, va: number, size: number, lo: number, hi: number, iss: number): number {
  const pa = translateData(c, va, size, true);
  if (pa < 0) return MEM_FAULT;
  const ram = c.ram;
  const off = pa - ram.base;
  if ((va & (size - 1)) === 0) {
    if (off >= 0 && off <= ram.size - size) {
      return storeRam(ram, off, size, lo, hi);
    }
  } else if ((va & 4095) + size > 4096) return crossWrite(c, va, pa, size, lo, hi);
  return writeSlow(c, va, pa, size, lo, hi, iss);
}

/**
 * RAM offsets of the two parts of an unaligned access that crosses a page:
 * the second page is translated on its own (a fault there reports its first
 * byte in FAR). Both parts must be RAM: an unaligned access across pages to
 * MMIO is a synchronous external abort (deterministic choice).
 */
function crossOffsets(c: CpuCore, va: number, pa: number, size: number, write: boolean): boolean {
  const next = va - (va & 4095) + 4096;
  const pa2 = translateData(c, next, 1, write);
  if (pa2 < 0) return false;
  const ram = c.ram;
  const first = next - va;
  const o1 = pa - ram.base;
  const o2 = pa2 - ram.base;
  if (!(o1 >= 0 && o1 + first <= ram.size && o2 >= 0 && o2 + size - first <= ram.size)) {
    takeDataAbort(c, va, write, FSC_SYNC_EXTERNAL);
    return false;
  }
  CROSS[0] = o1;
  CROSS[1] = o2;
  CROSS[2] = first;
  return true;
}
const CROSS = new Float64Array(3);

function crossRead(c: CpuCore, va: number, pa: number, size: number): number {
  if (!crossOffsets(c, va, pa, size, false)) return MEM_FAULT;
  const u8 = c.ram.u8;
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < size; b++) {
    const v = u8[b < CROSS[2] ? CROSS[0] + b : CROSS[1] + b - CROSS[2]];
    if (b < 4) lo |= v << (8 * b);
    else hi |= v << (8 * (b - 4));
  }
  R[0] = lo;
  R[1] = hi;
  return MEM_OK;
}

function crossWrite(c: CpuCore, va: number, pa: number, size: number, lo: number, hi: number): number {
  if (!crossOffsets(c, va, pa, size, true)) return MEM_FAULT;
  const ram = c.ram;
  const first = CROSS[2];
  ram.noteStore(CROSS[0], first);
  ram.noteStore(CROSS[1], size - first);
  for (let b = 0; b < size; b++)
    ram.u8[b < first ? CROSS[0] + b : CROSS[1] + b - first] = b < 4 ? lo >>> (8 * b) : hi >>> (8 * (b - 4));
  return MEM_OK;
}

function busFault(c: CpuCore, va: number, write: boolean): number {
  takeDataAbort(c, va, write, FSC_SYNC_EXTERNAL);
  return MEM_FAULT;
}

/** Record the access as ESR_EL2's data-abort ISS would (ISV SAS SSE SRT SF AR WnR). */
function mmioExit(
  c: CpuCore,
  va: number,
  pa: number,
  size: number,
  write: boolean,
  iss: number,
  lo: number,
  hi: number,
): number {
  const m = c.mmio;
  m.va = va;
  const isv = ((iss >>> 24) & 1) === 1;
  m.pa = pa;
  m.size = size;
  m.write = write;
  m.isv = isv;
  m.sas = isv ? (iss >>> 22) & 3 : 31 - Math.clz32(size);
  m.sse = isv && ((iss >>> 21) & 1) === 1;
  m.srt = (iss >>> 16) & 31;
  m.sf = ((iss >>> 15) & 1) === 1;
  m.ar = ((iss >>> 14) & 1) === 1;
  m.valueLo = lo >>> 0;
  m.valueHi = hi >>> 0;
  m.iss = (isv ? iss & 0x1ff_c000 : 0) | (write ? 1 << 6 : 0);
  c.pendingExit = 1;
  c.stopReason = 'mmio-exit';
  return MEM_EXIT;
}
