// Userspace is a thread too: a vcpu or device ioctl that needs the vcpu out
// of KVM_RUN (KVM_SET/GET_ONE_REG, KVM_ARM_SET_COUNTER_OFFSET, the vgic's
// DIST_REGS/CPU_REGS attributes, a VMM's save/restore) can only run while
// the vcpu thread is in userspace. KVM takes vcpu->mutex for a vcpu ioctl,
// which KVM_RUN holds, and lock_all_vcpus() fails the device ioctls with
// -EBUSY while one runs. So a VMM first signals the vcpu threads, as QEMU's
// run_on_cpu does, and this is what happens then (arch/arm64/kvm/arm.c):
//
// - in the guest: the signal's IPI makes it exit (reason 'intr'), the exit
//   path runs as for any exit (syncs, handle_exit), and the loop's signal
//   check returns -EINTR with KVM_EXIT_INTR;
// - blocked in WFI: kvm_vcpu_block returns (kvm_vcpu_check_block sees the
//   signal); the WFI was retired at trap time, so the guest will go on
//   after it: a spurious wake-up, which the architecture permits (Arm ARM
//   D1.16.2 "WFI wake-up events": a WFI may complete at any time);
// - preempted on the exit path, or between iterations: it finishes the
//   exit, then the signal check at the next entry returns (4.x: after the
//   flush, through the early-exit path);
// - powered off (PSCI): its KVM_RUN returns at once, it stays off.
//
// Once every vcpu the ioctl needs is out, the ioctl runs, and the vcpus
// re-enter KVM_RUN through the normal entry path (flushes). A vcpu that
// is running when the ioctl arrives leaves at its next step, so the ioctl
// lands then (at the virtual time the last of them got out); vcpus that do
// not run leave at once. KVM_IRQ_LINE needs no vcpu (any thread, any time).
//
// Counted: exits['intr'] (the guest exits) and signalExits (KVM_RUN
// returns, KVM's signal_exits stat); traced as notes.

import type { TraceSink } from '../../sim/trace/sink.ts';
import type { HypCounters } from './exits.ts';
import type { RunLoop } from './run-loop.ts';
import type { Vcpu } from './vcpu.ts';

/** What the VM tells the userspace thread about its vcpus' threads. */
export interface UserspacePort {
  readonly vcpus: readonly Vcpu[];
  readonly runLoop: RunLoop;
  readonly counters: HypCounters;
  readonly trace: TraceSink;
  readonly clock: { readonly now: number };
  /** Will vcpu `i`'s thread step again by itself (powered on, not blocked)? */
  stepping(i: number): boolean;
  /** vcpu `i` may run again from now (the scheduler's woken). */
  resume(i: number): void;
}

interface PendingIoctl {
  readonly name: string;
  readonly vcpus: readonly number[];
  readonly apply: () => void;
}

export class UserspaceExits {
  private readonly queue: PendingIoctl[] = [];
  /** vcpus userspace keeps out of KVM_RUN until it calls KVM_RUN again (the KVM API between runs) */
  private readonly held: Uint8Array;

  constructor(private readonly o: UserspacePort) {
    this.held = new Uint8Array(o.vcpus.length);
  }

  /** Ioctls waiting for their vcpus to leave KVM_RUN. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Userspace issues `name`, which needs `vcpus` outside KVM_RUN: signal
   * them; `apply` runs once all of them are out (now, if none is running),
   * then they re-enter. Ioctls run in the order issued.
   */
  ioctl(name: string, vcpus: readonly number[], apply: () => void): void {
    this.queue.push({ name, vcpus, apply });
    for (const i of vcpus) this.signal(this.o.vcpus[i]);
    this.drain();
  }

  /**
   * From outside a run (the KVM API between KVM_RUNs, a save): the
   * signalled vcpus leave now, every queued ioctl runs.
   */
  settle(): void {
    for (const v of this.o.vcpus) {
      if (!v.signalPending) continue;
      this.o.runLoop.leaveGuest(v, 'intr');
      this.arrive(v);
    }
    this.drain();
  }

  /**
   * Bring `vcpus` out of KVM_RUN now (outside a run) for an ioctl the
   * caller then performs; they stay in userspace until `reenter`.
   */
  stopNow(name: string, vcpus: readonly number[]): void {
    // already out (held, or inside the ioctl that brought them out): nothing to do
    const need = vcpus.filter((i) => !this.o.vcpus[i].inUserspace);
    if (need.length === 0) return;
    for (const i of need) this.held[i] = 1;
    this.ioctl(name, need, () => {});
    this.settle();
  }

  /** Userspace calls KVM_RUN again for every vcpu it held (the KVM API's run). */
  reenter(): void {
    this.held.fill(0);
    this.drain();
  }

  /** The run loop found the signal (src/hyp/vcpu/run-loop.ts): KVM_RUN returns -EINTR. */
  arrive(v: Vcpu): void {
    v.signalPending = false;
    if (v.inUserspace) return;
    v.inUserspace = true;
    this.o.counters.signalExits++;
    this.note(v.index, 'KVM_RUN returns -EINTR (KVM_EXIT_INTR)');
    this.drain();
  }

  /** Forget queued ioctls (the VM is being restored from a snapshot, taken settled). */
  clear(): void {
    this.queue.length = 0;
    this.held.fill(0);
  }

  private signal(v: Vcpu): void {
    if (v.inUserspace || v.signalPending) return;
    if (v.mode === 'outside' && v.lastExit === null && !v.blocked) {
      // never entered KVM_RUN (created or restored, not run): already in userspace
      v.inUserspace = true;
      return;
    }
    if (v.blocked) {
      // kvm_vcpu_block returns: the WFI completes without a wake-up event
      v.blocked = false;
      v.timer.unblocking();
      this.note(v.index, 'signal ends kvm_vcpu_block (spurious WFI wake-up)');
      this.arrive(v);
      return;
    }
    if (!this.o.stepping(v.index)) {
      this.arrive(v);
      return;
    }
    v.signalPending = true;
    if (v.mode === 'in-guest') v.cpu.requestStop();
  }

  /** Run every ioctl whose vcpus are all out, then let the vcpus no queued ioctl needs re-enter. */
  private drain(): void {
    while (this.queue.length > 0 && this.queue[0].vcpus.every((i) => this.o.vcpus[i].inUserspace)) {
      const io = this.queue.shift()!;
      this.note(-1, `userspace: ${io.name}`);
      io.apply();
    }
    for (const v of this.o.vcpus) {
      if (!v.inUserspace || this.held[v.index] !== 0) continue;
      if (this.queue.some((io) => io.vcpus.includes(v.index))) continue;
      v.inUserspace = false;
      this.o.resume(v.index);
    }
  }

  private note(cpu: number, text: string): void {
    if (this.o.trace.enabled) this.o.trace.emit({ kind: 'note', t: this.o.clock.now, cpu, text });
  }
}
