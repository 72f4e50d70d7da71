// Interrupt state machine of the physical distributor: pending semantics
// for level and edge interrupts, active and active-and-pending, banking of
// private interrupts, SPI targeting, line inputs and trace records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineArg } from '../../../src/hw/gic/distributor.ts';
import { PPI } from '../../../src/hw/gic/intid.ts';
import * as R from '../../../src/hw/gic/registers.ts';
import { Signal } from '../../../src/sim/signal.ts';
import { bitReg, enableAll, type Fixture, makeGic, setupIrq } from './fixture.ts';

const SPI = 40;

function pendingBit(f: Fixture, intid: number, cpu = 0): boolean {
  const [off, b] = bitReg(R.GICD_ISPENDR, intid);
  return (f.rd(off, cpu) & b) !== 0;
}
function activeBit(f: Fixture, intid: number, cpu = 0): boolean {
  const [off, b] = bitReg(R.GICD_ISACTIVER, intid);
  return (f.rd(off, cpu) & b) !== 0;
}
function write1(f: Fixture, base: number, intid: number, cpu = 0): void {
  const [off, b] = bitReg(base, intid);
  f.wr(off, b, cpu);
}

describe('distributor: level-sensitive interrupts', () => {
  it('a line drop clears pending of an unacknowledged level interrupt', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80);
    f.gic.setSpiLine(SPI, true);
    assert.equal(pendingBit(f, SPI), true);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
    f.gic.setSpiLine(SPI, false);
    assert.equal(pendingBit(f, SPI), false);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    assert.equal(f.iar(), 1023);
  });

  it('ICPENDR cannot clear a level interrupt whose line is high', () => {
    const f = makeGic();
    setupIrq(f, SPI, 0x80);
    f.gic.setSpiLine(SPI, true);
    write1(f, R.GICD_ICPENDR, SPI);
    assert.equal(pendingBit(f, SPI), true);
    assert.equal(f.gic.isPending(0, SPI), true);
  });

  it('ISPENDR latches a level interrupt with the line low until it is acknowledged', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80);
    write1(f, R.GICD_ISPENDR, SPI);
    assert.equal(pendingBit(f, SPI), true);
    f.gic.setSpiLine(SPI, true);
    f.gic.setSpiLine(SPI, false); // the line going low does not clear the latch
    assert.equal(pendingBit(f, SPI), true);
    assert.equal(f.iar(), SPI);
    assert.equal(pendingBit(f, SPI), false);
    assert.equal(activeBit(f, SPI), true);
    f.eoi(SPI);
    assert.equal(pendingBit(f, SPI), false);
    assert.equal(activeBit(f, SPI), false);
  });

  it('ICPENDR clears the ISPENDR latch when the line is low', () => {
    const f = makeGic();
    setupIrq(f, SPI, 0x80);
    write1(f, R.GICD_ISPENDR, SPI);
    write1(f, R.GICD_ICPENDR, SPI);
    assert.equal(pendingBit(f, SPI), false);
  });

  it('acknowledging with the line still high gives active and pending, signalled again only after deactivation', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80);
    f.gic.setSpiLine(SPI, true);
    assert.equal(f.iar(), SPI);
    assert.equal(activeBit(f, SPI), true);
    assert.equal(pendingBit(f, SPI), true);
    assert.equal(f.gic.cpuInterface(0).irq.level, false, 'active+pending is not forwarded');
    f.cwr(0, R.GICC_CTLR, 3 | (1 << 9)); // EOImode = 1: drop priority but stay active
    f.eoi(SPI);
    assert.equal(f.gic.cpuInterface(0).irq.level, false, 'still active after the priority drop');
    assert.equal(f.iar(), 1023);
    f.cwr(0, R.GICC_DIR, SPI);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
    assert.equal(f.iar(), SPI);
  });

  it('a line that drops while the interrupt is active leaves it active only', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80);
    f.gic.setSpiLine(SPI, true);
    f.iar();
    f.gic.setSpiLine(SPI, false);
    assert.equal(pendingBit(f, SPI), false);
    assert.equal(activeBit(f, SPI), true);
    f.eoi(SPI);
    assert.equal(f.iar(), 1023);
  });
});

describe('distributor: edge-triggered interrupts', () => {
  it('a rising edge latches pending after the line drops; ICPENDR clears it', () => {
    const f = makeGic();
    setupIrq(f, SPI, 0x80, { edge: true });
    f.gic.setSpiLine(SPI, true);
    f.gic.setSpiLine(SPI, false);
    assert.equal(pendingBit(f, SPI), true);
    write1(f, R.GICD_ICPENDR, SPI);
    assert.equal(pendingBit(f, SPI), false);
  });

  it('a high line without a new edge does not re-pend after acknowledge', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80, { edge: true });
    f.gic.setSpiLine(SPI, true);
    assert.equal(f.iar(), SPI);
    assert.equal(pendingBit(f, SPI), false);
    f.eoi(SPI);
    assert.equal(f.iar(), 1023);
  });

  it('an edge while active gives active and pending; taken again after EOI', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80, { edge: true });
    f.gic.setSpiLine(SPI, true);
    f.gic.setSpiLine(SPI, false);
    assert.equal(f.iar(), SPI);
    f.gic.setSpiLine(SPI, true);
    assert.equal(pendingBit(f, SPI) && activeBit(f, SPI), true);
    assert.equal(f.iar(), 1023);
    f.eoi(SPI);
    assert.equal(f.iar(), SPI);
  });

  it('changing an SPI from edge to level makes a high line pending', () => {
    const f = makeGic();
    setupIrq(f, SPI, 0x80, { edge: true });
    f.gic.setSpiLine(SPI, true);
    write1(f, R.GICD_ICPENDR, SPI);
    assert.equal(pendingBit(f, SPI), false);
    setupIrq(f, SPI, 0x80, { edge: false });
    assert.equal(pendingBit(f, SPI), true);
  });
});

describe('distributor: banking and targeting', () => {
  it('PPI lines, pending and enables are per cpu', () => {
    const f = makeGic(2);
    enableAll(f);
    setupIrq(f, PPI.VIRT_TIMER, 0x40, { cpu: 1 });
    f.gic.setPpiLine(1, PPI.VIRT_TIMER, true);
    assert.equal(pendingBit(f, PPI.VIRT_TIMER, 1), true);
    assert.equal(pendingBit(f, PPI.VIRT_TIMER, 0), false);
    assert.equal(f.gic.lineLevel(0, PPI.VIRT_TIMER), false);
    assert.equal(f.rd(R.GICD_ISENABLER, 1) & (1 << PPI.VIRT_TIMER), 1 << PPI.VIRT_TIMER);
    assert.equal(f.rd(R.GICD_ISENABLER, 0) & (1 << PPI.VIRT_TIMER), 0);
    assert.equal(f.iar(0), 1023);
    assert.equal(f.iar(1), PPI.VIRT_TIMER);
    assert.equal(activeBit(f, PPI.VIRT_TIMER, 1), true);
    assert.equal(activeBit(f, PPI.VIRT_TIMER, 0), false);
  });

  it('an SPI targeted at two cpus is acknowledged by the first; the other reads spurious', () => {
    const f = makeGic(2);
    enableAll(f);
    setupIrq(f, SPI, 0x80, { targets: 3 });
    f.gic.setSpiLine(SPI, true);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
    assert.equal(f.gic.cpuInterface(1).irq.level, true);
    assert.equal(f.iar(1), SPI);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    assert.equal(f.iar(0), 1023);
  });

  it('an untargeted or disabled SPI is never forwarded', () => {
    const f = makeGic(2);
    enableAll(f);
    setupIrq(f, SPI, 0x80, { targets: 0 });
    f.gic.setSpiLine(SPI, true);
    assert.equal(f.iar(0), 1023);
    f.gic.gicd.write(R.GICD_ITARGETSR + SPI, 1, 1, 0);
    write1(f, R.GICD_ICENABLER, SPI);
    assert.equal(f.iar(0), 1023);
    write1(f, R.GICD_ISENABLER, SPI);
    assert.equal(f.iar(0), SPI);
  });

  it('GICD_CTLR group enables gate forwarding', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80);
    f.gic.setSpiLine(SPI, true);
    f.wr(R.GICD_CTLR, 2); // group 0 disabled, SPI is group 0
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    assert.equal(f.iar(), 1023);
    f.wr(R.GICD_CTLR, 1);
    assert.equal(f.iar(), SPI);
  });
});

describe('distributor: inputs and hypervisor helpers', () => {
  it('a Signal connected with lineArg drives a PPI of the right cpu', () => {
    const f = makeGic(2);
    const timer = new Signal('cpu1.cntv');
    timer.connect(f.gic.lineListener, lineArg(1, PPI.VIRT_TIMER));
    timer.set(true);
    assert.equal(f.gic.lineLevel(1, PPI.VIRT_TIMER), true);
    assert.equal(f.gic.isPending(1, PPI.VIRT_TIMER), true);
    assert.equal(f.gic.isPending(0, PPI.VIRT_TIMER), false);
    timer.set(false);
    assert.equal(f.gic.isPending(1, PPI.VIRT_TIMER), false);
  });

  it("each virtual interface's maintenance output drives PPI 25 of its cpu", () => {
    const f = makeGic(2);
    f.gic.virtInterface(1).maintenance.set(true);
    assert.equal(f.gic.lineLevel(1, PPI.MAINTENANCE), true);
    assert.equal(f.gic.lineLevel(0, PPI.MAINTENANCE), false);
    f.gic.virtInterface(1).maintenance.set(false);
    assert.equal(f.gic.lineLevel(1, PPI.MAINTENANCE), false);
  });

  it('setActive behaves like ISACTIVER/ICACTIVER and masks the interrupt while active', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, PPI.VIRT_TIMER, 0x40);
    f.gic.setActive(0, PPI.VIRT_TIMER, true);
    assert.equal(activeBit(f, PPI.VIRT_TIMER), true);
    f.gic.setPpiLine(0, PPI.VIRT_TIMER, true);
    assert.equal(f.gic.cpuInterface(0).irq.level, false, 'the seed masking trick: active hides the line');
    f.gic.deactivatePhysical(0, PPI.VIRT_TIMER);
    assert.equal(f.gic.isActive(0, PPI.VIRT_TIMER), false);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
    write1(f, R.GICD_ISACTIVER, PPI.VIRT_TIMER);
    assert.equal(f.gic.isActive(0, PPI.VIRT_TIMER), true);
    write1(f, R.GICD_ICACTIVER, PPI.VIRT_TIMER);
    assert.equal(f.gic.isActive(0, PPI.VIRT_TIMER), false);
  });

  it('rejects out-of-range inputs', () => {
    const f = makeGic(2, 64);
    assert.throws(() => f.gic.setSpiLine(27, true), RangeError);
    assert.throws(() => f.gic.setSpiLine(96, true), RangeError);
    assert.throws(() => f.gic.setPpiLine(0, 40, true), RangeError);
    assert.throws(() => f.gic.setPpiLine(2, 27, true), RangeError);
    assert.throws(() => f.gic.isActive(0, 200), RangeError);
  });

  it('emits line, irq, ack and eoi trace records', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, SPI, 0x80);
    f.clock.now = 7;
    f.gic.setSpiLine(SPI, true);
    f.iar();
    f.eoi(SPI);
    const kinds = f.sink.records.map(
      (r) => `${r.kind}:${'signal' in r ? r.signal : 'intid' in r ? r.intid : ''}`,
    );
    assert.deepEqual(kinds, [
      `line:gic.spi${SPI}`,
      `irq:${SPI}`,
      'line:cpu0.irq',
      `ack:${SPI}`,
      `irq:${SPI}`,
      'line:cpu0.irq',
      `eoi:${SPI}`,
      `irq:${SPI}`,
      'line:cpu0.irq', // the line is still high: pending again once inactive
    ]);
    const ack = f.sink.records.find((r) => r.kind === 'irq');
    assert.deepEqual(ack, {
      kind: 'irq',
      t: 7,
      cpu: -1,
      gic: 'phys',
      intid: SPI,
      pending: true,
      active: false,
    });
  });
});
