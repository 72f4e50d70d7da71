// A whole VM as data (what userspace saves for migration): the board, the
// scheduler, the vgic, the timers, the vcpus' run state, power, the guest's
// acknowledgements so far and the cost counters.

import type { AckEntry, AckLog } from '../hw/board/acks.ts';
import type { Board, BoardState } from '../hw/board/board.ts';
import type { BoardPower, PowerState } from '../hw/board/power.ts';
import type { Scheduler, SchedulerState } from '../hw/board/scheduler.ts';
import type { Generation } from './generation/generation.ts';
import type { KvmPmuState, PmuCounters } from './pmu/kvm-pmu.ts';
import type { TimerPolicy } from './policy/policy.ts';
import type { ArchTimerState } from './timer/arch-timer.ts';
import type { TimerCounters } from './timer/timer-counters.ts';
import type { HypCounters } from './vcpu/exits.ts';
import type { Vcpu, VcpuRunState } from './vcpu/vcpu.ts';
import type { PlacementState, VcpuPlacement } from './vcpu/vcpu-placement.ts';
import type { VgicFacade, VgicSnapshot } from './vgic/facade.ts';

/** The parts of a VM its snapshot covers. */
export interface VmParts {
  readonly board: Board;
  readonly scheduler: Scheduler;
  readonly vgic: VgicFacade;
  readonly generation: Generation;
  readonly policy: TimerPolicy;
  readonly vcpus: readonly Vcpu[];
  readonly placement: VcpuPlacement;
  readonly power: BoardPower;
  readonly acks: AckLog;
  readonly counters: HypCounters;
  readonly timerCounters: TimerCounters;
  readonly pmuCounters: PmuCounters;
}

export interface VmState {
  readonly version: 1;
  /** the generation's key (e.g. 'linux-4.3') */
  readonly policy: string;
  readonly board: BoardState;
  readonly scheduler: SchedulerState;
  readonly vgic: VgicSnapshot;
  readonly timers: ArchTimerState[];
  readonly vcpus: VcpuRunState[];
  /** which physical cpu each vcpu thread is on (absent in older snapshots: pinned) */
  readonly placement?: PlacementState;
  readonly power: PowerState;
  readonly acks: AckEntry[];
  readonly counters: HypCounters;
  readonly timerCounters: TimerCounters;
  /** each vcpu's PMU emulation (absent in older snapshots and without a PMU: at reset) */
  readonly pmus?: KvmPmuState[];
  readonly pmuCounters?: PmuCounters;
}

export function saveVm(vm: VmParts): VmState {
  return {
    version: 1,
    policy: vm.generation.name,
    board: vm.board.save(),
    scheduler: vm.scheduler.save(),
    vgic: vm.vgic.save(),
    timers: vm.vcpus.map((v) => v.timer.save()),
    vcpus: vm.vcpus.map((v) => v.save()),
    placement: vm.placement.save(),
    power: vm.power.save(),
    acks: vm.acks.save(),
    counters: structuredClone(vm.counters),
    timerCounters: { ...vm.timerCounters },
    pmus: vm.vcpus.flatMap((v) => (v.pmu === null ? [] : [v.pmu.save()])),
    pmuCounters: { ...vm.pmuCounters },
  };
}

/** Restore into a VM built with the same configuration (and the same named host events). */
export function restoreVm(vm: VmParts, s: VmState): void {
  if (s.version !== 1) throw new RangeError(`VM snapshot version ${s.version} is not supported`);
  if (s.policy !== vm.generation.name)
    throw new RangeError(`snapshot of a '${s.policy}' VM restored into '${vm.generation.name}'`);
  vm.board.restore(s.board);
  vm.scheduler.restore(s.scheduler);
  vm.vgic.restore(s.vgic);
  // The timer's vgic configuration (the PPI mapping, trigger modes) is
  // not in the vgic snapshot, GICD_ICFGR being read-only for private
  // interrupts: apply it to the restored vgic as initVgic does.
  if (vm.vgic.initialized)
    vm.policy.vgicInit(
      vm.vgic,
      vm.vcpus.map((v) => v.timer),
    );
  s.timers.forEach((t, i) => {
    vm.vcpus[i].timer.restore(t);
  });
  s.vcpus.forEach((st, i) => {
    vm.vcpus[i].restore(st);
  });
  vm.placement.restore(s.placement ?? vm.placement.defaultState());
  vm.power.restore(s.power);
  vm.acks.restore(s.acks);
  Object.assign(vm.counters, structuredClone(s.counters));
  Object.assign(vm.timerCounters, s.timerCounters);
  // after the board: the vPMU counts from the restored cpus
  vm.vcpus.forEach((v, i) => {
    const ps = s.pmus?.[i];
    if (v.pmu === null) return;
    if (ps === undefined) v.pmu.reset();
    else v.pmu.restore(ps);
  });
  if (s.pmuCounters !== undefined) Object.assign(vm.pmuCounters, s.pmuCounters);
}
