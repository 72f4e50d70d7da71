// Per virtual INTID state (KVM's struct vgic_irq). SGIs and PPIs exist once
// per vcpu, SPIs once per VM. Pending is never stored as such: it is
// computed from the line level, the latch and the configuration
// (irq_is_pending), so that lowering a level line or clearing the latch
// each do exactly what the architecture says (GICv2 3.2.4, 4.3.7, 4.3.8).

import { isSgi, type IntId } from '../../hw/gic/intid.ts';

export const VGIC_CONFIG_EDGE = 0;
export const VGIC_CONFIG_LEVEL = 1;
export type VgicConfig = typeof VGIC_CONFIG_EDGE | typeof VGIC_CONFIG_LEVEL;

/** `vcpu` / oracle value meaning "on no ap_list" / "should be on none". */
export const NO_VCPU = -1;

/**
 * Priority bits the vgic implements (KVM's VGIC_PRI_BITS): the low 8-5 bits
 * of GICD_IPRIORITYR are RAZ/WI, as GICv2 3.3 allows, so that every
 * distributor priority maps one to one onto the 5-bit LR priority.
 */
export const VGIC_PRI_BITS = 5;
export const VGIC_PRI_MASK = (0xff << (8 - VGIC_PRI_BITS)) & 0xff;

export class VgicIrq {
  /** current level of the input wire (level-sensitive interrupts only) */
  lineLevel = false;
  /** edge: the pending state; level: pending set by GICD_ISPENDR (soft pend) */
  pendingLatch = false;
  active = false;
  enabled = false;
  /** GICD_IGROUPR bit */
  group = 0;
  /** 8-bit priority with the low bits cleared (VGIC_PRI_MASK) */
  priority = 0;
  config: VgicConfig = VGIC_CONFIG_EDGE;
  /** GICD_ITARGETSR byte (SPIs); private interrupts: 1 << owning vcpu */
  targets = 0;
  /** where the interrupt goes when it becomes pending (lowest set bit of targets) */
  targetVcpu: number;
  /** mapped to a physical interrupt: the LR gets HW=1 and PhysicalID */
  hw = false;
  /** physical INTID (LR PhysicalID) when hw */
  hwintid = 0;
  /** mapped: resample the line through the InputLevelSource port (KVM's get_input_level) */
  useInputLevel = false;
  /** SGIs: bitmap of source vcpus with a pending instance */
  source = 0;
  /** SGIs: source of the active instance (LR CPUID while active) */
  activeSource = 0;
  /** vcpu whose ap_list holds the interrupt, NO_VCPU if none */
  vcpu = NO_VCPU;
  /** in-kernel device that owns the line (injections from another owner are ignored) */
  owner: string | null = null;
  /** written into an LR by the current flush (KVM's on_lr); cleared at sync */
  onLr = false;

  constructor(
    readonly intid: IntId,
    targetVcpu: number,
  ) {
    this.targetVcpu = targetVcpu;
  }
}

/** irq_is_pending: edge = latch; level = latch OR line. */
export function irqIsPending(irq: VgicIrq): boolean {
  return irq.config === VGIC_CONFIG_LEVEL ? irq.pendingLatch || irq.lineLevel : irq.pendingLatch;
}

export function irqIsSgi(irq: VgicIrq): boolean {
  return isSgi(irq.intid);
}

/** Number of set bits of a source mask (at most 8 vcpus on GICv2). */
export function popcount8(v: number): number {
  let n = 0;
  for (let x = v & 0xff; x !== 0; x &= x - 1) n++;
  return n;
}

/** Index of the lowest set bit, v !== 0. */
export function lowestBit(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/**
 * Priority no interrupt has: with it as `preemptBelow` the sort is the
 * classic one (no pending interrupt counts as preempting).
 */
export const NO_PREEMPTION = 0;

/**
 * Rank of an interrupt in the LR order: 0 = pending (not active, enabled)
 * with a priority below `preemptBelow`, 1 = active (or pending+active),
 * 2 = other pending+enabled, 3 = the rest.
 */
function rank(irq: VgicIrq, preemptBelow: number): number {
  if (irq.active) return 1;
  if (!(irq.enabled && irqIsPending(irq))) return 3;
  return irq.priority < preemptBelow ? 0 : 2;
}

/**
 * vgic_irq_cmp. Classic new-vgic order (`preemptBelow` = NO_PREEMPTION):
 * active interrupts first (an active interrupt that keeps its LR has its
 * deactivation seen without an exit), then pending+enabled by priority, then
 * the rest. LR overflow (`preemptBelow` = the guest's running priority, see
 * vgic-v2.ts): pending interrupts that can preempt what the guest runs come
 * before the active ones, so that one never starves behind active
 * interrupts holding every LR. Within a rank: priority, then INTID, so that
 * LR assignment is deterministic (GICv2 leaves equal-priority choice
 * IMPLEMENTATION DEFINED; lowest INTID first matches a physical GIC).
 */
export function vgicIrqCmp(a: VgicIrq, b: VgicIrq, preemptBelow = NO_PREEMPTION): number {
  const ra = rank(a, preemptBelow);
  const rb = rank(b, preemptBelow);
  if (ra !== rb) return ra - rb;
  if (ra !== 3 && a.priority !== b.priority) return a.priority - b.priority;
  return a.intid - b.intid;
}

/** In-place insertion sort: ap_lists are short and the hot path must not allocate. */
export function sortApList(list: VgicIrq[], preemptBelow = NO_PREEMPTION): void {
  for (let i = 1; i < list.length; i++) {
    const x = list[i];
    let j = i - 1;
    while (j >= 0 && vgicIrqCmp(list[j], x, preemptBelow) > 0) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = x;
  }
}
