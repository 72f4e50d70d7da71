// Debian's kernel with 2 vcpus time-sharing one physical cpu
// (machine.pcpus: 1, a 250 Hz host tick): scenarios/linux/linux-busybox-smp2.yaml
// (GICv2) and linux-busybox-gicv3-smp2.yaml (GICv3) with the host changed.
// Both once hung at the first seconds of the boot: a vcpu thread that gave
// way at preempt_enable() of its WFI exit blocked when it ran again but went
// on to the entry, stayed "in the guest" blocked, and the next IPI's kick did
// not wake it (issue 18; the small reproduction is
// scenarios/timeshare-wfi-ipi.yaml, test/hyp/vcpu/timeshare.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseScenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { cacheProblem, SCENARIOS } from './guest.ts';
import { parseInitOutput } from './interrupts.ts';

const HOST = 'machine:\n  pcpus: 1\n  hostTickHz: 250\n';

describe('Linux, 2 vcpus time-sharing one physical cpu (pcpus: 1, hostTickHz: 250)', () => {
  for (const [gic, file] of [
    ['GICv2', SCENARIOS.smp2],
    ['GICv3', SCENARIOS.gicv3smp2],
  ] as const)
    it(`${gic}: reaches userspace and powers off; both cpus take IPIs; the threads yield to each other`, () => {
      const problem = cacheProblem();
      if (problem !== undefined) assert.fail(problem);
      const s = parseScenario(readFileSync(file, 'utf8').replace('machine:\n', HOST), file);
      const r = runScenario(s, {});
      const where = `end=${r.end} after ${r.instructions} instructions\n${r.uart.slice(-1500)}`;
      assert.equal(r.end, 'poweroff', where);
      assert.ok(r.passed, where);
      const out = parseInitOutput(r.uart);
      assert.ok(out !== undefined, where);
      assert.equal(out.cpus, 2, where);
      const resched = out.table.get('IPI0');
      assert.ok(
        resched?.counts.every((n) => n > 0),
        where,
      );
      assert.ok(r.costs.hyp.preemptions > 0, 'the vcpu threads shared the cpu');
    });
});
