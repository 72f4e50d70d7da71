// The vgic as everything outside src/hyp/vgic sees it: KVM's kvm_vgic_*
// entry points plus the few queries the timer emulation and userspace need.
// Two designs implement it: the new vgic (kvm-vgic.ts: ap_list, LRs
// rebuilt at every entry) and the legacy one (legacy/: Linux <= 4.6
// vgic.c, bitmaps, LRs kept across exits). Nothing outside this folder
// reaches into either's internals.

import type { MmioDevice } from '../../hw/mmio.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { VgicCounters } from './counters.ts';
import type { InjectResult } from './vgic.ts';
import type { UaccessResult, VgicRegGroup } from './vgic-uaccess.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export type { InjectResult } from './vgic.ts';
export type { UaccessResult, VgicRegGroup } from './vgic-uaccess.ts';

/**
 * Which vgic implementation backs the VM:
 * - `legacy`: Linux <= 4.6 virt/kvm/arm/vgic.c (bitmaps, LRs kept across
 *   exits), pre-seed (`map->active`, PPIs edge) or with the seed applied;
 * - `new`: the 4.7+ vgic (per-IRQ structs, ap_list, LRs rebuilt at every
 *   entry) as of the 2025 LR-overflow rework.
 */
export type VgicDesign = { readonly kind: 'legacy'; readonly seed: boolean } | { readonly kind: 'new' };

/** Trigger mode of an interrupt (GICD_ICFGR). */
export type Trigger = 'edge' | 'level';

/** A read-only view of one interrupt's distributor state (for tests, userspace and reports). */
export interface IrqView {
  readonly enabled: boolean;
  /** pending as the distributor computes it (level: line or soft pend; edge: latch) */
  readonly pending: boolean;
  readonly active: boolean;
  /** the line level last injected (level interrupts) */
  readonly lineLevel: boolean;
  /** edge latch / level soft pend (GICD_ISPENDR) */
  readonly latch: boolean;
  readonly trigger: Trigger;
  readonly priority: number;
  /** mapped to a physical interrupt (LR HW=1) */
  readonly hw: boolean;
}

/** Anything a vgic design saves; each design checks its own `kind` on restore. */
export interface VgicSnapshot {
  readonly version: number;
  readonly kind?: string;
}

/** What the VM reaches of the vgic for a GICv3 guest (kvm-vgic.ts). */
export interface VgicGuestV3 {
  /** the GICD frame (trapped: every access is emulated); `cpu` of an access = the vcpu */
  readonly gicd: MmioDevice & {
    read64(offset: number, vcpu: number): bigint;
    write64(offset: number, lo: number, hi: number, vcpu: number): void;
  };
  /** the redistributor region (vcpu k's frames at k * 128 KiB) */
  readonly gicr: MmioDevice & {
    read64(offset: number, vcpu: number): bigint;
    write64(offset: number, lo: number, hi: number, vcpu: number): void;
  };
  /**
   * false: the release has no handler for ICC_SGI0R_EL1 / ICC_ASGI1R_EL1
   * (before Linux 4.18): their trapped writes are UNDEFINED for the guest.
   * Absent: handled (dispatchSgi with allowGroup1 false).
   */
  readonly sgi0r?: boolean;
  /**
   * false: the release's arm-vgic-v3 device has none of the register
   * groups (DIST_REGS, REDIST_REGS, CPU_SYSREGS, LEVEL_INFO: before Linux
   * 4.11), every access -ENXIO whatever the vcpu or state. Absent: it has them.
   */
  readonly regGroups?: boolean;
  /** vgic_v3_dispatch_sgi: a trapped ICC_SGI1R_EL1 (allowGroup1) / SGI0R / ASGI1R write of `vcpu` */
  dispatchSgi(vcpu: number, lo: number, hi: number, allowGroup1: boolean): void;
  /** a trapped ICV_DIR_EL1 write (ICH_HCR_EL2.TDIR, LR overflow) */
  deactivateTrapped(vcpu: number, value: number): void;
  /** kvm_mpidr_to_vcpu: the vcpu of affinity Aff3.Aff2.Aff1.Aff0 ([31:24]..[7:0]), or -1 */
  vcpuOfAffinity(aff: number): number;
  /**
   * KVM_DEV_ARM_VGIC_GRP_DIST_REGS ('dist', as vcpu 0) / _REDIST_REGS
   * ('redist', the redistributor of `vcpu`): a 32-bit userspace access
   * with KVM's userspace semantics (vgic-v3-uaccess.ts); every vcpu must be
   * out of the guest.
   */
  uaccess(
    frame: 'dist' | 'redist',
    vcpu: number,
    offset: number,
    write: boolean,
    value: number,
  ): UaccessResult;
  /** KVM_HAS_DEVICE_ATTR for those groups: a region at `offset` (32-bit aligned)? */
  hasUaccess(frame: 'dist' | 'redist', offset: number): boolean;
  /** KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO (line levels): 32 INTIDs from `intid` as `vcpu` sees them */
  lineLevel(vcpu: number, intid: number, write: boolean, value: number): UaccessResult;
  /** KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS: the ICC_*_EL1 register at `encoding` (op0:op1:CRn:CRm:op2) of `vcpu` */
  sysregUaccess(vcpu: number, encoding: number, write: boolean, value: number): UaccessResult;
  /** KVM_HAS_DEVICE_ATTR for CPU_SYSREGS */
  hasSysreg(encoding: number): boolean;
}

export interface VgicFacade extends Saveable<VgicSnapshot> {
  /**
   * The state into a running hash at any moment, also between flush and
   * sync (the explorer's state hash: everything save() holds, without
   * building it); save() may refuse there, where a snapshot could not be
   * restored.
   */
  digest(h: StateDigest): void;
  /** 'new' or 'legacy' */
  readonly design: string;
  /**
   * A GICv3 guest's side of the vgic (the new design built with the GICv3
   * backend): its GICD frame and redistributor region, the trapped
   * ICC_SGI*R_EL1 writes and ICV_DIR_EL1. Absent or null: GICv2 guests only.
   */
  readonly guestV3?: VgicGuestV3 | null;
  readonly counters: VgicCounters;
  /** vgic_initialized() */
  readonly initialized: boolean;
  /** kvm_vgic_init / KVM_DEV_ARM_VGIC_CTRL_INIT */
  init(): void;
  /** kvm_vgic_inject_irq / kvm_vgic_inject_mapped_irq (SPIs: vcpu null; PPIs: the vcpu) */
  injectIrq(vcpu: number | null, intid: number, level: boolean, owner?: string | null): InjectResult;
  /** kvm_vgic_map_phys_irq */
  mapPhysIrq(vcpu: number, virtIntid: number, physIntid: number, useInputLevel?: boolean): void;
  unmapPhysIrq(vcpu: number, virtIntid: number): void;
  /**
   * kvm_vgic_reset_mapped_irq (vcpu reset, new vgic only): a mapped
   * interrupt forgets its active, pending and line state. Designs without
   * it throw.
   */
  resetMappedIrq(vcpu: number, intid: number): void;
  /** Set the trigger mode of a private interrupt (what vgic_init of an era chose; ICFGR0-1 are read-only for the guest). */
  setTrigger(vcpu: number, intid: number, trigger: Trigger): void;
  vcpuLoad(vcpu: number, pcpu: number): void;
  vcpuPut(vcpu: number): void;
  /**
   * The physical cpu `vcpu`'s vgic is loaded on, -1 when put: the run loop
   * asks it where the vgic stays loaded across exits (RunLoopOrder.vgicLoad);
   * a design loaded around each entry only need not have it.
   */
  loadedOn?(vcpu: number): number;
  /** kvm_vgic_flush_hwstate */
  flushHwstate(vcpu: number): void;
  /** kvm_vgic_sync_hwstate */
  syncHwstate(vcpu: number): void;
  /** kvm_vgic_vcpu_pending_irq: may a vcpu blocked in WFI run? */
  pendingIrqFor(vcpu: number): boolean;
  /** kvm_vgic_map_is_active: the guest has the (mapped) interrupt active, in an LR or in the distributor. */
  isMappedActive(vcpu: number, intid: number): boolean;
  /**
   * kvm_vgic_get_phys_irq_active / set (Linux 4.2 only: `map->active`,
   * removed by the seed). Designs without it throw.
   */
  getMapActive(vcpu: number, intid: number): boolean;
  setMapActive(vcpu: number, intid: number, active: boolean): void;
  /** The distributor state of one interrupt; null if it does not exist. */
  irqState(vcpu: number, intid: number): IrqView | null;
  /** Must a guest write to the GICC window at `offset` (GICV) trap? */
  trapsGicv(vcpu: number, offset: number): boolean;
  /** The trapped part of the GICV frame. */
  readonly gicvTrap: MmioDevice;
  /** The GICD emulation (trap-and-emulate); `cpu` of an access = the vcpu. */
  readonly gicd: MmioDevice;
  /**
   * A 64-bit guest access to GICD (LDR/STR of an X register), as the
   * release handled it: the new vgic has no 8-byte region on GICv2 (RAZ/WI);
   * the old one split it into two word accesses.
   */
  gicdRead64(offset: number, vcpu: number): bigint;
  gicdWrite64(offset: number, lo: number, hi: number, vcpu: number): void;
  /**
   * KVM_DEV_ARM_VGIC_GRP_DIST_REGS / _CPU_REGS: a 32-bit userspace access
   * as vcpu `vcpu` (a valid index), with the release's semantics and
   * errors (vgic-uaccess.ts); every vcpu must be out of the guest.
   */
  uaccess(group: VgicRegGroup, vcpu: number, offset: number, write: boolean, value: number): UaccessResult;
  /** KVM_HAS_DEVICE_ATTR for those groups: does the release have a register at `offset`? */
  hasUaccess(group: VgicRegGroup, offset: number): boolean;
}
