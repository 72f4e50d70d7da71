// Issue 14, defect 3: an active mapped edge interrupt keeps HW=1 in its LR
// at every flush (linux-7.0's vgic; KVM's vgic_v2_populate_lr sets HW for
// every mapped interrupt whose pending state is not shown beside the active
// one). populateLr used to test the imported function `showPending` (always
// truthy) instead of the local result, so an active mapped edge interrupt
// lost its HW bit at the flush after the exit that found it acknowledged:
// the guest's EOI then deactivated only the virtual interrupt, and the
// physical one stayed active (its next edge held back) until some unrelated
// exit. The legacy vgic (linux-4.2/4.3) builds its LRs elsewhere and has no
// such path.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Machine, SPURIOUS } from '../vgic/helpers/machine.ts';

const VSPI = 48;
const PSPI = 80;
const GICH_LR_HW = 1 << 31;
const ST_ACTIVE = 2;

function edgeMachine(): Machine {
  const m = new Machine().boot();
  m.setEdge(VSPI);
  m.enable(VSPI);
  m.vgic.mapPhysIrq(0, VSPI, PSPI);
  return m;
}

describe('defect 3 (linux-7.0): an active mapped edge interrupt keeps HW=1', () => {
  it('acknowledged, exit, re-entry: the LR is HW=1 active; the guest EOI deactivates the physical interrupt at once', () => {
    const m = edgeMachine();
    m.vgic.injectIrq(null, VSPI, true);
    m.enter();
    const id = m.iar();
    assert.equal(id, VSPI);
    m.exit(); // an unrelated exit while the guest handles it
    assert.equal(m.dist.isActive(0, PSPI), false, 'cleared at sync (still active in the guest)');
    m.enter();
    const lr = m.vifs[0].readLR(0);
    assert.equal(lr & 0x3ff, VSPI);
    assert.equal(m.lrState(0, 0), ST_ACTIVE);
    assert.ok((lr & GICH_LR_HW) !== 0, `LR 0x${(lr >>> 0).toString(16)} has HW=1`);
    assert.equal((lr >>> 10) & 0x3ff, PSPI, 'PhysicalID');
    assert.equal(
      m.dist.isActive(0, PSPI),
      true,
      'the physical interrupt is active again while the guest holds it',
    );
    m.eoi(0, id);
    // Guest-visible: the deactivation reached the physical distributor
    // without an exit, so the device's next edge can be signalled now.
    assert.equal(m.dist.isActive(0, PSPI), false, 'deactivated through the HW LR, no exit needed');
    const syncs = m.vgic.counters.syncs;
    m.vgic.injectIrq(null, VSPI, true); // the next edge, forwarded at once
    m.cycle();
    assert.equal(m.vgic.counters.syncs, syncs + 1);
    assert.equal(m.take(), VSPI, 'the second edge is delivered');
    m.cycle();
    assert.equal(m.take(), SPURIOUS);
  });

  it('an active mapped edge with a second edge latched is still a software pending+active LR', () => {
    const m = edgeMachine();
    m.vgic.injectIrq(null, VSPI, true);
    m.enter();
    const id = m.iar();
    m.vgic.injectIrq(null, VSPI, true); // latched while active
    m.cycle();
    const lr = m.vifs[0].readLR(0);
    assert.equal(lr & GICH_LR_HW, 0, 'HW=1 cannot be pending+active (GICv2 5.3.9)');
    assert.equal(m.lrState(0, 0), 3);
    m.eoi(0, id);
    assert.equal(m.take(), VSPI);
  });
});
