// Regression for the scheduler bug the SMP guest (smp.s) exposed: a cpu that
// becomes runnable during a slice sized for one cpu (PSCI CPU_ON, or a WFI
// ended by another cpu's SGI) must get to run within one quantum, not only
// when the running cpu reaches the next kernel event or the run's limit (a
// cpu spin-waiting for it would never see it start).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scheduler, type Steppable } from '../../src/hw/board/scheduler.ts';
import { SeededChooser } from '../../src/sim/choice.ts';
import { Kernel } from '../../src/sim/kernel.ts';
import { ClockRatio } from '../../src/sim/time.ts';

const RATIO = new ClockRatio({ counterHz: 62_500_000, cpuHz: 1_000_000_000 }); // 16 cycles per tick
const QUANTUM = 64;

describe('Scheduler: a cpu made runnable mid-slice', () => {
  it('runs within one quantum of being powered on, while the other spins waiting for it', () => {
    const k = new Kernel();
    let on1 = false;
    let flag = false;
    let spunBeforeFlag = 0;
    let retired0 = 0;
    let retired1 = 0;
    const cpu0: Steppable = {
      runnable: () => true,
      instret: () => retired0,
      exceptions: () => 0,
      cycles: () => retired0,
      step(budget) {
        if (!on1) {
          on1 = true; // CPU_ON after 10 instructions
          retired0 += 10;
          return 10;
        }
        if (!flag) spunBeforeFlag += budget; // spin-wait on cpu 1's flag
        retired0 += budget;
        return budget;
      },
    };
    const cpu1: Steppable = {
      runnable: () => on1,
      instret: () => retired1,
      exceptions: () => 0,
      cycles: () => retired1,
      step(budget) {
        flag = true;
        retired1 += budget;
        return budget;
      },
    };
    const s = new Scheduler(k, RATIO, new SeededChooser(3), [cpu0, cpu1], { quantumTicks: QUANTUM });
    assert.equal(s.run(100_000), 'limit');
    assert.ok(flag, 'cpu 1 ran');
    assert.ok(
      spunBeforeFlag <= QUANTUM * 16,
      `cpu 0 spun ${spunBeforeFlag} cycles before cpu 1 ran (at most one quantum, ${QUANTUM * 16})`,
    );
  });
});
