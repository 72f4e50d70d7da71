// Execution of multiply and divide: MADD/MSUB, the widening multiply-
// accumulates, SMULH/UMULH, SDIV/UDIV. All retire;
// none can fault (division by zero yields 0). Split from exec-alu.ts.

import { addc64, mulhu32, mull32, R, sdiv32, sdiv64, smulh64, udiv32, udiv64, umulh64 } from './alu.ts';
import type { CpuCore } from './cpu-state.ts';
import { F_RD, F_RM, F_RN } from './ops.ts';
import { DIV_SF, DIV_SIGNED, F_MUL_BITS, F_MUL_RA, MADD_SF, MUL_SUB, MULL_SIGNED } from './slots.ts';

/** Xd = Xa + (R[1]:R[0]), or Xa - it (the product's complement plus one). */
function accumulate(x: Int32Array, d: number, ra: number, subtract: boolean): void {
  if (subtract) addc64(x[ra], x[ra + 1], ~R[0], ~R[1], 1);
  else addc64(x[ra], x[ra + 1], R[0], R[1], 0);
  x[d] = R[0];
  x[d + 1] = R[1];
}

/** MADD/MSUB: Ra +/- Rn * Rm. */
export function execMadd(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + F_MUL_BITS];
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  const ra = f[k + F_MUL_RA];
  const d = f[k + F_RD];
  if (a & MADD_SF) {
    // The low 64 bits of the product, then Xa +/- it (no flags: the carry only).
    const nlo = x[n];
    const mlo = x[m];
    const plo = Math.imul(nlo, mlo);
    const phi = mulhu32(nlo >>> 0, mlo >>> 0) + Math.imul(nlo, x[m + 1]) + Math.imul(x[n + 1], mlo);
    if (a & MUL_SUB) {
      const lo = (x[ra] >>> 0) - (plo >>> 0);
      x[d + 1] = (x[ra + 1] - phi - (lo < 0 ? 1 : 0)) | 0;
      x[d] = lo | 0;
    } else {
      const lo = (x[ra] >>> 0) + (plo >>> 0);
      x[d + 1] = (x[ra + 1] + phi + (lo > 0xffff_ffff ? 1 : 0)) | 0;
      x[d] = lo | 0;
    }
  } else {
    const p = Math.imul(x[n], x[m]);
    x[d] = a & MUL_SUB ? (x[ra] - p) | 0 : (x[ra] + p) | 0;
    x[d + 1] = 0;
  }
}

/** SMADDL/SMSUBL/UMADDL/UMSUBL: Xa +/- Wn * Wm (64-bit product). */
export function execMull(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + F_MUL_BITS];
  const ra = f[k + F_MUL_RA];
  mull32(x[f[k + F_RN]], x[f[k + F_RM]], (a & MULL_SIGNED) !== 0);
  accumulate(x, f[k + F_RD], ra, (a & MUL_SUB) !== 0);
}

export function execMulh(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  // F_MUL_BITS is MULH_SIGNED or 0.
  if (f[k + F_MUL_BITS]) smulh64(x[n], x[n + 1], x[m], x[m + 1]);
  else umulh64(x[n], x[n + 1], x[m], x[m + 1]);
  const d = f[k + F_RD];
  x[d] = R[0];
  x[d + 1] = R[1];
}

export function execDiv(c: CpuCore, f: Int32Array, k: number): void {
  const x = c.x;
  const a = f[k + F_MUL_BITS];
  const n = f[k + F_RN];
  const m = f[k + F_RM];
  const d = f[k + F_RD];
  if (a & DIV_SF) {
    if (a & DIV_SIGNED) sdiv64(x[n], x[n + 1], x[m], x[m + 1]);
    else udiv64(x[n], x[n + 1], x[m], x[m + 1]);
    x[d] = R[0];
    x[d + 1] = R[1];
  } else {
    x[d] = a & DIV_SIGNED ? sdiv32(x[n], x[m]) : udiv32(x[n], x[m]);
    x[d + 1] = 0;
  }
}
