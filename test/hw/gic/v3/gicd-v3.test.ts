// The GICv3 GICD frame: reset values, RAZ/WI, widths, GICD_IROUTER routing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GICD_IIDR_VALUE } from '../../../../src/hw/gic/distributor-mmio.ts';
import * as R from '../../../../src/hw/gic/registers.ts';
import * as D from '../../../../src/hw/gic/v3/gicd-regs.ts';
import { GICR_TYPER } from '../../../../src/hw/gic/v3/gicr-regs.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import { makeGicV3 } from './fixture-v3.ts';

const SPI = 40;
const router = (id: number) => D.GICD_IROUTER + 8 * id;

describe('GICv3 GICD: reset values and identification', () => {
  it('GICD_CTLR reads ARE and DS as one, RWP 0, and keeps only the group enables', () => {
    const f = makeGicV3();
    assert.equal(f.rd(R.GICD_CTLR), 0x50);
    f.wr(R.GICD_CTLR, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_CTLR), 0x53);
    f.wr(R.GICD_CTLR, 0);
    assert.equal(f.rd(R.GICD_CTLR), 0x50, 'ARE and DS are RAO/WI');
  });

  it('GICD_TYPER: ITLinesNumber, IDbits 15, A3V, no LPIs, no Security Extensions, CPUNumber 0', () => {
    assert.equal(makeGicV3(2, 64).rd(R.GICD_TYPER), 2 | (15 << 19) | (1 << 24));
    assert.equal(makeGicV3(4, 988).rd(R.GICD_TYPER), 31 | (15 << 19) | (1 << 24));
  });

  it('IIDR, TYPER2 RAZ, PIDR2.ArchRev 3, CIDRs', () => {
    const f = makeGicV3();
    assert.equal(f.rd(R.GICD_IIDR), GICD_IIDR_VALUE);
    assert.equal(f.rd(D.GICD_TYPER2), 0);
    assert.equal(f.rd(D.GICD_PIDR2), 0x30);
    assert.deepEqual([0xfff0, 0xfff4, 0xfff8, 0xfffc].map(f.rd), [0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('SPIs reset disabled, Group 0, priority 0, level-sensitive, routed to Aff 0.0.0.0', () => {
    const f = makeGicV3();
    assert.equal(f.rd(R.GICD_ISENABLER + 4), 0);
    assert.equal(f.rd(R.GICD_IGROUPR + 4), 0);
    assert.equal(f.rd(R.GICD_IPRIORITYR + SPI), 0);
    assert.equal(f.rd(R.GICD_ICFGR + 8), 0);
    assert.equal(f.rd(router(SPI)), 0);
    assert.equal(f.rd(router(SPI) + 4), 0);
  });
});

describe('GICv3 GICD: RAZ/WI with affinity routing and one Security state', () => {
  it('the words of INTIDs 0-31 are RAZ/WI (the redistributors own them)', () => {
    const f = makeGicV3();
    for (const base of [R.GICD_IGROUPR, R.GICD_ISENABLER, R.GICD_ISPENDR, R.GICD_ISACTIVER]) {
      f.wr(base, 0xffff_ffff);
      assert.equal(f.rd(base), 0, `0x${base.toString(16)}`);
    }
    f.wr(R.GICD_IPRIORITYR, 0x8080_8080);
    assert.equal(f.rd(R.GICD_IPRIORITYR), 0);
    assert.equal(f.rd(R.GICD_ICFGR), 0);
    assert.equal(f.gic.redistributor(0).irqs.enabled[0], 0, 'no write reached SGI 0');
  });

  it('ITARGETSR, SGIR, SPENDSGIR, IGRPMODR, NSACR are RAZ/WI; a GICD_SGIR write sends nothing', () => {
    const f = makeGicV3();
    for (const o of [R.GICD_ITARGETSR + SPI, R.GICD_SPENDSGIR, D.GICD_IGRPMODR + 4, D.GICD_NSACR + 8]) {
      f.wr(o, 0xffff_ffff);
      assert.equal(f.rd(o), 0, `0x${o.toString(16)}`);
    }
    f.wr(R.GICD_SGIR, 0x0201_0005);
    assert.equal(f.gic.isPending(1, 5), false);
  });

  it('SPI registers: set/clear enable, pending, active; priority keeps 5 bits; ICFGR Int_config[1]', () => {
    const f = makeGicV3();
    const bit = 1 << (SPI - 32);
    f.wr(R.GICD_ISENABLER + 4, bit);
    assert.equal(f.rd(R.GICD_ICENABLER + 4), bit);
    f.wr(R.GICD_ICENABLER + 4, bit);
    assert.equal(f.rd(R.GICD_ISENABLER + 4), 0);
    f.wr(R.GICD_ISPENDR + 4, bit);
    assert.equal(f.gic.isPending(0, SPI), true);
    f.wr(R.GICD_ICPENDR + 4, bit);
    assert.equal(f.gic.isPending(0, SPI), false);
    f.wr(R.GICD_ISACTIVER + 4, bit);
    assert.equal(f.gic.isActive(1, SPI), true);
    f.gic.gicd.write(R.GICD_IPRIORITYR + SPI, 1, 0xff, 0);
    assert.equal(f.rd(R.GICD_IPRIORITYR + SPI), 0xf8, 'byte access, 5 priority bits');
    f.wr(R.GICD_ICFGR + 8, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_ICFGR + 8), 0xaaaa_aaaa);
  });

  it('unimplemented SPIs, reserved offsets and bad widths are RAZ/WI', () => {
    const f = makeGicV3(1, 32);
    f.wr(R.GICD_ISENABLER + 8, 1);
    assert.equal(f.rd(R.GICD_ISENABLER + 8), 0);
    f.wr(router(70), 1);
    assert.equal(f.rd(router(70)), 0);
    assert.equal(f.rd(0x0020), 0);
    f.gic.gicd.write(R.GICD_ISENABLER + 4, 1, 0xff, 0);
    assert.equal(f.rd(R.GICD_ISENABLER + 4), 0, 'ISENABLER has no byte access');
    assert.equal(f.gic.gicd.read(R.GICD_CTLR, 2, 0), 0);
  });
});

describe('GICv3 GICD_IROUTER<n>', () => {
  it('holds Aff0-Aff2 and IRM in the low word (RES0 bits dropped) and Aff3 in the high word', () => {
    const f = makeGicV3();
    f.wr(router(SPI), 0xffff_ffff);
    f.wr(router(SPI) + 4, 0xffff_ffff);
    assert.equal(f.rd(router(SPI)), 0x80ff_ffff);
    assert.equal(f.rd(router(SPI) + 4), 0xff);
  });

  it('IRM = 0 routes to the cpu of the affinity; an absent affinity forwards to no one', () => {
    const f = makeGicV3(2);
    f.wakeAll();
    f.wr(R.GICD_ISENABLER + 4, 1 << (SPI - 32));
    f.wr(router(SPI), 1);
    f.gic.setSpiLine(SPI, true);
    assert.equal(f.gic.cpuInterface(0).irq.level, false);
    assert.equal(f.gic.cpuInterface(1).irq.level, true);
    assert.equal(f.mrs(1, IccReg.ICC_HPPIR1_EL1), SPI);
    f.wr(router(SPI), 5);
    assert.equal(f.gic.cpuInterface(1).irq.level, false);
    f.wr(router(SPI), 1);
    f.wr(router(SPI) + 4, 1);
    assert.equal(f.gic.cpuInterface(1).irq.level, false, 'Aff3 must match too');
  });

  it('IRM = 0 forwards to the cpu whose GICR_TYPER[63:32] is the Aff3.Aff2.Aff1.Aff0 written, else no one', () => {
    const gics = new Map<number, ReturnType<typeof makeGicV3>>();
    // IRM = 0; mostly Aff2 0 or 1, Aff1 0-3, Aff0 0-19, with or without RES0 bits [30:24]
    const near = fc
      .tuple(fc.constantFrom(0, 0, 1), fc.nat(3), fc.nat(19), fc.constantFrom(0, 0x7f))
      .map(([a2, a1, a0, res0]) => (res0 << 24) | (a2 << 16) | (a1 << 8) | a0);
    const lo = fc.oneof(near, fc.integer({ min: 0, max: 0x7fff_ffff }));
    const hi = fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 0xffff_ffff }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), lo, hi, (n, l, h) => {
        if (!gics.has(n)) gics.set(n, makeGicV3(n));
        const f = gics.get(n)!;
        f.wr(router(SPI), l);
        f.wr(router(SPI) + 4, h);
        const aff = (((h & 0xff) << 24) | (l & 0xff_ffff)) >>> 0;
        const cpus = Array.from({ length: n }, (_, c) => c);
        const owner = cpus.find((c) => f.rrd(c, GICR_TYPER + 4) === aff);
        assert.equal(f.gic.dist.targetOf(SPI), owner ?? -1);
      }),
      { seed: 20261204, numRuns: 500 },
    );
  });

  it('IRM = 1 picks the lowest cpu that is awake with the group enabled', () => {
    const f = makeGicV3(3);
    f.wakeAll();
    f.wr(R.GICD_ISENABLER + 4, 1 << (SPI - 32));
    f.wr(router(SPI), 0x8000_0000);
    f.gic.setSpiLine(SPI, true);
    assert.deepEqual(
      [0, 1, 2].map((c) => f.gic.cpuInterface(c).irq.level),
      [true, false, false],
    );
    f.msr(0, IccReg.ICC_IGRPEN1_EL1, 0);
    assert.deepEqual(
      [0, 1, 2].map((c) => f.gic.cpuInterface(c).irq.level),
      [false, true, false],
    );
    f.rwr(1, 0x14, 2); // GICR_WAKER.ProcessorSleep = 1
    assert.deepEqual(
      [0, 1, 2].map((c) => f.gic.cpuInterface(c).irq.level),
      [false, false, true],
    );
    assert.equal(f.mrs(2, IccReg.ICC_IAR1_EL1), SPI);
    assert.equal(f.gic.isActive(0, SPI), true);
  });
});

describe('GICv3 GICD_IROUTER<n> bounds', () => {
  it('IROUTER1019 is the last one (0x7FD8); 0x7FE0 and the words of INTIDs 0-31 are RAZ/WI', () => {
    const f = makeGicV3(2, 988);
    f.wr(router(1019), 1);
    assert.equal(f.rd(router(1019)), 1);
    f.wr(0x7fe0, 1);
    assert.equal(f.rd(0x7fe0), 0);
    f.wr(router(31), 1);
    assert.equal(f.rd(router(31)), 0);
  });
});
