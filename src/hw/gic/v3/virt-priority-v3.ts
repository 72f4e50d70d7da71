// Priority rules of the GICv3 virtual CPU interface (IHI 0069H 4.8
// "Interrupt prioritization", 4.8.6 for the virtual interface): priority and
// preemption bits as ICH_VTR_EL2 advertises them, group priority by the
// virtual binary points, the running priority from ICH_AP0R0/AP1R0, and the
// choice of the highest-priority pending list register. Pure functions of the
// LRs' high words, ICH_HCR_EL2, ICH_VMCR_EL2 and the active priorities.
//
// The model implements 5 priority bits and 5 preemption bits (32 levels, a
// GIC-600's virtual CPU interface): ICH_VTR_EL2.PRIbits = PREbits = 4, so the
// low 3 bits of ICH_LR<n>_EL2.Priority and ICH_VMCR_EL2.VPMR are RAZ/WI, the
// minimum binary points are VBPR0 = 2 and VBPR1 = 3 (8 - PREbits - 1, and one
// more for Group 1), and only ICH_AP0R0_EL2/ICH_AP1R0_EL2 exist (32 levels:
// bit k = group priority k << 3). KVM reads both counts from ICH_VTR_EL2
// (vgic_v3_probe, __vgic_v3_save_aprs).

import { getField, lowMask, testBit } from '../../../sim/bits.ts';
import {
  ICH_HCR_En,
  ICH_LR_Group,
  ICH_LR_Priority,
  ICH_LR_State,
  ICH_LR_vINTID,
  ICH_VMCR_VBPR0,
  ICH_VMCR_VBPR1,
  ICH_VMCR_VCBPR,
  ICH_VMCR_VENG0,
  ICH_VMCR_VENG1,
  ICH_VMCR_VPMR,
  IchLrState,
} from './ich-regs.ts';

export const VIRT_V3_PRIORITY_BITS = 5;
export const VIRT_V3_PREEMPTION_BITS = 5;
/** Implemented bits of an 8-bit virtual priority (ICH_LR Priority, VPMR). */
export const VIRT_V3_PRIORITY_MASK = (0xff & ~lowMask(8 - VIRT_V3_PRIORITY_BITS)) >>> 0;
/** Minimum ICV_BPR0_EL1: the group field [7:BPR0+1] must fit the preemption bits. */
export const MIN_VBPR0 = 7 - VIRT_V3_PREEMPTION_BITS;
/** Minimum ICV_BPR1_EL1 (one more than BPR0's, 4.8.3 Table 4-6). */
export const MIN_VBPR1 = MIN_VBPR0 + 1;
/** Implemented virtual INTID bits (ICH_VTR_EL2.IDbits = 0b000). */
export const VIRT_V3_ID_BITS = 16;
/** Internal running priority when nothing is active: lower than any priority. */
export const V3_IDLE_PRIORITY = 0x100;
/** ICV_RPR_EL1 when idle. */
export const ICV_RPR_IDLE = 0xff;
/** bit k of an active priorities register = group priority k << AP_SHIFT */
const AP_SHIFT = 8 - VIRT_V3_PREEMPTION_BITS;

export const NO_LR = -1;

/** The LR's interrupt is Group 1. `hi` is the LR's high word. */
export function lrGroup1(hi: number): boolean {
  return testBit(hi, ICH_LR_Group.lsb);
}

/**
 * Group priority (4.8.3): Group 0 uses VBPR0, the group field is
 * [7:VBPR0+1]; Group 1 uses VBPR1, field [7:VBPR1], unless VCBPR = 1, then
 * VBPR0 (ICV_BPR1_EL1 reads VBPR0 + 1).
 */
export function groupPriority(hi: number, vmcr: number): number {
  const split =
    lrGroup1(hi) && !testBit(vmcr, ICH_VMCR_VCBPR.lsb)
      ? getField(vmcr, ICH_VMCR_VBPR1)
      : getField(vmcr, ICH_VMCR_VBPR0) + 1;
  return ((getField(hi, ICH_LR_Priority) >>> split) << split) >>> 0;
}

/** The active priorities bit for group priority `gp`. */
export function apBit(gp: number): number {
  return (1 << (gp >>> AP_SHIFT)) >>> 0;
}

/**
 * Running priority (4.8.6, ICV_RPR_EL1): the lowest set bit of
 * ICH_AP0R0_EL2 | ICH_AP1R0_EL2, as a priority; V3_IDLE_PRIORITY when none.
 * A priority p preempts iff its group priority is below this value.
 */
export function runningPriority(ap0: number, ap1: number): number {
  const ap = (ap0 | ap1) >>> 0;
  if (ap === 0) return V3_IDLE_PRIORITY;
  return (31 - Math.clz32(ap & -ap)) << AP_SHIFT;
}

function groupEnabled(hi: number, vmcr: number): boolean {
  return testBit(vmcr, lrGroup1(hi) ? ICH_VMCR_VENG1.lsb : ICH_VMCR_VENG0.lsb);
}

/** Would be signalled / acknowledged: priority below ICV_PMR_EL1 and group priority below the running priority. */
export function canSignal(hi: number, vmcr: number, ap0: number, ap1: number): boolean {
  return (
    getField(hi, ICH_LR_Priority) < getField(vmcr, ICH_VMCR_VPMR) &&
    groupPriority(hi, vmcr) < runningPriority(ap0, ap1)
  );
}

/**
 * The highest-priority LR in the pending state whose group is enabled, or
 * NO_LR (also when ICH_HCR_EL2.En = 0). Ties go to the lowest LR index (the
 * choice is IMPLEMENTATION DEFINED). Pending+active is not eligible: that
 * interrupt is active already.
 */
export function hppiLr(hi: Uint32Array, n: number, hcr: number, vmcr: number): number {
  if (!testBit(hcr, ICH_HCR_En.lsb)) return NO_LR;
  let best = NO_LR;
  let bestPrio = 0x100;
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (getField(h, ICH_LR_State) !== IchLrState.Pending || !groupEnabled(h, vmcr)) continue;
    const p = getField(h, ICH_LR_Priority);
    if (p < bestPrio) {
      bestPrio = p;
      best = i;
    }
  }
  return best;
}

/** The LR holding `id` active (active or pending+active), or NO_LR. */
export function findActiveLr(lo: Uint32Array, hi: Uint32Array, n: number, id: number): number {
  for (let i = 0; i < n; i++)
    if ((getField(hi[i], ICH_LR_State) & IchLrState.Active) !== 0 && getField(lo[i], ICH_LR_vINTID) === id)
      return i;
  return NO_LR;
}
