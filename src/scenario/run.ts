// Running a scenario: build the virtual machine for the chosen policy, load
// the guest, feed it the host events at their times (or right after the
// guest passes a label), run to the end, check the expectations, and, when
// the scenario asks, compare with the reference machine fed the same inputs.

import { NULL_SINK, type TraceSink, WindowSink } from '../sim/trace/sink.ts';
import { type ExceptionLoop, exceptionLoops, type RunEnd } from '../hw/board/run-result.ts';
import type { HypCounters } from '../hyp/vcpu/exits.ts';
import type { Vm } from '../hyp/vm.ts';
import type { VgicCounters } from '../hyp/vgic/counters.ts';
import type { TimerCounters } from '../hyp/timer/timer-counters.ts';
import { ScenarioError } from './diagnostics.ts';
import { type Divergence, findDivergence } from './divergence.ts';
import { checkExpectations, type Verdict } from './expect.ts';
import { buildImages } from './images.ts';
import type { PmuCounters } from '../hyp/pmu/kvm-pmu.ts';
import { machineRejection } from './machine-support.ts';
import { applyToReference, applyToVm, buildReference, buildVm, UserLines } from './machines.ts';
import { vmmMigrate } from '../hyp/api/vmm-migrate.ts';
import type { AckEntry } from '../hw/board/acks.ts';
import type { Cpu } from '../hw/cpu/cpu.ts';
import { UNDEF_NAMES } from '../hw/cpu/ops.ts';
import { armLabelEvents, armTimedEvents } from './host-triggers.ts';
import type { HostEvent, Scenario } from './types.ts';

export interface RunOptions {
  /** overrides machine.policy */
  readonly policy?: string;
  readonly seed?: number;
  readonly trace?: TraceSink;
  /** Called every `progressInstructions` guest instructions (for a progress line on a terminal). */
  readonly onProgress?: (p: { ticks: number; instructions: number }) => void;
  readonly progressInstructions?: number;
  /** Every byte the guest's PL011 transmits, as it is transmitted (`vgicsim run --console`). */
  readonly onConsole?: (byte: number) => void;
  /** Called with every VM the run builds, before it runs (tests: host scheduler hooks). */
  readonly onVm?: (vm: Vm) => void;
}

export interface CostReport {
  readonly hyp: HypCounters;
  readonly vgic: VgicCounters;
  readonly timer: TimerCounters;
  /** the vPMU's (src/hyp/pmu); absent in reports written before it */
  readonly pmu?: PmuCounters;
}

export interface ScenarioRun {
  readonly name: string;
  readonly file: string;
  readonly policy: string;
  readonly seed: number;
  readonly end: RunEnd;
  /** the virtual time reached */
  readonly ticks: number;
  readonly instructions: number;
  /** exceptions the guest took (each costs a cycle and counts against the instruction limit) */
  readonly exceptions: number;
  /** vcpus that ended the run in an exception loop (the same exception again and again, nothing retired) */
  readonly exceptionLoops: readonly ExceptionLoop[];
  readonly uart: string;
  readonly acks: readonly AckEntry[];
  readonly verdicts: readonly Verdict[];
  readonly passed: boolean;
  readonly costs: CostReport;
  readonly divergence: Divergence | null;
  /** UNDEFINED instructions the guest executed: counts by reason, and the first distinct words per vcpu */
  readonly undefinedInstructions: UndefinedReport;
}

export interface UndefinedReport {
  readonly counts: Readonly<Record<string, number>>;
  readonly seen: readonly { vcpu: number; pc: string; insn: string; el: number }[];
}

function undefinedReport(cpus: readonly Cpu[]): UndefinedReport {
  const counts: Record<string, number> = {};
  const seen: { vcpu: number; pc: string; insn: string; el: number }[] = [];
  for (const c of cpus) {
    c.undefCounts.forEach((n, i) => {
      if (n > 0) counts[UNDEF_NAMES[i]] = (counts[UNDEF_NAMES[i]] ?? 0) + n;
    });
    for (const u of c.undefSeen)
      seen.push({
        vcpu: c.index,
        pc: `0x${BigInt.asUintN(64, BigInt(u.pc)).toString(16)}`,
        insn: u.insn < 0 ? '?' : `0x${u.insn.toString(16).padStart(8, '0')}`,
        el: u.el,
      });
  }
  return { counts, seen };
}

export function runScenario(s: Scenario, opts: RunOptions = {}): ScenarioRun {
  const policy = opts.policy ?? s.machine.policy;
  const rejected = machineRejection(s, policy);
  if (rejected !== undefined) throw new ScenarioError([rejected]);
  const seed = opts.seed ?? 0;
  const trace = opts.trace ?? NULL_SINK;
  const images = buildImages(s, policy);
  const limits = s.machine.limits;

  let saveRequested = false;
  // set by a vmmMigrate event (inside the run), taken by the loop below
  const migrateRequested: { reassertLines: boolean }[] = [];
  // executions of each `after` event's instruction, across save/restore
  const hits = new Float64Array(s.host.length);
  // timed events that fired already: a VMM-style migration fast-forwards a fresh VM's clock past them
  const fired = new Uint8Array(s.host.length);
  let fastForward = false;
  const deferred: HostEvent[] = [];
  const lines = new UserLines();
  const arm = (vm: Vm) => {
    const fire = (ev: HostEvent, i: number) => {
      if (fastForward) {
        // already applied to the source VM, or still due at this instant (after the migration)
        if (fired[i] === 0) deferred.push(ev);
        return;
      }
      if (ev.trigger.kind === 'at') fired[i] = 1;
      if (trace.enabled)
        trace.emit({ kind: 'note', t: vm.board.kernel.now, cpu: -1, text: `host ${ev.action.kind}` });
      if (ev.action.kind === 'saveRestore') {
        saveRequested = true;
        vm.scheduler.stop();
      } else if (ev.action.kind === 'vmmMigrate') {
        migrateRequested.push({ reassertLines: ev.action.reassertLines });
        vm.scheduler.stop();
      } else {
        lines.observe(ev.action);
        applyToVm(vm, ev);
      }
    };
    armTimedEvents(vm, s.host, fire);
    armLabelEvents(vm, s, images, fire, hits);
  };

  // A windowed trace judges its window by the machine's clock.
  const bindClock = (m: Vm) => {
    if (trace instanceof WindowSink) trace.clock = m.board.kernel;
  };
  let vm = buildVm(s, images, { policy, seed, trace });
  bindClock(vm);
  arm(vm);
  let end: RunEnd;
  const watch = (m: Vm) => {
    opts.onVm?.(m);
    if (opts.onConsole) m.board.uart.onTransmit(opts.onConsole);
    if (!opts.onProgress) return;
    const every = opts.progressInstructions ?? 5_000_000;
    let next = every;
    m.scheduler.onSlice = () => {
      // Guest cycles, so a guest in an exception storm (nothing retired) still reports progress.
      if (m.scheduler.guestCycles < next) return;
      next = m.scheduler.guestCycles + every;
      opts.onProgress?.({ ticks: m.board.kernel.now, instructions: m.scheduler.retired });
    };
  };
  watch(vm);
  for (;;) {
    end = vm.run({ ticks: limits.ticks, instructions: limits.instructions });
    const migrate = migrateRequested.shift();
    if (migrate !== undefined) {
      // A VMM's migration: the register groups and ONE_REG, into a fresh VM (src/hyp/api/vmm-migrate.ts).
      migrateRequested.length = 0;
      const next = buildVm(s, images, { policy, seed, trace });
      arm(next);
      fastForward = true;
      try {
        vmmMigrate(vm, next, migrate.reassertLines ? lines.high() : []);
      } finally {
        fastForward = false;
      }
      vm = next;
      bindClock(vm);
      watch(vm);
      for (const ev of deferred.splice(0)) {
        lines.observe(ev.action);
        applyToVm(vm, ev);
      }
      continue;
    }
    if (!saveRequested) break;
    // Userspace stops the vcpus, saves the whole VM, restores it into a fresh one and goes on.
    saveRequested = false;
    const snapshot = vm.save();
    const next = buildVm(s, images, { policy, seed, trace });
    arm(next);
    next.restore(snapshot);
    vm = next;
    bindClock(vm);
    watch(vm);
  }

  const facts = {
    end,
    ticks: vm.board.kernel.now,
    acks: vm.acks.entries,
    uart: vm.board.uart.outputText(),
    cpus: vm.board.cpus,
    ram: vm.board.ram,
  };
  const verdicts = checkExpectations(s.expect, facts);

  let divergence: Divergence | null = null;
  if (s.expect.divergence !== undefined) {
    const ref = buildReference(s, images, { policy, seed, trace: NULL_SINK });
    const fire = (ev: HostEvent) => applyToReference(ref, ev.action);
    armTimedEvents(ref, s.host, fire);
    armLabelEvents(ref, s, images, fire);
    divergence = findDivergence(vm.acks.entries, ref, limits.instructions);
    const d = divergence;
    verdicts.push({
      name: 'divergence',
      ok: s.expect.divergence === 'allowed' || d === null,
      expected: s.expect.divergence === 'none' ? 'none' : 'allowed',
      seen:
        d === null
          ? 'none'
          : `vcpu${d.cpu} acknowledged INTID ${d.intid} (#${d.nth}) at t=${d.t} (IAR read at pc=${d.virt.pc}); reference at that instant: pending=${d.ref.pending} enabled=${d.ref.enabled} active=${d.ref.active} line=${d.ref.line} acks=${d.ref.acks} pc=${d.ref.pc}`,
      t: d?.t,
    });
  }

  return {
    name: s.name,
    file: s.file,
    policy,
    seed,
    end,
    ticks: facts.ticks,
    instructions: vm.scheduler.retired,
    exceptions: vm.scheduler.exceptions,
    exceptionLoops: exceptionLoops(vm.board.cpus),
    uart: facts.uart,
    acks: vm.acks.entries,
    verdicts,
    passed: verdicts.every((v) => v.ok),
    costs: { hyp: vm.counters, vgic: vm.vgic.counters, timer: vm.timerCounters, pmu: vm.pmuCounters },
    divergence,
    undefinedInstructions: undefinedReport(vm.board.cpus),
  };
}
