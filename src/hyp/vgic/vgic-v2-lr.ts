// List registers of the GICv2 backend: building an LR value for an
// interrupt (KVM's vgic_v2_populate_lr) and folding a read-back value into
// the interrupt's state (vgic_v2_fold_lr), plus the deactivation of an
// interrupt that is in no LR (LR overflow). VgicV2 (vgic-v2.ts) owns the
// GICH frames and writes the values through an LrSink. Allocation-free.

import { isSgi, isSpi, type IntId } from '../../hw/gic/intid.ts';
import { fieldMask, getField, setField } from '../../sim/bits.ts';
import type { VgicCore } from './vgic.ts';
import { irqIsPending, lowestBit, VGIC_CONFIG_EDGE, type VgicIrq } from './vgic-irq.ts';
import { deactivatedLr } from './vgic-v2-overflow.ts';
import {
  GICH_LR_CPUID,
  GICH_LR_EOI,
  GICH_LR_Grp1,
  GICH_LR_HW,
  GICH_LR_PhysicalID,
  GICH_LR_Priority,
  GICH_LR_State,
  GICH_LR_VirtualID,
  LrState,
} from '../../hw/gic/virt-regs.ts';
import { VIRT_PRIORITY_SHIFT } from '../../hw/gic/priority.ts';

const LR_EOI_MASK = fieldMask(GICH_LR_EOI);
const LR_HW_MASK = fieldMask(GICH_LR_HW);
const LR_Grp1_MASK = fieldMask(GICH_LR_Grp1);

/** Where LR values go (VgicV2: the GICH frame, the shadow, counters, trace). */
export interface LrSink {
  writeLr(vcpu: number, n: number, irq: VgicIrq, val: number): void;
}

/** The pending part of `irq` may be shown to the guest (enabled, distributor on). */
export function showPending(core: VgicCore, irq: VgicIrq): boolean {
  return core.distEnabled && irq.enabled && irqIsPending(irq);
}

/**
 * vgic_v2_populate_lr: write `irq` into LRs from `lr`, at most `budget` of
 * them; returns how many were used. SGIs take one LR per source.
 */
export function populateLr(
  core: VgicCore,
  sink: LrSink,
  vcpu: number,
  irq: VgicIrq,
  lr: number,
  budget: number,
): number {
  const shown = showPending(core, irq);
  if (isSgi(irq.intid)) {
    let n = 0;
    if (irq.active) {
      let st = LrState.Active;
      const own = 1 << irq.activeSource;
      if (shown && (irq.source & own) !== 0) {
        st |= LrState.Pending; // same source again: pending+active (edge, HW=0)
        irq.source &= ~own;
      }
      sink.writeLr(vcpu, lr + n++, irq, setField(lrBase(irq, st), GICH_LR_CPUID, irq.activeSource));
    }
    while (shown && irq.source !== 0 && n < budget) {
      const src = lowestBit(irq.source);
      irq.source &= ~(1 << src);
      sink.writeLr(vcpu, lr + n++, irq, setField(lrBase(irq, LrState.Pending), GICH_LR_CPUID, src));
    }
    irq.pendingLatch = irq.source !== 0;
    return n;
  }
  const edge = irq.config === VGIC_CONFIG_EDGE;
  // mapped edge, active with a latched edge: software LR (see the file comment of vgic-v2.ts)
  const hwLr = irq.hw && !(edge && irq.active && shown);
  let st = irq.active ? LrState.Active : 0;
  // never pending+active with HW=1 (5.3.9), nor for level interrupts: a level
  // interrupt is re-presented after its EOI maintenance resamples the line
  if (shown && !(irq.active && (hwLr || !edge))) {
    st |= LrState.Pending;
    if (edge) irq.pendingLatch = false;
  }
  let val = lrBase(irq, st);
  if (hwLr) val = setField(val | LR_HW_MASK, GICH_LR_PhysicalID, irq.hwintid) >>> 0;
  else if (!edge && !core.faults.noEoiMaintenance) val = (val | LR_EOI_MASK) >>> 0; // EOI maintenance: resample the line
  sink.writeLr(vcpu, lr, irq, val);
  if (irq.hw) core.setPhysActive(irq, true);
  return 1;
}

/** vgic_v2_fold_lr: `v` as read back, `w` as written at flush. */
export function foldLr(core: VgicCore, irq: VgicIrq, v: number, w: number): void {
  const st = getField(v, GICH_LR_State);
  const hwLr = (v & LR_HW_MASK) !== 0;
  if ((st & LrState.Active) !== 0) {
    irq.active = true;
    if (isSgi(irq.intid)) irq.activeSource = getField(v, GICH_LR_CPUID);
  }
  if (isSgi(irq.intid)) {
    // not acknowledged yet: give the source back
    if ((st & LrState.Pending) !== 0) {
      irq.source |= 1 << getField(v, GICH_LR_CPUID);
      irq.pendingLatch = true;
    }
  } else if (irq.config === VGIC_CONFIG_EDGE) {
    if ((st & LrState.Pending) !== 0) irq.pendingLatch = true;
  } else if ((getField(w, GICH_LR_State) & LrState.Pending) !== 0 && (st & LrState.Pending) === 0) {
    // level: the guest acknowledged what was shown, which consumes a soft
    // pend (ISPENDR); the LR's pending bit itself is never copied back
    irq.pendingLatch = false;
  }
  if (st === 0 && (v & LR_EOI_MASK) !== 0 && !hwLr) {
    core.counters.eoiMaintenance++;
    if (isSpi(irq.intid)) core.opts.ackNotifier?.notifyAcked(irq.intid as IntId);
  }
  if (!irq.hw) return;
  if (hwLr) {
    if (core.opts.phys.isActive(core.physCpuOf(irq), irq.hwintid as IntId)) core.setPhysActive(irq, false);
    else if (core.faults.noResampleAfterDeactivate)
      irq.lineLevel = false; // mutant: not sampled
    else core.resampleLine(irq); // deactivated by the guest: sample the line again
  } else {
    core.setPhysActive(irq, false); // software LR of a mapped edge: the hypervisor deactivates
  }
}

/**
 * Deactivate active `irq`, which is in no LR, as the guest's EOI or DIR
 * would have in an LR: fold the value that LR would read back.
 */
export function deactivateOutsideLr(core: VgicCore, irq: VgicIrq): void {
  irq.active = false;
  const v = deactivatedLr(irq, lrBase(irq, 0));
  foldLr(core, irq, v, v);
}

/** VirtualID, 5-bit priority, state and group of an LR for `irq`. */
export function lrBase(irq: VgicIrq, state: number): number {
  let val = setField(0, GICH_LR_VirtualID, irq.intid);
  val = setField(val, GICH_LR_Priority, irq.priority >>> VIRT_PRIORITY_SHIFT);
  val = setField(val, GICH_LR_State, state);
  return irq.group !== 0 ? (val | LR_Grp1_MASK) >>> 0 : val;
}
