// The register side of loads and stores (exec-mem.ts): a loaded value into its register, sized and extended
// (LDRB/LDRH/LDR/LDRSB/LDRSH/LDRSW), base register writeback and the SP alignment check, shared with
// the FP/SIMD forms (exec-fp-mem.ts).

import { R } from './alu.ts';
import type { CpuCore } from './cpu-state.ts';
import { loadRam } from './mem-access.ts';
import { EC_SP_ALIGN, takeSync } from './exceptions.ts';
import { LK_LOAD, LK_LOADS32, LK_LOADS64, SLOT_SP } from './ops.ts';
import { LS_KIND_LSB, LS_SIZE_MASK } from './slots.ts';

/** F_LS_ACCESS values (size log2 | kind << LS_KIND_LSB) of the loads loadInto() does itself. */
const LD_B = 0 | (LK_LOAD << LS_KIND_LSB);
const LD_H = 1 | (LK_LOAD << LS_KIND_LSB);
const LD_W = 2 | (LK_LOAD << LS_KIND_LSB);
const LD_X = 3 | (LK_LOAD << LS_KIND_LSB);
const LD_SW = 2 | (LK_LOADS64 << LS_KIND_LSB);

/** Write a loaded value (R[0], R[1], zero-extended from `size` bytes) to slot `rt`, extended per `kind`. */
export function writeLoaded(
  x: Int32Array,
  rt: number,
  size: number,
  kind: number,
  lo: number,
  hi: number,
): void {
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

/**
 * An aligned RAM load at offset `off` straight into slot `rt`, sized and
 * extended per `a` (F_LS_ACCESS): loadRam + writeLoaded without the trip
 * through R for the common loads.
 */
export function loadInto(x: Int32Array, rt: number, ram: CpuCore['ram'], off: number, a: number): void {
  switch (a) {
    case LD_X: {
      const i = off >> 2;
      x[rt] = ram.i32[i];
      x[rt + 1] = ram.i32[i + 1];
      return;
    }
    case LD_W:
      x[rt] = ram.i32[off >> 2];
      x[rt + 1] = 0;
      return;
    case LD_SW: {
      const v = ram.i32[off >> 2];
      x[rt] = v;
      x[rt + 1] = v >> 31;
      return;
    }
    case LD_H:
      x[rt] = ram.u16[off >> 1];
      x[rt + 1] = 0;
      return;
    case LD_B:
      x[rt] = ram.u8[off];
      x[rt + 1] = 0;
      return;
    default: {
      const size = 1 << (a & LS_SIZE_MASK);
      loadRam(ram, off, size);
      writeLoaded(x, rt, size, a >>> LS_KIND_LSB, R[0], R[1]);
    }
  }
}

/** Base register + signed small offset (|off| < 2^32: a carry or borrow of one), into the base register. */
export function writeback(x: Int32Array, rn: number, off: number): void {
  const lo = (x[rn] >>> 0) + off;
  x[rn] = lo | 0;
  x[rn + 1] = (x[rn + 1] + (lo > 0xffff_ffff ? 1 : lo < 0 ? -1 : 0)) | 0;
}

const SP2 = SLOT_SP * 2;

/** An access based on SP with SP alignment checking on (SCTLR_ELx.SA) and SP not 16-byte aligned: the SP alignment fault taken. */
export function spMisaligned(c: CpuCore, rn: number): boolean {
  if (rn === SP2 && c.spAlignCheck && (c.x[SP2] & 15) !== 0) {
    takeSync(c, EC_SP_ALIGN, 0);
    return true;
  }
  return false;
}
