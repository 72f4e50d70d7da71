import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CTLR_EOIMODE, CTLR_GRP0, lr, readyVif } from './virt-fixture.ts';

const IAR = 0x000c;
const EOIR = 0x0010;
const RPR = 0x0014;
const APR0 = 0x00d0;
const DIR = 0x1000;

describe('virtual deactivation and delivery', () => {
  it('HW=1: EOIR with EOImode=0 deactivates PhysicalID', () => {
    const { rV, wV, wLR, rLR, deactivated } = readyVif();
    wLR(0, { vid: 27, hw: true, pid: 27, prio: 2 });
    assert.equal(rV(IAR), 27);
    assert.deepEqual(deactivated, []);
    wV(EOIR, 27);
    assert.deepEqual(deactivated, [[0, 27]]);
    assert.equal(rLR(0), lr({ vid: 27, hw: true, pid: 27, prio: 2, state: 0 }));
  });

  it('HW=1: EOIR with EOImode=1 does not reach the distributor; DIR does', () => {
    const { rV, wV, wLR, deactivated } = readyVif(4, CTLR_GRP0 | CTLR_EOIMODE);
    wLR(2, { vid: 27, hw: true, pid: 30, prio: 2 }); // a different physical INTID
    assert.equal(rV(IAR), 27);
    wV(EOIR, 27);
    assert.deepEqual(deactivated, []);
    wV(DIR, 27);
    assert.deepEqual(deactivated, [[0, 30]]);
  });

  it('HW=1 with an SGI or special PhysicalID forwards nothing (UNPREDICTABLE, made a no-op)', () => {
    const { rV, wV, wLR, deactivated } = readyVif();
    wLR(0, { vid: 40, hw: true, pid: 3, prio: 2 });
    wLR(1, { vid: 41, hw: true, pid: 1023, prio: 3 });
    rV(IAR);
    wV(EOIR, 40);
    rV(IAR);
    wV(EOIR, 41);
    assert.deepEqual(deactivated, []);
  });

  it('no EOI maintenance for HW=1 LRs even with bit 19 set (it is PhysicalID[9])', () => {
    const { rV, wV, wLR, rH } = readyVif();
    wLR(0, { vid: 27, hw: true, pid: 0x200 | 27, prio: 2 });
    rV(IAR);
    wV(EOIR, 27);
    assert.equal(rH(0x020), 0);
    assert.equal(rH(0x030) & 1, 1);
  });

  it('pending+active edge interrupt (HW=0) is re-delivered after EOI', () => {
    const { rV, wV, wLR, rLR, v } = readyVif();
    wLR(0, { vid: 40, prio: 4 });
    assert.equal(rV(IAR), 40);
    wLR(0, { vid: 40, prio: 4, state: 3 }); // a second edge, written by the hypervisor
    assert.equal(v.virq.level, false, 'same priority cannot preempt itself, and P+A is not eligible');
    assert.equal(rV(IAR), 1023);
    wV(EOIR, 40);
    assert.equal(rLR(0), lr({ vid: 40, prio: 4, state: 1 }));
    assert.equal(v.virq.level, true);
    assert.equal(rV(IAR), 40);
    wV(EOIR, 40);
    assert.equal(rLR(0), lr({ vid: 40, prio: 4, state: 0 }));
    assert.equal(v.virq.level, false);
  });

  it('multi-source SGI: same VirtualID, different CPUIDs, each EOI matches its own LR', () => {
    const { rV, wV, wLR, rLR } = readyVif();
    wLR(0, { vid: 5, prio: 2, cpuid: 1, eoi: true });
    wLR(1, { vid: 5, prio: 2, cpuid: 2 });
    assert.equal(rV(IAR), (1 << 10) | 5);
    // preemption by the second instance is impossible: same group priority
    assert.equal(rV(IAR), 1023);
    wV(EOIR, (1 << 10) | 5);
    assert.equal(rLR(0), lr({ vid: 5, prio: 2, cpuid: 1, eoi: true, state: 0 }));
    assert.equal(rLR(1), lr({ vid: 5, prio: 2, cpuid: 2, state: 1 }));
    assert.equal(rV(IAR), (2 << 10) | 5);
    wV(EOIR, (2 << 10) | 5);
    assert.equal(rLR(1), lr({ vid: 5, prio: 2, cpuid: 2, state: 0 }));
  });

  it('binary point preemption: nested interrupts, active priorities in GICH_APR', () => {
    const { rV, wV, wLR, v } = readyVif();
    wLR(0, { vid: 40, prio: 0x10 }); // 0x80
    assert.equal(rV(IAR), 40);
    assert.equal(rV(RPR), 0x80);
    wLR(1, { vid: 41, prio: 0x10 }); // same priority: no preemption
    wLR(2, { vid: 42, prio: 0x08 }); // 0x40: preempts
    assert.equal(v.virq.level, true);
    assert.equal(rV(IAR), 42);
    assert.equal(rV(APR0), (1 << 16) | (1 << 8));
    assert.equal(rV(RPR), 0x40);
    assert.equal(v.virq.level, false, 'LR1 at 0x80 cannot preempt 0x40');
    wV(EOIR, 42);
    assert.equal(rV(APR0), 1 << 16);
    assert.equal(v.virq.level, false, 'nor 0x80');
    wV(EOIR, 40);
    assert.equal(rV(APR0), 0);
    assert.equal(v.virq.level, true);
    assert.equal(rV(IAR), 41);
  });

  it('a coarser binary point merges priorities into one preemption level', () => {
    const { rV, wV, wLR, v } = readyVif();
    wV(0x0008, 5); // group priority [7:6]
    wLR(0, { vid: 40, prio: 0x0f }); // 0x78 -> group 0x40
    assert.equal(rV(IAR), 40);
    assert.equal(rV(RPR), 0x40);
    wLR(1, { vid: 41, prio: 0x08 }); // 0x40 -> group 0x40: no preemption
    assert.equal(v.virq.level, false);
    wLR(2, { vid: 42, prio: 0x07 }); // 0x38 -> group 0x00: preempts
    assert.equal(v.virq.level, true);
  });

  it('virq follows state: En, group enable, PMR, LR writes', () => {
    const { wH, wV, wLR, v } = readyVif();
    const levels: boolean[] = [];
    v.virq.connect({ onSignal: (_a, l) => void levels.push(l) });
    wLR(0, { vid: 40, prio: 1 });
    wH(0x000, 0);
    wH(0x000, 1);
    wV(0x0000, 0);
    wV(0x0000, CTLR_GRP0);
    wV(0x0004, 0);
    wV(0x0004, 0xf8);
    wLR(0, { vid: 40, prio: 1, state: 0 });
    assert.deepEqual(levels, [true, false, true, false, true, false, true, false]);
  });

  it('IAR/EOIR/DIR and LR state changes are traced', () => {
    const { rV, wV, wLR, sink } = readyVif(4, CTLR_GRP0 | CTLR_EOIMODE);
    wLR(0, { vid: 40, prio: 1 });
    rV(IAR);
    wV(EOIR, 40);
    wV(DIR, 40);
    const kinds = sink.records.filter((r) => r.kind !== 'line').map((r) => r.kind);
    assert.deepEqual(kinds, ['irq', 'ack', 'irq', 'eoi', 'dir', 'irq']);
    const irq = sink.records.filter((r) => r.kind === 'irq');
    assert.deepEqual(
      irq.map((r) => [r.intid, r.pending, r.active]),
      [
        [40, true, false],
        [40, false, true],
        [40, false, false],
      ],
    );
  });
});
