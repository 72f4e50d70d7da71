// KVM_RUN for one vcpu, one scheduler step at a time, in the order of
// arch/arm/kvm/arm.c of the generation (src/hyp/generation: RunLoopOrder).
// The seed's order (Linux 4.3, and today's for the points modelled):
//
//   entry   preempt_disable
//           timer flush                  (policy.flush; 4.2: after the vgic flush)
//           kvm_pmu_flush_hwstate        (the vPMU's level to the vgic, on change; 4.6+)
//           kvm_vgic_flush_hwstate
//           [early exit: request pending -> timer sync, vgic sync, continue]
//           world switch in: restore the hardware timer, enter the guest
//   exit    world switch out: save the hardware timer and stop it
//           timer sync                   (policy.sync: the seed moved it here)
//           kvm_pmu_sync_hwstate
//           kvm_vgic_sync_hwstate
//           vgic put (GICH_HCR.En = 0: maintenance and virq drop)
//           local_irq_enable: the host takes pending physical interrupts
//           preempt_enable               (a preemption point: src/hyp/vcpu/vcpu-placement.ts;
//                                         the thread may resume on another physical cpu)
//           [4.2: timer sync here]
//           handle_exit
//
// In 4.2 an expiry the timer flush finds is injected after the vgic flush
// has filled the LRs: it reaches an LR only at the next entry.
//
// Two deliberate differences from 4.3, both invisible to the guest: the
// VMCR/APR/HCR load happens at each entry (4.3 restored them in the world
// switch, the same thing), and the host takes its interrupts after the
// syncs rather than before: 4.3's handlers for the timer and maintenance
// interrupts do nothing (their work is the sync), and after the world
// switch both lines are low anyway.
//
// Where the generation loads the vgic at vcpu_load (RunLoopOrder.vgicLoad,
// KVM since 4.15: kvm_arch_vcpu_load -> kvm_vgic_load, kvm_arch_vcpu_put ->
// kvm_vgic_put), the load and put above leave the per-exit path: the vgic
// is put when the thread leaves its physical cpu (scheduled out at
// preempt_enable(), blocked in WFI or powered off -- kvm_vcpu_wfi puts it
// explicitly, any schedule() does through the preempt notifier --, a
// signal ending KVM_RUN, the run stopped; not when userspace takes the vcpu
// out for a save: see leaveGuest) and loaded before the next entry, on the cpu
// the thread runs on then (kvm_sched_in; here at the entry itself, which
// nothing between the two can tell apart: the interface's LRs are empty
// after the sync and its outputs low). An exit handled in the kernel that
// goes straight back into the guest touches neither VMCR, APR nor HCR.En.
//
// A step that ends because the instruction budget ran out leaves the vcpu in
// the guest: exits happen only for architectural reasons, never because the
// simulator paused.

import type { TraceSink } from '../../sim/trace/sink.ts';
import type { StopReason } from '../../hw/cpu/guest-port.ts';
import type { RunLoopOrder } from '../generation/generation.ts';
import type { TimerPolicy } from '../policy/policy.ts';
import type { VgicFacade } from '../vgic/facade.ts';
import { type ExitReason, exitInsnOffset, type HypCounters, mmioExitReason } from './exits.ts';
import type { Vcpu } from './vcpu.ts';
import type { VcpuPlacement } from './vcpu-placement.ts';

/** What handles an exit once the syncs are done (the VM: MMIO, WFI, PSCI, sysregs). */
export interface ExitHandler {
  handleExit(v: Vcpu, reason: ExitReason): void;
  /** The host takes its pending physical interrupts (local_irq_enable). */
  hostIrqs(pcpu: number): void;
  /** Is a physical interrupt signalled to `pcpu` (the exit cause while in the guest)? */
  physIrq(pcpu: number): boolean;
  /** Cycles vcpu `v` may run before the next kernel event falls due (0 when one is due now). */
  cyclesToDeadline(v: number): number;
  /** Bring the shared clock up to vcpu `v`'s local time: the hypervisor works at the vcpu's "now". */
  syncTime(v: number): void;
  /** May `v` go round the loop again now (powered on, not blocked, the run not stopped)? */
  canContinue(v: Vcpu): boolean;
  /** A signal made `v`'s KVM_RUN return to userspace (KVM_EXIT_INTR): src/hyp/vcpu/userspace-exit.ts. */
  returnToUserspace(v: Vcpu): void;
  /** May a step that made progress go round the loop again with the rest of its budget (Scheduler.stepMayGoOn)? */
  stepMayGoOn(): boolean;
}

export interface RunLoopOptions {
  readonly vgic: VgicFacade;
  readonly policy: TimerPolicy;
  readonly order: RunLoopOrder;
  /** the host scheduler: preemption and migration decisions */
  readonly placement: VcpuPlacement;
  readonly counters: HypCounters;
  readonly trace: TraceSink;
  readonly clock: { readonly now: number };
  readonly handler: ExitHandler;
  /** cycles charged per exit (world switch out + handling) and per entry */
  readonly exitCycles: number;
  readonly entryCycles: number;
}

/** An exit storm that retires nothing this many times in a row is a livelock: the run ends. */
export const LIVELOCK_ENTRIES = 10_000;

export class LivelockError extends Error {
  override name = 'LivelockError';
}

export class RunLoop {
  /** set when a step must return to the scheduler so a due event can fire */
  private yieldToKernel = false;
  /** the vgic stays loaded across exits (RunLoopOrder.vgicLoad, with a vgic that says where it is loaded) */
  private readonly loadAtVcpuLoad: boolean;
  /**
   * The vcpu whose time the shared clock was last brought up to in this
   * step, and the guest cycles it had then (-1: none). Within a step a
   * vcpu's local time moves only with its guest cycles, and once the clock
   * is there a second syncTime fires nothing: it is skipped.
   */
  private syncedVcpu = -1;
  private syncedCycles = 0;
  /**
   * canContinue(continuesFor) as the last finishExit found it: when that was
   * the iteration's last act, the step need not ask again (null: not known).
   */
  private continues = false;
  private continuesFor: Vcpu | null = null;

  /** the generation's order (RunLoopOrder): timer flush before the vgic's, timer sync before the vgic's */
  private readonly timerFlushFirst: boolean;
  private readonly timerSyncFirst: boolean;

  constructor(private readonly o: RunLoopOptions) {
    this.loadAtVcpuLoad = o.order.vgicLoad === 'vcpu-load' && o.vgic.loadedOn !== undefined;
    this.timerFlushFirst = o.order.timerFlush === 'before-vgic';
    this.timerSyncFirst = o.order.timerSync === 'before-vgic';
  }

  /** Run `v` for at most `budget` cycles; returns the cycles consumed. */
  step(v: Vcpu, budget: number): number {
    const before = v.cpu.cycles;
    let cost = 0;
    // An iteration that consumes nothing (an exit taken before any guest
    // instruction, the early-exit path, all with zero configured costs) goes
    // round again: a step returning 0 tells the scheduler the cpu cannot
    // progress, and it would move the clock on without it.
    this.yieldToKernel = false;
    this.syncedVcpu = -1;
    // Once the guest has progressed, the loop goes round again within this
    // step only where the scheduler would just call step() again with the
    // rest of the budget: nothing charged (local time within a step counts
    // guest cycles only), no decision of the scheduler pending, budget left.
    // The deadline is iterate's (cyclesToDeadline), as it is for a new step.
    for (;;) {
      cost += this.iterate(v, budget - (v.cpu.cycles - before) - cost);
      const continues = this.continuesFor === v ? this.continues : this.o.handler.canContinue(v);
      if (this.yieldToKernel || !continues) break;
      if (cost === 0 && v.cpu.cycles === before) continue;
      if (cost !== 0 || v.cpu.cycles - before >= budget || !this.o.handler.stepMayGoOn()) break;
    }
    this.o.counters.hypCycles += cost;
    // Completing an emulated access retires the trapped instruction too; an
    // exception the hypervisor injects (UNDEFINED, an external abort) costs its entry.
    return v.cpu.cycles - before + cost;
  }

  /** One KVM_RUN loop iteration (or its remainder); returns the hypervisor cycles it cost. */
  private iterate(v: Vcpu, budget: number): number {
    let cost = 0;
    this.continuesFor = null;
    if (v.mode === 'preempted') {
      this.finishExit(v);
      // handle_exit may have blocked the thread (WFI: kvm_vcpu_block), powered the
      // vcpu off or ended KVM_RUN: it does not go round the loop to the entry
      this.continuesFor = null;
      if (!this.continues) return cost;
    }
    // A pending signal ends KVM_RUN before the next entry (-EINTR, KVM_EXIT_INTR).
    if (v.signalPending && v.mode === 'outside') {
      this.vgicPut(v);
      this.o.handler.returnToUserspace(v);
      return cost;
    }
    if (v.mode === 'outside') {
      this.o.placement.atLoopTop(v);
      if (!this.enter(v)) return this.o.entryCycles + this.o.exitCycles;
      cost += this.o.entryCycles;
    }
    const before = v.cpu.cycles;
    // A physical interrupt, kick or forced exit that arrived while the cpu
    // was not executing (a kernel event at the slice boundary: the hardware
    // timer expiring at the exact tick the vcpu reached) is taken at this
    // instruction boundary. Cpu.run() forgets stop requests made between
    // runs, so without this check the guest would run its whole next budget.
    // The entry (or the exit handled earlier in this step) may have armed a
    // deadline sooner than the one the scheduler sized this step for (the
    // hardware timer restored by the world switch): never run past it.
    const guestBudget = Math.min(budget, this.o.handler.cyclesToDeadline(v.index));
    const pending = this.exitPending(v);
    if (guestBudget <= 0 && !pending) {
      this.yieldToKernel = true;
      return cost;
    }
    const stop: StopReason = pending ? 'stopped' : v.cpu.run(guestBudget);
    const reason = this.exitReason(v, stop);
    if (reason !== null) {
      const ranInGuest = v.cpu.cycles - before;
      cost += this.exit(v, reason) + this.o.exitCycles;
      v.idleEntries = ranInGuest === 0 ? v.idleEntries + 1 : 0;
      if (v.idleEntries >= LIVELOCK_ENTRIES)
        throw new LivelockError(
          `vcpu ${v.index}: ${LIVELOCK_ENTRIES} exits in a row without progress (last: ${reason})`,
        );
    }
    return cost;
  }

  /** The entry half of an iteration. Returns false when the early-exit path ran instead. */
  private enter(v: Vcpu): boolean {
    const { vgic, policy } = this.o;
    this.syncTime(v);
    if (this.loadAtVcpuLoad) this.vgicLoad(v);
    else vgic.vcpuLoad(v.index, v.pcpu);
    const timerFirst = this.timerFlushFirst;
    if (timerFirst) policy.flush(v.timer);
    v.pmu?.updateState(); // kvm_pmu_flush_hwstate, before the vgic's flush
    vgic.flushHwstate(v.index);
    if (!timerFirst) policy.flush(v.timer);
    if (v.requestPending || v.signalPending) {
      // "if (signal_pending(current)) ret = -EINTR; if (ret <= 0 || ...) {
      //  timer sync; vgic sync; preempt_enable; continue; }"
      // (4.2: vgic sync; preempt_enable; timer sync)
      v.requestPending = false;
      this.o.counters.earlyExits++;
      const syncFirst = this.timerSyncFirst;
      if (syncFirst) policy.sync(v.timer);
      v.pmu?.updateState(); // kvm_pmu_sync_hwstate
      vgic.syncHwstate(v.index);
      if (!this.loadAtVcpuLoad) vgic.vcpuPut(v.index);
      if (!syncFirst) policy.sync(v.timer);
      return false;
    }
    v.timer.unblocking();
    v.timer.loadHw();
    v.mode = 'in-guest';
    this.o.counters.entries++;
    if (this.o.trace.enabled)
      this.o.trace.emit({ kind: 'vcpu', t: this.o.clock.now, cpu: v.index, state: 'guest', pcpu: v.pcpu });
    return true;
  }

  private exitPending(v: Vcpu): boolean {
    return v.kicked || v.forcedExit || v.signalPending || this.o.handler.physIrq(v.pcpu);
  }

  /** Map a cpu stop to an exit reason; null when the guest simply goes on (budget, in-place port call). */
  private exitReason(v: Vcpu, stop: StopReason): ExitReason | null {
    switch (stop) {
      case 'budget':
      case 'port':
        // A physical interrupt may have risen during the block's last port call.
        return this.o.handler.physIrq(v.pcpu)
          ? 'irq'
          : v.kicked
            ? 'kick'
            : v.forcedExit
              ? 'host'
              : v.signalPending
                ? 'intr'
                : null;
      case 'stopped':
        if (this.o.handler.physIrq(v.pcpu)) return 'irq';
        if (v.kicked) return 'kick';
        if (v.forcedExit) return 'host';
        if (v.signalPending) return 'intr';
        return 'host';
      case 'wfi':
        return 'wfi';
      case 'wfe':
        return 'wfe';
      case 'hvc':
        return 'hvc';
      case 'smc':
        return 'smc';
      case 'mmio-exit':
        return mmioExitReason(v.cpu.mmio.pa);
      case 'sysreg-exit':
        return 'sysreg';
    }
  }

  /** The exit half: world switch out, syncs in the seed's order, host interrupts, handle_exit. */
  private exit(v: Vcpu, reason: ExitReason): number {
    const { vgic, policy, counters } = this.o;
    this.syncTime(v);
    v.mode = 'exiting';
    v.kicked = false;
    v.forcedExit = false;
    v.lastExit = reason;
    counters.exits[reason]++;
    if (this.o.trace.enabled) {
      // The exiting instruction's disassembly: computed only when tracing.
      const off = exitInsnOffset(reason);
      const at = { kind: 'vcpu', t: this.o.clock.now, cpu: v.index, state: 'hyp', reason } as const;
      this.o.trace.emit(off === null ? at : { ...at, insn: v.cpu.insnTextAt(v.cpu.pc + off) });
    }
    v.timer.saveHw();
    if (this.timerSyncFirst) policy.sync(v.timer);
    v.pmu?.updateState(); // kvm_pmu_sync_hwstate, before the vgic's sync
    vgic.syncHwstate(v.index);
    if (!this.loadAtVcpuLoad) vgic.vcpuPut(v.index);
    this.o.handler.hostIrqs(v.pcpu);
    const out = this.o.placement.atPreemptEnable(v);
    if (out >= 0) {
      // Scheduled out right after preempt_enable(), perhaps moved to another
      // physical cpu: the rest of the exit (4.2's timer sync, handle_exit)
      // runs when the vcpu is back.
      v.mode = 'preempted';
      this.vgicPut(v); // kvm_sched_out
      return out;
    }
    this.finishExit(v);
    return 0;
  }

  /** Userspace needs the vcpu (save, migration): leave the guest now and finish the exit path. */
  leaveGuest(v: Vcpu, reason: 'host' | 'intr' = 'host'): void {
    this.syncedVcpu = -1; // outside a step: the vcpu's time is the scheduler's
    if (v.mode === 'in-guest') {
      v.forcedExit = true;
      this.exit(v, reason);
    }
    if (v.mode === 'preempted') this.finishExit(v);
    this.continuesFor = null;
    // Where the vgic stays loaded across exits, a vcpu brought out here keeps
    // it loaded (KVM's vcpu_put on the way to userspace is not modelled): a
    // save of a vcpu outside the guest changes nothing (the explorer resumes
    // from such snapshots and must see what a run without them sees). The
    // snapshot holds where it is loaded; the next vcpu loaded on that cpu,
    // or a userspace vgic access, puts it (Vgic.vcpuLoad, assertOutOfGuest).
  }

  private finishExit(v: Vcpu): void {
    this.syncTime(v);
    v.mode = 'outside';
    if (!this.timerSyncFirst) this.o.policy.sync(v.timer); // 4.2: after preempt_enable()
    this.o.handler.handleExit(v, v.lastExit!);
    // blocked in WFI, powered off, in userspace, its cpu given away, the run stopped
    const continues = this.o.handler.canContinue(v);
    if (!continues) this.vgicPut(v);
    this.continues = continues;
    this.continuesFor = v;
  }

  /** Bring the clock up to `v`'s time (ExitHandler.syncTime), unless it is there already in this step. */
  private syncTime(v: Vcpu): void {
    const cycles = v.cpu.cycles;
    if (this.syncedVcpu === v.index && this.syncedCycles === cycles) return;
    this.o.handler.syncTime(v.index);
    this.syncedVcpu = v.index;
    this.syncedCycles = cycles;
  }

  /** kvm_vgic_load where the vgic stays loaded across exits: on the cpu the thread runs on now. */
  private vgicLoad(v: Vcpu): void {
    const on = this.o.vgic.loadedOn!(v.index);
    if (on === v.pcpu) return;
    // moved while outside the guest (a host `preempt` between two iterations): vcpu_put on the old cpu
    if (on >= 0) this.o.vgic.vcpuPut(v.index);
    this.o.vgic.vcpuLoad(v.index, v.pcpu);
  }

  /** kvm_vgic_put where the vgic stays loaded across exits (nothing when it is put already). */
  private vgicPut(v: Vcpu): void {
    if (this.loadAtVcpuLoad && this.o.vgic.loadedOn!(v.index) >= 0) this.o.vgic.vcpuPut(v.index);
  }
}
