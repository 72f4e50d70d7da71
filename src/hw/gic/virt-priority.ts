// Priority rules of the GICv2 virtual CPU interface (IHI 0048B 3.3, 5.2.1):
// 5 priority bits, group priority by binary point, running priority from the
// active priorities register, and the choice of the highest-priority pending
// list register. Pure functions of the LRs, GICH_HCR, GICH_VMCR, GICH_APR.

import { getField, setField, testBit } from '../../sim/bits.ts';
import {
  LrState,
  GICH_HCR_En,
  GICH_LR_CPUID,
  GICH_LR_Grp1,
  GICH_LR_HW,
  GICH_LR_Priority,
  GICH_LR_State,
  GICH_LR_VirtualID,
  GICH_VMCR_VMABP,
  GICH_VMCR_VMBP,
  GICH_VMCR_VMCBPR,
  GICH_VMCR_VMGrp0En,
  GICH_VMCR_VMGrp1En,
  GICH_VMCR_VMPriMask,
  GICH_VMCR_VMAckCtl,
} from './virt-regs.ts';
import { GICC_IAR_CPUID } from './registers.ts';
import { VIRT_PRIORITY_SHIFT, virtRunningPriority } from './priority.ts';
import { isSgi, SPURIOUS, SPURIOUS_GROUP1 } from './intid.ts';
import { AckView } from './virt-ops.ts';

export const NO_LR = -1;

/** The 8-bit priority of an LR's interrupt. */
export function lrPriority(v: number): number {
  return getField(v, GICH_LR_Priority) << VIRT_PRIORITY_SHIFT;
}

/**
 * Group priority (3.3.3): group 0 uses GICV_BPR (priority bits [7:BPR+1]);
 * group 1 uses GICV_ABPR (bits [7:ABPR]) unless CBPR=1, then GICV_BPR.
 */
export function groupPriority(v: number, vmcr: number): number {
  const cbpr = testBit(vmcr, GICH_VMCR_VMCBPR.lsb);
  const split =
    testBit(v, GICH_LR_Grp1.lsb) && !cbpr
      ? getField(vmcr, GICH_VMCR_VMABP)
      : getField(vmcr, GICH_VMCR_VMBP) + 1;
  return (lrPriority(v) >>> split) << split;
}

/** The APR bit for an interrupt at group priority `gp`. */
export function aprBit(gp: number): number {
  return (1 << (gp >>> VIRT_PRIORITY_SHIFT)) >>> 0;
}

export function groupEnabled(v: number, vmcr: number): boolean {
  return testBit(vmcr, testBit(v, GICH_LR_Grp1.lsb) ? GICH_VMCR_VMGrp1En.lsb : GICH_VMCR_VMGrp0En.lsb);
}

/** Would be signalled: priority beats GICV_PMR and group priority beats the running priority. */
export function canSignal(v: number, vmcr: number, apr: number): boolean {
  const pmr = getField(vmcr, GICH_VMCR_VMPriMask) << VIRT_PRIORITY_SHIFT;
  return lrPriority(v) < pmr && groupPriority(v, vmcr) < virtRunningPriority(apr);
}

/**
 * Highest-priority LR in the pending state whose group is enabled, or NO_LR
 * (also when GICH_HCR.En=0). Ties go to the lowest LR index (the spec leaves
 * the choice to the implementation).
 */
export function hppiLr(lr: Uint32Array, hcr: number, vmcr: number): number {
  if (!testBit(hcr, GICH_HCR_En.lsb)) return NO_LR;
  let best = NO_LR;
  let bestPrio = 0x100;
  for (let n = 0; n < lr.length; n++) {
    const v = lr[n];
    // pending+active is not eligible: that interrupt is already active
    if (getField(v, GICH_LR_State) !== LrState.Pending || !groupEnabled(v, vmcr)) continue;
    const p = getField(v, GICH_LR_Priority);
    if (p < bestPrio) {
      bestPrio = p;
      best = n;
    }
  }
  return best;
}

/** GICV_IAR value for an LR: VirtualID, plus the source CPUID for an SGI with HW=0. */
export function iarValue(v: number): number {
  const id = getField(v, GICH_LR_VirtualID);
  if (!isSgi(id) || testBit(v, GICH_LR_HW.lsb)) return id;
  return setField(id, GICC_IAR_CPUID, getField(v, GICH_LR_CPUID));
}

/** 0 when `view` (GICV_IAR/HPPIR or GICV_AIAR/AHPPIR) may take this LR's interrupt, else the special INTID it reads instead. */
export function viewFilter(v: number, vmcr: number, view: AckView): number {
  const grp1 = testBit(v, GICH_LR_Grp1.lsb);
  if (view === AckView.Aliased) return grp1 ? 0 : SPURIOUS;
  return grp1 && !testBit(vmcr, GICH_VMCR_VMAckCtl.lsb) ? SPURIOUS_GROUP1 : 0;
}

/** The LR holding active `id` (state active or pending+active), or NO_LR; SGIs with HW=0 also match CPUID. */
export function findActiveLr(lr: Uint32Array, id: number, cpuid: number): number {
  for (let n = 0; n < lr.length; n++) {
    const v = lr[n];
    if ((getField(v, GICH_LR_State) & LrState.Active) === 0 || getField(v, GICH_LR_VirtualID) !== id)
      continue;
    if (isSgi(id) && !testBit(v, GICH_LR_HW.lsb) && getField(v, GICH_LR_CPUID) !== cpuid) continue;
    return n;
  }
  return NO_LR;
}
