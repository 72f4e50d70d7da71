// Register field helpers. A field is (lsb, width) within a 32-bit value; all
// results are unsigned 32-bit Numbers. Use these instead of inline masks.

export interface Field {
  readonly lsb: number;
  readonly width: number;
}

export function field(lsb: number, width: number): Field {
  if (lsb < 0 || width < 1 || lsb + width > 32) throw new RangeError(`bad field ${lsb}+${width}`);
  return { lsb, width };
}

export function bit(lsb: number): Field {
  return field(lsb, 1);
}

/** Mask of `width` low bits, unsigned. */
export function lowMask(width: number): number {
  return width >= 32 ? 0xffff_ffff : ((1 << width) - 1) >>> 0;
}

export function fieldMask(f: Field): number {
  return (lowMask(f.width) << f.lsb) >>> 0;
}

export function getField(value: number, f: Field): number {
  return ((value >>> f.lsb) & lowMask(f.width)) >>> 0;
}

export function setField(value: number, f: Field, v: number): number {
  const m = fieldMask(f);
  return ((value & ~m) | ((v << f.lsb) & m)) >>> 0;
}

export function testBit(value: number, n: number): boolean {
  return ((value >>> n) & 1) === 1;
}

export function hex(v: number | bigint, digits = 0): string {
  return `0x${v.toString(16).padStart(digits, '0')}`;
}
