// The GICv3 CPU interface as system registers (ICC_*_EL1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as R from '../../../../src/hw/gic/registers.ts';
import * as G from '../../../../src/hw/gic/v3/gicr-regs.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import { makeGicV3 } from './fixture-v3.ts';

const { ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_IAR0_EL1, ICC_EOIR0_EL1, ICC_SGI1R_EL1 } = IccReg;

/** An enabled PPI/SGI of `cpu` with a priority and group, made pending. */
function pend(f: ReturnType<typeof makeGicV3>, cpu: number, id: number, prio: number, group = 1): void {
  f.gic.gicr.write(cpu * G.GICR_STRIDE + G.GICR_SGI_BASE + G.GICR_IPRIORITYR0 + id, 1, prio, 0);
  const b = f.gic.redistributor(cpu).irqs;
  if (b.group[id] !== group) b.setGroup(id, group);
  f.swr(cpu, G.GICR_ISENABLER0, 1 << id);
  f.swr(cpu, G.GICR_ISPENDR0, 1 << id);
}

describe('GICv3 ICC registers: reset values and fixed fields', () => {
  it('ICC_CTLR_EL1: PRIbits 4, IDbits 0, A3V 1, SEIS 0; CBPR, EOImode, PMHE writable, the rest read-only', () => {
    const f = makeGicV3();
    assert.equal(f.mrs(0, IccReg.ICC_CTLR_EL1), (4 << 8) | (1 << 15));
    f.msr(0, IccReg.ICC_CTLR_EL1, 0xffff_ffff);
    assert.equal(f.mrs(0, IccReg.ICC_CTLR_EL1), (4 << 8) | (1 << 15) | 0x43);
  });

  it('ICC_SRE_EL1 reads SRE, DFB, DIB as one and ignores writes', () => {
    const f = makeGicV3();
    assert.equal(f.msr(0, IccReg.ICC_SRE_EL1, 0), true);
    assert.equal(f.mrs(0, IccReg.ICC_SRE_EL1), 7);
  });

  it('PMR keeps 5 bits; BPR0 min 2, BPR1 min 3; IGRPEN bits; RPR 0xff when idle', () => {
    const f = makeGicV3();
    assert.equal(f.mrs(0, IccReg.ICC_PMR_EL1), 0);
    f.msr(0, IccReg.ICC_PMR_EL1, 0xff);
    assert.equal(f.mrs(0, IccReg.ICC_PMR_EL1), 0xf8);
    assert.deepEqual([f.mrs(0, IccReg.ICC_BPR0_EL1), f.mrs(0, IccReg.ICC_BPR1_EL1)], [2, 3]);
    f.msr(0, IccReg.ICC_BPR0_EL1, 0);
    f.msr(0, IccReg.ICC_BPR1_EL1, 1);
    assert.deepEqual([f.mrs(0, IccReg.ICC_BPR0_EL1), f.mrs(0, IccReg.ICC_BPR1_EL1)], [2, 3]);
    f.msr(0, IccReg.ICC_BPR1_EL1, 5);
    assert.equal(f.mrs(0, IccReg.ICC_BPR1_EL1), 5);
    f.msr(0, IccReg.ICC_IGRPEN1_EL1, 0xff);
    assert.deepEqual([f.mrs(0, IccReg.ICC_IGRPEN0_EL1), f.mrs(0, IccReg.ICC_IGRPEN1_EL1)], [0, 1]);
    assert.equal(f.mrs(0, IccReg.ICC_RPR_EL1), 0xff);
  });

  it('CBPR = 1: BPR1 reads BPR0 + 1 (at most 7) and ignores writes', () => {
    const f = makeGicV3();
    f.msr(0, IccReg.ICC_BPR1_EL1, 6);
    f.msr(0, IccReg.ICC_CTLR_EL1, 1);
    f.msr(0, IccReg.ICC_BPR0_EL1, 4);
    assert.equal(f.mrs(0, IccReg.ICC_BPR1_EL1), 5);
    f.msr(0, IccReg.ICC_BPR1_EL1, 3);
    f.msr(0, IccReg.ICC_BPR0_EL1, 7);
    assert.equal(f.mrs(0, IccReg.ICC_BPR1_EL1), 7);
    f.msr(0, IccReg.ICC_CTLR_EL1, 0);
    assert.equal(f.mrs(0, IccReg.ICC_BPR1_EL1), 6, 'the write under CBPR was ignored');
  });

  it('write-only registers are UNDEFINED to MRS, read-only ones to MSR; AP<n>R1-3 do not exist', () => {
    const f = makeGicV3();
    for (const r of [IccReg.ICC_EOIR1_EL1, IccReg.ICC_DIR_EL1, IccReg.ICC_SGI1R_EL1, IccReg.ICC_AP1R1_EL1])
      assert.equal(f.mrs(0, r), undefined, r);
    for (const r of [IccReg.ICC_IAR1_EL1, IccReg.ICC_HPPIR1_EL1, IccReg.ICC_RPR_EL1, IccReg.ICC_AP0R3_EL1])
      assert.equal(f.msr(0, r, 0), false, r);
    assert.equal(f.mrs(0, IccReg.ICC_SRE_EL2), undefined);
  });
});

describe('GICv3 ICC acknowledge, priority drop and deactivation', () => {
  it('IAR1 acknowledges the HPPI, sets the AP1R0 bit, RPR follows; EOIR1 drops and deactivates', () => {
    const f = makeGicV3(1);
    f.wakeAll();
    pend(f, 0, 27, 0xa0);
    const cif = f.gic.cpuInterface(0);
    assert.equal(cif.irq.level, true);
    assert.equal(cif.fiq.level, false, 'Group 1 is an IRQ');
    assert.equal(f.mrs(0, IccReg.ICC_HPPIR1_EL1), 27);
    assert.equal(f.mrs(0, ICC_IAR1_EL1), 27);
    assert.equal(f.mrs(0, IccReg.ICC_AP1R0_EL1), 1 << (0xa0 >> 3));
    assert.equal(f.mrs(0, IccReg.ICC_RPR_EL1), 0xa0);
    assert.equal(cif.irq.level, false);
    assert.equal(f.gic.isActive(0, 27), true);
    f.msr(0, ICC_EOIR1_EL1, 27);
    assert.equal(f.mrs(0, IccReg.ICC_AP1R0_EL1), 0);
    assert.equal(f.gic.isActive(0, 27), false);
  });

  it('a Group 0 HPPI is an FIQ; IAR1 and HPPIR1 read 1023 for it, IAR0 takes it', () => {
    const f = makeGicV3(1);
    f.wakeAll();
    pend(f, 0, 20, 0x40, 0);
    assert.equal(f.gic.cpuInterface(0).fiq.level, true);
    assert.equal(f.mrs(0, IccReg.ICC_HPPIR1_EL1), 1023);
    assert.equal(f.mrs(0, ICC_IAR1_EL1), 1023);
    assert.equal(f.mrs(0, IccReg.ICC_HPPIR0_EL1), 20);
    assert.equal(f.mrs(0, ICC_IAR0_EL1), 20);
    f.msr(0, ICC_EOIR1_EL1, 20);
    assert.equal(f.gic.isActive(0, 20), true, 'EOIR1 ignored: the highest active priority is Group 0');
    f.msr(0, ICC_EOIR0_EL1, 20);
    assert.equal(f.gic.isActive(0, 20), false);
  });

  it('PMR masks, the running priority blocks equal group priorities, a higher one preempts', () => {
    const f = makeGicV3(1);
    f.wakeAll();
    f.msr(0, IccReg.ICC_PMR_EL1, 0x80);
    pend(f, 0, 21, 0x80);
    assert.equal(f.mrs(0, ICC_IAR1_EL1), 1023, 'priority 0x80 is not higher than PMR 0x80');
    f.msr(0, IccReg.ICC_PMR_EL1, 0xf8);
    assert.equal(f.mrs(0, ICC_IAR1_EL1), 21);
    pend(f, 0, 22, 0x88); // lower than the running 0x80
    assert.equal(f.mrs(0, ICC_IAR1_EL1), 1023);
    pend(f, 0, 23, 0x70);
    assert.equal(f.mrs(0, ICC_IAR1_EL1), 23);
    assert.equal(f.mrs(0, IccReg.ICC_RPR_EL1), 0x70);
  });

  it('Group 1 splits at ICC_BPR1_EL1 one bit lower than BPR0 would (4.8.3): at BPR1 = 3 all 5 bits preempt', () => {
    const preempts = (bpr1: number, cbpr = 0) => {
      const f = makeGicV3(1);
      f.wakeAll();
      f.msr(0, IccReg.ICC_PMR_EL1, 0xf8);
      f.msr(0, IccReg.ICC_BPR1_EL1, bpr1);
      f.msr(0, IccReg.ICC_CTLR_EL1, cbpr);
      pend(f, 0, 21, 0x88);
      assert.equal(f.mrs(0, ICC_IAR1_EL1), 21);
      pend(f, 0, 22, 0x80); // 0x88 and 0x80 differ in bit 3 only
      return f.mrs(0, ICC_IAR1_EL1) === 22;
    };
    assert.equal(preempts(3), true, 'BPR1 3: group priority [7:3]');
    assert.equal(preempts(4), false, 'BPR1 4: group priority [7:4]');
    assert.equal(preempts(4, 1), true, 'CBPR: BPR0 2, group priority [7:3]');
  });

  it('EOImode = 1: EOIR1 only drops priority, DIR deactivates; DIR with EOImode = 0 is ignored', () => {
    const f = makeGicV3(1);
    f.wakeAll();
    pend(f, 0, 27, 0x10);
    f.msr(0, IccReg.ICC_CTLR_EL1, 2);
    assert.equal(f.mrs(0, ICC_IAR1_EL1), 27);
    f.msr(0, ICC_EOIR1_EL1, 27);
    assert.equal(f.mrs(0, IccReg.ICC_RPR_EL1), 0xff);
    assert.equal(f.gic.isActive(0, 27), true);
    f.msr(0, IccReg.ICC_DIR_EL1, 27);
    assert.equal(f.gic.isActive(0, 27), false);
    f.msr(0, IccReg.ICC_CTLR_EL1, 0);
    f.swr(0, G.GICR_ISACTIVER0, 1 << 27);
    f.msr(0, IccReg.ICC_DIR_EL1, 27);
    assert.equal(f.gic.isActive(0, 27), true);
  });

  it('EOIR of a special or unimplemented INTID is ignored', () => {
    const f = makeGicV3(1, 32);
    f.wakeAll();
    pend(f, 0, 27, 0x10);
    f.mrs(0, ICC_IAR1_EL1);
    f.msr(0, ICC_EOIR1_EL1, 1023);
    f.msr(0, ICC_EOIR1_EL1, 100);
    assert.notEqual(f.mrs(0, IccReg.ICC_AP1R0_EL1), 0);
  });
});

describe('GICv3 ICC_SGI1R_EL1 target lists', () => {
  const sgi1r = (intid: number, list: number, hi = 0) => [(intid << 24) | list, hi] as const;

  it('TargetList bits name Aff0; Aff1-3 must match', () => {
    const f = makeGicV3(4);
    f.msr(0, ICC_SGI1R_EL1, ...sgi1r(3, 0b1010));
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => f.gic.isPending(c, 3)),
      [false, true, false, true],
    );
    f.msr(0, ICC_SGI1R_EL1, (4 << 24) | (1 << 16) | 0b1); // Aff1 = 1: no such cpu
    f.msr(0, ICC_SGI1R_EL1, ...sgi1r(4, 0b1, 1)); // Aff2 = 1
    f.msr(0, ICC_SGI1R_EL1, ...sgi1r(4, 0b1, 1 << 16)); // Aff3 = 1
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => f.gic.isPending(c, 4)),
      [false, false, false, false],
    );
  });

  it('RS is RES0 (ICC_CTLR_EL1.RSS = 0): its value has no effect, TargetList names Aff0 0-15', () => {
    const f = makeGicV3(4);
    f.msr(0, ICC_SGI1R_EL1, ...sgi1r(5, 0b0100, 1 << 12)); // RS = 1
    f.msr(3, ICC_SGI1R_EL1, ...sgi1r(5, 0b0001, 0xf << 12)); // RS = 15
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => f.gic.isPending(c, 5)),
      [true, false, true, false],
    );
  });

  it('IRM = 1 targets every cpu but the writer', () => {
    const f = makeGicV3(3);
    f.msr(1, ICC_SGI1R_EL1, ...sgi1r(7, 0, 1 << 8));
    assert.deepEqual(
      [0, 1, 2].map((c) => f.gic.isPending(c, 7)),
      [true, false, true],
    );
  });

  it('SGI1R sets an SGI of either group; SGI0R and ASGI1R only Group 0 ones (DS = 1)', () => {
    const f = makeGicV3(1);
    f.gic.redistributor(0).irqs.setGroup(8, 1);
    f.msr(0, IccReg.ICC_SGI0R_EL1, (8 << 24) | 1);
    f.msr(0, IccReg.ICC_ASGI1R_EL1, (8 << 24) | 1);
    assert.equal(f.gic.isPending(0, 8), false, 'SGI 8 is Group 1');
    f.msr(0, IccReg.ICC_SGI0R_EL1, (9 << 24) | 1);
    assert.equal(f.gic.isPending(0, 9), true);
    f.msr(0, ICC_SGI1R_EL1, (8 << 24) | 1);
    assert.equal(f.gic.isPending(0, 8), true);
  });

  it('an SGI to self is taken through IAR1 and EOIR1', () => {
    const f = makeGicV3(2);
    f.wakeAll();
    f.swr(1, G.GICR_ISENABLER0, 1 << 5);
    f.msr(1, ICC_SGI1R_EL1, (5 << 24) | 0b10);
    assert.equal(f.gic.cpuInterface(1).irq.level, true);
    assert.equal(f.mrs(1, ICC_IAR1_EL1), 5);
    f.msr(1, ICC_EOIR1_EL1, 5);
    assert.equal(f.gic.isActive(1, 5), false);
    assert.equal(f.gic.cpuInterface(1).irq.level, false);
  });

  it('GICD_CTLR.EnableGrp1 gates Group 1 forwarding', () => {
    const f = makeGicV3(1);
    f.wakeAll();
    pend(f, 0, 27, 0);
    f.wr(R.GICD_CTLR, 1);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    f.wr(R.GICD_CTLR, 2);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
  });
});
