// The vcpus a VM is made of: each with its register context (the board's
// cpu), KVM's arch timer over the hardware timer of the same index, and the
// vPMU where the board has PMUs (its emulation as the generation's release
// had it). Built once, by the Vm's constructor.

import type { Board } from '../hw/board/board.ts';
import type { TraceSink } from '../sim/trace/sink.ts';
import type { Generation } from './generation/index.ts';
import { KvmPmu, type PmuCounters } from './pmu/kvm-pmu.ts';
import { ArchTimer, type VcpuWaker } from './timer/arch-timer.ts';
import type { TimerCounters } from './timer/timer-counters.ts';
import { Vcpu } from './vcpu/vcpu.ts';
import type { VgicFacade } from './vgic/facade.ts';
import type { PhysIrqChip, VcpuKicker } from './vgic/ports.ts';

export interface VcpusConfig {
  readonly board: Board;
  readonly generation: Generation;
  readonly vgic: VgicFacade;
  /** the physical distributor as the timer reaches it (a mutant may wrap it) */
  readonly phys: PhysIrqChip;
  /** the VM: wakes a blocked vcpu (timer) and kicks a running one (vPMU) */
  readonly owner: VcpuWaker & VcpuKicker;
  readonly trace: TraceSink;
  readonly timerCounters: TimerCounters;
  readonly pmuCounters: PmuCounters;
}

export function buildVcpus(c: VcpusConfig): Vcpu[] {
  const { board, generation, vgic, phys, owner, trace } = c;
  const vcpus: Vcpu[] = [];
  for (let i = 0; i < board.cpus.length; i++) {
    const timer = new ArchTimer({
      vcpu: i,
      kernel: board.kernel,
      vgic,
      phys,
      hw: board.timers[i],
      waker: owner,
      trace,
      counters: c.timerCounters,
      trapVtimer: generation.traps?.vtimer === true,
    });
    timer.onPtimerExpiry = (t) => generation.timer.ptimerChanged(t);
    const vcpu = new Vcpu(i, i, board.cpus[i], timer);
    if (board.pmus.length > 0)
      vcpu.pmu = new KvmPmu({
        vcpu: i,
        emulation: generation.pmu,
        kernel: board.kernel,
        cpu: board.cpus[i],
        vgic,
        kicker: owner,
        trace,
        counters: c.pmuCounters,
        noOverflowKick: generation.mutations?.has('pmu-no-kick') === true,
      });
    vcpus.push(vcpu);
  }
  return vcpus;
}
