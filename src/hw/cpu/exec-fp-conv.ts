// FP <-> integer conversion cores shared by the general-register forms
// (exec-fp-scalar.ts: FCVT*S/U Xd, SCVTF Dd, Xn) and the AdvSIMD scalar forms
// that keep the integer in a vector register (FCVTZS Dd, Dn; SCVTF Dd, Dn),
// which static glibc uses (busybox `sleep`). Arm ARM C7.2 (FPToFixed,
// FixedToFP): rounding per the instruction's mode, saturation with IOC,
// NaN -> 0 with IOC, IXC when inexact.

import { FPSR_IOC, FPSR_IXC, type FpRegs } from './fp-state.ts';

/** Round to an integral value: mode 0 nearest-even, 1 +inf, 2 -inf, 3 zero, 4 nearest-away. */
export function roundInt(v: number, mode: number): number {
  switch (mode) {
    case 0: {
      const f = Math.floor(v);
      const d = v - f;
      return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    }
    case 1:
      return Math.ceil(v);
    case 2:
      return Math.floor(v);
    case 3:
      return Math.trunc(v);
    default:
      return v < 0 ? -Math.round(-v) : Math.round(v);
  }
}

/** Round a BigInt to a Number with `bits` significand bits, nearest-even (no overflow for 64-bit inputs). */
export function bigToFloat(x: bigint, bits: number): number {
  const neg = x < 0n;
  let m = neg ? -x : x;
  const len = m.toString(2).length;
  if (len <= bits) return neg ? -Number(m) : Number(m);
  const drop = BigInt(len - bits);
  const rem = m & ((1n << drop) - 1n);
  const half = 1n << (drop - 1n);
  m >>= drop;
  if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  const r = Number(m) * 2 ** Number(drop);
  return neg ? -r : r;
}

/** FPToFixed with fbits = 0: the integer result (signed or unsigned, `bits` wide), flags into FPSR. */
export function fpToInt(
  fr: FpRegs,
  v: number,
  nan: boolean,
  mode: number,
  unsigned: boolean,
  bits: number,
): bigint {
  const max = unsigned ? 2n ** BigInt(bits) - 1n : 2n ** BigInt(bits - 1) - 1n;
  const min = unsigned ? 0n : -(2n ** BigInt(bits - 1));
  if (nan) {
    fr.fpsr |= FPSR_IOC;
    return 0n;
  }
  if (!Number.isFinite(v)) {
    fr.fpsr |= FPSR_IOC;
    return v > 0 ? max : min;
  }
  const ri = roundInt(v, mode);
  const bi = BigInt(ri);
  if (bi > max || bi < min) {
    fr.fpsr |= FPSR_IOC;
    return bi > max ? max : min;
  }
  if (ri !== v) fr.fpsr |= FPSR_IXC;
  return bi;
}

/** FixedToFP with fbits = 0: `x` (already signed or unsigned as the instruction says) rounded to single or double. */
export function intToFp(fr: FpRegs, x: bigint, dbl: boolean): number {
  const r = bigToFloat(x, dbl ? 53 : 24);
  if (BigInt(r) !== x) fr.fpsr |= FPSR_IXC;
  return r;
}

const bf64 = new Float64Array(1);
const bf32 = new Float32Array(bf64.buffer, 0, 1);
const bu32 = new Uint32Array(bf64.buffer);

/**
 * AdvSIMD scalar two-register miscellaneous, FP <-> integer in vector
 * registers: FCVT{N,M,A,P,Z}{S,U} Vd, Vn and SCVTF/UCVTF Vd, Vn, single
 * (sz = 0) or double (sz = 1). Returns 0, or -1 for other encodings.
 */
export function fpScalarConvSimd(fr: FpRegs, w: number): number {
  const u = (w >>> 29) & 1;
  const o2 = (w >>> 23) & 1;
  const dbl = ((w >>> 22) & 1) === 1;
  const opcode = (w >>> 12) & 31;
  const rn = (w >>> 5) & 31;
  const rd = w & 31;
  if (opcode === 0x1d && o2 === 0) {
    // SCVTF / UCVTF (scalar, integer in Vn)
    const lo = fr.u32[rn * 4];
    const hi = fr.u32[rn * 4 + 1];
    const x = dbl
      ? u
        ? (BigInt(hi) << 32n) | BigInt(lo)
        : BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo))
      : u
        ? BigInt(lo)
        : BigInt(lo | 0);
    const r = intToFp(fr, x, dbl);
    if (dbl) {
      bf64[0] = r;
      fr.setD(rd, bu32[0], bu32[1]);
    } else {
      bf32[0] = r;
      fr.setS(rd, bu32[0]);
    }
    return 0;
  }
  let mode: number;
  if (o2 === 0 && opcode === 0x1a)
    mode = 0; // FCVTN*
  else if (o2 === 0 && opcode === 0x1b)
    mode = 2; // FCVTM*
  else if (o2 === 0 && opcode === 0x1c)
    mode = 4; // FCVTA*
  else if (o2 === 1 && opcode === 0x1a)
    mode = 1; // FCVTP*
  else if (o2 === 1 && opcode === 0x1b)
    mode = 3; // FCVTZ*
  else return -1;
  let v: number;
  let nan: boolean;
  if (dbl) {
    const lo = fr.u32[rn * 4];
    const hi = fr.u32[rn * 4 + 1];
    v = fr.f64[rn * 2];
    nan = (hi & 0x7ff0_0000) === 0x7ff0_0000 && ((hi & 0xf_ffff) | lo) !== 0;
  } else {
    const lo = fr.u32[rn * 4];
    v = fr.f32[rn * 4];
    nan = (lo & 0x7f80_0000) === 0x7f80_0000 && (lo & 0x7f_ffff) !== 0;
  }
  const res = BigInt.asUintN(64, fpToInt(fr, v, nan, mode, u === 1, dbl ? 64 : 32));
  if (dbl) fr.setD(rd, Number(res & 0xffff_ffffn) >>> 0, Number(res >> 32n) >>> 0);
  else fr.setS(rd, Number(res & 0xffff_ffffn) >>> 0);
  return 0;
}
