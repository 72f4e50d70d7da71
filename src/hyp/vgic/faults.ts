// Deliberate bugs the vgic can be built with: the mutants of
// src/hyp/generation/mutants.ts, which the explorer's tests must catch.
// Every real generation builds the vgic with NO_VGIC_FAULTS. Each flag is
// read at one place (named beside it), as a plain boolean: no lookup per
// exit or instruction.

export interface VgicFaults {
  /** vgic-v2-lr.ts populateLr: unmapped level interrupts get no GICH_LR.EOI bit (no EOI maintenance). */
  readonly noEoiMaintenance: boolean;
  /**
   * vgic-v2-lr.ts foldLr: a mapped level interrupt the guest deactivated is
   * not sampled again; the vgic takes its line as low, so a line still high
   * is not re-injected (the timer signals only changes, it never says so again).
   */
  readonly noResampleAfterDeactivate: boolean;
  /** vgic-mmio.ts writeSpending: GICD_ISPENDR0's SGI bits pend the SGI from the writer (WI in GICv2 4.3.7). */
  readonly sgiIspendrWritable: boolean;
  /** vgic-mmio.ts writeSenable: enabling a level interrupt neither resamples nor queues it. */
  readonly noLevelReevalOnEnable: boolean;
  /**
   * kvm-vgic.ts: a kick of a vcpu that has flushed its LRs and not synced
   * them (between flush and entry, or in the guest) is lost: the vcpu does
   * not exit to pick up the interrupt just queued (KVM's request re-check
   * after IN_GUEST_MODE, and the kick IPI, both missing).
   */
  readonly lostKick: boolean;
}

export const NO_VGIC_FAULTS: VgicFaults = {
  noEoiMaintenance: false,
  noResampleAfterDeactivate: false,
  sgiIspendrWritable: false,
  noLevelReevalOnEnable: false,
  lostKick: false,
};
