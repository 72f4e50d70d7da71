// Exact dyadic arithmetic (m * 2^e, m a BigInt) for the FPSR inexact and
// underflow flags of scalar FP results (exec-fp-scalar.ts): a rounded
// result is compared with the exact value of the operation. Only reached
// by FP arithmetic, never by the integer hot path.

import { FPSR_IXC, FPSR_OFC, FPSR_UFC, type FpRegs } from './fp-state.ts';

const B = new ArrayBuffer(8);
const bf64 = new Float64Array(B);
const bu32 = new Uint32Array(B);

/** x = m * 2^e with m a BigInt (x finite). */
export function dyadic(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  bf64[0] = x;
  const hi = bu32[1];
  const lo = bu32[0];
  const be = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xf_ffff) << 32n) | BigInt(lo);
  let e: number;
  if (be === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = be - 1075;
  }
  return [hi >>> 31 ? -m : m, e];
}
export function dyCmpAbs(a: [bigint, number], b: [bigint, number]): number {
  const e = Math.min(a[1], b[1]);
  let x = a[0] < 0n ? -a[0] : a[0];
  let y = b[0] < 0n ? -b[0] : b[0];
  x <<= BigInt(a[1] - e);
  y <<= BigInt(b[1] - e);
  return x === y ? 0 : x < y ? -1 : 1;
}
export function dyAdd(a: [bigint, number], b: [bigint, number]): [bigint, number] {
  const e = Math.min(a[1], b[1]);
  return [(a[0] << BigInt(a[1] - e)) + (b[0] << BigInt(b[1] - e)), e];
}
export function dyMul(a: [bigint, number], b: [bigint, number]): [bigint, number] {
  return [a[0] * b[0], a[1] + b[1]];
}
export const MIN_NORMAL_S = 2 ** -126;
export const MIN_NORMAL_D = 2 ** -1022;

/** Flags of a rounded result r of an exact value (finite operands): OFC/IXC/UFC. */
export function flagsFor(fr: FpRegs, exact: [bigint, number], r: number, dbl: boolean): void {
  if (!Number.isFinite(r)) {
    fr.fpsr |= FPSR_OFC | FPSR_IXC;
    return;
  }
  // An exact zero is exact whatever the sign of the zero the operation gives.
  const inexact = exact[0] === 0n ? r !== 0 : dyCmpAbs(exact, dyadic(r)) !== 0 || exact[0] < 0n !== r < 0;
  if (!inexact) return;
  fr.fpsr |= FPSR_IXC;
  if (dyCmpAbs(exact, dyadic(dbl ? MIN_NORMAL_D : MIN_NORMAL_S)) < 0) fr.fpsr |= FPSR_UFC;
}
