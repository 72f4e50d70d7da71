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
// free, so nothing migrates. Fewer physical cpus than vcpus (threads
// time-sharing a cpu) is not modelled.

import type { Chooser } from '../../sim/choice.ts';
import type { Saveable } from '../../sim/saveable.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { GenericTimer } from '../../hw/timer/timer.ts';
import type { HypCounters } from './exits.ts';
import type { Vcpu } from './vcpu.ts';

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
}

export interface PlacementOptions {
  readonly vcpus: readonly Vcpu[];
  /** the hardware timer of each physical cpu */
  readonly timers: readonly GenericTimer[];
  readonly chooser: Chooser;
  readonly counters: HypCounters;
  readonly trace: TraceSink;
  readonly clock: { readonly now: number };
  /** cycles a thread preempted at preempt_enable() stays out; 0 = the host never preempts by choice */
  readonly preemptCycles: number;
}

export class VcpuPlacement implements Saveable<PlacementState> {
  /** the vcpu placed on each physical cpu, FREE if none */
  readonly vcpuOn: Int32Array;
  private readonly forced: Int32Array;
  private readonly forcedCycles: Float64Array;
  private readonly nrPcpus: number;

  constructor(private readonly o: PlacementOptions) {
    this.nrPcpus = o.timers.length;
    if (this.nrPcpus < o.vcpus.length)
      throw new RangeError(
        `${this.nrPcpus} physical cpus for ${o.vcpus.length} vcpus: vcpu threads sharing a physical cpu are not modelled (expected pcpus >= vcpus)`,
      );
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
      if (this.vcpuOn[target] !== FREE)
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
    this.vcpuOn[from] = FREE;
    this.vcpuOn[to] = v.index;
    v.pcpu = to;
    v.timer.moveTo(this.o.timers[to]);
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
    };
  }

  /** Restore where every vcpu is (taken with every vcpu outside the guest). */
  restore(s: PlacementState): void {
    if (s.version !== 1) throw new RangeError(`placement snapshot version ${s.version} is not supported`);
    if (s.pcpuOf.length !== this.o.vcpus.length)
      throw new RangeError('placement snapshot is for a different number of vcpus');
    this.vcpuOn.fill(FREE);
    s.pcpuOf.forEach((p, i) => {
      if (p < 0 || p >= this.nrPcpus || this.vcpuOn[p] !== FREE)
        throw new RangeError(`placement snapshot puts vcpu ${i} on physical cpu ${p}`);
      const v = this.o.vcpus[i];
      v.pcpu = p;
      this.vcpuOn[p] = i;
      if (!v.timer.loaded) v.timer.moveTo(this.o.timers[p]);
      this.forced[i] = s.forced[i] ?? NONE;
      this.forcedCycles[i] = s.forcedCycles[i] ?? 0;
    });
  }

  /** Pinned: vcpu i on physical cpu i, nothing forced. */
  defaultState(): PlacementState {
    const n = this.o.vcpus.length;
    return {
      version: 1,
      pcpuOf: Array.from({ length: n }, (_, i) => i),
      forced: new Array<number>(n).fill(NONE),
      forcedCycles: new Array<number>(n).fill(0),
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}
