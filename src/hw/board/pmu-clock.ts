// The PMU's view of time on a board: a cpu's cycle count mapped to the
// kernel tick at which the cpu can reach it at the earliest (its local time
// runs on from where the scheduler has it, one cycle per cycle; time it
// spends without cycles, in WFI or in a hypervisor, only makes the real
// instant later, and the PMU re-checks when its event fires).

import type { ClockRatio, Ticks } from '../../sim/time.ts';
import type { PmuClock } from '../pmu/pmu.ts';
import type { Scheduler } from './scheduler.ts';

export class SchedulerPmuClock implements PmuClock {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly ratio: ClockRatio,
    private readonly cpu: { readonly cycles: number },
    private readonly index: number,
  ) {}

  ticksWhen(cycles: number): Ticks {
    const local = this.scheduler.localCycles(this.index) + (cycles - this.cpu.cycles);
    // the first tick whose first cycle is at or after `local`: the scheduler stops the cpu there
    let t = this.ratio.cyclesToTicks(local);
    if (this.ratio.ticksToCycles(t) < local) t++;
    return t;
  }
}
