// Region builders for MMIO register tables (region.ts): a fixed-size
// register and a per-interrupt register whose named handlers act on one
// INTID's field at a time. The physical GIC frames, the PL011 and the vgic's
// GICD tables are rows built with these.

import type { AccessSize } from '../mmio.ts';
import { lowMask } from '../../sim/bits.ts';
import { ACCESS_32, BITS_PER_BYTE, BITS_PER_WORD, intidOf, type MmioRegion, WORD_BYTES } from './region.ts';

export interface RegisterSpec {
  readonly name: string;
  readonly offset: number;
  /** bytes (a block of registers of one kind, e.g. the LRs); default one word */
  readonly len?: number;
  /** ACCESS_* bits; default word access only */
  readonly widths?: number;
  /** default: RAZ (a write-only register) */
  readonly read?: (cpu: number, offset: number, size: AccessSize) => number;
  /** default: WI (a read-only register) */
  readonly write?: (cpu: number, offset: number, size: AccessSize, value: number) => void;
  readonly uread?: (cpu: number, offset: number) => number;
  readonly uwrite?: (cpu: number, offset: number, value: number) => void;
}

const raz = (): number => 0;
const wi = (): void => {};

/** A fixed-size register (or a block of like registers) of a frame. */
export function register(spec: RegisterSpec): MmioRegion {
  return {
    name: spec.name,
    offset: spec.offset,
    len: spec.len ?? WORD_BYTES,
    bitsPerIrq: 0,
    widths: spec.widths ?? ACCESS_32,
    read: spec.read ?? raz,
    write: spec.write ?? wi,
    uread: spec.uread,
    uwrite: spec.uwrite,
  };
}

export interface IrqFieldSpec {
  readonly name: string;
  readonly offset: number;
  /** bytes: bitsPerIrq * (number of INTIDs the range spans) / 8 */
  readonly len: number;
  /** 1 (enable, pending, active, group), 2 (ICFGR), 8 (priority, targets, SGI sources) */
  readonly bitsPerIrq: number;
  /** ACCESS_* bits; default word access only */
  readonly widths?: number;
  /** the field of INTID `intid` as a read by `cpu` sees it */
  readonly read: (cpu: number, intid: number) => number;
  /** a write of `field` to INTID `intid`'s field by `cpu` (called for every INTID the access covers) */
  readonly write?: (cpu: number, intid: number, field: number) => void;
  /** restore: set the state behind INTID `intid`'s field, without side effects */
  readonly uwrite?: (cpu: number, intid: number, field: number) => void;
  /** every word is banked per cpu */
  readonly banked?: boolean;
}

/**
 * A per-interrupt register: an access of `size` bytes covers
 * size * 8 / bitsPerIrq consecutive INTIDs, from the one the offset names
 * (GICv2 4.3: INTID = (offset - base) * 8 / bitsPerIrq).
 */
export function perIrq(spec: IrqFieldSpec): MmioRegion {
  const bits = spec.bitsPerIrq;
  const mask = lowMask(bits);
  const { read, write, uwrite } = spec;
  const region: MmioRegion = {
    name: spec.name,
    offset: spec.offset,
    len: spec.len,
    bitsPerIrq: bits,
    widths: spec.widths ?? ACCESS_32,
    banked: spec.banked,
    read(cpu, offset, size) {
      const base = intidOf(region, offset);
      const n = (size * BITS_PER_BYTE) / bits;
      let v = 0;
      for (let k = 0; k < n; k++) v |= (read(cpu, base + k) & mask) << (bits * k);
      return v >>> 0;
    },
    write:
      write === undefined
        ? wi
        : (cpu, offset, size, value) => {
            const base = intidOf(region, offset);
            const n = (size * BITS_PER_BYTE) / bits;
            for (let k = 0; k < n; k++) write(cpu, base + k, (value >>> (bits * k)) & mask);
          },
    uwrite:
      uwrite === undefined
        ? undefined
        : (cpu, offset, value) => {
            const base = intidOf(region, offset);
            for (let k = 0; k < BITS_PER_WORD / bits; k++)
              uwrite(cpu, base + k, (value >>> (bits * k)) & mask);
          },
  };
  return region;
}
