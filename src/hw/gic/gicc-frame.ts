// The GICC frame (GICv2 4.4, Table 4-2) as a register table (hw/mmio): the
// decode of one physical CPU interface's registers; cpu-interface.ts holds the
// state and the rules it calls.

import { getField, lowMask, setField } from '../../sim/bits.ts';
import { register } from '../mmio/builders.ts';
import type { MmioRegion } from '../mmio/region.ts';
import { IDLE_PRIORITY, MIN_ABPR, MIN_BPR, PRIORITY_MASK, RPR_IDLE } from './priority.ts';
import {
  GICC_ABPR,
  GICC_AEOIR,
  GICC_AHPPIR,
  GICC_AIAR,
  GICC_APR0,
  GICC_BPR,
  GICC_BPR_BinaryPoint,
  GICC_CTLR,
  GICC_DIR,
  GICC_EOIR,
  GICC_HPPIR,
  GICC_IAR,
  GICC_IIDR,
  GICC_IIDR_ArchVersion,
  GICC_IIDR_ProductID,
  GICC_NSAPR0,
  GICC_PMR,
  GICC_RPR,
  IIDR_Revision,
} from './registers.ts';

/** GICC_IIDR: ProductID 0x056, ArchVersion 2 (GICv2), Revision 1, Implementer 0 (none claimed). */
export const GICC_IIDR_VALUE = setField(
  setField(setField(0, GICC_IIDR_ProductID, 0x56), GICC_IIDR_ArchVersion, 2),
  IIDR_Revision,
  1,
);

/** Writable GICC_CTLR bits [9:0]. */
const CTLR_WRITABLE = lowMask(10);

/** What the GICC frame reads and writes: the CpuInterface's registers and rules. */
export interface GiccRegisters {
  ctlr: number;
  pmr: number;
  bpr: number;
  abpr: number;
  apr: number;
  nsapr: number;
  /** recompute the IRQ/FIQ outputs after a configuration write */
  update(): void;
  acknowledge(aliased: boolean): number;
  highestPending(aliased: boolean): number;
  endOfInterrupt(value: number, aliased: boolean): void;
  deactivate(value: number): void;
  runningPriority(): number;
}

/**
 * The GICC register table (GICv2 4.4, Table 4-2), word access only.
 * APR1-3/NSAPR1-3 (32 levels fit APR0) and reserved offsets are RAZ/WI.
 * Writes of the configuration registers recompute the outputs.
 */
export function giccTable(ci: GiccRegisters): MmioRegion[] {
  const cfg = (name: string, offset: number, read: () => number, set: (v: number) => void): MmioRegion =>
    register({
      name,
      offset,
      read,
      write: (_c, _o, _s, v) => {
        set(v);
        ci.update();
      },
    });
  return [
    cfg(
      'GICC_CTLR',
      GICC_CTLR,
      () => ci.ctlr,
      (v) => {
        ci.ctlr = (v & CTLR_WRITABLE) >>> 0;
      },
    ),
    cfg(
      'GICC_PMR',
      GICC_PMR,
      () => ci.pmr,
      (v) => {
        ci.pmr = v & PRIORITY_MASK;
      },
    ),
    // A value below the minimum sets the minimum (GICv2 4.4.3).
    cfg(
      'GICC_BPR',
      GICC_BPR,
      () => ci.bpr,
      (v) => {
        ci.bpr = Math.max(getField(v, GICC_BPR_BinaryPoint), MIN_BPR);
      },
    ),
    register({ name: 'GICC_IAR', offset: GICC_IAR, read: () => ci.acknowledge(false) }),
    register({
      name: 'GICC_EOIR',
      offset: GICC_EOIR,
      write: (_c, _o, _s, v) => ci.endOfInterrupt(v, false),
    }),
    register({
      name: 'GICC_RPR',
      offset: GICC_RPR,
      read: () => {
        const rp = ci.runningPriority();
        return rp === IDLE_PRIORITY ? RPR_IDLE : rp;
      },
    }),
    register({ name: 'GICC_HPPIR', offset: GICC_HPPIR, read: () => ci.highestPending(false) }),
    cfg(
      'GICC_ABPR',
      GICC_ABPR,
      () => ci.abpr,
      (v) => {
        ci.abpr = Math.max(getField(v, GICC_BPR_BinaryPoint), MIN_ABPR);
      },
    ),
    register({ name: 'GICC_AIAR', offset: GICC_AIAR, read: () => ci.acknowledge(true) }),
    register({
      name: 'GICC_AEOIR',
      offset: GICC_AEOIR,
      write: (_c, _o, _s, v) => ci.endOfInterrupt(v, true),
    }),
    register({ name: 'GICC_AHPPIR', offset: GICC_AHPPIR, read: () => ci.highestPending(true) }),
    // Software save/restore of the active priorities (GICv2 4.4.12).
    cfg(
      'GICC_APR0',
      GICC_APR0,
      () => ci.apr,
      (v) => {
        ci.apr = v >>> 0;
      },
    ),
    cfg(
      'GICC_NSAPR0',
      GICC_NSAPR0,
      () => ci.nsapr,
      (v) => {
        ci.nsapr = v >>> 0;
      },
    ),
    register({ name: 'GICC_IIDR', offset: GICC_IIDR, read: () => GICC_IIDR_VALUE }),
    register({ name: 'GICC_DIR', offset: GICC_DIR, write: (_c, _o, _s, v) => ci.deactivate(v) }),
  ];
}
