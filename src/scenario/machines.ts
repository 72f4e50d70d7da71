// Building the two machines a scenario runs on, the virtual machine (the
// hypervisor under test) and the reference (bare metal), from the same
// scenario, and applying the same host events to each.

import type { TraceSink } from '../sim/trace/sink.ts';
import {
  type Chooser,
  type ChoiceDirective,
  DirectedChooser,
  ScriptedChooser,
  SeededChooser,
} from '../sim/choice.ts';
import type { BoardConfig } from '../hw/board/board.ts';
import { ReferenceMachine } from '../reference/machine.ts';
import { Vm } from '../hyp/vm.ts';
import { loadImages, type VcpuImage } from './images.ts';
import type { HostAction, HostEvent, Scenario } from './types.ts';

export function boardConfig(s: Scenario): BoardConfig {
  const m = s.machine;
  return {
    cpus: m.vcpus,
    spis: m.spis,
    nLR: m.nLR,
    counterHz: m.counterHz,
    cpuHz: m.cpuHz,
    ramSize: m.memory,
    rtcStart: m.rtc,
    gic: m.gic,
  };
}

export interface MachineOptions {
  readonly policy: string;
  readonly seed: number;
  readonly trace: TraceSink;
  /** the virtual machine's chooser (the explorer's); default: seeded by `seed` */
  readonly chooser?: Chooser;
}

/** Either machine, seen through what the runner needs. */
export type AnyMachine = Vm | ReferenceMachine;

export function buildVm(s: Scenario, images: readonly (VcpuImage | undefined)[], o: MachineOptions): Vm {
  const vm = new Vm({
    // the host's physical cpus; the reference stays bare metal, one cpu per vcpu
    board: { ...boardConfig(s), pcpus: s.machine.pcpus ?? s.machine.vcpus },
    policy: o.policy,
    startAll: s.machine.start === 'all',
    hostTickHz: s.machine.hostTickHz,
    exitCycles: s.machine.exitCycles,
    entryCycles: s.machine.entryCycles,
    preemptCycles: s.machine.preemptCycles,
    trace: o.trace,
    chooser: o.chooser ?? hostChooser(s, o.seed),
  });
  if (vm.board.chooser instanceof DirectedChooser) {
    const k = vm.board.kernel;
    vm.board.chooser.now = () => k.now;
  }
  vm.initVgic();
  // a passed-through device's SPIs: virtual n forwarded to physical n (the vcpu argument is ignored for an SPI)
  for (const intid of s.machine.mappedSpis) vm.vgic.mapPhysIrq(0, intid, intid);
  place(vm, images);
  return vm;
}

/**
 * The host's chooser under `run`: seeded, or option 0 everywhere
 * (machine.choices: default), either directed by the `choose` host events.
 */
function hostChooser(s: Scenario, seed: number): Chooser {
  const base = s.machine.choices === 'default' ? new ScriptedChooser() : new SeededChooser(seed);
  const directives: ChoiceDirective[] = [];
  for (const ev of s.host)
    if (ev.action.kind === 'choose' && ev.trigger.kind === 'at')
      directives.push({
        kind: ev.action.choice,
        at: ev.trigger.ticks,
        nth: ev.action.nth,
        option: ev.action.option,
      });
  return directives.length === 0 && s.machine.choices !== 'default'
    ? base
    : new DirectedChooser(base, directives);
}

export function buildReference(
  s: Scenario,
  images: readonly (VcpuImage | undefined)[],
  o: MachineOptions,
): ReferenceMachine {
  const ref = new ReferenceMachine({
    board: boardConfig(s),
    startAll: s.machine.start === 'all',
    trace: o.trace,
    chooser: new SeededChooser(o.seed),
  });
  place(ref, images);
  return ref;
}

function place(m: AnyMachine, images: readonly (VcpuImage | undefined)[]): void {
  loadImages(m.board.ram, images);
  const first = images.find((i) => i !== undefined);
  m.board.cpus.forEach((cpu, i) => {
    const img = images[i] ?? first;
    if (img === undefined || !m.power.on[i]) return;
    cpu.warmReset(img.entry);
    img.regs?.forEach((v, n) => {
      cpu.setX(n, v);
    });
  });
}

/** Apply a host action to the virtual machine (as userspace / the host would). */
export function applyToVm(vm: Vm, ev: HostEvent, action: HostAction = ev.action): void {
  switch (action.kind) {
    case 'irqLine':
      vm.irqLine(action.intid, action.level === 1, action.vcpu);
      break;
    case 'exit':
      if (ev.trigger.kind === 'after') vm.forceExit(ev.trigger.vcpu);
      else for (let i = 0; i < vm.vcpus.length; i++) vm.forceExit(i);
      break;
    case 'counterOffset': {
      // A VM-wide change (6.4+: KVM_ARM_SET_COUNTER_OFFSET, before: a
      // KVM_REG_ARM_TIMER_CNT write): every vcpu leaves KVM_RUN first.
      const name = vm.generation.api.counterOffsetIoctl
        ? 'KVM_ARM_SET_COUNTER_OFFSET'
        : 'KVM_SET_ONE_REG(KVM_REG_ARM_TIMER_CNT)';
      const value = action.value;
      vm.userspace.ioctl(name, allVcpus(vm), () => vm.setCounterOffset(value));
      break;
    }
    case 'preempt':
      vm.preempt(action.vcpu, action.migrateTo, action.cycles);
      break;
    case 'saveRestore':
    case 'vmmMigrate':
      // Handled by the runner (it replaces the machine).
      break;
    case 'choose':
      // Directs the chooser (buildVm), not an event.
      break;
  }
}

/**
 * The lines userspace drives (KVM_IRQ_LINE actions) and their last level:
 * what a VMM re-asserts on the destination of a migration.
 */
export class UserLines {
  private readonly level = new Map<string, { intid: number; vcpu?: number; high: boolean }>();

  observe(action: HostAction): void {
    if (action.kind !== 'irqLine') return;
    const { intid, vcpu } = action;
    this.level.set(`${intid}/${vcpu ?? '-'}`, { intid, vcpu, high: action.level === 1 });
  }

  /** The lines left high, in the order first driven. */
  high(): { intid: number; vcpu?: number }[] {
    return [...this.level.values()]
      .filter((l) => l.high)
      .map((l) => (l.vcpu === undefined ? { intid: l.intid } : { intid: l.intid, vcpu: l.vcpu }));
  }
}

function allVcpus(vm: Vm): number[] {
  return vm.vcpus.map((v) => v.index);
}

/** The same input on bare metal: device lines and the counter offset; exits and migration do not exist there. */
export function applyToReference(ref: ReferenceMachine, action: HostAction): void {
  switch (action.kind) {
    case 'irqLine':
      {
        const gic = ref.board.gicV3 ?? ref.board.gic;
        if (action.vcpu !== undefined) gic.setPpiLine(action.vcpu, action.intid, action.level === 1);
        else gic.setSpiLine(action.intid, action.level === 1);
      }
      break;
    case 'counterOffset':
      for (const t of ref.board.timers) t.setCntvoff(action.value);
      break;
    default:
      break;
  }
}
