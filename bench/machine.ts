// Machine-level benchmarks: the event queue alone, and whole machines (the
// hypervisor under each policy, and the bare-metal reference) running a
// guest that takes a periodic timer interrupt, reported as guest
// instructions, exits and timer interrupts per host second.

import { Bench } from 'tinybench';
import { EventQueue } from '../src/sim/event-queue.ts';
import { parseScenario } from '../src/scenario/index.ts';
import { runScenario } from '../src/scenario/run.ts';

const TICK_GUEST = `
version: 1
name: bench-periodic-tick
machine: { limits: { ticks: 625000, instructions: 100000000 } }
guest:
  vcpu0: |
    _start:
        ldr x0, =vectors
        msr vbar_el1, x0
        ldr x1, =0x08000000
        mov w2, #1
        str w2, [x1]
        mov w2, #(1 << 27)
        str w2, [x1, #0x100]
        ldr x1, =0x08010000
        mov w2, #0xf0
        str w2, [x1, #4]
        mov w2, #1
        str w2, [x1]
        mov x9, #625                    // 10 us period at 62.5 MHz
        msr cntv_tval_el0, x9
        mov x2, #1
        msr cntv_ctl_el0, x2
        msr daifclr, #2
    1:  add x3, x3, #1
        b 1b
        .balign 2048
    vectors:
        .skip 0x280
        ldr x1, =0x08010000
        ldr w2, [x1, #0xc]
        msr cntv_tval_el0, x9
        str w2, [x1, #0x10]
        eret
`;

export async function machineBench(): Promise<void> {
  const q = new EventQueue(1024);
  const ids = Array.from({ length: 1024 }, () => q.add());
  let t = 0;
  const bench = new Bench({ time: 1000, warmupTime: 200 });
  bench.add('event queue: schedule+pop, 1024 live events', () => {
    for (let i = 0; i < 1024; i++) q.schedule(ids[i], t + ((i * 7919) % 1024));
    for (let i = 0; i < 1024; i++) t = Math.max(t, q.peekTime()) + 0 * q.pop();
  });
  await bench.run();
  const ev = bench.tasks[0].result;
  const mean = ev && 'latency' in ev ? ev.latency.mean : Number.NaN;
  console.table([{ bench: bench.tasks[0].name, 'M events/s': (2048 / (mean / 1000) / 1e6).toFixed(1) }]);

  const s = parseScenario(TICK_GUEST, 'bench-periodic-tick.yaml');
  const rows = [];
  for (const policy of ['level', 'legacy-edge']) {
    const t0 = performance.now();
    const r = runScenario(s, { policy });
    const secs = (performance.now() - t0) / 1000;
    const exits = Object.values(r.costs.hyp.exits).reduce((a, b) => a + b, 0);
    rows.push({
      machine: `VM (${policy})`,
      'virtual ms': ((r.ticks / 62_500_000) * 1000).toFixed(1),
      'host s': secs.toFixed(2),
      'guest Minstr/s': (r.instructions / secs / 1e6).toFixed(1),
      'exits/s': Math.round(exits / secs),
      'timer irqs': r.acks.length,
    });
  }
  console.table(rows);
}
