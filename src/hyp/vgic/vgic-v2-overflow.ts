// LR overflow, in the spirit of the 2025 KVM rework (kvm-arm-notes §3.2,
// §3.4): the pieces of flush and sync that matter only when more interrupts
// are in flight on a vcpu than it has list registers. Pure helpers over the
// ap_list; VgicV2 (vgic-v2.ts) applies them.
//
// - Flush counts the LRs the ap_list needs (`lrsNeeded`). When they do not
//   fit and some interrupt is active, the list is sorted with the pending
//   interrupts that can preempt the guest's running priority (read from
//   GICH_APR, `virtRunningPriority`) first, then the active ones, highest
//   priority first, then the other pending ones: a higher-priority pending
//   interrupt is never starved by lower-priority active ones holding every
//   LR, which a GIC would not do either.
// - An active interrupt that gets no LR stays active in the vgic ("active,
//   not in an LR"). Its deactivation cannot be seen in an LR: the guest's
//   EOI (EOImode 0) of an INTID in no LR increments GICH_HCR.EOICount
//   (GICv2 5.3.2), and LRENPIE turns that into a maintenance interrupt. At
//   sync each count deactivates one such interrupt, highest priority first
//   (`nextActiveOutside`): an EOI drops the highest active priority, and the
//   actives in LRs are all of higher priority than those outside.
// - With EOImode 1 the deactivation is the guest's GICV_DIR, which counts in
//   EOICount too but names an interrupt in any order: the vgic has DIR
//   trapped instead (the GICV frame's second page is not mapped at stage 2
//   while some active interrupt is outside the LRs) and emulates it.

import { isSgi } from '../../hw/gic/intid.ts';
import { fieldMask, setField } from '../../sim/bits.ts';
import { type VgicIrq, popcount8, VGIC_CONFIG_EDGE } from './vgic-irq.ts';
import { GICH_LR_CPUID, GICH_LR_EOI, GICH_LR_HW, GICH_LR_PhysicalID } from '../../hw/gic/virt-regs.ts';

const LR_EOI_MASK = fieldMask(GICH_LR_EOI);
const LR_HW_MASK = fieldMask(GICH_LR_HW);

/**
 * LRs `irq` takes at flush: one, except SGIs (one per pending source, the
 * active instance sharing its LR with a pending instance of the same source).
 */
export function lrsNeeded(irq: VgicIrq, showPending: boolean): number {
  if (!isSgi(irq.intid)) return 1;
  let src = showPending ? irq.source : 0;
  let n = 0;
  if (irq.active) {
    n = 1;
    src &= ~(1 << irq.activeSource);
  }
  return n + popcount8(src);
}

/**
 * The value an LR would read back after the guest deactivated `irq` in it:
 * state invalid, HW + PhysicalID for a mapped interrupt (the hardware would
 * have deactivated the physical one), EOI for an unmapped level one (the
 * EOI maintenance that resamples the line and notifies resamplers), the
 * active source for an SGI. Folding it (VgicV2.foldLr) applies the
 * deactivation to the software state (KVM's EOIcount walk and DIR trap
 * synthesize such a value too).
 */
export function deactivatedLr(irq: VgicIrq, base: number): number {
  if (irq.hw) return setField(base | LR_HW_MASK, GICH_LR_PhysicalID, irq.hwintid) >>> 0;
  if (isSgi(irq.intid)) return setField(base, GICH_LR_CPUID, irq.activeSource);
  if (irq.config !== VGIC_CONFIG_EDGE) return (base | LR_EOI_MASK) >>> 0;
  return base;
}

/**
 * The highest-priority active interrupt of `list` (the ap_list of `vcpu`)
 * that the last flush left outside the LRs, null if none; ties go to the
 * list order (the flush's sort).
 */
export function nextActiveOutside(list: readonly VgicIrq[], vcpu: number): VgicIrq | null {
  let best: VgicIrq | null = null;
  for (let i = 0; i < list.length; i++) {
    const irq = list[i];
    if (!irq.active || irq.onLr || irq.vcpu !== vcpu) continue;
    if (best === null || irq.priority < best.priority) best = irq;
  }
  return best;
}
