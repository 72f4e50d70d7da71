// The MMIO framework of the vgic (KVM's vgic-mmio.c): a distributor is a
// table of register regions (offset, length, bits per interrupt, allowed
// access widths, read and write handlers). Dispatch finds the region by
// binary search and checks the access the way KVM's check_region does: no
// region, a width the region does not allow, a misaligned address, or a
// per-interrupt register that covers INTIDs beyond the last implemented one
// -> reads as zero, writes ignored (RAZ/WI), never an abort to the guest.
// The same table drives save/restore (regions with `uwrite`), as in
// Firecracker's dist_regs.

import type { AccessSize, MmioDevice } from '../../hw/mmio.ts';
import { lowMask } from '../../sim/bits.ts';

/** Bit for each allowed access size in VgicRegion.widths (bit n = n-byte access). */
export const VGIC_ACCESS_8BIT = 1 << 1;
export const VGIC_ACCESS_32BIT = 1 << 4;

export const BITS_PER_BYTE = 8;
export const WORD_BYTES = 4;
export const BITS_PER_WORD = 32;

export interface VgicRegion {
  /** architectural name, e.g. GICD_ISENABLER */
  readonly name: string;
  readonly offset: number;
  /** bytes */
  readonly len: number;
  /** bits per interrupt for per-IRQ registers (INTID from the offset), 0 otherwise */
  readonly bitsPerIrq: number;
  /** VGIC_ACCESS_* bits */
  readonly widths: number;
  /** `offset` is the register's offset in the frame; `vcpu` is the accessing vcpu (banking) */
  read(vcpu: number, offset: number, size: AccessSize): number;
  write(vcpu: number, offset: number, size: AccessSize, value: number): void;
  /** save/restore: set the state a 32-bit read of `offset` returns, without side effects */
  readonly uwrite?: (vcpu: number, offset: number, value: number) => void;
  /** every word is banked per vcpu (not just the words of INTIDs 0-31) */
  readonly banked?: boolean;
}

/** First INTID a per-IRQ register offset covers (VGIC_ADDR_TO_INTID). */
export function intidOf(region: VgicRegion, offset: number): number {
  return ((offset - region.offset) * BITS_PER_BYTE) / region.bitsPerIrq;
}

/** Binary search of a table sorted by offset. */
export function findRegion(table: readonly VgicRegion[], offset: number): VgicRegion | null {
  let lo = 0;
  let hi = table.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = table[mid];
    if (offset < r.offset) hi = mid - 1;
    else if (offset >= r.offset + r.len) lo = mid + 1;
    else return r;
  }
  return null;
}

/** check_region: is this access to `region` emulated (else RAZ/WI)? */
export function accessAllowed(region: VgicRegion, offset: number, size: AccessSize, nrIrqs: number): boolean {
  if ((region.widths & (1 << size)) === 0) return false;
  if (offset % size !== 0 || offset + size > region.offset + region.len) return false;
  if (region.bitsPerIrq === 0) return true;
  const first = intidOf(region, offset);
  return first + (size * BITS_PER_BYTE) / region.bitsPerIrq <= nrIrqs;
}

/** A table-driven MMIO device (one per distributor frame). */
export class VgicMmioDevice implements MmioDevice {
  constructor(
    readonly table: readonly VgicRegion[],
    private readonly nrIrqs: () => number,
  ) {
    for (let i = 1; i < table.length; i++)
      if (table[i].offset < table[i - 1].offset + table[i - 1].len)
        throw new RangeError(`region ${table[i].name} overlaps ${table[i - 1].name}`);
  }

  read(offset: number, size: AccessSize, vcpu: number): number {
    const r = findRegion(this.table, offset);
    if (r === null || !accessAllowed(r, offset, size, this.nrIrqs())) return 0;
    return (r.read(vcpu, offset, size) & lowMask(size * BITS_PER_BYTE)) >>> 0;
  }

  write(offset: number, size: AccessSize, value: number, vcpu: number): void {
    const r = findRegion(this.table, offset);
    if (r === null || !accessAllowed(r, offset, size, this.nrIrqs())) return;
    r.write(vcpu, offset, size, (value & lowMask(size * BITS_PER_BYTE)) >>> 0);
  }
}
