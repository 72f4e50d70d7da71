// vcpus are host threads on physical cpus. This is the host scheduler as
// KVM_RUN sees it: which physical cpu each vcpu thread is on, and what the
// host decides where the run loop has preemption enabled:
//   - after preempt_enable() on the exit path ('preempt': stay or be
//     scheduled out; 4.2 syncs the timer after this point, 4.3+ before);
//   - when a vcpu blocked in WFI (kvm_vcpu_block -> schedule()) is woken;
// and, when scheduled out, on which free physical cpu it resumes
// ('migrate': 0 = the one it left, k = the k-th free one in index order).
// Every decision goes through the chooser, so the explorer enumerates them;
// a scenario forces one with a `preempt` host event.
//
// Moving a vcpu is KVM's vcpu_put on the old cpu and vcpu_load on the new
// one, at a point where the vcpu is outside the guest (the world switch has
// saved and stopped the hardware timer, vgic put has saved GICH): the
// virtual timer follows the vcpu to the new cpu's hardware timer (CNTVOFF,
// CVAL, CTL are restored there at the next entry) and the vgic loads on the
// new cpu's GICH frame at that entry. The physical active state of the
// timer PPI is the generation's business, as in KVM: the vgic sync of the
// exit cleared it on the old cpu where an LR held the interrupt, and every
// entry's timer flush writes it, set or clear, on the cpu it runs on (4.2:
// map->active; 4.3: the line; 7.0: line || virtual active, which today's
// KVM writes in kvm_timer_vcpu_load and kvm_timer_vcpu_put leaves alone),
// so whichever vcpu is loaded on a cpu next finds it as it needs.
//
// The default host has one physical cpu per vcpu, pinned: no cpu is ever
// free, so nothing migrates.
//
// With fewer physical cpus than vcpus, vcpu threads time-share: vcpu i
// starts on cpu i mod P, and a cpu runs one of its threads at a time (the
// holder; `holds`). The others wait, runnable but not running. A holder
// gives the cpu up when it blocks in WFI, is powered off or returns to
// userspace, and at preempt_enable() on its exit path when a thread waits
// for its cpu ('yield': 0 = give way, the fair default; 1 = run on). The
// cpu goes to the next waiting thread in index order after the holder
// (round robin), which runs from that instant (the scheduler runs a thread
// woken by a step in the same slice, even when the step itself consumed no
// cycles). A thread that never exits keeps its cpu: give such guests a host
// tick (machine.hostTickHz), as a real host has.
//
// A simplification: a real host reschedules at preempt_enable() only when
// need_resched is set (the tick found the slice used up, or a wake-up
// preempts), not at every exit; giving way at every exit is one of the
// schedules the 'yield' choice spans. The explorer takes option 0 (give
// way); `vgicsim run` draws every choice, 'yield' too, from its seed.

import type { Chooser } from '../../sim/choice.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { GenericTimer } from '../../hw/timer/timer.ts';
import type { HypCounters } from './exits.ts';
import type { Vcpu } from './vcpu.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

/** `vcpuOn` of a physical cpu no vcpu is placed on. */
export const FREE = -1;
/** A forced preemption without a migration. */
export const STAY = -1;
const NONE = -2;

export interface PlacementState {
  readonly version: 1;
  /** the physical cpu of each vcpu */
  readonly pcpuOf: number[];
  /** per vcpu: a forced preemption not yet taken: NONE (-2), STAY (-1) or the target cpu */
  readonly forced: number[];
  /** per vcpu: cycles the forced preemption keeps the thread scheduled out */
  readonly forcedCycles: number[];
  /** the thread each cpu runs (FREE: none); absent in older snapshots: the default */
  readonly holders?: number[];
}

interface PlacementOptions {
  readonly vcpus: readonly Vcpu[];
  /** the hardware timer of each physical cpu */
  readonly timers: readonly GenericTimer[];
  readonly chooser: Chooser;
  readonly counters: HypCounters;
  readonly trace: TraceSink;
  readonly clock: { readonly now: number };
  /** cycles a thread preempted at preempt_enable() stays out; 0 = the host never preempts by choice */
  readonly preemptCycles: number;
  /** Does vcpu `i`'s thread want a cpu (powered on, not blocked, in KVM_RUN)? */
  readonly wants: (i: number) => boolean;
  /** vcpu `i`'s thread got its cpu (time-sharing): it runs from now (the scheduler's woken). */
  readonly scheduled: (i: number) => void;
}

export class VcpuPlacement implements Saveable<PlacementState> {
  /** the vcpu placed on each physical cpu, FREE if none */
  readonly vcpuOn: Int32Array;
  private readonly forced: Int32Array;
  private readonly forcedCycles: Float64Array;
  private readonly nrPcpus: number;
  /** fewer physical cpus than vcpus: threads time-share */
  readonly shared: boolean;

  constructor(private readonly o: PlacementOptions) {
    this.nrPcpus = o.timers.length;
    this.shared = this.nrPcpus < o.vcpus.length;
    this.vcpuOn = new Int32Array(this.nrPcpus);
    this.forced = new Int32Array(o.vcpus.length);
    this.forcedCycles = new Float64Array(o.vcpus.length);
    this.reset();
  }

  /** Physical cpus no vcpu is placed on. */
  freeCount(): number {
    let n = 0;
    for (let p = 0; p < this.nrPcpus; p++) if (this.vcpuOn[p] === FREE) n++;
    return n;
  }

  /** The `k`-th free physical cpu (0-based, index order). */
  private nthFree(k: number): number {
    for (let p = 0; p < this.nrPcpus; p++) if (this.vcpuOn[p] === FREE && k-- === 0) return p;
    throw new RangeError(`no free physical cpu #${k}`);
  }

  /**
   * A host event: preempt vcpu `v` at its next preemption point and resume it
   * on `target` (STAY: where it was), scheduled out for `cycles`.
   */
  force(v: number, target: number, cycles: number): void {
    if (target !== STAY && (target < 0 || target >= this.nrPcpus))
      throw new RangeError(`no physical cpu ${target} (the host has ${this.nrPcpus})`);
    this.forced[v] = target;
    this.forcedCycles[v] = cycles;
  }

  // --- time-sharing (shared only; otherwise every vcpu always holds its cpu)

  /** May `v`'s thread run now: does it hold its cpu? (A holder that no longer wants it hands it on.) */
  holds(v: Vcpu): boolean {
    if (!this.shared) return true;
    const p = v.pcpu;
    const h = this.vcpuOn[p];
    if (h !== FREE && this.o.wants(h)) return h === v.index;
    return this.handOn(p, h) === v.index;
  }

  /** `v`'s thread stops wanting its cpu (blocked, off, in userspace): the next waiting thread gets it now. */
  release(v: Vcpu): void {
    if (this.shared && this.vcpuOn[v.pcpu] === v.index) this.handOn(v.pcpu, v.index);
  }

  /** Give cpu `p` to the next thread after `after` (index order, wrapping) that is on `p` and wants a cpu. */
  private handOn(p: number, after: number): number {
    const n = this.o.vcpus.length;
    let next = FREE;
    for (let k = 1; k <= n && next === FREE; k++) {
      const i = ((((after < 0 ? -1 : after) + k) % n) + n) % n;
      if (i !== after && this.o.vcpus[i].pcpu === p && this.o.wants(i)) next = i;
    }
    this.vcpuOn[p] = next;
    if (next !== FREE) this.o.scheduled(next);
    return next;
  }

  /** Another thread waits for `v`'s cpu. */
  private waiting(v: Vcpu): boolean {
    for (const w of this.o.vcpus) if (w !== v && w.pcpu === v.pcpu && this.o.wants(w.index)) return true;
    return false;
  }

  /** Is a forced preemption of `v` waiting for its next preemption point? */
  hasForced(v: number): boolean {
    return this.forced[v] !== NONE;
  }

  /**
   * The preemption point after preempt_enable() on the exit path: the
   * cycles `v`'s thread is scheduled out, or -1 when it runs on.
   */
  atPreemptEnable(v: Vcpu): number {
    if (this.forced[v.index] !== NONE) return this.takeForced(v);
    if (this.shared && this.waiting(v) && this.o.chooser.choose('yield', 2) === 0) {
      // schedule(): the waiting thread runs; this one resumes when the cpu comes back to it
      this.o.counters.preemptions++;
      this.handOn(v.pcpu, v.index);
      return 0;
    }
    if (this.o.preemptCycles <= 0 || this.o.chooser.choose('preempt', 2) === 0) return -1;
    this.o.counters.preemptions++;
    this.chooseCpu(v);
    return this.o.preemptCycles;
  }

  /** A vcpu blocked in WFI was woken: its thread is scheduled in again, on any free cpu. */
  atWake(v: Vcpu): void {
    if (this.forced[v.index] !== NONE) this.takeForced(v);
    else this.chooseCpu(v);
  }

  /** Top of the run loop (not in the guest, not loaded): a forced migration is taken at once. */
  atLoopTop(v: Vcpu): void {
    if (this.forced[v.index] !== NONE) this.takeForced(v);
  }

  private takeForced(v: Vcpu): number {
    const target = this.forced[v.index];
    const cycles = this.forcedCycles[v.index];
    this.forced[v.index] = NONE;
    this.forcedCycles[v.index] = 0;
    this.o.counters.preemptions++;
    if (target !== STAY && target !== v.pcpu) {
      // (time-sharing: a busy cpu takes the thread as one more waiting for it)
      if (this.vcpuOn[target] !== FREE && !this.shared)
        throw new RangeError(
          `vcpu ${v.index} cannot migrate to physical cpu ${target}: vcpu ${this.vcpuOn[target]} is on it`,
        );
      this.move(v, target);
    }
    return cycles;
  }

  private chooseCpu(v: Vcpu): void {
    const free = this.freeCount();
    if (free === 0) return;
    const k = this.o.chooser.choose('migrate', free + 1);
    if (k > 0) this.move(v, this.nthFree(k - 1));
  }

  /** vcpu_put on the old cpu, vcpu_load on `to` (the parts the next entry does not redo). */
  private move(v: Vcpu, to: number): void {
    if (v.mode === 'in-guest' || v.timer.loaded)
      throw new RangeError(`vcpu ${v.index} migrated while in the guest`);
    const from = v.pcpu;
    const held = this.vcpuOn[from] === v.index;
    v.pcpu = to;
    v.timer.moveTo(this.o.timers[to]);
    if (held) {
      this.vcpuOn[from] = FREE;
      if (this.shared) this.handOn(from, v.index);
    }
    if (this.vcpuOn[to] === FREE) this.vcpuOn[to] = v.index;
    this.o.counters.migrations++;
    if (this.o.trace.enabled)
      this.o.trace.emit({
        kind: 'vcpu',
        t: this.o.clock.now,
        cpu: v.index,
        state: 'hyp',
        reason: `migrate pcpu${from}->pcpu${to}`,
        pcpu: to,
      });
  }

  save(): PlacementState {
    return {
      version: 1,
      pcpuOf: this.o.vcpus.map((v) => v.pcpu),
      forced: Array.from(this.forced),
      forcedCycles: Array.from(this.forcedCycles),
      holders: Array.from(this.vcpuOn),
    };
  }

  /** What save() holds, into a running hash. */
  digest(h: StateDigest): void {
    for (const v of this.o.vcpus) h.int(v.pcpu);
    h.words(this.forced);
    for (let i = 0; i < this.forcedCycles.length; i++) h.num(this.forcedCycles[i]);
    h.words(this.vcpuOn);
  }

  /** Restore where every vcpu is (taken with every vcpu outside the guest). */
  restore(s: PlacementState): void {
    if (s.version !== 1) throw new RangeError(`placement snapshot version ${s.version} is not supported`);
    if (s.pcpuOf.length !== this.o.vcpus.length)
      throw new RangeError('placement snapshot is for a different number of vcpus');
    this.vcpuOn.fill(FREE);
    s.pcpuOf.forEach((p, i) => {
      if (p < 0 || p >= this.nrPcpus || (this.vcpuOn[p] !== FREE && !this.shared))
        throw new RangeError(`placement snapshot puts vcpu ${i} on physical cpu ${p}`);
      const v = this.o.vcpus[i];
      v.pcpu = p;
      if (this.vcpuOn[p] === FREE) this.vcpuOn[p] = i;
      if (!v.timer.loaded) v.timer.moveTo(this.o.timers[p]);
      this.forced[i] = s.forced[i] ?? NONE;
      this.forcedCycles[i] = s.forcedCycles[i] ?? 0;
    });
    if (s.holders !== undefined) {
      if (s.holders.length !== this.nrPcpus)
        throw new RangeError('placement snapshot is for a different number of physical cpus');
      this.vcpuOn.set(s.holders);
    }
  }

  /** Pinned: vcpu i on physical cpu i (time-sharing: i mod P, the first of each cpu's threads on it), nothing forced. */
  defaultState(): PlacementState {
    const n = this.o.vcpus.length;
    const holders = Array.from({ length: this.nrPcpus }, (_, p) => (p < n ? p : FREE));
    return {
      version: 1,
      pcpuOf: Array.from({ length: n }, (_, i) => i % this.nrPcpus),
      forced: new Array<number>(n).fill(NONE),
      forcedCycles: new Array<number>(n).fill(0),
      holders,
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}
