// The GICC frame: reset values, priority masking, binary point and
// preemption, active priorities, EOImode, groups and the aliased registers,
// IRQ/FIQ outputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GICC_IIDR_VALUE } from '../../../src/hw/gic/gicc-frame.ts';
import * as R from '../../../src/hw/gic/registers.ts';
import { bitReg, enableAll, type Fixture, makeGic, setupIrq } from './fixture.ts';

const EOIMODE = 1 << 9;
const ACKCTL = 1 << 2;
const FIQEN = 1 << 3;
const CBPR = 1 << 4;

function pend(f: Fixture, intid: number, cpu = 0): void {
  const [off, b] = bitReg(R.GICD_ISPENDR, intid);
  f.wr(off, b, cpu);
}
function setGroup1(f: Fixture, intid: number, cpu = 0): void {
  const [off, b] = bitReg(R.GICD_IGROUPR, intid);
  f.wr(off, f.rd(off, cpu) | b, cpu);
}

describe('GICC: reset values and plain registers', () => {
  it('resets CTLR 0, PMR 0, BPR 2, ABPR 3, RPR idle, IAR/HPPIR spurious; IIDR reports GICv2', () => {
    const f = makeGic();
    assert.equal(f.crd(0, R.GICC_CTLR), 0);
    assert.equal(f.crd(0, R.GICC_PMR), 0);
    assert.equal(f.crd(0, R.GICC_BPR), 2);
    assert.equal(f.crd(0, R.GICC_ABPR), 3);
    assert.equal(f.crd(0, R.GICC_RPR), 0xff);
    assert.equal(f.crd(0, R.GICC_IAR), 1023);
    assert.equal(f.crd(0, R.GICC_HPPIR), 1023);
    assert.equal(f.crd(0, R.GICC_IIDR), GICC_IIDR_VALUE);
    assert.equal((GICC_IIDR_VALUE >>> 16) & 0xf, 2, 'ArchVersion');
  });

  it('CTLR bits [9:0] are RW, bit 10 and above RAZ/WI; PMR low bits RAZ/WI; BPR/ABPR clamp to the minimum', () => {
    const f = makeGic();
    f.cwr(0, R.GICC_CTLR, 0xffff_ffff);
    assert.equal(f.crd(0, R.GICC_CTLR), 0x3ff);
    f.cwr(0, R.GICC_PMR, 0xffff_ffff);
    assert.equal(f.crd(0, R.GICC_PMR), 0xf8);
    f.cwr(0, R.GICC_BPR, 0);
    f.cwr(0, R.GICC_ABPR, 1);
    assert.equal(f.crd(0, R.GICC_BPR), 2);
    assert.equal(f.crd(0, R.GICC_ABPR), 3);
    f.cwr(0, R.GICC_BPR, 0xff);
    f.cwr(0, R.GICC_ABPR, 5);
    assert.equal(f.crd(0, R.GICC_BPR), 7);
    assert.equal(f.crd(0, R.GICC_ABPR), 5);
  });

  it('read-only registers ignore writes; write-only and reserved registers read as zero; only word access', () => {
    const f = makeGic();
    for (const o of [R.GICC_RPR, R.GICC_IIDR, R.GICC_HPPIR]) f.cwr(0, o, 0x12);
    assert.equal(f.crd(0, R.GICC_RPR), 0xff);
    assert.equal(f.crd(0, R.GICC_IIDR), GICC_IIDR_VALUE);
    for (const o of [R.GICC_EOIR, R.GICC_AEOIR, R.GICC_DIR, 0x2c, 0x40, 0xd4, 0xe4, 0x1004]) {
      f.cwr(0, o, 0xffff_ffff);
      assert.equal(f.crd(0, o), 0, `offset ${o.toString(16)}`);
    }
    const c = f.gic.gicc(0);
    c.write(R.GICC_PMR, 1, 0xff, 0);
    c.write(R.GICC_PMR, 2, 0xff, 0);
    assert.equal(f.crd(0, R.GICC_PMR), 0);
    f.cwr(0, R.GICC_PMR, 0xf0);
    assert.equal(c.read(R.GICC_PMR, 1, 0), 0);
    assert.equal(c.read(R.GICC_PMR + 1, 4, 0), 0);
  });

  it('CPU interfaces are independent per cpu', () => {
    const f = makeGic(2);
    f.cwr(1, R.GICC_PMR, 0x80);
    assert.equal(f.crd(0, R.GICC_PMR), 0);
    assert.equal(f.crd(1, R.GICC_PMR), 0x80);
  });
});

describe('GICC: priority masking and preemption', () => {
  it('PMR masks interrupts whose priority is not strictly higher', () => {
    const f = makeGic();
    enableAll(f);
    f.cwr(0, R.GICC_PMR, 0x80);
    setupIrq(f, 40, 0x80);
    pend(f, 40);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    assert.equal(f.iar(), 1023);
    assert.equal(f.crd(0, R.GICC_HPPIR), 40, 'HPPIR ignores PMR');
    f.cwr(0, R.GICC_PMR, 0x88);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
    assert.equal(f.iar(), 40);
  });

  it('the CPU interface group enables gate signalling', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 40, 0x80);
    pend(f, 40);
    f.cwr(0, R.GICC_CTLR, 2);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    assert.equal(f.iar(), 1023);
    f.cwr(0, R.GICC_CTLR, 1);
    assert.equal(f.iar(), 40);
  });

  it('picks the highest priority, lowest INTID on a tie', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 50, 0x40);
    setupIrq(f, 45, 0x40);
    setupIrq(f, 33, 0x60);
    for (const id of [50, 45, 33]) pend(f, id);
    const order: number[] = [];
    for (let i = 0; i < 3; i++) {
      const v = f.iar();
      order.push(v);
      f.eoi(v);
    }
    assert.deepEqual(order, [45, 50, 33]);
  });

  it('preemption uses the group priority: BPR = 2 compares all 5 bits', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 40, 0x40);
    setupIrq(f, 41, 0x38);
    setupIrq(f, 42, 0x40);
    pend(f, 40);
    assert.equal(f.iar(), 40);
    assert.equal(f.crd(0, R.GICC_RPR), 0x40);
    pend(f, 42);
    assert.equal(f.gic.cpuInterface(0).irq.level, false, 'same priority does not preempt');
    pend(f, 41);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
    assert.equal(f.iar(), 41);
    assert.equal(f.crd(0, R.GICC_RPR), 0x38);
    assert.equal(f.crd(0, R.GICC_APR0), (1 << 8) | (1 << 7));
    f.eoi(41);
    assert.equal(f.crd(0, R.GICC_RPR), 0x40);
    assert.equal(f.iar(), 1023);
    f.eoi(40);
    assert.equal(f.crd(0, R.GICC_APR0), 0);
    assert.equal(f.iar(), 42);
  });

  it('a larger binary point groups priorities: with BPR = 4, 0x38 preempts 0x40 but 0x48 and 0x5f do not', () => {
    const f = makeGic();
    enableAll(f);
    f.cwr(0, R.GICC_BPR, 4); // group priority field [7:5]
    setupIrq(f, 40, 0x40);
    setupIrq(f, 41, 0x58);
    setupIrq(f, 42, 0x38);
    pend(f, 40);
    assert.equal(f.iar(), 40);
    assert.equal(f.crd(0, R.GICC_RPR), 0x40);
    pend(f, 41);
    assert.equal(f.iar(), 1023, '0x58 is in the same group priority 0x40');
    pend(f, 42);
    assert.equal(f.iar(), 42, '0x38 is in group priority 0x20');
    assert.equal(f.crd(0, R.GICC_RPR), 0x20);
  });

  it('APR0 can be written (save/restore) and sets the running priority', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 40, 0x40);
    pend(f, 40);
    f.cwr(0, R.GICC_APR0, 1 << 4); // priority 0x20 active
    assert.equal(f.crd(0, R.GICC_RPR), 0x20);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    f.cwr(0, R.GICC_APR0, 0);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
  });
});

describe('GICC: end of interrupt', () => {
  it('EOImode = 0: EOIR drops priority and deactivates', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 40, 0x80);
    pend(f, 40);
    assert.equal(f.iar(), 40);
    assert.equal(f.gic.isActive(0, 40), true);
    f.eoi(40);
    assert.equal(f.gic.isActive(0, 40), false);
    assert.equal(f.crd(0, R.GICC_RPR), 0xff);
  });

  it('EOImode = 1: EOIR only drops priority, DIR deactivates; DIR with EOImode = 0 is ignored', () => {
    const f = makeGic();
    enableAll(f);
    f.cwr(0, R.GICC_CTLR, 3 | EOIMODE);
    setupIrq(f, 40, 0x80);
    setupIrq(f, 41, 0x90);
    pend(f, 40);
    assert.equal(f.iar(), 40);
    f.eoi(40);
    assert.equal(f.crd(0, R.GICC_RPR), 0xff);
    assert.equal(f.gic.isActive(0, 40), true);
    pend(f, 41);
    assert.equal(f.iar(), 41, 'a lower priority interrupt is taken after the priority drop');
    f.eoi(41);
    f.cwr(0, R.GICC_DIR, 40);
    assert.equal(f.gic.isActive(0, 40), false);
    assert.equal(f.gic.isActive(0, 41), true);
    f.cwr(0, R.GICC_CTLR, 3);
    f.cwr(0, R.GICC_DIR, 41);
    assert.equal(f.gic.isActive(0, 41), true);
  });

  it('spurious: IAR returns 1023 with nothing pending; EOIR of 1023 changes nothing', () => {
    const f = makeGic();
    enableAll(f);
    assert.equal(f.iar(), 1023);
    setupIrq(f, 40, 0x80);
    pend(f, 40);
    f.iar();
    f.eoi(1023);
    assert.equal(f.crd(0, R.GICC_RPR), 0x80);
    assert.equal(f.gic.isActive(0, 40), true);
    assert.equal(f.sink.records.filter((r) => r.kind === 'eoi').length, 0);
  });
});

describe('GICC: groups and aliased registers', () => {
  it('IAR returns 1022 for a group 1 interrupt when AckCtl = 0 and acknowledges it when AckCtl = 1', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 40, 0x80);
    setGroup1(f, 40);
    pend(f, 40);
    assert.equal(f.crd(0, R.GICC_HPPIR), 1022);
    assert.equal(f.iar(), 1022);
    assert.equal(f.gic.isActive(0, 40), false);
    f.cwr(0, R.GICC_CTLR, 3 | ACKCTL);
    assert.equal(f.crd(0, R.GICC_HPPIR), 40);
    assert.equal(f.iar(), 40);
    assert.equal(f.crd(0, R.GICC_NSAPR0), 1 << 16);
    assert.equal(f.crd(0, R.GICC_APR0), 0);
    f.eoi(40);
    assert.equal(f.crd(0, R.GICC_NSAPR0), 0);
  });

  it('AIAR/AHPPIR/AEOIR handle group 1 only', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 40, 0x40); // group 0, higher priority
    setupIrq(f, 41, 0x80);
    setGroup1(f, 41);
    pend(f, 40);
    pend(f, 41);
    assert.equal(f.crd(0, R.GICC_AHPPIR), 1023, 'HPPI is group 0');
    assert.equal(f.crd(0, R.GICC_AIAR), 1023);
    assert.equal(f.gic.isActive(0, 40), false);
    assert.equal(f.iar(), 40);
    f.cwr(0, R.GICC_AEOIR, 40); // group 0 INTID: ignored
    assert.equal(f.gic.isActive(0, 40), true);
    f.eoi(40);
    assert.equal(f.crd(0, R.GICC_AHPPIR), 41);
    assert.equal(f.crd(0, R.GICC_AIAR), 41);
    assert.equal(f.crd(0, R.GICC_RPR), 0x80);
    f.cwr(0, R.GICC_AEOIR, 41);
    assert.equal(f.gic.isActive(0, 41), false);
    assert.equal(f.crd(0, R.GICC_RPR), 0xff);
  });

  it('group 1 uses ABPR (field [7:ABPR]) when CBPR = 0, and BPR (field [7:BPR+1]) when CBPR = 1', () => {
    // Active 0x50, pending 0x48, both group 1. ABPR = 4: group priorities 0x50 and 0x40 -> preempts.
    // CBPR = 1 with BPR = 4: field [7:5], both 0x40 -> does not preempt.
    for (const cbpr of [false, true]) {
      const f = makeGic();
      enableAll(f);
      f.cwr(0, R.GICC_CTLR, 3 | ACKCTL | (cbpr ? CBPR : 0));
      f.cwr(0, R.GICC_ABPR, 4);
      f.cwr(0, R.GICC_BPR, 4);
      setupIrq(f, 40, 0x50);
      setupIrq(f, 41, 0x48);
      setGroup1(f, 40);
      setGroup1(f, 41);
      pend(f, 40);
      assert.equal(f.iar(), 40);
      assert.equal(f.crd(0, R.GICC_RPR), cbpr ? 0x40 : 0x50);
      pend(f, 41);
      assert.equal(f.iar(), cbpr ? 1023 : 41, `CBPR = ${cbpr}`);
    }
  });

  it('group 0 signals FIQ when FIQEn = 1, group 1 always IRQ', () => {
    const f = makeGic();
    enableAll(f);
    const cif = f.gic.cpuInterface(0);
    setupIrq(f, 40, 0x80);
    pend(f, 40);
    assert.deepEqual([cif.irq.level, cif.fiq.level], [true, false]);
    f.cwr(0, R.GICC_CTLR, 3 | FIQEN);
    assert.deepEqual([cif.irq.level, cif.fiq.level], [false, true]);
    setGroup1(f, 40);
    assert.deepEqual([cif.irq.level, cif.fiq.level], [true, false]);
    f.cwr(0, R.GICC_CTLR, 0);
    assert.deepEqual([cif.irq.level, cif.fiq.level], [false, false]);
  });
});

describe('GICC: outputs with re-entrant receivers', () => {
  it('a listener that acknowledges from inside the IRQ edge leaves the outputs consistent', () => {
    const f = makeGic();
    enableAll(f);
    setupIrq(f, 40, 0x80);
    setupIrq(f, 41, 0x40);
    const cif = f.gic.cpuInterface(0);
    const acked: number[] = [];
    cif.irq.connect({
      onSignal: (_arg, level) => {
        if (level) acked.push(f.iar());
      },
    });
    pend(f, 40);
    assert.deepEqual(acked, [40]);
    assert.equal(cif.irq.level, false, 'nothing else pending after the nested acknowledge');
    pend(f, 41); // preempts 0x80: the listener acknowledges it too
    assert.deepEqual(acked, [40, 41]);
    assert.equal(cif.irq.level, false);
    assert.equal(f.crd(0, R.GICC_RPR), 0x40);
  });
});
