// A timer/vgic policy: how the hypervisor tells the vgic about the guest's
// timers, and when. The run loop calls these hooks at fixed points and
// nothing else differs between policies, so a new policy (say, trapping the
// guest's timer writes, FEAT_ECV style) is a new module and one line in
// the registry, never a change to the run loop.
//
// Run-loop points (src/hyp/vcpu/run-loop.ts), in order:
//   entry:  flush            preemption off, before kvm_vgic_flush_hwstate
//   exit:   syncBeforeVgic   preemption off, after the world switch saved the
//                            hardware timer, before kvm_vgic_sync_hwstate
//           syncAfterVgic    after kvm_vgic_sync_hwstate and preempt_enable
// and outside the loop: userspace ONE_REG writes, the emulated physical
// timer's expiry, trapped CNTP_* accesses.

import type { Vgic } from '../vgic/kvm-vgic.ts';
import type { ArchTimer } from '../timer/arch-timer.ts';

export interface TimerPolicy {
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly summary: string;
  /** After vgic init: configure trigger modes of the private interrupts, map the timer PPI. */
  vgicInit(vgic: Vgic, timers: readonly ArchTimer[]): void;
  flush(t: ArchTimer): void;
  syncBeforeVgic(t: ArchTimer): void;
  syncAfterVgic(t: ArchTimer): void;
  /** Userspace wrote CNTV_CTL/CVAL or the counter through ONE_REG. */
  afterUserWrite(t: ArchTimer): void;
  /** The guest wrote an emulated CNTP register (trapped MSR), or its soft timer expired. */
  ptimerChanged(t: ArchTimer): void;
}
