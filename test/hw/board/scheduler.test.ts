import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededChooser } from '../../../src/sim/choice.ts';
import { Kernel } from '../../../src/sim/kernel.ts';
import { ClockRatio } from '../../../src/sim/time.ts';
import { Scheduler, type Steppable } from '../../../src/hw/board/scheduler.ts';

const RATIO = new ClockRatio({ counterHz: 62_500_000, cpuHz: 1_000_000_000 }); // 16 cycles per tick

/** A cpu that retires every budgeted instruction and logs its budgets; optional hook per step. */
class FakeCpu implements Steppable {
  retiredCount = 0;
  blocked = false;
  readonly budgets: number[] = [];
  constructor(private readonly onStep?: (self: FakeCpu, budget: number) => number) {}
  runnable() {
    return !this.blocked;
  }
  instret() {
    return this.retiredCount;
  }
  exceptions() {
    return 0;
  }
  cycles() {
    return this.retiredCount;
  }
  step(budget: number) {
    this.budgets.push(budget);
    if (this.onStep) return this.onStep(this, budget);
    this.retiredCount += budget;
    return budget;
  }
}

describe('Scheduler', () => {
  it('gives a single cpu an exact budget up to the next event, which fires on its tick', () => {
    const k = new Kernel();
    const fired: number[] = [];
    const ev = k.createEvent('e', { onEvent: (_i, _a, now) => fired.push(now) });
    k.schedule(ev, 10);
    const cpu = new FakeCpu();
    const s = new Scheduler(k, RATIO, new SeededChooser(1), [cpu]);
    assert.equal(s.run(20), 'limit');
    assert.deepEqual(cpu.budgets, [160, 160]);
    assert.deepEqual(fired, [10]);
    assert.equal(k.now, 20);
    assert.equal(s.retired, 320);
  });

  it('stops at the instruction limit', () => {
    const k = new Kernel();
    const cpu = new FakeCpu();
    const s = new Scheduler(k, RATIO, new SeededChooser(1), [cpu]);
    assert.equal(s.run(1_000_000, 100), 'limit');
    assert.equal(s.retired, 100);
    // The clock is brought up to the time the cpu reached (100 cycles: tick 6), not left at 0.
    assert.equal(k.now, 6);
  });

  it('a port access mid-step sees the exact local time', () => {
    const k = new Kernel();
    let seen = -1;
    let s!: Scheduler;
    const cpu = new FakeCpu((self, budget) => {
      self.retiredCount += 33; // 33 instructions, then a device access
      seen = s.syncTo(0);
      self.retiredCount += budget - 33;
      return budget;
    });
    s = new Scheduler(k, RATIO, new SeededChooser(1), [cpu]);
    s.run(100);
    assert.equal(seen, 2); // floor(33 / 16)
  });

  it('skips time when every cpu is blocked, and reports idle when nothing can wake them', () => {
    const k = new Kernel();
    const cpu = new FakeCpu();
    cpu.blocked = true;
    const wake = k.createEvent('wake', { onEvent: () => (cpu.blocked = false) });
    k.schedule(wake, 1000);
    const s = new Scheduler(k, RATIO, new SeededChooser(1), [cpu]);
    assert.equal(s.run(1010), 'limit');
    // it woke at 1000 and ran 10 ticks' worth
    assert.deepEqual(cpu.budgets, [160]);
    const k2 = new Kernel();
    const c2 = new FakeCpu();
    c2.blocked = true;
    assert.equal(new Scheduler(k2, RATIO, new SeededChooser(1), [c2]).run(1e6), 'idle');
  });

  it('runs several cpus in lockstep slices of the quantum', () => {
    const k = new Kernel();
    const a = new FakeCpu();
    const b = new FakeCpu();
    const s = new Scheduler(k, RATIO, new SeededChooser(3), [a, b], { quantumTicks: 4 });
    s.run(16);
    assert.deepEqual(a.budgets, [64, 64, 64, 64]);
    assert.deepEqual(b.budgets, [64, 64, 64, 64]);
    assert.equal(s.localTicks(0), 16);
    assert.equal(s.localTicks(1), 16);
  });

  it('stop() ends the run', () => {
    const k = new Kernel();
    let s!: Scheduler;
    const cpu = new FakeCpu((self, budget) => {
      self.retiredCount += 5;
      s.stop();
      return Math.min(5, budget);
    });
    s = new Scheduler(k, RATIO, new SeededChooser(1), [cpu]);
    assert.equal(s.run(1e6), 'stopped');
    assert.equal(s.retired, 5);
  });

  it('a step that consumes nothing but hands the cpu to another (a time-shared vcpu thread yielding at its exit) lets that one run at once', () => {
    // Cpu 1 holds a shared physical cpu; at tick 10 (a host tick, a kernel
    // event) it exits and yields to cpu 0 (earlier in the slice's order)
    // without consuming a cycle, as a vcpu exit with zero costs does: cpu 0
    // must run from tick 10, not from the next kernel event at tick 50.
    const k = new Kernel();
    let tick = false;
    k.schedule(k.createEvent('tick', { onEvent: () => (tick = true) }), 10);
    k.schedule(k.createEvent('next', { onEvent: () => {} }), 50);
    let s!: Scheduler;
    let holder = 1;
    const waiter = new FakeCpu();
    const yielder = new FakeCpu((self, budget) => {
      if (tick) {
        holder = 0;
        s.woken(0);
        return 0;
      }
      self.retiredCount += budget;
      return budget;
    });
    waiter.runnable = () => holder === 0;
    yielder.runnable = () => holder === 1;
    s = new Scheduler(k, RATIO, new SeededChooser(1), [waiter, yielder]);
    s.run(60);
    assert.equal(waiter.budgets[0], 40 * 16, 'cpu 0 ran from tick 10 to the event at 50');
    assert.equal(waiter.retiredCount, 50 * 16);
  });

  it('is deterministic for a given seed', () => {
    const run = (seed: number) => {
      const k = new Kernel();
      const order: number[] = [];
      const cpus = [0, 1, 2].map(
        (i) =>
          new FakeCpu((self, budget) => {
            order.push(i);
            self.retiredCount += budget;
            return budget;
          }),
      );
      new Scheduler(k, RATIO, new SeededChooser(seed), cpus, { quantumTicks: 2 }).run(40);
      return order.join('');
    };
    assert.equal(run(5), run(5));
  });
});
