// One scenario under one generation, ready to run any script of the
// explorer: the virtual machine is built once (a VM costs a RAM allocation)
// with the explorer's chooser, its start state saved, and each run restores
// it. Host events are armed as the runner arms them, except forced exits:
// where exits land is what the explorer varies (a choice after every
// interesting instruction, choice-points.ts), so the scenario's own
// `exit: host` events are left out; timed host events are fired by
// timed-host-events.ts (windows and the order of events due at one
// instant are decisions).

import type { RunEnd } from '../hw/board/run-result.ts';
import type { SliceState } from '../hw/board/slice-state.ts';
import type { ExitReason } from '../hyp/vcpu/exits.ts';
import { FREE } from '../hyp/vcpu/vcpu-placement.ts';
import type { VmState } from '../hyp/vm.ts';
import type { Vm } from '../hyp/vm.ts';
import { armLabelEvents } from '../scenario/host-triggers.ts';
import { buildImages, type VcpuImage } from '../scenario/images.ts';
import { applyToVm, buildVm } from '../scenario/machines.ts';
import type { HostEvent, Scenario } from '../scenario/types.ts';
import type { TraceRecord } from '../sim/trace/records.ts';
import type { TraceSink } from '../sim/trace/sink.ts';
import { choiceAddresses } from './choice-points.ts';
import { type DecisionLog, ExploreChooser, type Script } from './choice-tree.ts';
import { Hash64 } from '../sim/state-digest.ts';
import { hashVm } from './state-hash.ts';
import { TimedHostEvents } from './timed-host-events.ts';

/** Choice kinds the explorer asks itself (the machine asks 'slice-order', 'preempt', ...). */
const EXIT_CHOICE = 'exit';
/** a forced exit right after a kernel event (at a tick, not after an instruction) */
const EVENT_EXIT_CHOICE = 'exit-at-event';

/** Collects a run's trace records for the trace checks; a new array per run (snapshots keep a prefix of one). */
class RunSink implements TraceSink {
  readonly enabled = true;
  records: TraceRecord[] = [];
  emit(r: TraceRecord): void {
    this.records.push(r);
  }
}

/** The scenario as the explorer runs it: its forced exits and directed choices removed (it varies both). */
function withoutForcedExits(s: Scenario): Scenario {
  return { ...s, host: s.host.filter((e) => e.action.kind !== 'exit' && e.action.kind !== 'choose') };
}

/**
 * A run between two steps of the scheduler (Scheduler.onStep) with every
 * vcpu outside the guest (where the VM's own snapshot is exact: between
 * two KVM_RUN iterations), after `pos` decisions: a later run whose first
 * `pos` decisions are the same resumes here instead of replaying them
 * from the start (docs/explore.md, "Resuming").
 */
export interface MidRunSnapshot {
  readonly pos: number;
  readonly vm: VmState;
  readonly slice: SliceState;
  /** what the VM's snapshot leaves out of a vcpu outside the guest */
  readonly vcpus: readonly { readonly lastExit: ExitReason | null; readonly idleEntries: number }[];
  readonly log: DecisionLog;
  /** the run's trace records: the first `nrecords` are this point's */
  readonly records: readonly TraceRecord[];
  readonly nrecords: number;
  readonly hits: Float64Array;
  readonly windowOffsets: Int32Array;
  readonly fireSeq: Int32Array;
  readonly orderChoice: Int32Array;
  readonly lastBp: Float64Array;
  readonly execCounts: readonly (readonly [number, number][])[];
}

export interface MachineRun {
  readonly end: RunEnd;
  /** the run stopped at a state an earlier run visited (with at least the forced choices left) */
  readonly merged: boolean;
  readonly ticks: number;
  readonly instructions: number;
  /** taken when asked to (run's `capture`), in decision order */
  readonly snapshots: MidRunSnapshot[];
}

export class ExploreMachine {
  readonly scenario: Scenario;
  readonly images: readonly (VcpuImage | undefined)[];
  readonly vm: Vm;
  readonly chooser = new ExploreChooser();
  readonly sink = new RunSink();
  /** per host event: executions of an `after` instruction; window events: 1 once deferred */
  private readonly extra: Float64Array;
  private readonly hits: Float64Array;
  private readonly start: VmState;
  private readonly hash = new Hash64();
  /** per vcpu: address -> executions in this run (for the step list) */
  private readonly execCounts: Map<number, number>[];
  private saveRequested = false;
  private stopped = false;
  /** the timed host events: windows and the order of one instant's events (what the reference is fed) */
  readonly timed: TimedHostEvents;
  /** per vcpu: the last interesting instruction it executed (address, execution, instret then): where an exit came from */
  private readonly lastBp: Float64Array;
  /** the run's snapshots; taken only after `captureFrom` decisions, when `capturing` */
  private snapshots: MidRunSnapshot[] = [];
  private capturing = false;
  private captureFrom = 0;

  constructor(scenario: Scenario, generation: string) {
    this.scenario = withoutForcedExits(scenario);
    const s = this.scenario;
    this.images = buildImages(s);
    this.vm = buildVm(s, this.images, {
      policy: generation,
      seed: 0,
      trace: this.sink,
      chooser: this.chooser,
    });
    this.hits = new Float64Array(s.host.length);
    this.extra = new Float64Array(s.host.length * 3);
    this.execCounts = this.vm.board.cpus.map(() => new Map());
    this.lastBp = new Float64Array(this.vm.board.cpus.length * 3).fill(-1);
    this.chooser.locate = (kind) => this.locate(kind);
    this.timed = new TimedHostEvents(this.vm.board.kernel, this.chooser, s.host, (ev) => this.fire(ev));
    armLabelEvents(this.vm, s, this.images, (ev) => this.fire(ev), this.hits);
    this.armChoicePoints();
    this.armEventChoices();
    this.start = this.vm.save();
    this.vm.scheduler.onStep = () => {
      if (this.capturing) this.capture();
    };
  }

  /** At a step boundary: snapshot here if every vcpu is outside the guest (between KVM_RUN iterations). */
  private capture(): void {
    const pos = this.chooser.length;
    if (pos < this.captureFrom) return;
    const vm = this.vm;
    if (vm.userspace.pending > 0) return;
    for (const v of vm.vcpus) if (v.mode !== 'outside' || v.signalPending || v.inUserspace) return;
    const snaps = this.snapshots;
    // No decision since the last one: this one is as good and later.
    if (snaps.length > 0 && snaps[snaps.length - 1].pos === pos) snaps.pop();
    snaps.push({
      pos,
      vm: vm.save(),
      slice: vm.scheduler.saveSlice(),
      vcpus: vm.vcpus.map((v) => ({ lastExit: v.lastExit, idleEntries: v.idleEntries })),
      log: this.chooser.saveLog(),
      records: this.sink.records,
      nrecords: this.sink.records.length,
      hits: this.hits.slice(),
      windowOffsets: this.timed.windowOffsets.slice(),
      fireSeq: this.timed.fireSeq.slice(),
      lastBp: this.lastBp.slice(),
      orderChoice: this.timed.orderChoice.slice(),
      execCounts: this.execCounts.map((m) => [...m]),
    });
  }

  private fire(ev: HostEvent): void {
    if (ev.action.kind === 'saveRestore') {
      this.saveRequested = true;
      this.vm.scheduler.stop();
    } else applyToVm(this.vm, ev);
  }

  /**
   * Where the machine asks a host-thread decision (preempt, migrate, yield:
   * at preempt_enable() on a vcpu's exit path): the vcpu exiting and, when
   * the exit came right at its last interesting instruction (a trap there,
   * or an exit at the boundary after it), that instruction, so a
   * counterexample can force the same preemption with a host event after
   * it. `migrate` also notes the free physical cpus (its options).
   */
  private locate(kind: string): void {
    const h = this.chooser.here;
    if (kind === 'slice-order') h.t = this.vm.board.kernel.now;
    if (kind !== 'preempt' && kind !== 'migrate' && kind !== 'yield') return;
    h.t = this.vm.board.kernel.now;
    if (kind === 'migrate') {
      const on = this.vm.placement.vcpuOn;
      let mask = 0;
      for (let p = 0; p < on.length; p++) if (on[p] === FREE) mask |= 1 << p;
      h.aux = mask;
    }
    const v = this.vm.vcpus.find((x) => x.mode === 'exiting');
    if (v === undefined) return;
    const i = v.index;
    if (this.lastBp[3 * i + 2] !== v.cpu.instret) return;
    h.vcpu = i;
    h.pc = this.lastBp[3 * i];
    h.hit = this.lastBp[3 * i + 1];
  }

  /** A breakpoint after every interesting instruction: may a forced exit land here? */
  private armChoicePoints(): void {
    const timing = this.scenario.machine.exitCycles > 0 || this.scenario.machine.entryCycles > 0;
    const first = this.images.find((i) => i !== undefined);
    this.vm.board.cpus.forEach((cpu, v) => {
      const img = this.images[v] ?? first;
      if (img === undefined) return;
      const counts = this.execCounts[v];
      for (const addr of choiceAddresses(img, { timing })) {
        cpu.addBreakpoint(addr, () => {
          const n = (counts.get(addr) ?? 0) + 1;
          counts.set(addr, n);
          this.lastBp[3 * v] = addr;
          this.lastBp[3 * v + 1] = n;
          this.lastBp[3 * v + 2] = cpu.instret;
          if (this.vm.vcpus[v].mode !== 'in-guest') return;
          const h = this.chooser.here;
          h.vcpu = v;
          h.pc = addr;
          h.hit = n;
          h.t = this.vm.board.kernel.now;
          if (this.chooser.choose(EXIT_CHOICE, 2) === 1) this.vm.forceExit(v);
        });
      }
    });
  }

  /**
   * A choice right after every kernel event (a timer expiring, a host
   * event): time alone changed what a sync would read, between two
   * interesting instructions. Asked of every vcpu in the guest; the exit
   * lands at the instruction boundary the vcpu is at.
   */
  private armEventChoices(): void {
    const k = this.vm.board.kernel;
    k.afterEvent = () => {
      for (const v of this.vm.vcpus) {
        if (v.mode !== 'in-guest' || v.forcedExit) continue;
        const h = this.chooser.here;
        h.vcpu = v.index;
        h.pc = v.cpu.pc;
        h.hit = -1;
        h.t = k.now;
        if (this.chooser.choose(EVENT_EXIT_CHOICE, 2) === 1) this.vm.forceExit(v.index);
      }
    };
  }

  /** The state hash now (at a decision, or at the end). */
  stateHash(): string {
    for (let i = 0; i < this.hits.length; i++) {
      this.extra[3 * i] = this.hits[i];
      this.extra[3 * i + 1] = this.timed.windowOffsets[i];
      this.extra[3 * i + 2] = this.timed.orderChoice[i];
    }
    return hashVm(this.hash, this.vm, this.extra);
  }

  /** Abandon the run at the next opportunity (its state was visited). */
  stop(): void {
    this.stopped = true;
    this.chooser.quiet = true;
    this.vm.scheduler.stop();
  }

  /**
   * Run `script` from the start, or from `from` (a snapshot of a run whose
   * first `from.pos` decisions are the script's: the rest is the same as a
   * run from the start). `capture`: snapshot the run after the script's end.
   */
  run(script: Script, from?: MidRunSnapshot, capture = false): MachineRun {
    const vm = this.vm;
    // A run abandoned mid-guest leaves vcpus loaded: take them out first (the restore then overwrites everything).
    this.chooser.quiet = true;
    vm.quiesce();
    if (from === undefined) {
      vm.restore(this.start);
      this.chooser.begin(script);
      this.sink.records = [];
      this.hits.fill(0);
      this.timed.reset();
      this.lastBp.fill(-1);
      for (const m of this.execCounts) m.clear();
    } else {
      vm.restore(from.vm);
      from.vcpus.forEach((x, i) => {
        vm.vcpus[i].lastExit = x.lastExit;
        vm.vcpus[i].idleEntries = x.idleEntries;
      });
      vm.scheduler.resumeSlice(from.slice);
      this.chooser.resume(script, from.log);
      this.sink.records = from.records.slice(0, from.nrecords);
      this.hits.set(from.hits);
      this.timed.restore(from.windowOffsets, from.fireSeq, from.orderChoice);
      this.lastBp.set(from.lastBp);
      from.execCounts.forEach((entries, i) => {
        const m = this.execCounts[i];
        m.clear();
        for (const [a, n] of entries) m.set(a, n);
      });
    }
    this.saveRequested = false;
    this.stopped = false;
    this.snapshots = [];
    this.capturing = capture;
    this.captureFrom = script.length;
    const limits = this.scenario.machine.limits;
    let end: RunEnd;
    for (;;) {
      end = vm.run({ ticks: limits.ticks, instructions: limits.instructions });
      if (this.stopped || !this.saveRequested) break;
      // Userspace stops the vcpus, saves the whole VM and restores it (here: into itself).
      this.saveRequested = false;
      vm.restore(vm.save());
    }
    this.capturing = false;
    const snapshots = this.snapshots;
    // one taken after the last decision serves no later run (they branch at a decision)
    if (snapshots.length > 0 && snapshots[snapshots.length - 1].pos >= this.chooser.length) snapshots.pop();
    return {
      end,
      merged: this.stopped,
      ticks: vm.board.kernel.now,
      instructions: vm.scheduler.retired,
      snapshots,
    };
  }
}
