// A timer policy: how a generation's timer emulation tells the vgic about
// the guest's timers, and when. The run loop calls these hooks at the points
// the generation's order says (src/hyp/generation: RunLoopOrder), so a new
// timer design (say, trapping the guest's timer writes, FEAT_ECV style) is
// a new module, never a change to the run loop.
//
// Run-loop points (src/hyp/vcpu/run-loop.ts):
//   entry:  flush   kvm_timer_flush_hwstate (before or after kvm_vgic_flush_hwstate)
//   exit:   sync    kvm_timer_sync_hwstate (before kvm_vgic_sync_hwstate, or
//                   after preempt_enable())
// and outside the loop: userspace ONE_REG writes, the emulated physical
// timer's expiry, trapped CNTP_* accesses, WFI blocking.

import type { ArchTimer } from '../timer/arch-timer.ts';
import type { VgicFacade } from '../vgic/facade.ts';

export interface TimerPolicy {
  readonly name: string;
  /** One line for reports. */
  readonly summary: string;
  /** After vgic init: map the timer PPI (and, where an era did so, configure trigger modes). */
  vgicInit(vgic: VgicFacade, timers: readonly ArchTimer[]): void;
  flush(t: ArchTimer): void;
  sync(t: ArchTimer): void;
  /** Userspace wrote CNTV_CTL/CVAL or the counter through ONE_REG. */
  afterUserWrite(t: ArchTimer): void;
  /** The guest wrote an emulated CNTP register (trapped MSR), or its soft timer expired. */
  ptimerChanged(t: ArchTimer): void;
  /**
   * The guest wrote a CNTV register that trapped (CNTHCTL_EL2.EL1TVT, set
   * only by designs whose Generation.traps.vtimer is true: trap-timer).
   */
  vtimerWritten?(t: ArchTimer): void;
  /** kvm_cpu_has_pending_timer: may a vcpu blocked in WFI run because of its timer? */
  pendingTimer(t: ArchTimer): boolean;
  /** The vcpu blocks in WFI: arm what will wake it (4.3+: kvm_timer_schedule). */
  blocking(t: ArchTimer): void;
  /**
   * kvm_timer_vcpu_reset (kvm_reset_vcpu, e.g. for PSCI CPU_ON): the
   * registers (ArchTimer.resetCtl) and what the era told the vgic about it.
   * The vcpu is out of the guest, its timer not loaded.
   */
  vcpuReset(t: ArchTimer): void;
}
