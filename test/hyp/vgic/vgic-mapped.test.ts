// Mapped (HW) interrupts: the seed's rules (physical active set when
// signalled, read back at sync) and vgicsim's mapped edge behaviour.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NO_VCPU } from '../../../src/hyp/vgic/vgic-irq.ts';
import { GICV_CTLR } from '../../../src/hw/gic/virt-regs.ts';
import { GICV_CTLR_ENABLE_BOTH, Machine, SPURIOUS } from './helpers/machine.ts';

/** GICV_CTLR.EOImode (bit 9) */
const GICV_CTLR_EOIMODE = 1 << 9;

const VTIMER = 27;
const GICH_LR_HW = 1 << 31;
const ST_ACTIVE = 2;
const ST_PA = 3;

function timerMachine(useInputLevel = false): Machine {
  const m = new Machine().boot();
  m.vgic.mapPhysIrq(0, VTIMER, VTIMER, useInputLevel);
  m.enable(VTIMER);
  return m;
}

describe('mapped level interrupts (seed item 5)', () => {
  it('flush writes HW + PhysicalID and sets the physical interrupt active', () => {
    const m = timerMachine();
    m.vgic.injectIrq(0, VTIMER, true);
    assert.equal(m.dist.isActive(0, VTIMER), false);
    m.enter();
    const lr = m.vifs[0].readLR(0);
    assert.ok(lr & GICH_LR_HW);
    assert.equal((lr >>> 10) & 0x3ff, VTIMER);
    assert.equal(lr & (1 << 19), 0, 'no EOI bit with HW=1');
    assert.equal(m.dist.isActive(0, VTIMER), true);
    assert.equal(m.vgic.counters.physActiveChanges, 1);
  });

  it('sync, still physically active (guest did not deactivate): clear it, no re-injection', () => {
    const m = timerMachine();
    m.vgic.injectIrq(0, VTIMER, true);
    m.enter();
    const id = m.iar(); // acked, not EOId
    m.exit();
    assert.equal(m.dist.isActive(0, VTIMER), false, 'cleared for other users of the line');
    const irq = m.vgic.core.getIrq(0, VTIMER)!;
    assert.equal(irq.active, true);
    m.enter();
    assert.equal(m.lrState(0, 0), ST_ACTIVE, 'written back active only (never P+A with HW)');
    assert.equal(m.dist.isActive(0, VTIMER), true, 'set again when signalled');
    m.eoi(0, id); // the HW LR deactivates the physical interrupt
    assert.equal(m.dist.isActive(0, VTIMER), false);
  });

  it('seed scenario: the line drops before the guest acknowledges -> nothing is delivered', () => {
    const m = timerMachine();
    m.vgic.injectIrq(0, VTIMER, true); // timer fired (exit)
    m.enter(); // guest has PSTATE.I set: does not take it
    m.vgic.injectIrq(0, VTIMER, false); // guest disabled the timer; the timer sync lowers the line
    m.exit();
    assert.equal(m.dist.isActive(0, VTIMER), false);
    assert.equal(m.vgic.core.getIrq(0, VTIMER)!.vcpu, NO_VCPU);
    m.enter(); // guest unmasks
    assert.equal(m.iar(), SPURIOUS);
  });

  it('sync, physically inactive (guest deactivated): resample and re-inject while the line is high', () => {
    const m = timerMachine(true);
    m.inputLevels.set(`0:${VTIMER}`, true);
    m.vgic.injectIrq(0, VTIMER, true);
    m.enter();
    assert.equal(m.take(), VTIMER);
    assert.equal(m.dist.isActive(0, VTIMER), false, 'deactivated through the HW LR');
    const changes = m.vgic.counters.physActiveChanges;
    m.exit();
    assert.equal(m.vgic.counters.physActiveChanges, changes, 'nothing to clear');
    m.enter();
    assert.equal(m.take(), VTIMER, 'line still high: re-injected');
    m.inputLevels.set(`0:${VTIMER}`, false);
    m.cycle();
    assert.equal(m.take(), SPURIOUS, 'resampled low: not re-injected');
    assert.equal(m.vgic.core.getIrq(0, VTIMER)!.lineLevel, false);
  });

  it('EOImode=1: EOIR only drops the priority; GICV_DIR deactivates the physical interrupt', () => {
    const m = timerMachine(true);
    m.gicv(0, GICV_CTLR, GICV_CTLR_ENABLE_BOTH | GICV_CTLR_EOIMODE);
    m.inputLevels.set(`0:${VTIMER}`, true);
    m.vgic.injectIrq(0, VTIMER, true);
    m.enter();
    const id = m.iar();
    m.eoi(0, id);
    assert.equal(m.dist.isActive(0, VTIMER), true, 'priority drop only');
    assert.equal(m.lrState(0, 0), ST_ACTIVE);
    m.dir(0, id);
    assert.equal(m.dist.isActive(0, VTIMER), false);
    m.inputLevels.set(`0:${VTIMER}`, false);
    m.cycle();
    assert.equal(m.iar(), SPURIOUS, 'resampled low after the deactivation');
  });

  it('without an input-level source the level the device last signalled is used', () => {
    const m = timerMachine(false);
    m.vgic.injectIrq(0, VTIMER, true);
    m.enter();
    assert.equal(m.take(), VTIMER);
    m.cycle();
    assert.equal(m.take(), VTIMER);
    m.vgic.injectIrq(0, VTIMER, false);
    m.cycle();
    assert.equal(m.take(), SPURIOUS);
  });

  it('property: after every sync the physical active state of the mapped interrupt is clear', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }), (ops) => {
        const m = timerMachine(true);
        let inGuest = false;
        let pendingEoi = -1;
        for (const op of ops) {
          if (op === 0) {
            m.inputLevels.set(`0:${VTIMER}`, true);
            m.vgic.injectIrq(0, VTIMER, true);
          } else if (op === 1) {
            m.inputLevels.set(`0:${VTIMER}`, false);
            m.vgic.injectIrq(0, VTIMER, false);
          } else if (op === 2 && inGuest) {
            const id = m.iar();
            if (id !== SPURIOUS) pendingEoi = id;
          } else if (op === 3 && inGuest && pendingEoi >= 0) {
            m.eoi(0, pendingEoi);
            pendingEoi = -1;
          } else if (op === 4 && !inGuest) {
            m.enter();
            inGuest = true;
          } else if (op === 5 && inGuest) {
            m.exit();
            inGuest = false;
            assert.equal(m.dist.isActive(0, VTIMER), false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('mapped edge interrupts (seed item 8, vgicsim behaviour)', () => {
  const VSPI = 48;
  const PSPI = 80;
  function edgeMachine(): Machine {
    const m = new Machine().boot();
    m.setEdge(VSPI);
    m.enable(VSPI);
    m.vgic.mapPhysIrq(0, VSPI, PSPI);
    return m;
  }

  it('an edge is delivered once through an HW LR; deactivation re-injects nothing', () => {
    const m = edgeMachine();
    m.vgic.injectIrq(null, VSPI, true);
    m.enter();
    assert.ok(m.vifs[0].readLR(0) & GICH_LR_HW);
    assert.equal(m.dist.isActive(0, PSPI), true);
    assert.equal(m.take(), VSPI);
    assert.equal(m.dist.isActive(0, PSPI), false);
    m.cycle();
    assert.equal(m.take(), SPURIOUS);
    assert.equal(m.vgic.core.getIrq(0, VSPI)!.vcpu, NO_VCPU);
  });

  it('an unacknowledged edge survives a sync (latch given back, physical active cleared)', () => {
    const m = edgeMachine();
    m.vgic.injectIrq(null, VSPI, true);
    m.enter();
    m.exit();
    assert.equal(m.dist.isActive(0, PSPI), false);
    assert.equal(m.vgic.core.getIrq(0, VSPI)!.pendingLatch, true);
    m.enter();
    assert.equal(m.take(), VSPI);
  });

  it('an edge latched while active is written as a software pending+active LR and delivered after the EOI', () => {
    const m = edgeMachine();
    m.vgic.injectIrq(null, VSPI, true);
    m.enter();
    const id = m.iar();
    m.vgic.injectIrq(null, VSPI, true); // second edge, kicks the vcpu
    m.cycle();
    const lr = m.vifs[0].readLR(0);
    assert.equal(lr & GICH_LR_HW, 0, 'HW=0: an HW LR cannot be pending+active');
    assert.equal(m.lrState(0, 0), ST_PA);
    assert.equal(m.dist.isActive(0, PSPI), true, 'physical active still set while signalled');
    m.eoi(0, id);
    assert.equal(m.take(), VSPI, 'second edge, without an exit');
    m.exit();
    assert.equal(m.dist.isActive(0, PSPI), false, 'the hypervisor deactivates the physical interrupt');
    m.enter();
    assert.equal(m.take(), SPURIOUS, 'exactly two deliveries');
  });

  it('unmap: the interrupt is then an ordinary virtual one', () => {
    const m = edgeMachine();
    m.vgic.unmapPhysIrq(0, VSPI);
    m.vgic.injectIrq(null, VSPI, true);
    m.enter();
    assert.equal(m.vifs[0].readLR(0) & GICH_LR_HW, 0);
    assert.equal(m.dist.isActive(0, PSPI), false);
  });
});
