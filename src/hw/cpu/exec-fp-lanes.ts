// Lane access and the temporary register shared by the AdvSIMD handlers
// (exec-fp-simd*.ts): results are built in T, then committed to Rd with
// bits 64..127 cleared for 64-bit (Q = 0) forms.

import type { FpRegs } from './fp-state.ts';

export const T = new ArrayBuffer(64);
export const t8 = new Uint8Array(T);
export const t16 = new Uint16Array(T);
export const t32 = new Uint32Array(T);
export const t64 = new BigUint64Array(T);
export const M64 = 0xffff_ffff_ffff_ffffn;

export function lane(v: FpRegs, r: number, esize: number, i: number): number {
  switch (esize) {
    case 8:
      return v.u8[r * 16 + i];
    case 16:
      return v.u16[r * 8 + i];
    default:
      return v.u32[r * 4 + i];
  }
}
export function setT(esize: number, i: number, x: number): void {
  if (esize === 8) t8[i] = x;
  else if (esize === 16) t16[i] = x;
  else t32[i] = x;
}
export function sx(x: number, esize: number): number {
  const s = 32 - esize;
  return (x << s) >> s;
}
/** Rd = the temporary's low 16 (q) or 8 bytes (the rest cleared). */
export function commit(v: FpRegs, rd: number, q: number): void {
  const b = rd * 4;
  v.u32[b] = t32[0];
  v.u32[b + 1] = t32[1];
  v.u32[b + 2] = q ? t32[2] : 0;
  v.u32[b + 3] = q ? t32[3] : 0;
}
export const sx64 = (x: bigint): bigint => BigInt.asIntN(64, x);

export function f3(w: number): [q: number, u: number, size: number, rm: number, rn: number, rd: number] {
  return [(w >>> 30) & 1, (w >>> 29) & 1, (w >>> 22) & 3, (w >>> 16) & 31, (w >>> 5) & 31, w & 31];
}
