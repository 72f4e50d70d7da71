// Counters of the vgic: plain numbers, saved with the state.

export interface VgicCounters {
  /** GICH_LRn writes at flush */
  lrWrites: number;
  /** syncs that found a maintenance condition (GICH_MISR != 0) */
  maintenance: number;
  /** LRs that came back as EOI maintenance (level interrupt deactivated, GICH_EISR) */
  eoiMaintenance: number;
  /** injections that changed state (vgic_validate_injection passed) */
  injections: number;
  /** kvm_vcpu_kick calls */
  kicks: number;
  /** flushes that had more in flight than LRs and set GICH_HCR.UIE */
  underflows: number;
  /** flushes that sorted the ap_list again to let preempting pending interrupts take LRs from active ones */
  overflowSorts: number;
  /** active interrupts outside the LRs deactivated at sync for a GICH_HCR.EOICount (EOImode 0 EOI) */
  eoiCountDeactivations: number;
  /** trapped guest GICV_DIR writes (while an active interrupt was outside the LRs) */
  dirTraps: number;
  /** physical active-state changes made by the vgic */
  physActiveChanges: number;
  /** vcpus halted and re-synced for a guest GICD_I[SC]ACTIVER write (kvm_arm_halt_guest) */
  halts: number;
  flushes: number;
  syncs: number;
  /** WARN_ON()/BUG_ON() conditions the era's vgic code would have reported (legacy vgic; traced as notes) */
  warnings: number;
}

export function newCounters(): VgicCounters {
  return {
    lrWrites: 0,
    maintenance: 0,
    eoiMaintenance: 0,
    injections: 0,
    kicks: 0,
    underflows: 0,
    overflowSorts: 0,
    eoiCountDeactivations: 0,
    dirTraps: 0,
    physActiveChanges: 0,
    halts: 0,
    flushes: 0,
    syncs: 0,
    warnings: 0,
  };
}
