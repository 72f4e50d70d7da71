// Priority rules of the GICv2 virtual CPU interface (IHI 0048B 3.3, 5.2.1):
// 5 priority bits, group priority by binary point, running priority from the
// active priorities register, and the choice of the highest-priority pending
// list register. Pure functions of the LRs, GICH_HCR, GICH_VMCR, GICH_APR.

import { getField, setField, testBit } from '../../sim/bits.ts';
import { HCR, IAR, IDLE_PRIORITY, LR, LrState, VIRT_PRIORITY_BITS, VMCR } from './virt-regs.ts';

export const NO_LR = -1;
/** An LR's 5-bit Priority field holds priority bits [7:3]. */
export const PRIORITY_SHIFT = 8 - VIRT_PRIORITY_BITS;

/** The 8-bit priority of an LR's interrupt. */
export function lrPriority(v: number): number {
  return getField(v, LR.Priority) << PRIORITY_SHIFT;
}

/**
 * Group priority (3.3.3): group 0 uses GICV_BPR (priority bits [7:BPR+1]);
 * group 1 uses GICV_ABPR (bits [7:ABPR]) unless CBPR=1, then GICV_BPR.
 */
export function groupPriority(v: number, vmcr: number): number {
  const cbpr = testBit(vmcr, VMCR.VMCBPR.lsb);
  const split = testBit(v, LR.Grp1.lsb) && !cbpr ? getField(vmcr, VMCR.VMABP) : getField(vmcr, VMCR.VMBP) + 1;
  return (lrPriority(v) >>> split) << split;
}

/** Running priority: the group priority of the highest active level (lowest set APR bit); idle 0x100. */
export function runningPriority(apr: number): number {
  return apr === 0 ? IDLE_PRIORITY : ctz32(apr) << PRIORITY_SHIFT;
}

/** The APR bit for an interrupt at group priority `gp`. */
export function aprBit(gp: number): number {
  return (1 << (gp >>> PRIORITY_SHIFT)) >>> 0;
}

export function groupEnabled(v: number, vmcr: number): boolean {
  return testBit(vmcr, testBit(v, LR.Grp1.lsb) ? VMCR.VMGrp1En.lsb : VMCR.VMGrp0En.lsb);
}

/** Would be signalled: priority beats GICV_PMR and group priority beats the running priority. */
export function canSignal(v: number, vmcr: number, apr: number): boolean {
  const pmr = getField(vmcr, VMCR.VMPriMask) << PRIORITY_SHIFT;
  return lrPriority(v) < pmr && groupPriority(v, vmcr) < runningPriority(apr);
}

/**
 * Highest-priority LR in the pending state whose group is enabled, or NO_LR
 * (also when GICH_HCR.En=0). Ties go to the lowest LR index (the spec leaves
 * the choice to the implementation).
 */
export function hppiLr(lr: Uint32Array, hcr: number, vmcr: number): number {
  if (!testBit(hcr, HCR.En.lsb)) return NO_LR;
  let best = NO_LR;
  let bestPrio = 0x100;
  for (let n = 0; n < lr.length; n++) {
    const v = lr[n];
    // pending+active is not eligible: that interrupt is already active
    if (getField(v, LR.State) !== LrState.Pending || !groupEnabled(v, vmcr)) continue;
    const p = getField(v, LR.Priority);
    if (p < bestPrio) {
      bestPrio = p;
      best = n;
    }
  }
  return best;
}

/** GICV_IAR value for an LR: VirtualID, plus the source CPUID for an SGI with HW=0. */
export function iarValue(v: number): number {
  const id = getField(v, LR.VirtualID);
  if (id >= 16 || testBit(v, LR.HW.lsb)) return id;
  return setField(id, IAR.CPUID, getField(v, LR.CPUID));
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
