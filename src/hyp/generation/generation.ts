// A generation: one KVM release as its code behaves, the unit vgicsim
// compares. It bundles what differs between releases for interrupt and
// timer virtualization: the vgic design (backend), the timer emulation
// (a TimerPolicy), where the run loop flushes and syncs the timer relative
// to the vgic, and the userspace API differences. Everything else (the
// board, the guest, the scheduler) is shared.

import type { TimerPolicy } from '../policy/policy.ts';
import type { VgicDesign } from '../vgic/facade.ts';
import type { MutantId } from './names.ts';

export type { VgicDesign } from '../vgic/facade.ts';

/** Where kvm_arch_vcpu_ioctl_run calls the timer relative to the vgic. */
export interface RunLoopOrder {
  /** kvm_timer_flush_hwstate before kvm_vgic_flush_hwstate (4.3+) or after it (4.2). */
  readonly timerFlush: 'before-vgic' | 'after-vgic';
  /**
   * kvm_timer_sync_hwstate before kvm_vgic_sync_hwstate inside the
   * non-preemptible section (4.3+), or after preempt_enable() (4.2).
   */
  readonly timerSync: 'before-vgic' | 'after-preempt-enable';
  /**
   * Where the vgic is loaded onto the physical cpu's virtual interface and
   * put back (VMCR, APR, GICH_HCR.En / ICH_HCR_EL2.En): absent = around
   * every entry (the world switch of 4.2/4.3's vgic-v2 save/restore);
   * 'vcpu-load' = at vcpu_load/vcpu_put (kvm_vgic_load/kvm_vgic_put since
   * 4.15: once per KVM_RUN, and whenever the thread is scheduled out or
   * blocks), so an exit handled in the kernel goes back in without them.
   */
  readonly vgicLoad?: 'vcpu-load';
}

/** Userspace API differences that change what the guest sees. */
export interface UserApi {
  /** KVM_SET_ONE_REG of a timer register re-evaluates the timer output (kvm_arm_timer_set_reg, 4.3+). */
  readonly oneRegUpdatesTimer: boolean;
  /** KVM_ARM_SET_COUNTER_OFFSET exists (6.4+). */
  readonly counterOffsetIoctl: boolean;
  /**
   * The arm-vgic-v3 device has the register groups DIST_REGS, REDIST_REGS,
   * CPU_SYSREGS, LEVEL_INFO (4.11+): without them a VMM cannot save a GICv3
   * VM's interrupt state (no migration).
   */
  readonly vgicV3Regs: boolean;
}

/**
 * What a release did with the guest's Performance Monitors registers
 * (src/hyp/pmu/kvm-pmu.ts): 'raz-wi' before the vPMU of Linux 4.6 (RAZ/WI
 * or UNDEFINED, the host's PMUVer showing through), 'vpmu' the emulated
 * PMUv3 with its overflow interrupt on PPI 23.
 */
export type PmuEmulation = 'raz-wi' | 'vpmu';

export interface Generation {
  /** `linux-<release>` */
  readonly name: string;
  /** the kernel release modelled, e.g. '4.2' */
  readonly release: string;
  /** One line for `--help` and reports. */
  readonly summary: string;
  readonly vgic: VgicDesign;
  /** The VM runs `machine.gic: v3` guests (vgic-v3, issue 18; KVM has had it since 3.19): absent = GICv2 guests only. */
  readonly vgicV3?: true;
  readonly timer: TimerPolicy;
  readonly order: RunLoopOrder;
  readonly api: UserApi;
  /**
   * Traps a hypothetical design sets at vcpu load: `vtimer` sets
   * CNTHCTL_EL2.EL1TVT (FEAT_ECV), so the guest's CNTV_* accesses exit and
   * the timer policy's vtimerWritten runs at each write. Absent = none (every
   * release).
   */
  readonly traps?: { readonly vtimer: boolean };
  /**
   * Deliberate bugs (mutants for testing the explorer, mutants.ts): absent
   * or empty in every release and design.
   */
  readonly mutations?: ReadonlySet<MutantId>;
  readonly pmu: PmuEmulation;
}
