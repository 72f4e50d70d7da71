// 64-bit unsigned arithmetic at register boundaries (CVAL, CNTVOFF, counter
// values). BigInt here is deliberate and off the hot path: these run when a
// register is accessed, not per instruction.

export const U64_MASK = (1n << 64n) - 1n;
export const TWO_POW_64 = 1n << 64n;

export function u64(v: bigint): bigint {
  // a value already in range (the common case) is returned as is: compares allocate nothing
  return v >= 0n && v <= U64_MASK ? v : v & U64_MASK;
}

/** (a - b) mod 2^64 */
export function sub64(a: bigint, b: bigint): bigint {
  return (a - b) & U64_MASK;
}

/** (a + b) mod 2^64 */
export function add64(a: bigint, b: bigint): bigint {
  return (a + b) & U64_MASK;
}

/** Low 32 bits interpreted as signed. */
export function toS32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** Sign-extend the low 32 bits of v to 64 bits (as an unsigned 64-bit value). */
export function signExtend32(v: bigint): bigint {
  return BigInt.asUintN(64, BigInt.asIntN(32, v));
}

/** Parse a 64-bit register value given as a Number (must be a safe integer) or BigInt; negatives wrap. */
export function toU64(v: number | bigint): bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not an exact integer: ${v}`);
    return BigInt.asUintN(64, BigInt(v));
  }
  return BigInt.asUintN(64, v);
}

export function hex64(v: bigint): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}
