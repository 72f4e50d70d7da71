// One scenario under one generation, ready to run any script of the
// explorer: the virtual machine is built once (a VM costs a RAM allocation)
// with the explorer's chooser, its start state saved, and each run restores
// it. Host events are armed as the runner arms them, except forced exits:
// where exits land is what the explorer varies (a choice after every
// interesting instruction, choice-points.ts), so the scenario's own
// `exit: host` events are left out; a window `at: { from, to }` is a
// decision at `from` (fire now, or at one of the later ticks up to `to`).

import type { RunEnd } from '../hw/board/run-result.ts';
import type { VmState } from '../hyp/vm.ts';
import type { Vm } from '../hyp/vm.ts';
import { armLabelEvents } from '../scenario/host-triggers.ts';
import { buildImages, type VcpuImage } from '../scenario/images.ts';
import { applyToVm, buildVm } from '../scenario/machines.ts';
import type { HostEvent, Scenario } from '../scenario/types.ts';
import type { TraceRecord } from '../sim/trace/records.ts';
import type { TraceSink } from '../sim/trace/sink.ts';
import { choiceAddresses } from './choice-points.ts';
import { ExploreChooser, type Script } from './choice-tree.ts';
import { Hash64, hashVm } from './state-hash.ts';

/** Choice kinds the explorer asks itself (the machine asks 'slice-order', 'preempt', ...). */
const EXIT_CHOICE = 'exit';
const WINDOW_CHOICE = 'window';
/** a forced exit right after a kernel event (at a tick, not after an instruction) */
export const EVENT_EXIT_CHOICE = 'exit-at-event';

/** Collects a run's trace records for the trace checks; cleared per run. */
class RunSink implements TraceSink {
  readonly enabled = true;
  readonly records: TraceRecord[] = [];
  emit(r: TraceRecord): void {
    this.records.push(r);
  }
}

/** The scenario as the explorer runs it: its forced exits removed. */
function withoutForcedExits(s: Scenario): Scenario {
  return { ...s, host: s.host.filter((e) => e.action.kind !== 'exit') };
}

export interface MachineRun {
  readonly end: RunEnd;
  /** the run stopped at a state an earlier run visited (with at least the forced choices left) */
  readonly merged: boolean;
  readonly ticks: number;
  readonly instructions: number;
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
  /** window events: tick chosen (relative to from), per host event index (-1 = not a window or not fired) */
  readonly windowOffsets: Int32Array;

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
    this.extra = new Float64Array(s.host.length * 2);
    this.windowOffsets = new Int32Array(s.host.length).fill(-1);
    this.execCounts = this.vm.board.cpus.map(() => new Map());
    this.armTimed();
    armLabelEvents(this.vm, s, this.images, (ev) => this.fire(ev), this.hits);
    this.armChoicePoints();
    this.armEventChoices();
    this.start = this.vm.save();
  }

  private fire(ev: HostEvent): void {
    if (ev.action.kind === 'saveRestore') {
      this.saveRequested = true;
      this.vm.scheduler.stop();
    } else applyToVm(this.vm, ev);
  }

  private armTimed(): void {
    const k = this.vm.board.kernel;
    this.scenario.host.forEach((ev, i) => {
      const t = ev.trigger;
      if (t.kind !== 'at') return;
      const id = k.createEvent(`host.${i}`, {
        onEvent: () => {
          if (t.to === undefined || this.windowOffsets[i] >= 0) {
            this.fire(ev);
            return;
          }
          // The window: fire now (0) or at from + n.
          this.chooser.here.t = k.now;
          const n = this.chooser.choose(WINDOW_CHOICE, t.to - t.ticks + 1);
          this.windowOffsets[i] = n;
          if (n === 0) this.fire(ev);
          else k.schedule(id, t.ticks + n);
        },
      });
      if (t.ticks >= k.now) k.schedule(id, t.ticks);
    });
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
      this.extra[2 * i] = this.hits[i];
      this.extra[2 * i + 1] = this.windowOffsets[i];
    }
    return hashVm(this.hash, this.vm, this.extra);
  }

  /** Abandon the run at the next opportunity (its state was visited). */
  stop(): void {
    this.stopped = true;
    this.chooser.quiet = true;
    this.vm.scheduler.stop();
  }

  run(script: Script): MachineRun {
    const vm = this.vm;
    // A run abandoned mid-guest leaves vcpus loaded: take them out first (the restore then overwrites everything).
    this.chooser.quiet = true;
    vm.quiesce();
    vm.restore(this.start);
    this.chooser.begin(script);
    this.sink.records.length = 0;
    this.hits.fill(0);
    this.windowOffsets.fill(-1);
    for (const m of this.execCounts) m.clear();
    this.saveRequested = false;
    this.stopped = false;
    const limits = this.scenario.machine.limits;
    let end: RunEnd;
    for (;;) {
      end = vm.run({ ticks: limits.ticks, instructions: limits.instructions });
      if (this.stopped || !this.saveRequested) break;
      // Userspace stops the vcpus, saves the whole VM and restores it (here: into itself).
      this.saveRequested = false;
      vm.restore(vm.save());
    }
    return {
      end,
      merged: this.stopped,
      ticks: vm.board.kernel.now,
      instructions: vm.scheduler.retired,
    };
  }
}
