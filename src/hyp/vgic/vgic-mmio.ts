// The named GICD register handlers of the vgic (KVM's vgic-mmio.c): what a
// guest access does to one virtual interrupt, shared by the GICD tables of
// the vgic versions (vgic-mmio-v2.ts). Each handler acts on one INTID's
// field of a per-interrupt register (hw/mmio/builders.ts perIrq); `vcpu` is
// the accessing vcpu (banked SGI/PPI state). A table row pairs a register
// region with these; a version whose register behaves differently supplies
// its own handler for that row. Register semantics: GICv2 4.3.

import { isPrivate, isSgi } from '../../hw/gic/intid.ts';
import { GICD_ICFGR_EDGE } from '../../hw/gic/registers.ts';
import type { VgicCore } from './vgic.ts';
import {
  irqIsPending,
  lowestBit,
  VGIC_CONFIG_EDGE,
  VGIC_CONFIG_LEVEL,
  VGIC_PRI_MASK,
  type VgicIrq,
} from './vgic-irq.ts';

type Read = (vcpu: number, intid: number) => number;
type Write = (vcpu: number, intid: number, field: number) => void;

export class VgicMmioHandlers {
  constructor(readonly core: VgicCore) {}

  private irq(vcpu: number, intid: number): VgicIrq {
    return this.core.getIrq(vcpu, intid)!;
  }

  // ---- GICD_IGROUPR ----
  readonly readGroup: Read = (vcpu, intid) => (this.irq(vcpu, intid).group !== 0 ? 1 : 0);
  /**
   * Read/write (GICv2 4.3.4): each bit written is the interrupt's group
   * (KVM's vgic_mmio_write_group, IIDR revision 2); a change may make a
   * pending interrupt deliverable, so it is queued as KVM does.
   */
  readonly writeGroup: Write = (vcpu, intid, v) => {
    const i = this.irq(vcpu, intid);
    i.group = v !== 0 ? 1 : 0;
    this.core.queueIrq(i);
  };
  readonly uwriteGroup: Write = (vcpu, intid, v) => {
    this.irq(vcpu, intid).group = v;
  };

  // ---- GICD_ISENABLER / GICD_ICENABLER ----
  readonly readEnable: Read = (vcpu, intid) => (this.irq(vcpu, intid).enabled ? 1 : 0);
  readonly writeSenable: Write = (vcpu, intid, v) => {
    if (v === 0) return;
    const i = this.irq(vcpu, intid);
    // mapped level: the line may have dropped while disabled; resample, and
    // release the physical active state if it did and nothing is active
    if (i.hw && i.config === VGIC_CONFIG_LEVEL && i.useInputLevel) {
      const was = i.lineLevel;
      this.core.resampleLine(i);
      if (was && !i.lineLevel && !i.active) this.core.setPhysActive(i, false);
    }
    i.enabled = true;
    if (this.core.faults.noLevelReevalOnEnable && i.config === VGIC_CONFIG_LEVEL) return; // mutant
    this.core.queueIrq(i);
  };
  /** An interrupt already in an LR stays there until the next sync; the prune drops it. */
  readonly writeCenable: Write = (vcpu, intid, v) => {
    if (v !== 0) this.irq(vcpu, intid).enabled = false;
  };
  readonly uwriteEnable: Write = (vcpu, intid, v) => {
    this.irq(vcpu, intid).enabled = v !== 0;
  };

  // ---- GICD_ISPENDR / GICD_ICPENDR ----
  readonly readPending: Read = (vcpu, intid) => (irqIsPending(this.irq(vcpu, intid)) ? 1 : 0);
  /** The latch (soft pend for level); SGI bits are WI on GICv2 (GICD_SPENDSGIR instead). */
  readonly writeSpending: Write = (vcpu, intid, v) => {
    if (v === 0) return;
    if (isSgi(intid)) {
      if (!this.core.faults.sgiIspendrWritable) return;
      this.irq(vcpu, intid).source |= 1 << vcpu; // mutant: pended as if the writer had sent it
    }
    const i = this.irq(vcpu, intid);
    i.pendingLatch = true;
    // mapped: keep the device from signalling while the guest handles the soft-pended one
    if (i.hw) this.core.setPhysActive(i, true);
    this.core.queueIrq(i);
  };
  /**
   * Clears the latch only, so a level interrupt whose line is high stays
   * pending (GICv2 4.3.8). An instance already in an LR of a running vcpu
   * stays there until that vcpu's next sync (KVM does not halt).
   */
  readonly writeCpending: Write = (vcpu, intid, v) => {
    if (v === 0 || isSgi(intid)) return;
    const i = this.irq(vcpu, intid);
    i.pendingLatch = false;
    if (i.hw && !i.active) this.core.setPhysActive(i, false);
  };

  // ---- GICD_ISACTIVER / GICD_ICACTIVER (the table halts the guest around SPI writes) ----
  readonly readActive: Read = (vcpu, intid) => (this.irq(vcpu, intid).active ? 1 : 0);
  readonly writeSactive: Write = (vcpu, intid, v) => {
    if (v !== 0) this.changeActive(vcpu, this.irq(vcpu, intid), true);
  };
  readonly writeCactive: Write = (vcpu, intid, v) => {
    if (v !== 0) this.changeActive(vcpu, this.irq(vcpu, intid), false);
  };
  readonly uwriteActive: Write = (vcpu, intid, v) => {
    this.irq(vcpu, intid).active = v !== 0;
  };

  private changeActive(vcpu: number, i: VgicIrq, active: boolean): void {
    i.active = active;
    if (active && isSgi(i.intid)) i.activeSource = vcpu;
    if (i.hw) this.core.setPhysActive(i, active);
    if (active) this.core.queueIrq(i);
  }

  // ---- GICD_IPRIORITYR ----
  readonly readPriority: Read = (vcpu, intid) => this.irq(vcpu, intid).priority;
  /** Takes effect for an interrupt already in an LR at the next flush. */
  readonly writePriority: Write = (vcpu, intid, b) => {
    this.irq(vcpu, intid).priority = b & VGIC_PRI_MASK;
  };

  // ---- GICD_ITARGETSR ----
  readonly readTarget: Read = (vcpu, intid) => this.irq(vcpu, intid).targets;
  /** Read-only for INTIDs 0-31 (GICv2 4.3.12); only the lowest target is honoured. */
  readonly writeTarget: Write = (vcpu, intid, b) => {
    if (isPrivate(intid)) return;
    const i = this.irq(vcpu, intid);
    i.targets = b & ((1 << this.core.nrVcpus) - 1);
    // an active SPI moves at the prune once inactive
    i.targetVcpu = i.targets === 0 ? 0 : lowestBit(i.targets);
  };

  // ---- GICD_ICFGR ----
  readonly readConfig: Read = (vcpu, intid) =>
    this.irq(vcpu, intid).config === VGIC_CONFIG_EDGE ? GICD_ICFGR_EDGE : 0;
  /** SGIs are edge and PPIs level, both read-only (KVM: the timer relies on level PPIs). */
  readonly writeConfig: Write = (vcpu, intid, f) => {
    if (isPrivate(intid)) return;
    this.irq(vcpu, intid).config = (f & GICD_ICFGR_EDGE) !== 0 ? VGIC_CONFIG_EDGE : VGIC_CONFIG_LEVEL;
  };
}
