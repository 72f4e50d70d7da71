// scenarios/linux/linux-busybox-gicv3.yaml: Debian's kernel on a GICv3
// (machine.gic: v3) under linux-7.0, the generation with vgic-v3: the GICv3
// driver finds the distributor and the redistributor, the kernel reaches
// userspace and powers off, and the timer PPI counts up across `sleep 1` as
// `GICv3  27 Level  arch_timer`. (Issue 18; 1 vcpu. The 2-vcpu boot and the
// console comparison with QEMU gic-version=3 are not done yet.)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/scenario/run.ts';
import { cacheProblem, SCENARIOS } from './guest.ts';
import { parseInitOutput, timerRow } from './interrupts.ts';

describe('Linux on a GICv3 (linux-7.0, 1 vcpu)', () => {
  it('the GICv3 driver probes, userspace runs, the timer counts up, the kernel powers off', () => {
    const problem = cacheProblem();
    if (problem !== undefined) assert.fail(problem);
    const r = runScenario(loadScenarioFile(SCENARIOS.gicv3), { policy: 'linux-7.0' });
    const tail = r.uart.replace(/\r/g, '').split('\n').slice(-25).join('\n');
    const where = `end=${r.end} after ${r.instructions} instructions\n${tail}`;
    assert.equal(r.end, 'poweroff', where);
    assert.ok(r.passed, where);
    assert.match(r.uart, /GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000/, where);
    assert.match(r.uart, /GICv3 {2}27 Level {5}arch_timer/, where);
    const out = parseInitOutput(r.uart);
    assert.ok(out !== undefined, where);
    const before = timerRow(out);
    const after = out.timerAfter;
    assert.ok(before !== undefined && after !== undefined, where);
    assert.ok(after.counts[0] > before.counts[0], `${before.counts} -> ${after.counts}`);
  });
});
