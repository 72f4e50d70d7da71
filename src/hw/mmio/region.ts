// The MMIO register-table framework (the shape of Linux's vgic-mmio.c): a
// frame is a table of register regions (offset, length, bits per interrupt
// or a fixed size, allowed access widths, named read and write handlers,
// optional userspace accessors for save/restore). Dispatch finds the region
// by binary search and checks the access the way KVM's check_region does: no
// region, a width the region does not allow, a misaligned address, an access
// crossing the region's end, or (when the table has an interrupt limit) a
// per-interrupt register word that covers INTIDs beyond the last implemented
// one -> reads as zero, writes ignored (RAZ/WI), never an abort. The same
// table serves the physical GIC frames, the PL011 and the vgic's GICD
// emulation, and save/restore walks it (Firecracker's dist_regs).

import type { AccessSize, MmioDevice } from '../mmio.ts';
import { lowMask } from '../../sim/bits.ts';

/** Bit for each allowed access size in MmioRegion.widths (bit n = n-byte access). */
export const ACCESS_8 = 1 << 1;
export const ACCESS_16 = 1 << 2;
export const ACCESS_32 = 1 << 4;

export const BITS_PER_BYTE = 8;
export const WORD_BYTES = 4;
export const BITS_PER_WORD = 32;

export interface MmioRegion {
  /** architectural name, e.g. GICD_ISENABLER */
  readonly name: string;
  /** offset of the region's first byte in the frame */
  readonly offset: number;
  /** bytes */
  readonly len: number;
  /** bits per interrupt for per-IRQ registers (INTID from the offset), 0 for fixed registers */
  readonly bitsPerIrq: number;
  /** ACCESS_* bits */
  readonly widths: number;
  /** `offset` is the accessed offset in the frame; `cpu` the accessing cpu (or vcpu: banking) */
  read(cpu: number, offset: number, size: AccessSize): number;
  write(cpu: number, offset: number, size: AccessSize, value: number): void;
  /** save: a 32-bit read of `offset` without side effects (default: `read`) */
  readonly uread?: (cpu: number, offset: number) => number;
  /** restore: set the state a 32-bit read of `offset` returns, without side effects */
  readonly uwrite?: (cpu: number, offset: number, value: number) => void;
  /** every word is banked per cpu (not just the words of INTIDs 0-31) */
  readonly banked?: boolean;
}

/** First INTID a per-IRQ register offset covers (VGIC_ADDR_TO_INTID). */
export function intidOf(region: MmioRegion, offset: number): number {
  return ((offset - region.offset) * BITS_PER_BYTE) / region.bitsPerIrq;
}

/** Binary search of a table sorted by offset. */
export function findRegion(table: readonly MmioRegion[], offset: number): MmioRegion | null {
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

/**
 * check_region: is this access to `region` emulated (else RAZ/WI)? `nrIrqs`
 * bounds per-IRQ registers (Infinity: no bound, the handlers decide per INTID).
 */
export function accessAllowed(region: MmioRegion, offset: number, size: AccessSize, nrIrqs: number): boolean {
  if ((region.widths & (1 << size)) === 0) return false;
  if (offset % size !== 0 || offset + size > region.offset + region.len) return false;
  if (region.bitsPerIrq === 0) return true;
  return intidOf(region, offset) + (size * BITS_PER_BYTE) / region.bitsPerIrq <= nrIrqs;
}

/** The side-effect-free 32-bit read of a region word (save/restore). */
export function uread(region: MmioRegion, cpu: number, offset: number): number {
  return region.uread !== undefined ? region.uread(cpu, offset) : region.read(cpu, offset, WORD_BYTES);
}

export interface MmioTableOptions {
  /**
   * Per-IRQ register words covering INTIDs at or beyond this count are
   * RAZ/WI as a whole (KVM's check_region). Absent: no bound.
   */
  readonly nrIrqs?: () => number;
  /** Accesses from a cpu number at or beyond this are RAZ/WI. Absent: any cpu. */
  readonly cpus?: number;
}

/** A table-driven MMIO frame. */
export class MmioTable implements MmioDevice {
  private readonly nrIrqs: () => number;
  private readonly bounded: boolean;
  private readonly cpus: number;
  /**
   * Region index by word offset (-1: none), when every region is word
   * aligned: the hypervisor's per-exit GICH accesses skip the binary search.
   */
  private readonly byWord: Int16Array | null;

  constructor(
    readonly table: readonly MmioRegion[],
    opts: MmioTableOptions = {},
  ) {
    for (let i = 1; i < table.length; i++)
      if (table[i].offset < table[i - 1].offset + table[i - 1].len)
        throw new RangeError(`region ${table[i].name} overlaps ${table[i - 1].name}`);
    this.nrIrqs = opts.nrIrqs ?? (() => Number.POSITIVE_INFINITY);
    this.bounded = opts.nrIrqs !== undefined;
    this.cpus = opts.cpus ?? Number.POSITIVE_INFINITY;
    this.byWord = wordIndex(table);
  }

  /** The region named `name` (save/restore), or undefined. */
  region(name: string): MmioRegion | undefined {
    return this.table.find((r) => r.name === name);
  }

  read(offset: number, size: AccessSize, cpu: number): number {
    const r = this.check(offset, size, cpu);
    if (r === null) return 0;
    return (r.read(cpu, offset, size) & lowMask(size * BITS_PER_BYTE)) >>> 0;
  }

  write(offset: number, size: AccessSize, value: number, cpu: number): void {
    const r = this.check(offset, size, cpu);
    if (r !== null) r.write(cpu, offset, size, (value & lowMask(size * BITS_PER_BYTE)) >>> 0);
  }

  private check(offset: number, size: AccessSize, cpu: number): MmioRegion | null {
    if (cpu < 0 || cpu >= this.cpus) return null;
    let r: MmioRegion | null;
    const w = this.byWord;
    if (w !== null) {
      const i = offset >= 0 && offset < 4 * w.length ? w[offset >>> 2] : -1;
      r = i < 0 ? null : this.table[i];
    } else r = findRegion(this.table, offset);
    if (r === null) return null;
    return accessAllowed(r, offset, size, this.bounded ? this.nrIrqs() : Number.POSITIVE_INFINITY) ? r : null;
  }
}

/** Largest frame given a word index (the GIC's 4 and 8 KiB frames; GICD's 64 KiB). */
const WORD_INDEX_MAX_BYTES = 0x1_0000;

function wordIndex(table: readonly MmioRegion[]): Int16Array | null {
  if (table.length === 0 || table.length > 0x7fff) return null;
  const last = table[table.length - 1];
  const end = last.offset + last.len;
  if (end > WORD_INDEX_MAX_BYTES) return null;
  for (const r of table) if (r.offset % WORD_BYTES !== 0 || r.len % WORD_BYTES !== 0) return null;
  const w = new Int16Array(Math.ceil(end / WORD_BYTES)).fill(-1);
  // fill(), not a loop per word: every board builds several of these tables at start-up, in cold code.
  for (let i = 0; i < table.length; i++)
    w.fill(i, table[i].offset / WORD_BYTES, (table[i].offset + table[i].len) / WORD_BYTES);
  return w;
}
