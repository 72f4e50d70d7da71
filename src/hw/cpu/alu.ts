// 64-bit integer arithmetic on pairs of 32-bit halves, without BigInt on the
// hot path. A register value is (lo, hi) as int32s (the Int32Array halves
// the cpu keeps). Results go to the shared scratch `R`: R[0] = low half,
// R[1] = high half, and for flag-setting helpers R[2..5] = N, Z, C, V (0/1).
// The interpreter is single-threaded, so one scratch array serves all cpus.

export const R = new Int32Array(6);

const TWO32 = 4294967296;

/** (a + b + cin) with NZCV, 64-bit (Arm ARM AddWithCarry, J1 shared pseudocode). */
export function addc64(alo: number, ahi: number, blo: number, bhi: number, cin: number): void {
  const lo = (alo >>> 0) + (blo >>> 0) + cin;
  const c0 = lo > 0xffff_ffff ? 1 : 0;
  const hi = (ahi >>> 0) + (bhi >>> 0) + c0;
  const rlo = lo | 0;
  const rhi = hi | 0;
  R[0] = rlo;
  R[1] = rhi;
  R[2] = rhi >>> 31;
  R[3] = (rlo | rhi) === 0 ? 1 : 0;
  R[4] = hi > 0xffff_ffff ? 1 : 0;
  // Signed overflow: both operands have one sign and the result the other.
  R[5] = ((ahi ^ rhi) & (bhi ^ rhi)) >>> 31;
}

/** (a + b + cin) with NZCV, 32-bit; R[1] = 0. */
export function addc32(a: number, b: number, cin: number): void {
  const s = (a >>> 0) + (b >>> 0) + cin;
  const r = s | 0;
  R[0] = r;
  R[1] = 0;
  R[2] = r >>> 31;
  R[3] = r === 0 ? 1 : 0;
  R[4] = s > 0xffff_ffff ? 1 : 0;
  R[5] = ((a ^ r) & (b ^ r)) >>> 31;
}

/** Logical shift left by s (0..63). */
export function lsl64(lo: number, hi: number, s: number): void {
  if (s === 0) {
    R[0] = lo;
    R[1] = hi;
  } else if (s < 32) {
    R[1] = (hi << s) | (lo >>> (32 - s));
    R[0] = lo << s;
  } else {
    R[1] = lo << (s - 32);
    R[0] = 0;
  }
}

export function lsr64(lo: number, hi: number, s: number): void {
  if (s === 0) {
    R[0] = lo;
    R[1] = hi;
  } else if (s < 32) {
    R[0] = (lo >>> s) | (hi << (32 - s));
    R[1] = hi >>> s;
  } else {
    R[0] = hi >>> (s - 32);
    R[1] = 0;
  }
}

export function asr64(lo: number, hi: number, s: number): void {
  if (s === 0) {
    R[0] = lo;
    R[1] = hi;
  } else if (s < 32) {
    R[0] = (lo >>> s) | (hi << (32 - s));
    R[1] = hi >> s;
  } else {
    R[0] = hi >> (s - 32);
    R[1] = hi >> 31;
  }
}

export function ror64(lo: number, hi: number, s: number): void {
  if (s === 0) {
    R[0] = lo;
    R[1] = hi;
    return;
  }
  if (s >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    s -= 32;
    if (s === 0) {
      R[0] = lo;
      R[1] = hi;
      return;
    }
  }
  R[0] = (lo >>> s) | (hi << (32 - s));
  R[1] = (hi >>> s) | (lo << (32 - s));
}

/** Shift by type (0 LSL, 1 LSR, 2 ASR, 3 ROR), 64-bit, amount 0..63. */
export function shift64(lo: number, hi: number, type: number, s: number): void {
  switch (type) {
    case 0:
      lsl64(lo, hi, s);
      return;
    case 1:
      lsr64(lo, hi, s);
      return;
    case 2:
      asr64(lo, hi, s);
      return;
    default:
      ror64(lo, hi, s);
  }
}

/** Shift by type, 32-bit, amount 0..31; result in R[0], R[1] = 0. */
export function shift32(v: number, type: number, s: number): void {
  R[1] = 0;
  switch (type) {
    case 0:
      R[0] = v << s;
      return;
    case 1:
      R[0] = v >>> s;
      return;
    case 2:
      R[0] = v >> s;
      return;
    default:
      R[0] = s === 0 ? v : (v >>> s) | (v << (32 - s));
  }
}

/**
 * Extend register (option 0..7: UXTB UXTH UXTW UXTX SXTB SXTH SXTW SXTX),
 * then shift left by 0..4 (Arm ARM ExtendReg).
 */
export function extend64(lo: number, hi: number, option: number, s: number): void {
  switch (option) {
    case 0:
      lo &= 0xff;
      hi = 0;
      break;
    case 1:
      lo &= 0xffff;
      hi = 0;
      break;
    case 2:
      hi = 0;
      break;
    case 4:
      lo = (lo << 24) >> 24;
      hi = lo >> 31;
      break;
    case 5:
      lo = (lo << 16) >> 16;
      hi = lo >> 31;
      break;
    case 6:
      hi = lo >> 31;
      break;
    default:
      break;
  }
  lsl64(lo, hi, s);
}

/** High 32 bits of the unsigned 64-bit product of two unsigned 32-bit values. */
export function mulhu32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Low 64 bits of a * b. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  R[0] = Math.imul(alo, blo);
  R[1] = (mulhu32(alo >>> 0, blo >>> 0) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
}

/** High 64 bits of the unsigned 128-bit product a * b (UMULH). */
export function umulh64(alo: number, ahi: number, blo: number, bhi: number): void {
  const a0 = alo >>> 0;
  const a1 = ahi >>> 0;
  const b0 = blo >>> 0;
  const b1 = bhi >>> 0;
  const t = mulhu32(a0, b0) + (Math.imul(a0, b1) >>> 0) + (Math.imul(a1, b0) >>> 0);
  const u = mulhu32(a0, b1) + mulhu32(a1, b0) + Math.floor(t / TWO32) + (Math.imul(a1, b1) >>> 0);
  R[0] = u | 0;
  R[1] = (mulhu32(a1, b1) + Math.floor(u / TWO32)) | 0;
}

/** High 64 bits of the signed 128-bit product (SMULH): UMULH corrected for the signs. */
export function smulh64(alo: number, ahi: number, blo: number, bhi: number): void {
  umulh64(alo, ahi, blo, bhi);
  let lo = R[0];
  let hi = R[1];
  if (ahi < 0) {
    const s = (lo >>> 0) - (blo >>> 0);
    hi = (hi - bhi - (s < 0 ? 1 : 0)) | 0;
    lo = s | 0;
  }
  if (bhi < 0) {
    const s = (lo >>> 0) - (alo >>> 0);
    hi = (hi - ahi - (s < 0 ? 1 : 0)) | 0;
    lo = s | 0;
  }
  R[0] = lo;
  R[1] = hi;
}

/** 32 x 32 -> 64 product, signed or unsigned (SMULL/UMULL). */
export function mull32(a: number, b: number, signed: boolean): void {
  R[0] = Math.imul(a, b);
  let hi = mulhu32(a >>> 0, b >>> 0);
  if (signed) {
    if (a < 0) hi -= b >>> 0;
    if (b < 0) hi -= a >>> 0;
  }
  R[1] = hi | 0;
}

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
function fromBig(v: bigint): void {
  R[0] = Number(v & 0xffff_ffffn) | 0;
  R[1] = Number((v >> 32n) & 0xffff_ffffn) | 0;
}

/** UDIV 64-bit; division by zero gives 0 (Arm ARM C6.2 UDIV). BigInt only for operands >= 2^32. */
export function udiv64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (ahi === 0 && bhi === 0) {
    R[0] = blo === 0 ? 0 : Math.floor((alo >>> 0) / (blo >>> 0)) | 0;
    R[1] = 0;
    return;
  }
  if (blo === 0 && bhi === 0) {
    R[0] = 0;
    R[1] = 0;
    return;
  }
  fromBig(toBig(alo, ahi) / toBig(blo, bhi));
}

/** SDIV 64-bit: rounds toward zero; /0 gives 0; INT64_MIN / -1 = INT64_MIN (wraps). */
export function sdiv64(alo: number, ahi: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) {
    R[0] = 0;
    R[1] = 0;
    return;
  }
  if (ahi === alo >> 31 && bhi === blo >> 31 && !(alo === -0x8000_0000 && blo === -1)) {
    const q = Math.trunc(alo / blo);
    R[0] = q | 0;
    R[1] = q < 0 ? -1 : 0;
    return;
  }
  fromBig(BigInt.asIntN(64, BigInt.asIntN(64, toBig(alo, ahi)) / BigInt.asIntN(64, toBig(blo, bhi))));
}

export function udiv32(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

export function sdiv32(a: number, b: number): number {
  if (b === 0) return 0;
  if (a === -0x8000_0000 && b === -1) return a;
  return Math.trunc(a / b) | 0;
}

export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** Count leading sign bits (excluding the sign bit itself). */
export function cls64(lo: number, hi: number): number {
  const m = hi >> 31;
  return clz64(lo ^ m, hi ^ m) - 1;
}

export function rbit32(v: number): number {
  v = ((v >>> 1) & 0x5555_5555) | ((v & 0x5555_5555) << 1);
  v = ((v >>> 2) & 0x3333_3333) | ((v & 0x3333_3333) << 2);
  v = ((v >>> 4) & 0x0f0f_0f0f) | ((v & 0x0f0f_0f0f) << 4);
  v = ((v >>> 8) & 0x00ff_00ff) | ((v & 0x00ff_00ff) << 8);
  return (v >>> 16) | (v << 16);
}

export function rev32(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24) | 0;
}

export function rev16x2(v: number): number {
  return ((v >>> 8) & 0x00ff_00ff) | ((v & 0x00ff_00ff) << 8) | 0;
}
