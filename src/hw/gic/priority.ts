// Priority arithmetic of the GICv2 (GICv2 3.3 "Interrupt prioritization"),
// physical and virtual, in one place. The physical model implements 5
// priority bits (32 levels, like a GIC-400): priority fields keep bits [7:3];
// bits [2:0] are RAZ/WI in GICD_IPRIORITYR and GICC_PMR (GICv2 3.3.1). The
// virtual interface has 5 priority and 5 preemption bits too (GICH_VTR,
// 5.2.1): GICH_LR.Priority and GICH_VMCR.VMPriMask hold bits [7:3].

import { lowMask } from '../../sim/bits.ts';

export const PRIORITY_BITS = 5;
/** Implemented bits of an 8-bit priority field. */
export const PRIORITY_MASK = (0xff & ~lowMask(8 - PRIORITY_BITS)) >>> 0;
/**
 * Minimum GICC_BPR: with 5 priority bits a binary point below 2 would put the
 * split inside the unimplemented bits (GICv2 3.3.3). Writes of a smaller
 * value set the minimum (GICv2 4.4.3).
 */
export const MIN_BPR = 7 - PRIORITY_BITS;
/** Minimum GICC_ABPR: the group 1 binary point is one greater (GICv2 3.3.3, Table 3-2). */
export const MIN_ABPR = MIN_BPR + 1;
/** Internal running priority when nothing is active: lower than any priority value. */
export const IDLE_PRIORITY = 0x100;
/** GICC_RPR value when idle (GICv2 4.4.6). */
export const RPR_IDLE = 0xff;
/** Width of one active-priority level in priority units (bit k of APR = group priority k << 3). */
export const APR_LEVEL_SHIFT = 8 - PRIORITY_BITS;

/**
 * Group priority of `priority` given the binary point that applies to its
 * group. Group 0 (and group 1 when GICC_CTLR.CBPR = 1) uses GICC_BPR: the
 * group field is [7:BPR+1]. Group 1 with CBPR = 0 uses GICC_ABPR: the field
 * is [7:ABPR] (GICv2 3.3.3, Table 3-2, "Group 1" column).
 */
export function groupPriority(priority: number, bpr: number, isAliased: boolean): number {
  const subBits = isAliased ? bpr : bpr + 1;
  return (priority & ~lowMask(subBits) & 0xff) >>> 0;
}

/**
 * Group priority of an interrupt of `group` at a physical CPU interface
 * (GICv2 3.3.3, Table 3-2; IHI 0069H 4.8.3): Group 0, and Group 1 when CBPR
 * = 1, split at the Group 0 binary point `bpr0` (GICC_BPR, ICC_BPR0_EL1);
 * Group 1 otherwise at its own `bpr1` (GICC_ABPR, ICC_BPR1_EL1), one bit lower.
 */
export function groupPriorityOfGroup(
  priority: number,
  group: number,
  cbpr: boolean,
  bpr0: number,
  bpr1: number,
): number {
  return group === 0 || cbpr ? groupPriority(priority, bpr0, false) : groupPriority(priority, bpr1, true);
}

/** Running priority from the active priorities of Group 0 and Group 1 (GICC_APR0/NSAPR0, ICC_AP0R0/AP1R0_EL1; GICv2 3.3.5). */
export function runningPriorityOf(ap0: number, ap1: number): number {
  return Math.min(aprRunningPriority(ap0), aprRunningPriority(ap1));
}

// ---- the virtual CPU interface (GICH_VTR.PRIbits/PREbits + 1) ----
export const VIRT_PRIORITY_BITS = 5;
export const VIRT_PREEMPTION_BITS = 5;
/** GICH_LR.Priority and GICH_VMCR.VMPriMask hold priority bits [7:VIRT_PRIORITY_SHIFT]. */
export const VIRT_PRIORITY_SHIFT = 8 - VIRT_PRIORITY_BITS;
/** Minimum GICV_BPR (8 - PRIbits - 1) and minimum GICV_ABPR (one more). */
export const MIN_VBPR = 7 - VIRT_PRIORITY_BITS;
export const MIN_VABPR = MIN_VBPR + 1;

/** Index of the active-priority bit for a group priority (0..31). */
export function aprIndex(gp: number): number {
  return gp >>> APR_LEVEL_SHIFT;
}

/** `apr` with group priority `gp` marked active (acknowledge). */
export function aprSet(apr: number, gp: number): number {
  return (apr | (1 << aprIndex(gp))) >>> 0;
}

/** `apr` with its highest active priority (lowest set bit) cleared: a priority drop. */
export function aprDropHighest(apr: number): number {
  return (apr & (apr - 1)) >>> 0;
}

/**
 * The group whose active priority is the highest, given the active
 * priorities of Group 0 and Group 1 (same layout), Group 0 on a tie; -1 when
 * nothing is active. The priority drop of GICv2 GICC_EOIR (3.3.5) and of
 * GICv3 ICC_EOIR<n>_EL1 / ICV_EOIR<n>_EL1 (IHI 0069H 4.8.2). It compares
 * bit positions only, so it holds for the virtual interfaces' own number of
 * preemption bits too.
 */
export function highestActiveGroup(ap0: number, ap1: number): -1 | 0 | 1 {
  if (ap0 === 0 && ap1 === 0) return -1;
  return aprRunningPriority(ap0) <= aprRunningPriority(ap1) ? 0 : 1;
}

/** Group priority represented by the lowest set bit of an APR value, or IDLE_PRIORITY. */
export function aprRunningPriority(apr: number): number {
  if (apr === 0) return IDLE_PRIORITY;
  return (31 - Math.clz32(apr & -apr)) << APR_LEVEL_SHIFT;
}

/**
 * Running priority of a virtual CPU interface from GICH_APR / GICV_APR0
 * (GICv2 5.3.10): bit k set = group priority k << VIRT_PRIORITY_SHIFT is
 * active; the lowest set bit is the running priority; IDLE_PRIORITY when
 * none. A priority p preempts iff p < this value (it is a group-priority
 * boundary, so this is exact whatever the binary point).
 */
export function virtRunningPriority(apr: number): number {
  if (apr === 0) return IDLE_PRIORITY;
  return (31 - Math.clz32(apr & -apr)) << VIRT_PRIORITY_SHIFT;
}
