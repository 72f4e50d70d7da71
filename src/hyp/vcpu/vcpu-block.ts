// kvm_vcpu_block and kvm_vcpu_kick: a vcpu that executed WFI (or PSCI
// CPU_SUSPEND's standby) with nothing to run for sleeps until an interrupt
// becomes pending for it or its timer should fire (kvm_vcpu_check_block,
// 4.x); a kick makes a vcpu in the guest exit, and wakes a sleeping one.

import type { TraceSink } from '../../sim/trace/sink.ts';
import type { TimerPolicy } from '../policy/policy.ts';
import type { VcpuWaker } from '../timer/arch-timer.ts';
import type { VgicFacade } from '../vgic/facade.ts';
import type { VcpuKicker } from '../vgic/ports.ts';
import type { HypCounters } from './exits.ts';
import type { Vcpu } from './vcpu.ts';
import type { VcpuPlacement } from './vcpu-placement.ts';

export interface VcpuBlockingOptions {
  readonly vcpus: readonly Vcpu[];
  readonly vgic: VgicFacade;
  readonly policy: TimerPolicy;
  readonly placement: VcpuPlacement;
  readonly counters: HypCounters;
  readonly trace: TraceSink;
  readonly clock: { readonly now: number };
  /** the host scheduler runs vcpu `vcpu`'s thread again */
  readonly scheduled: (vcpu: number) => void;
}

export class VcpuBlocking implements VcpuKicker, VcpuWaker {
  constructor(private readonly o: VcpuBlockingOptions) {}

  kick(vcpu: number): void {
    const v = this.o.vcpus[vcpu];
    if (v.mode === 'in-guest') {
      v.kicked = true;
      v.cpu.requestStop();
    } else if (v.blocked) this.tryWake(v);
  }

  wake(vcpu: number): void {
    this.tryWake(this.o.vcpus[vcpu]);
  }

  /** kvm_vcpu_check_block (4.x): runnable when an interrupt is pending for it or its timer should fire. */
  canRun(v: Vcpu): boolean {
    return this.o.vgic.pendingIrqFor(v.index) || this.o.policy.pendingTimer(v.timer);
  }

  block(v: Vcpu): void {
    v.blocked = true;
    this.o.placement.release(v);
    this.o.counters.blocks++;
    this.o.policy.blocking(v.timer);
    this.traceState(v, 'blocked');
  }

  /** PSCI CPU_OFF: the thread leaves its physical cpu until CPU_ON. */
  poweredOff(v: Vcpu): void {
    this.o.placement.release(v);
    this.traceState(v, 'off');
  }

  private tryWake(v: Vcpu): void {
    if (!v.blocked) return;
    if (this.canRun(v)) {
      v.blocked = false;
      // kvm_vcpu_block returns: the thread is scheduled in again, perhaps on another physical cpu.
      this.o.placement.atWake(v);
      this.o.scheduled(v.index);
      v.timer.unblocking();
      this.traceState(v, 'hyp', 'wake');
    } else this.o.policy.blocking(v.timer);
  }

  private traceState(v: Vcpu, state: 'hyp' | 'blocked' | 'off', reason?: string): void {
    const { trace } = this.o;
    if (trace.enabled) trace.emit({ kind: 'vcpu', t: this.o.clock.now, cpu: v.index, state, reason });
  }
}
