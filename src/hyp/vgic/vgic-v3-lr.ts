// List registers of the GICv3 backend (KVM's vgic_v3_populate_lr and
// vgic_v3_fold_lr_state, arch/arm64/kvm/vgic/vgic-v3.c, Linux 6.x): an LR
// value for an interrupt, as its two 32-bit halves (ICH_LR<n>_EL2 [31:0] is
// the vINTID; everything else is in [63:32], src/hw/gic/v3/ich-regs.ts),
// and the fold of a read-back value into the interrupt's state. VgicV3
// (vgic-v3.ts) owns the ICH registers and writes the values through an
// LrSinkV3. Allocation-free.
//
// The rules are the GICv2 backend's (vgic-v2-lr.ts, README "Mapped (HW)
// interrupts"), with the v3 LR layout:
// - vINTID = the INTID; Group from GICD_IGROUPR; the 8-bit priority as KVM
//   writes it (irq->priority << ICH_LR_PRIORITY_SHIFT; the hardware keeps
//   the bits ICH_VTR_EL2.PRIbits implements);
// - mapped: HW = 1 and pINTID; never pending+active (IHI 0069H 12.4.10);
// - unmapped level: EOI = 1 (EOI maintenance resamples the line);
// - SGIs of a GICv3 guest have no source cpu (the vINTID is the SGI number,
//   with affinity routing there is no CPUID field): an SGI is an edge
//   interrupt whose pending state is the latch, one LR, no source bitmap.

import { isSgi, isSpi, type IntId } from '../../hw/gic/intid.ts';
import {
  ICH_LR_EOI,
  ICH_LR_Group,
  ICH_LR_HW,
  ICH_LR_Priority,
  ICH_LR_State,
  ICH_LR_pINTID,
  IchLrState,
} from '../../hw/gic/v3/ich-regs.ts';
import { fieldMask, getField, setField } from '../../sim/bits.ts';
import type { VgicCore } from './vgic.ts';
import { VGIC_CONFIG_EDGE, type VgicIrq } from './vgic-irq.ts';
import { showPending } from './vgic-v2-lr.ts';

const HI_EOI = fieldMask(ICH_LR_EOI);
const HI_HW = fieldMask(ICH_LR_HW);
const HI_GROUP = fieldMask(ICH_LR_Group);

/** Where LR values go (VgicV3: the ICH registers, the shadow, counters, trace). */
export interface LrSinkV3 {
  writeLr(vcpu: number, n: number, irq: VgicIrq, lo: number, hi: number): void;
}

/** Edge-triggered as far as the LR goes: configured edge, or an SGI. */
function isEdge(irq: VgicIrq): boolean {
  return irq.config === VGIC_CONFIG_EDGE || isSgi(irq.intid);
}

/** ICH_LR<n>_EL2 [63:32] for `irq` in `state`: priority, state, group. */
function lrHiBase(irq: VgicIrq, state: number): number {
  let hi = setField(0, ICH_LR_Priority, irq.priority);
  hi = setField(hi, ICH_LR_State, state);
  return irq.group !== 0 ? (hi | HI_GROUP) >>> 0 : hi;
}

/** vgic_v3_populate_lr: write `irq` into LR `lr` (always one LR on GICv3). */
export function populateLrV3(core: VgicCore, sink: LrSinkV3, vcpu: number, irq: VgicIrq, lr: number): void {
  const shown = showPending(core, irq);
  const edge = isEdge(irq);
  // mapped edge, active with a latched edge: software LR (vgic-v2.ts's file comment)
  const hwLr = irq.hw && !(edge && irq.active && shown);
  let st = irq.active ? IchLrState.Active : 0;
  if (shown && !(irq.active && (hwLr || !edge))) {
    st |= IchLrState.Pending;
    if (edge) {
      irq.pendingLatch = false;
      irq.source = 0; // an SGI pended through a GICv2-style path: one instance
    }
  }
  let hi = lrHiBase(irq, st);
  if (hwLr) hi = setField(hi | HI_HW, ICH_LR_pINTID, irq.hwintid) >>> 0;
  else if (!edge && !core.faults.noEoiMaintenance) hi = (hi | HI_EOI) >>> 0;
  sink.writeLr(vcpu, lr, irq, irq.intid, hi);
  if (irq.hw) core.setPhysActive(irq, true);
}

/** vgic_v3_fold_lr_state: `hi` as read back, `written` as written at flush (both [63:32]). */
export function foldLrV3(core: VgicCore, irq: VgicIrq, hi: number, written: number): void {
  const st = getField(hi, ICH_LR_State);
  const hwLr = (hi & HI_HW) !== 0;
  if ((st & IchLrState.Active) !== 0) irq.active = true;
  if (isEdge(irq)) {
    if ((st & IchLrState.Pending) !== 0) irq.pendingLatch = true;
  } else if (
    (getField(written, ICH_LR_State) & IchLrState.Pending) !== 0 &&
    (st & IchLrState.Pending) === 0
  ) {
    // level: the guest acknowledged what was shown, which consumes a soft pend (ISPENDR)
    irq.pendingLatch = false;
  }
  if (st === 0 && (hi & HI_EOI) !== 0 && !hwLr) {
    core.counters.eoiMaintenance++;
    if (isSpi(irq.intid)) core.opts.ackNotifier?.notifyAcked(irq.intid as IntId);
  }
  if (!irq.hw) return;
  if (hwLr) {
    if (core.opts.phys.isActive(core.physCpuOf(irq), irq.hwintid as IntId)) core.setPhysActive(irq, false);
    else if (core.faults.noResampleAfterDeactivate) irq.lineLevel = false;
    else core.resampleLine(irq); // deactivated by the guest: sample the line again
  } else {
    core.setPhysActive(irq, false); // software LR of a mapped edge: the hypervisor deactivates
  }
}

/**
 * Deactivate active `irq`, which is in no LR (LR overflow), as the guest's
 * EOI or DIR would have in an LR: fold the value that LR would read back
 * (HW + pINTID for a mapped interrupt, EOI for an unmapped level one).
 */
export function deactivateOutsideLrV3(core: VgicCore, irq: VgicIrq): void {
  irq.active = false;
  let hi = lrHiBase(irq, 0);
  if (irq.hw) hi = setField(hi | HI_HW, ICH_LR_pINTID, irq.hwintid) >>> 0;
  else if (!isEdge(irq)) hi = (hi | HI_EOI) >>> 0;
  foldLrV3(core, irq, hi, hi);
}
