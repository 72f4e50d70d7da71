// LR overflow (src/hyp/vgic/vgic-v2-overflow.ts): more interrupts in flight
// than list registers, with active ones among them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldMask } from '../../../src/sim/bits.ts';
import {
  GICH_HCR,
  GICV_CTLR,
  GICV_DIR,
  GICV_EOIR,
  GICH_HCR_En,
  GICH_HCR_LRENPIE,
  GICH_HCR_NPIE,
  GICH_HCR_UIE,
} from '../../../src/hw/gic/virt-regs.ts';
import { NO_VCPU, sortApList, type VgicIrq } from '../../../src/hyp/vgic/vgic-irq.ts';
import { IDLE_PRIORITY, virtRunningPriority } from '../../../src/hw/gic/priority.ts';
import { GICV_CTLR_ENABLE_BOTH, Machine, SPURIOUS } from './helpers/machine.ts';

const FIRST = 40;
/** GICV_CTLR.EOImode */
const CTLR_EOIMODE = 1 << 9;
const HCR_En_MASK = fieldMask(GICH_HCR_En);
const HCR_UIE_MASK = fieldMask(GICH_HCR_UIE);
const HCR_LRENPIE_MASK = fieldMask(GICH_HCR_LRENPIE);
const HCR_NPIE_MASK = fieldMask(GICH_HCR_NPIE);
const HCR_FLAGS = HCR_En_MASK | HCR_UIE_MASK | HCR_LRENPIE_MASK | HCR_NPIE_MASK;
const EOICOUNT_SHIFT = 27;

/** INTIDs 40.. edge, enabled, each of higher priority than the one before (0xc0, 0xb0, ...). */
function machine(n: number, eoiMode: 0 | 1 = 0, o: { level?: boolean } = {}): Machine {
  const m = new Machine({ nLR: 4 }).boot();
  if (eoiMode === 1) m.gicv(0, GICV_CTLR, GICV_CTLR_ENABLE_BOTH | CTLR_EOIMODE);
  for (let i = 0; i < n; i++) {
    const id = FIRST + i;
    if (!o.level) m.setEdge(id);
    m.setPriority(id, 0xc0 - 0x10 * i);
    m.enable(id);
  }
  return m;
}

/**
 * The polled test_preemption pattern: inject one at a time (the guest's
 * GICD_ISPENDR traps: exit, inject, enter) and acknowledge it; each
 * preempts the ones already active. Leaves the vcpu in the guest.
 */
function nest(m: Machine, n: number): void {
  m.enter();
  for (let i = 0; i < n; i++) {
    m.exit();
    m.gicdWrite(0, 0x204, 1 << (FIRST + i - 32)); // GICD_ISPENDR1
    m.enter();
    assert.equal(m.iar(), FIRST + i, `IAR returns the INTID just injected (${FIRST + i})`);
  }
}

function irq(m: Machine, id: number): VgicIrq {
  return m.vgic.core.getIrq(0, id)!;
}

function hcrFlags(m: Machine): number {
  return m.vifs[0].readHCR() & HCR_FLAGS;
}

function eoiCount(m: Machine): number {
  return m.vifs[0].readHCR() >>> EOICOUNT_SHIFT;
}

function activeIds(m: Machine): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) if (irq(m, FIRST + i).active) out.push(FIRST + i);
  return out;
}

describe('vgic LR overflow: flush', () => {
  it('everything fits (4 nested active, 4 LRs): classic order, HCR = En, no trap, no extra LR writes', () => {
    const m = machine(4);
    nest(m, 4);
    // classic order at the last flush: the 3 active ones by priority, then pending 43
    assert.deepEqual(m.lrIntids(), [42, 41, 40, 43]);
    assert.equal(hcrFlags(m), HCR_En_MASK);
    assert.equal(m.vgic.trapsGicv(0, GICV_DIR), false);
    // one flush per injection: 1 + 2 + 3 + 4 LR writes
    assert.equal(m.vgic.counters.lrWrites, 10);
    assert.equal(m.vgic.counters.overflowSorts, 0);
    for (let id = 43; id >= 40; id--) m.eoi(0, id);
    m.exit();
    assert.deepEqual(activeIds(m), []);
    assert.equal(m.vgic.counters.eoiCountDeactivations, 0);
  });

  it('5 nested with 4 LRs: the higher-priority pending one takes an LR, the lowest active waits outside', () => {
    const m = machine(5);
    nest(m, 4);
    m.exit();
    m.gicdWrite(0, 0x204, 1 << (44 - 32));
    m.enter();
    // pending 44 first, then the actives by priority; 40 outside
    assert.deepEqual(m.lrIntids(), [44, 43, 42, 41]);
    assert.equal(hcrFlags(m), HCR_En_MASK | HCR_UIE_MASK | HCR_LRENPIE_MASK);
    assert.equal(m.vgic.trapsGicv(0, GICV_DIR), true);
    assert.equal(m.vgic.trapsGicv(0, GICV_EOIR), false, 'only the DIR page traps');
    assert.equal(m.vgic.counters.overflowSorts, 1);
    assert.equal(m.iar(), 44);
    assert.equal(irq(m, 40).active, true, 'active, not in an LR');
    assert.equal(irq(m, 40).onLr, false);
  });

  it('without an active interrupt the order stays the classic one (pending by priority); UIE and NPIE', () => {
    const m = machine(6);
    for (let i = 0; i < 6; i++) m.gicdWrite(0, 0x204, 1 << (FIRST + i - 32));
    m.enter();
    assert.deepEqual(m.lrIntids(), [45, 44, 43, 42]);
    assert.equal(hcrFlags(m), HCR_En_MASK | HCR_UIE_MASK | HCR_NPIE_MASK);
    assert.equal(m.vgic.counters.overflowSorts, 0);
  });

  it('active interrupts that were priority-dropped (EOImode 1) do not keep pending ones out: NPIE', () => {
    const m = machine(6, 1);
    nest(m, 4);
    for (let id = 43; id >= 40; id--) m.eoi(0, id); // priority drop only: APR 0, 4 active
    m.exit();
    // 44 and 45 pending, lower than nothing: the guest runs at idle priority
    m.gicdWrite(0, 0x204, 0x3 << (44 - 32));
    m.setPriority(44, 0xe0);
    m.setPriority(45, 0xe8);
    m.enter();
    assert.deepEqual(m.lrIntids(), [44, 45, 43, 42]);
    assert.equal(hcrFlags(m), HCR_En_MASK | HCR_UIE_MASK | HCR_LRENPIE_MASK);
    assert.equal(m.iar(), 44);
    m.eoi(0, 44);
    assert.equal(m.iar(), 45, 'shown although lower in priority than every active one');
  });

  it('NPIE when pending interrupts wait outside while others are shown', () => {
    const m = machine(8, 1);
    nest(m, 2);
    m.eoi(0, 41);
    m.eoi(0, 40);
    m.exit();
    for (let i = 2; i < 8; i++) m.gicdWrite(0, 0x204, 1 << (FIRST + i - 32));
    m.enter();
    // APR is 0: all 6 pending can be taken; the 4 highest are shown, both actives outside
    assert.deepEqual(m.lrIntids(), [47, 46, 45, 44]);
    assert.equal(hcrFlags(m), HCR_FLAGS);
    for (let id = 47; id >= 44; id--) {
      assert.equal(m.iar(), id);
      m.eoi(0, id);
    }
    assert.ok(m.vifs[0].maintenance.level, 'NP: no LR pending any more');
    m.exit();
    m.enter();
    assert.equal(m.iar(), 43);
  });

  it('virtRunningPriority reads the lowest set GICH_APR bit', () => {
    assert.equal(virtRunningPriority(0), IDLE_PRIORITY);
    assert.equal(virtRunningPriority(1 << 18), 0x90);
    assert.equal(virtRunningPriority((1 << 24) | (1 << 16)), 0x80);
  });

  it('sortApList with a running priority: preempting pending, active, other pending, rest', () => {
    const m = machine(6);
    const mk = (id: number, st: { active?: boolean; pending?: boolean; prio: number }) => {
      const x = irq(m, id);
      x.active = st.active ?? false;
      x.pendingLatch = st.pending ?? false;
      x.priority = st.prio;
      return x;
    };
    const list = [
      mk(40, { prio: 0x10 }), // neither
      mk(41, { pending: true, prio: 0xa0 }), // pending, cannot preempt 0x80
      mk(42, { active: true, prio: 0xa0 }),
      mk(43, { pending: true, prio: 0x40 }), // preempts
      mk(44, { active: true, prio: 0x80 }),
      mk(45, { pending: true, prio: 0x20 }), // preempts
    ];
    sortApList(list, 0x80);
    assert.deepEqual(
      list.map((x) => x.intid),
      [45, 43, 44, 42, 41, 40],
    );
    sortApList(list);
    assert.deepEqual(
      list.map((x) => x.intid),
      [44, 42, 45, 43, 41, 40],
      'classic: active first',
    );
  });
});

describe('vgic LR overflow: EOImode 0, the EOICount walk', () => {
  it('5 nested: EOIs of the ones in LRs need no exit; the EOI of 40 (in no LR) counts and deactivates it at sync', () => {
    const m = machine(5);
    nest(m, 5);
    for (let id = 44; id >= 41; id--) m.eoi(0, id);
    assert.equal(eoiCount(m), 0);
    m.eoi(0, 40);
    assert.equal(eoiCount(m), 1, 'EOI of an INTID in no LR after a priority drop');
    assert.ok(m.vifs[0].maintenance.level, 'LRENP (and U)');
    m.exit();
    assert.deepEqual(activeIds(m), []);
    assert.equal(m.vgic.counters.eoiCountDeactivations, 1);
    assert.equal(m.vifs[0].readAPR(), 0);
    assert.equal(eoiCount(m), 0, 'sync clears EOICount');
    assert.equal(irq(m, 40).vcpu, NO_VCPU, 'pruned');
    m.enter();
    assert.equal(m.iar(), SPURIOUS);
    assert.equal(hcrFlags(m), HCR_En_MASK);
  });

  it('6 nested: two EOIs outside the LRs deactivate the two outside, highest priority first', () => {
    const m = machine(6);
    nest(m, 6);
    assert.deepEqual(m.lrIntids(), [45, 44, 43, 42]);
    for (let id = 45; id >= 42; id--) m.eoi(0, id);
    m.eoi(0, 41);
    assert.equal(eoiCount(m), 1);
    // an exit after one: only 41 (the higher priority of 41, 40) is deactivated
    m.exit();
    assert.deepEqual(activeIds(m), [40]);
    m.enter();
    assert.deepEqual(m.lrIntids(), [40], 'fits again: back in an LR');
    assert.equal(hcrFlags(m), HCR_En_MASK);
    m.eoi(0, 40);
    m.exit();
    assert.deepEqual(activeIds(m), []);
    assert.equal(m.vgic.counters.eoiCountDeactivations, 1);
  });

  it('6 nested, all EOIed without an exit: EOICount 2 deactivates both', () => {
    const m = machine(6);
    nest(m, 6);
    for (let id = 45; id >= 40; id--) m.eoi(0, id);
    assert.equal(eoiCount(m), 2);
    m.exit();
    assert.deepEqual(activeIds(m), []);
    assert.equal(m.vgic.counters.eoiCountDeactivations, 2);
    assert.deepEqual(m.vgic.core.cpus[0].apList, []);
  });

  it('a level interrupt deactivated by the walk gets its EOI maintenance: notified, re-delivered while high', () => {
    const m = machine(5, 0, { level: true });
    m.enter();
    for (let i = 0; i < 5; i++) {
      m.exit();
      m.vgic.injectIrq(null, FIRST + i, true);
      m.enter();
      assert.equal(m.iar(), FIRST + i);
    }
    assert.deepEqual(m.lrIntids(), [44, 43, 42, 41]);
    for (let i = 1; i < 5; i++) m.vgic.injectIrq(null, FIRST + i, false);
    for (let id = 44; id >= 40; id--) m.eoi(0, id);
    m.exit();
    assert.deepEqual(m.acked, [44, 43, 42, 41, 40], 'every deactivation notified, 40 by the walk');
    assert.equal(m.vgic.counters.eoiMaintenance, 5);
    m.enter();
    assert.equal(m.iar(), 40, 'line still high: pending again');
  });
});

describe('vgic LR overflow: EOImode 1, GICV_DIR trapped', () => {
  it('6 nested, EOIR all, DIR in ascending order: DIRs of interrupts in no LR trap and are emulated', () => {
    const m = machine(6, 1);
    nest(m, 6);
    for (let id = 45; id >= 40; id--) m.eoi(0, id);
    assert.equal(m.vifs[0].readAPR(), 0);
    assert.equal(eoiCount(m), 0, 'EOImode 1: EOIR is a priority drop only');
    for (const id of [40, 41]) {
      assert.equal(m.vgic.trapsGicv(0, GICV_DIR), true, `DIR ${id} traps`);
      m.exit(); // the trap's exit
      m.vgic.gicvTrap.write(GICV_DIR, 4, id, 0);
      assert.equal(irq(m, id).active, false, `${id} deactivated by the emulation`);
      m.enter();
    }
    assert.equal(m.vgic.trapsGicv(0, GICV_DIR), false, 'fits again: no trap');
    for (let id = 42; id <= 45; id++) m.dir(0, id);
    m.exit();
    assert.deepEqual(activeIds(m), []);
    assert.equal(m.vgic.counters.dirTraps, 2);
    assert.equal(m.vgic.counters.eoiCountDeactivations, 0);
    assert.deepEqual(m.vgic.core.cpus[0].apList, []);
  });

  it('a trapped DIR is ignored for EOImode 0 and an inactive INTID; other offsets and widths of the page are WI', () => {
    const m = machine(6);
    nest(m, 6);
    m.exit();
    m.vgic.gicvTrap.write(GICV_DIR, 4, 40, 0);
    assert.equal(irq(m, 40).active, true, 'EOImode 0: DIR is ignored');
    m.gicv(0, GICV_CTLR, GICV_CTLR_ENABLE_BOTH | CTLR_EOIMODE);
    m.enter();
    m.exit();
    m.vgic.gicvTrap.write(GICV_DIR, 4, 50, 0);
    m.vgic.gicvTrap.write(GICV_DIR + 4, 4, 40, 0);
    m.vgic.gicvTrap.write(GICV_DIR, 2, 40, 0);
    assert.equal(irq(m, 40).active, true, 'inactive INTID, other offset, other width: nothing');
    m.vgic.gicvTrap.write(GICV_DIR, 4, 40, 0);
    assert.equal(irq(m, 40).active, false);
    assert.throws(() => {
      m.enter();
      m.vgic.gicvTrap.write(GICV_DIR, 4, 41, 0);
    }, /while in the guest/);
  });

  it('save/restore in the guest keeps the overflow bookkeeping (which interrupts are in an LR, the trap)', () => {
    const m = machine(5);
    nest(m, 5);
    const s = m.vgic.save();
    const fresh = machine(5);
    fresh.vgic.restore(s);
    assert.equal(fresh.vgic.v2.cpus[0].activeOutside, true);
    assert.equal(fresh.vgic.trapsGicv(0, GICV_DIR), true);
    assert.equal(irq(fresh, 40).onLr, false);
    assert.equal(irq(fresh, 41).onLr, true);
  });
});

describe('vgic LR overflow: GICH_HCR is rewritten at every flush', () => {
  it('the flags of an overflowing flush are gone after the sync', () => {
    const m = machine(5);
    nest(m, 5);
    assert.notEqual(hcrFlags(m), HCR_En_MASK);
    m.exit();
    assert.equal(m.vifs[0].gich.read(GICH_HCR, 4, 0), HCR_En_MASK);
  });
});
