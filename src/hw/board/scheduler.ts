// Runs the cpus of a machine against the sim kernel's clock.
//
// Every cpu keeps a local cycle count. A cpu runs in blocks whose budget is
// exact: it stops at the cycle where the next kernel event falls due, so a
// timer expiring at tick E is seen by the cpu before the instruction at E,
// never one instruction late. With one runnable cpu that is the whole story.
// With several, the cpus run in lockstep slices of at most `quantumTicks`:
// each runs up to the slice end in turn (the order is a choice, asked
// through the sim kernel's chooser), then the kernel catches up. Within a
// slice a cpu that runs later may observe the shared clock already moved
// by one that ran earlier (never backwards): the skew is bounded by the
// quantum, as in QEMU's round-robin TCG, and the run stays deterministic.

import type { Chooser } from '../../sim/choice.ts';
import type { Kernel } from '../../sim/kernel.ts';
import type { Saveable } from '../../sim/saveable.ts';
import { type ClockRatio, NEVER, type Ticks } from '../../sim/time.ts';
import { beginSlice, idleSlice, type SliceState } from './slice-state.ts';

export interface Steppable {
  /** Powered on and not blocked. */
  runnable(): boolean;
  /** Instructions retired so far (exact during a port call). */
  instret(): number;
  /** Exceptions taken so far. */
  exceptions(): number;
  /**
   * Cycles the guest has spent so far (exact during a port call): one per
   * instruction retired and per exception entry (src/hw/cpu/exceptions.ts).
   */
  cycles(): number;
  /**
   * Run for at most `budget` cycles. Returns the cycles consumed: the
   * guest's (cycles()) plus any cost the machine charges (exits).
   */
  step(budget: number): number;
}

/** Longest single step (cycles): bounds the time between progress callbacks. */
const MAX_STEP = 1 << 22;

export type SchedulerEnd = 'limit' | 'idle' | 'stopped';

export interface SchedulerOptions {
  /** Longest slice when several cpus are runnable (ticks). */
  readonly quantumTicks?: number;
}

export interface SchedulerState {
  readonly cycles: number[];
  readonly retired: number;
  /** absent in older snapshots: 0 */
  readonly exceptions?: number;
  /** guest cycles, what the instruction limit counts (absent in older snapshots: `retired`) */
  readonly guestCycles?: number;
}

export class Scheduler implements Saveable<SchedulerState> {
  private readonly cycles: Float64Array;
  private readonly stepStart: Float64Array;
  /** the cpu's guest cycles when its step began */
  private readonly stepWork: Float64Array;
  private readonly inStep: Uint8Array;
  private stopRequested = false;
  /** the cpu inside step(), or -1 */
  private current = -1;
  /** wake-ups of another cpu made from inside a step (woken()), to tell a step that handed its cpu on */
  private wakesInStep = 0;
  /** wakesInStep when the current step began */
  private wakesAtStep = 0;
  private retiredTotal = 0;
  private exceptionsTotal = 0;
  private guestCyclesTotal = 0;
  readonly quantumTicks: number;
  /** Observer called once per slice (progress reporting); must not change the machine. */
  onSlice: (() => void) | null = null;
  /**
   * Observer called before every step, between two steps of a slice: the
   * machine is between instructions and no cpu is inside a step (the
   * explorer snapshots here, docs/explore.md); must not change the machine.
   */
  onStep: (() => void) | null = null;
  private readonly slice: SliceState = idleSlice();

  constructor(
    private readonly kernel: Kernel,
    private readonly ratio: ClockRatio,
    private readonly chooser: Chooser,
    private readonly cpus: readonly Steppable[],
    opts: SchedulerOptions = {},
  ) {
    const n = cpus.length;
    this.cycles = new Float64Array(n);
    this.stepStart = new Float64Array(n);
    this.stepWork = new Float64Array(n);
    this.inStep = new Uint8Array(n);
    this.quantumTicks = opts.quantumTicks ?? 64;
  }

  /** Instructions retired by all cpus. */
  get retired(): number {
    return this.retiredTotal;
  }

  /** Exceptions taken by all cpus. */
  get exceptions(): number {
    return this.exceptionsTotal;
  }

  /** Guest cycles of all cpus: instructions and exception entries, what the instruction limit counts. */
  get guestCycles(): number {
    return this.guestCyclesTotal;
  }

  /** Cpu `i`'s local time in cycles, exact mid-step. */
  localCycles(i: number): number {
    if (this.inStep[i]) return this.stepStart[i] + (this.cpus[i].cycles() - this.stepWork[i]);
    return this.cycles[i];
  }

  localTicks(i: number): Ticks {
    return this.ratio.cyclesToTicks(this.localCycles(i));
  }

  /**
   * Bring the kernel clock up to cpu `i`'s local time, firing the events due
   * on the way. Machines call this before a cpu's access to a device so the
   * device sees the exact time (a CNTVCT read, a CVAL write).
   */
  syncTo(i: number): Ticks {
    const t = this.localTicks(i);
    if (t > this.kernel.now) this.kernel.runUntil(t);
    return this.kernel.now;
  }

  /** syncTo(i), returning cpu `i`'s local time (its counter reads: the clock may be ahead of it). */
  syncToLocal(i: number): Ticks {
    const t = this.localTicks(i);
    if (t > this.kernel.now) this.kernel.runUntil(t);
    return t;
  }

  /**
   * Cpu `i` became runnable (woken from WFI by an interrupt, powered on by
   * CPU_ON) because of what happens now: it resumes at this exact instant,
   * the waker's local time when the waker is a cpu.
   */
  woken(i: number): void {
    const now =
      this.current >= 0 ? this.localCycles(this.current) : this.ratio.ticksToCycles(this.kernel.now);
    if (this.cycles[i] < now) this.cycles[i] = now;
    if (this.current >= 0 && this.current !== i) this.wakesInStep++;
  }

  /**
   * May the cpu inside step() go on with more of its budget in the same
   * step, where the scheduler would only have called step() again with the
   * rest? Yes unless something between two steps could decide otherwise: an
   * observer between steps (onStep: the explorer's choice points), the run
   * stopping, another cpu woken during this step (the slice may shrink to
   * the quantum). The caller keeps to the rest of its budget and to the
   * next event (which may have come sooner), and has charged no cycles of
   * its own (local time counts guest cycles only within a step).
   */
  stepMayGoOn(): boolean {
    return this.onStep === null && !this.stopRequested && this.wakesInStep === this.wakesAtStep;
  }

  /** End the run at the next opportunity (PSCI SYSTEM_OFF). */
  stop(): void {
    this.stopRequested = true;
  }

  get stopped(): boolean {
    return this.stopRequested;
  }

  /**
   * Run until `limitTicks` of virtual time or `limitInstructions` of guest
   * cycles (instructions and exception entries: an exception storm retires
   * nothing but must end), whichever first. `limitCycles` stops every cpu at that exact cycle of
   * its local time (finer than a tick: used to compare two machines at the
   * instant of an instruction); the clock then stays at the tick that cycle
   * falls in.
   */
  run(limitTicks: Ticks, limitInstructions: number = NEVER, limitCycles: number = NEVER): SchedulerEnd {
    if (limitCycles !== NEVER) limitTicks = Math.min(limitTicks, this.ratio.cyclesToTicks(limitCycles) + 1);
    const k = this.kernel;
    const n = this.cpus.length;
    const sl = this.slice;
    for (;;) {
      if (!sl.active) {
        if (this.stopRequested) return 'stopped';
        if (k.now >= limitTicks || this.guestCyclesTotal >= limitInstructions) {
          this.catchUp();
          return 'limit';
        }
        if (limitCycles !== NEVER && this.allReached(limitCycles)) return 'limit';
        k.runUntil(k.now); // events due now
        if (this.stopRequested) return 'stopped';

        const runnable = this.countRunnable();
        if (runnable === 0) {
          const t = k.nextEventTime();
          if (t === NEVER) return 'idle';
          if (limitCycles !== NEVER && this.ratio.ticksToCycles(t) > limitCycles) {
            // Nothing happens before the instant asked for: stop there.
            const at = this.ratio.cyclesToTicks(limitCycles);
            if (at > k.now) k.runUntil(at);
            return 'limit';
          }
          k.runUntil(Math.min(t, limitTicks));
          continue;
        }

        let end = Math.min(k.nextEventTime(), limitTicks);
        if (runnable > 1) end = Math.min(end, k.now + this.quantumTicks);
        const first = runnable > 1 ? this.chooser.choose('slice-order', n) : 0;
        beginSlice(sl, first, end, runnable, this.ratio.ticksToCycles(k.now));
      }
      // Passes over the cpus until none can progress: a cpu woken in this
      // slice by one that ran after it in the order still runs in this
      // slice, from the instant it was woken (see woken()).
      for (;;) {
        if (this.stopRequested) break;
        if (sl.j >= n) {
          if (!sl.progressed) break;
          sl.pass++;
          sl.j = 0;
          sl.progressed = false;
        }
        const i = (sl.first + sl.j) % n;
        const cpu = this.cpus[i];
        // A cpu that was blocked or off did not advance with the clock.
        // (Catch up to the slice's start, not to k.now: cpus earlier in the
        // order have moved the clock on with their own accesses.)
        if (sl.pass === 0 && this.cycles[i] < sl.startCycles) this.cycles[i] = sl.startCycles;
        while (!this.stopRequested && cpu.runnable()) {
          if (this.onStep !== null) this.onStep();
          const endCycles = Math.min(this.ratio.ticksToCycles(sl.end), limitCycles);
          let budget = endCycles - this.cycles[i];
          if (budget <= 0) break;
          const left = limitInstructions - this.guestCyclesTotal;
          if (budget > left) budget = left;
          // Long blocks are cut so observers (progress) get a look in; a cut is invisible to the guest.
          if (budget > MAX_STEP) budget = MAX_STEP;
          if (budget <= 0) break;
          this.stepStart[i] = this.cycles[i];
          const before = cpu.instret();
          const excBefore = cpu.exceptions();
          const cyclesBefore = cpu.cycles();
          this.stepWork[i] = cyclesBefore;
          this.inStep[i] = 1;
          this.current = i;
          const wakes = this.wakesInStep;
          this.wakesAtStep = wakes;
          const used = cpu.step(budget);
          this.current = -1;
          this.inStep[i] = 0;
          // A step that consumed nothing but woke another cpu (a vcpu thread
          // that exits and hands its physical cpu to a waiting one at
          // preempt_enable()) made progress too: the woken cpu runs in this
          // slice from the instant it was woken, or the clock would move on
          // with nothing running until the next event.
          if (used > 0 || this.wakesInStep !== wakes) {
            sl.progressed = true;
            sl.progressedAny = true;
          }
          this.retiredTotal += cpu.instret() - before;
          this.exceptionsTotal += cpu.exceptions() - excBefore;
          this.guestCyclesTotal += cpu.cycles() - cyclesBefore;
          this.cycles[i] += used;
          // Port calls may have scheduled something sooner.
          const next = k.nextEventTime();
          if (next < sl.end) sl.end = Math.max(next, k.now);
          // A cpu powered on (PSCI CPU_ON) or woken from WFI (an SGI) by this
          // step: a slice sized for one cpu would run this one to the next
          // event or the limit while the other starves (a spin-wait on it never
          // ends). Shorten the slice to the multi-cpu quantum.
          if (sl.runnable === 1 && n > 1 && this.countRunnable() > 1) {
            sl.runnable = 2;
            sl.end = Math.min(sl.end, k.now + this.quantumTicks);
          }
          if (this.onSlice !== null) this.onSlice();
          if (used === 0) break;
        }
        sl.j++;
      }
      sl.active = false;
      const sliceEnd = sl.end;
      const progressedAny = sl.progressedAny;
      if (limitCycles !== NEVER && this.allReached(limitCycles)) {
        const t = this.ratio.cyclesToTicks(limitCycles);
        if (t > k.now) k.runUntil(t);
        return 'limit';
      }
      // Out of instructions mid-slice: stop where the cpus are, do not move the clock past them.
      if (this.guestCyclesTotal >= limitInstructions) {
        this.catchUp();
        return 'limit';
      }
      if (limitCycles !== NEVER) {
        // Never fire events past the instant asked for (their first cycle is after it).
        const capped = Math.min(sliceEnd, this.ratio.cyclesToTicks(limitCycles));
        if (capped > k.now) k.runUntil(capped);
        else if (!progressedAny) return 'limit';
        continue;
      }
      if (!this.stopRequested && sliceEnd > k.now) k.runUntil(sliceEnd);
    }
  }

  /**
   * The run ends with the cpus ahead of the clock (out of instructions
   * mid-slice): bring the clock up to the time they reached, the earliest
   * runnable cpu's (all of them have run to it, so nothing due by then is
   * missed; every cpu's time is within the slice, before the next event).
   * With no cpu runnable, the time the last one stopped at.
   */
  private catchUp(): void {
    let t = Number.POSITIVE_INFINITY;
    let last = 0;
    for (let i = 0; i < this.cpus.length; i++) {
      if (this.cpus[i].runnable()) t = Math.min(t, this.cycles[i]);
      last = Math.max(last, this.cycles[i]);
    }
    const ticks = this.ratio.cyclesToTicks(t === Number.POSITIVE_INFINITY ? last : t);
    if (ticks > this.kernel.now) this.kernel.runUntil(ticks);
  }

  private countRunnable(): number {
    let r = 0;
    for (let i = 0; i < this.cpus.length; i++) if (this.cpus[i].runnable()) r++;
    return r;
  }

  /**
   * The instant `cycles` is reached: every runnable cpu's local time is there
   * and no event at or before it is left to fire (it could wake a cpu).
   */
  private allReached(cycles: number): boolean {
    if (this.ratio.ticksToCycles(this.kernel.nextEventTime()) <= cycles) return false;
    for (let i = 0; i < this.cpus.length; i++)
      if (this.cpus[i].runnable() && this.cycles[i] < cycles) return false;
    return true;
  }

  /** A copy of the slice in progress (at onStep). */
  saveSlice(): SliceState {
    return { ...this.slice };
  }

  /**
   * After restore(): the next run() goes on with `s`, from the step
   * boundary it was copied at, as the run it was copied from did.
   */
  resumeSlice(s: SliceState): void {
    Object.assign(this.slice, s);
  }

  save(): SchedulerState {
    return {
      cycles: Array.from(this.cycles),
      retired: this.retiredTotal,
      exceptions: this.exceptionsTotal,
      guestCycles: this.guestCyclesTotal,
    };
  }

  /** No cpu has run: local times, the retired and the exception counts are zero. */
  defaultState(): SchedulerState {
    return {
      cycles: new Array<number>(this.cycles.length).fill(0),
      retired: 0,
      exceptions: 0,
      guestCycles: 0,
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  restore(s: SchedulerState): void {
    if (s.cycles.length !== this.cycles.length)
      throw new RangeError('scheduler snapshot has a different cpu count');
    this.cycles.set(s.cycles);
    this.retiredTotal = s.retired;
    this.exceptionsTotal = s.exceptions ?? 0;
    this.guestCyclesTotal = s.guestCycles ?? s.retired;
    this.stopRequested = false;
    this.slice.active = false;
  }
}
