// Register access of Arm PrimeCell peripherals (PL011 TRM DDI 0183, PL031 TRM
// DDI 0224): registers are words; QEMU's virt devices, and so ours, accept a
// narrower read as a word read of the register (its side effects included)
// narrowed to the bytes asked for, and a write of any width at a word-aligned
// offset as a word write of the zero-extended value (other offsets ignored).
// A 64-bit access is treated as a word access.

import { lowMask } from '../../sim/bits.ts';
import type { AccessSize } from '../mmio.ts';
import { type MmioTable, WORD_BYTES } from '../mmio/region.ts';

export function primecellRead(frame: MmioTable, offset: number, size: AccessSize, cpu: number): number {
  const lane = offset & 3;
  const word = frame.read(offset - lane, WORD_BYTES, cpu);
  const bytes = size === 8 ? 4 : size;
  return ((word >>> (lane * 8)) & lowMask(bytes * 8)) >>> 0;
}

export function primecellWrite(
  frame: MmioTable,
  offset: number,
  size: AccessSize,
  value: number,
  cpu: number,
): void {
  if ((offset & 3) !== 0) return;
  const bytes = size === 8 ? 4 : size;
  frame.write(offset, WORD_BYTES, (value & lowMask(bytes * 8)) >>> 0, cpu);
}
