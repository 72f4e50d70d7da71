// One vcpu as the hypervisor tracks it (the part of KVM's kvm_vcpu this
// model needs): the interpreter core it runs on, its timer, where it is in
// the run loop, and why it last stopped.

import type { Saveable } from '../../sim/saveable.ts';
import type { Cpu } from '../../hw/cpu/cpu.ts';
import type { KvmPmu } from '../pmu/kvm-pmu.ts';
import type { ArchTimer } from '../timer/arch-timer.ts';
import type { ExitReason } from './exits.ts';

export type VcpuMode =
  /** in the hypervisor (between KVM_RUN iterations) */
  | 'outside'
  /** the guest's context is loaded and it runs */
  | 'in-guest'
  /** on the exit path, before handle_exit */
  | 'exiting'
  /** scheduled out at preempt_enable() on the exit path; the exit finishes when it runs again */
  | 'preempted';

/** What of a vcpu's run state a snapshot keeps: it is taken with every vcpu outside the guest. */
export interface VcpuRunState {
  readonly blocked: boolean;
  readonly requestPending: boolean;
}

/**
 * The run-loop side of a vcpu. Its cpu and timer are blocks of their own
 * (saved with the board and by the VM); this saves where the vcpu is.
 */
export class Vcpu implements Saveable<VcpuRunState> {
  mode: VcpuMode = 'outside';
  /** blocked in WFI (kvm_vcpu_block) */
  blocked = false;
  /** a kick arrived while in the guest: exit with reason 'kick' */
  kicked = false;
  /** a kick arrived while outside the guest: take the early-exit path at the next entry (KVM_REQ) */
  requestPending = false;
  /** the scenario asked for an exit */
  forcedExit = false;
  /**
   * A signal is pending for the vcpu thread (userspace wants it out of
   * KVM_RUN for an ioctl): it exits the guest (reason 'intr'), or leaves at
   * the next entry, and returns to userspace (KVM_EXIT_INTR).
   */
  signalPending = false;
  /** out of KVM_RUN, waiting for userspace's ioctl to finish before it re-enters */
  inUserspace = false;
  /** the reason of the last exit */
  lastExit: ExitReason | null = null;
  /** consecutive entries that retired no instruction (livelock guard) */
  idleEntries = 0;
  /** KVM's PMU emulation for this vcpu (a block of its own, saved by the VM) */
  pmu: KvmPmu | null = null;

  constructor(
    readonly index: number,
    /** the physical cpu the vcpu thread is on (src/hyp/vcpu/vcpu-placement.ts moves it) */
    public pcpu: number,
    readonly cpu: Cpu,
    readonly timer: ArchTimer,
  ) {}

  save(): VcpuRunState {
    if (this.mode !== 'outside') throw new RangeError(`vcpu ${this.index} saved while ${this.mode}`);
    return { blocked: this.blocked, requestPending: this.requestPending };
  }

  /** Outside the guest (where a snapshot is taken): no kick or forced exit outstanding. */
  restore(s: VcpuRunState): void {
    this.mode = 'outside';
    this.blocked = s.blocked;
    this.requestPending = s.requestPending;
    this.kicked = false;
    this.forcedExit = false;
    this.signalPending = false;
    this.inUserspace = false;
    this.lastExit = null;
    this.idleEntries = 0;
  }

  defaultState(): VcpuRunState {
    return { blocked: false, requestPending: false };
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}
