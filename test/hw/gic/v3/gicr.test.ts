// The GICv3 redistributors: RD_base (CTLR, IIDR, TYPER, WAKER, PIDR2) and
// SGI_base (the SGI/PPI registers), and the redistributor region.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GICD_IIDR_VALUE } from '../../../../src/hw/gic/distributor-mmio.ts';
import * as G from '../../../../src/hw/gic/v3/gicr-regs.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import { makeGicV3 } from './fixture-v3.ts';

describe('GICv3 GICR RD_base', () => {
  it('GICR_TYPER: Processor_Number, Last on the last one, Affinity_Value, no LPIs', () => {
    const f = makeGicV3(3);
    assert.deepEqual(
      [0, 1, 2].map((c) => f.rrd(c, G.GICR_TYPER)),
      [0x000, 0x100, 0x210],
    );
    assert.deepEqual(
      [0, 1, 2].map((c) => f.rrd(c, G.GICR_TYPER + 4)),
      [0, 1, 2],
    );
    f.rwr(1, G.GICR_TYPER, 0xffff_ffff);
    assert.equal(f.rrd(1, G.GICR_TYPER), 0x100, 'read-only');
  });

  it('GICR_CTLR RAZ/WI, IIDR, PIDR2.ArchRev 3', () => {
    const f = makeGicV3();
    f.rwr(0, G.GICR_CTLR, 0xffff_ffff);
    assert.equal(f.rrd(0, G.GICR_CTLR), 0);
    assert.equal(f.rrd(0, G.GICR_IIDR), GICD_IIDR_VALUE);
    assert.equal(f.rrd(1, G.GICR_PIDR2), 0x30);
  });

  it('GICR_WAKER: ProcessorSleep resets to 1, ChildrenAsleep follows it, other bits RAZ/WI', () => {
    const f = makeGicV3();
    assert.equal(f.rrd(0, G.GICR_WAKER), 0b110);
    f.rwr(0, G.GICR_WAKER, 0x8000_0001);
    assert.equal(f.rrd(0, G.GICR_WAKER), 0);
    f.rwr(0, G.GICR_WAKER, 0b10);
    assert.equal(f.rrd(0, G.GICR_WAKER), 0b110);
    assert.equal(f.rrd(1, G.GICR_WAKER), 0b110, 'per redistributor');
  });

  it('a sleeping redistributor forwards nothing; the interrupt stays pending', () => {
    const f = makeGicV3(1);
    f.wakeAll();
    f.swr(0, G.GICR_ISENABLER0, 1 << 27);
    f.gic.setPpiLine(0, 27, true);
    assert.equal(f.gic.cpuInterface(0).irq.level, true);
    f.rwr(0, G.GICR_WAKER, 0b10);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    assert.equal(f.mrs(0, IccReg.ICC_IAR1_EL1), 1023);
    assert.equal(f.gic.isPending(0, 27), true);
  });

  it('the region beyond the last redistributor and 64-bit-only widths are RAZ/WI', () => {
    const f = makeGicV3(2);
    assert.equal(f.rrd(2, G.GICR_TYPER), 0);
    f.rwr(2, G.GICR_WAKER, 0);
    assert.equal(f.gic.gicr.read(G.GICR_WAKER, 1, 0), 0, 'no byte access to WAKER');
  });
});

describe('GICv3 GICR SGI_base', () => {
  it('reset: SGIs/PPIs disabled, Group 0, priority 0; ICFGR0 edge and ICFGR1 level, read-only', () => {
    const f = makeGicV3();
    assert.equal(f.srd(0, G.GICR_ISENABLER0), 0);
    assert.equal(f.srd(0, G.GICR_IGROUPR0), 0);
    assert.equal(f.srd(0, G.GICR_IPRIORITYR0), 0);
    assert.equal(f.srd(0, G.GICR_ICFGR0), 0xaaaa_aaaa);
    assert.equal(f.srd(0, G.GICR_ICFGR1), 0);
    f.swr(0, G.GICR_ICFGR0, 0);
    f.swr(0, G.GICR_ICFGR1, 0xffff_ffff);
    assert.equal(f.srd(0, G.GICR_ICFGR0), 0xaaaa_aaaa);
    assert.equal(f.srd(0, G.GICR_ICFGR1), 0);
  });

  it('banked per redistributor: enables, groups, priorities (bytes and words, 5 bits)', () => {
    const f = makeGicV3();
    f.swr(1, G.GICR_ISENABLER0, 0x0800_0002);
    assert.equal(f.srd(1, G.GICR_ICENABLER0), 0x0800_0002);
    assert.equal(f.srd(0, G.GICR_ISENABLER0), 0);
    f.swr(1, G.GICR_ICENABLER0, 2);
    assert.equal(f.srd(1, G.GICR_ISENABLER0), 0x0800_0000);
    f.swr(0, G.GICR_IGROUPR0, 0x0000_ffff);
    assert.equal(f.srd(0, G.GICR_IGROUPR0), 0xffff);
    f.gic.gicr.write(G.GICR_SGI_BASE + G.GICR_IPRIORITYR0 + 27, 1, 0xa7, 0);
    assert.equal(f.srd(0, G.GICR_IPRIORITYR0 + 24), 0xa000_0000);
    f.swr(0, G.GICR_IPRIORITYR0 + 4, 0x1234_5678);
    assert.equal(f.srd(0, G.GICR_IPRIORITYR0 + 4), 0x1030_5078);
  });

  it('ISPENDR0 sets an SGI pending (one bit, no source), ICPENDR0 clears it; active set/clear', () => {
    const f = makeGicV3();
    f.swr(0, G.GICR_ISPENDR0, 1 << 3);
    assert.equal(f.gic.isPending(0, 3), true);
    assert.equal(f.gic.isPending(1, 3), false);
    f.swr(0, G.GICR_ICPENDR0, 1 << 3);
    assert.equal(f.srd(0, G.GICR_ISPENDR0), 0);
    f.swr(1, G.GICR_ISACTIVER0, 1 << 30);
    assert.equal(f.srd(1, G.GICR_ICACTIVER0), 1 << 30);
    f.swr(1, G.GICR_ICACTIVER0, 1 << 30);
    assert.equal(f.gic.isActive(1, 30), false);
  });

  it('a level PPI is pending while its line is high; ICPENDR0 cannot clear it then', () => {
    const f = makeGicV3();
    f.gic.setPpiLine(0, 27, true);
    f.swr(0, G.GICR_ICPENDR0, 1 << 27);
    assert.equal(f.srd(0, G.GICR_ISPENDR0), 1 << 27);
    f.gic.setPpiLine(0, 27, false);
    assert.equal(f.srd(0, G.GICR_ISPENDR0), 0);
  });

  it('IGRPMODR0 and NSACR are RAZ/WI (DS = 1)', () => {
    const f = makeGicV3();
    f.swr(0, G.GICR_IGRPMODR0, 0xffff_ffff);
    f.swr(0, G.GICR_NSACR, 0xffff_ffff);
    assert.equal(f.srd(0, G.GICR_IGRPMODR0), 0);
    assert.equal(f.srd(0, G.GICR_NSACR), 0);
  });
});
