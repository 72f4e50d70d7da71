// The GICD frame: identification and type registers, access widths,
// reserved ranges, banked and read-only fields, SGIs, and a property test
// that the read-write fields read back what was written.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GICD_IIDR_VALUE } from '../../../src/hw/gic/distributor-mmio.ts';
import * as R from '../../../src/hw/gic/registers.ts';
import { bitReg, enableAll, makeGic } from './fixture.ts';

describe('GICD: identification and configuration', () => {
  it('TYPER reports ITLinesNumber, CPUNumber and no Security Extensions', () => {
    for (const [cpus, spis, lines] of [
      [1, 0, 0],
      [2, 64, 2],
      [4, 224, 7],
      [8, 960, 30],
      [8, 988, 31],
    ]) {
      const typer = makeGic(cpus, spis).rd(R.GICD_TYPER);
      assert.equal(typer & 0x1f, lines, `ITLinesNumber for ${spis} SPIs`);
      assert.equal((typer >>> 5) & 7, cpus - 1);
      assert.equal((typer >>> 10) & 1, 0, 'SecurityExtn');
      assert.equal(typer >>> 11, 0, 'LSPI and reserved');
    }
  });

  it('IIDR and the ID registers (ICPIDR2.ArchRev = 2) are read-only', () => {
    const f = makeGic();
    assert.equal(f.rd(R.GICD_IIDR), GICD_IIDR_VALUE);
    assert.equal(GICD_IIDR_VALUE, 0x5600_1000);
    assert.equal((f.rd(R.GICD_ICPIDR2) >>> 4) & 0xf, 2);
    assert.deepEqual(
      [0xff0, 0xff4, 0xff8, 0xffc].map((o) => f.rd(o)),
      [0x0d, 0xf0, 0x05, 0xb1],
    );
    f.wr(R.GICD_IIDR, 0);
    f.wr(R.GICD_TYPER, 0);
    f.wr(R.GICD_ICPIDR2, 0);
    assert.equal(f.rd(R.GICD_IIDR), GICD_IIDR_VALUE);
    assert.equal(f.rd(R.GICD_TYPER) & 0x1f, 2);
    assert.equal(f.rd(R.GICD_ICPIDR2), 0x20);
  });

  it('CTLR keeps EnableGrp0 and EnableGrp1 only', () => {
    const f = makeGic();
    f.wr(R.GICD_CTLR, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_CTLR), 3);
    f.wr(R.GICD_CTLR, 2);
    assert.equal(f.rd(R.GICD_CTLR), 2);
  });

  it('reserved ranges are RAZ/WI and GICD_SGIR reads as zero', () => {
    const f = makeGic();
    for (const o of [0x00c, 0x040, 0x07c, 0xd00, 0xdfc, 0xe00, 0xf04, 0xf0c, 0xf30, 0xfcc]) {
      f.wr(o, 0xffff_ffff);
      assert.equal(f.rd(o), 0, `offset ${o.toString(16)}`);
    }
    f.wr(R.GICD_SGIR, 0x0200_0001);
    assert.equal(f.rd(R.GICD_SGIR), 0);
  });

  it('registers for INTIDs beyond ITLinesNumber are RAZ/WI', () => {
    const f = makeGic(2, 64); // INTIDs 0..95
    const [off] = bitReg(R.GICD_ISENABLER, 96);
    f.wr(off, 0xffff_ffff);
    assert.equal(f.rd(off), 0);
    f.wr(R.GICD_IPRIORITYR + 96, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_IPRIORITYR + 96), 0);
    f.wr(R.GICD_ITARGETSR + 96, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_ITARGETSR + 96), 0);
    f.wr(R.GICD_ICFGR + 24, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_ICFGR + 24), 0);
  });

  it('accesses from a cpu the GIC does not have are RAZ/WI', () => {
    const f = makeGic(2);
    f.wr(R.GICD_CTLR, 3, 5);
    assert.equal(f.rd(R.GICD_CTLR, 0), 0);
    assert.equal(f.rd(R.GICD_TYPER, 5), 0);
  });
});

describe('GICD: access widths', () => {
  it('byte and word access to IPRIORITYR; unimplemented priority bits are RAZ/WI', () => {
    const f = makeGic();
    const d = f.gic.gicd;
    d.write(R.GICD_IPRIORITYR + 41, 1, 0xff, 0);
    assert.equal(d.read(R.GICD_IPRIORITYR + 41, 1, 0), 0xf8);
    assert.equal(f.rd(R.GICD_IPRIORITYR + 40), 0x0000_f800);
    f.wr(R.GICD_IPRIORITYR + 44, 0x1234_5678);
    assert.equal(f.rd(R.GICD_IPRIORITYR + 44), 0x1030_5078);
    assert.equal(d.read(R.GICD_IPRIORITYR + 47, 1, 0), 0x10);
  });

  it('halfword, unaligned word and byte access to word-only registers are RAZ/WI', () => {
    const f = makeGic();
    const d = f.gic.gicd;
    d.write(R.GICD_IPRIORITYR + 40, 2, 0xffff, 0);
    assert.equal(f.rd(R.GICD_IPRIORITYR + 40), 0);
    d.write(R.GICD_IPRIORITYR + 41, 4, 0xffff_ffff, 0);
    assert.equal(f.rd(R.GICD_IPRIORITYR + 40), 0);
    assert.equal(d.read(R.GICD_IPRIORITYR + 41, 4, 0), 0);
    d.write(R.GICD_ISENABLER + 4, 1, 0xff, 0);
    assert.equal(f.rd(R.GICD_ISENABLER + 4), 0);
    f.wr(R.GICD_ISENABLER + 4, 0xff);
    assert.equal(d.read(R.GICD_ISENABLER + 4, 1, 0), 0);
    assert.equal(d.read(R.GICD_ISENABLER + 4, 2, 0), 0);
    d.write(R.GICD_CTLR, 1, 3, 0);
    assert.equal(f.rd(R.GICD_CTLR), 0);
    d.write(R.GICD_CTLR, 8, 3, 0);
    assert.equal(f.rd(R.GICD_CTLR), 0);
  });
});

describe('GICD: banked and read-only fields', () => {
  it('ITARGETSR0-7 read as the reading cpu and are read-only; SPI targets are masked to existing cpus', () => {
    const f = makeGic(2);
    assert.equal(f.rd(R.GICD_ITARGETSR, 0), 0x0101_0101);
    assert.equal(f.rd(R.GICD_ITARGETSR + 28, 1), 0x0202_0202);
    f.wr(R.GICD_ITARGETSR, 0xffff_ffff, 1);
    assert.equal(f.rd(R.GICD_ITARGETSR, 1), 0x0202_0202);
    f.gic.gicd.write(R.GICD_ITARGETSR + 33, 1, 0xff, 0);
    assert.equal(f.gic.gicd.read(R.GICD_ITARGETSR + 33, 1, 1), 0x03);
    assert.equal(f.rd(R.GICD_ITARGETSR + 32), 0x0000_0300);
  });

  it('ICFGR0 (SGIs) is edge and ICFGR1 (PPIs) level, both read-only; SPI Int_config[0] is RAZ/WI', () => {
    const f = makeGic();
    assert.equal(f.rd(R.GICD_ICFGR), 0xaaaa_aaaa);
    assert.equal(f.rd(R.GICD_ICFGR + 4), 0);
    f.wr(R.GICD_ICFGR, 0);
    f.wr(R.GICD_ICFGR + 4, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_ICFGR), 0xaaaa_aaaa);
    assert.equal(f.rd(R.GICD_ICFGR + 4), 0);
    assert.equal(f.rd(R.GICD_ICFGR + 8), 0, 'SPIs reset level-sensitive');
    f.wr(R.GICD_ICFGR + 8, 0xffff_ffff);
    assert.equal(f.rd(R.GICD_ICFGR + 8), 0xaaaa_aaaa);
  });

  it('IGROUPR0, ISENABLER0 and IPRIORITYR0-7 are banked per cpu; SGIs reset enabled', () => {
    const f = makeGic(2);
    assert.equal(f.rd(R.GICD_ISENABLER, 0), 0x0000_ffff);
    f.wr(R.GICD_IGROUPR, 0x8000_0001, 1);
    f.wr(R.GICD_ICENABLER, 0x0000_0002, 1);
    f.gic.gicd.write(R.GICD_IPRIORITYR + 27, 1, 0xa0, 1);
    assert.equal(f.rd(R.GICD_IGROUPR, 1), 0x8000_0001);
    assert.equal(f.rd(R.GICD_IGROUPR, 0), 0);
    assert.equal(f.rd(R.GICD_ISENABLER, 1), 0x0000_fffd);
    assert.equal(f.rd(R.GICD_ICENABLER, 0), 0x0000_ffff);
    assert.equal(f.gic.gicd.read(R.GICD_IPRIORITYR + 27, 1, 1), 0xa0);
    assert.equal(f.gic.gicd.read(R.GICD_IPRIORITYR + 27, 1, 0), 0);
  });

  it('ISPENDR0/ICPENDR0 SGI bits are WI', () => {
    const f = makeGic();
    f.wr(R.GICD_ISPENDR, 0x0000_ffff);
    assert.equal(f.rd(R.GICD_ISPENDR), 0);
    f.wr(R.GICD_SGIR, (2 << 24) | 3); // SGI 3 to self
    f.wr(R.GICD_ICPENDR, 0x0000_ffff);
    assert.equal(f.rd(R.GICD_ISPENDR), 1 << 3);
  });
});

describe('GICD: SGIs', () => {
  it('TargetListFilter 0 sends to the list (absent cpus ignored), 1 to all but self, 2 to self, 3 nowhere', () => {
    const f = makeGic(4);
    const pend = (sgi: number) => [0, 1, 2, 3].map((c) => (f.rd(R.GICD_ISPENDR, c) >>> sgi) & 1);
    f.wr(R.GICD_SGIR, (0 << 24) | (0xf5 << 16) | 1, 1); // list: cpus 0, 2 (4..7 absent)
    assert.deepEqual(pend(1), [1, 0, 1, 0]);
    f.wr(R.GICD_SGIR, (1 << 24) | (0x00 << 16) | 2, 1);
    assert.deepEqual(pend(2), [1, 0, 1, 1]);
    f.wr(R.GICD_SGIR, (2 << 24) | (0x0f << 16) | 3, 2);
    assert.deepEqual(pend(3), [0, 0, 1, 0]);
    f.wr(R.GICD_SGIR, (3 << 24) | (0x0f << 16) | 4, 0);
    assert.deepEqual(pend(4), [0, 0, 0, 0]);
    // The NSATT bit is ignored without the Security Extensions.
    f.wr(R.GICD_SGIR, (1 << 15) | (2 << 24) | 5, 3);
    assert.deepEqual(pend(5), [0, 0, 0, 1]);
  });

  it('pending is per source: SPENDSGIR/CPENDSGIR bytes, IAR reports each source in CPUID', () => {
    const f = makeGic(4);
    enableAll(f);
    f.wr(R.GICD_SGIR, (0x1 << 16) | 9, 2);
    f.wr(R.GICD_SGIR, (0x1 << 16) | 9, 3);
    f.wr(R.GICD_SGIR, (0x1 << 16) | 9, 1);
    // SGI 9 is byte 1 of CPENDSGIR2/SPENDSGIR2.
    assert.equal(f.gic.gicd.read(R.GICD_SPENDSGIR + 9, 1, 0), 0b1110);
    assert.equal(f.rd(R.GICD_CPENDSGIR + 8, 0), 0b1110 << 8);
    f.gic.gicd.write(R.GICD_CPENDSGIR + 9, 1, 0b0100, 0);
    assert.equal(f.gic.gicd.read(R.GICD_SPENDSGIR + 9, 1, 0), 0b1010);
    f.gic.gicd.write(R.GICD_SPENDSGIR + 9, 1, 0xff, 0); // absent cpus ignored
    assert.equal(f.gic.gicd.read(R.GICD_SPENDSGIR + 9, 1, 0), 0b1111);
    assert.equal(f.gic.gicd.read(R.GICD_SPENDSGIR + 9, 1, 1), 0, 'banked per target');
    // Lowest source first; the SGI is active between acknowledge and EOI.
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const v = f.iar();
      seen.push(v);
      assert.equal(f.iar(), 1023, 'active+pending SGI is not taken again before EOI');
      f.eoi(v);
    }
    assert.deepEqual(seen, [(0 << 10) | 9, (1 << 10) | 9, (2 << 10) | 9, (3 << 10) | 9]);
    assert.equal(f.iar(), 1023);
    assert.equal(f.gic.gicd.read(R.GICD_SPENDSGIR + 9, 1, 0), 0);
  });

  it('a disabled SGI stays pending and is not forwarded', () => {
    const f = makeGic(2);
    enableAll(f);
    f.wr(R.GICD_ICENABLER, 1 << 4, 1);
    f.wr(R.GICD_SGIR, (0x2 << 16) | 4, 0);
    assert.equal(f.iar(1), 1023);
    f.wr(R.GICD_ISENABLER, 1 << 4, 1);
    assert.equal(f.iar(1), 4);
  });
});

describe('GICD: active registers', () => {
  it('ISACTIVER/ICACTIVER set and clear active state, banked for private INTIDs', () => {
    const f = makeGic(2);
    f.wr(R.GICD_ISACTIVER, 0x8000_0002, 1);
    f.wr(R.GICD_ISACTIVER + 4, 0x0000_0100, 0);
    assert.equal(f.rd(R.GICD_ICACTIVER, 1), 0x8000_0002);
    assert.equal(f.rd(R.GICD_ISACTIVER, 0), 0);
    assert.equal(f.rd(R.GICD_ISACTIVER + 4, 1), 0x100, 'SPIs are shared');
    f.wr(R.GICD_ICACTIVER, 0x8000_0000, 1);
    f.wr(R.GICD_ICACTIVER + 4, 0x100, 1);
    assert.equal(f.rd(R.GICD_ISACTIVER, 1), 2);
    assert.equal(f.rd(R.GICD_ISACTIVER + 4, 0), 0);
  });
});

describe('GICD: read-write fields read back (property)', () => {
  it('IPRIORITYR, ITARGETSR (SPIs), ICFGR (SPIs), IGROUPR and enable pairs', () => {
    const cpus = 3;
    const spis = 96;
    const n = 32 + spis;
    const op = fc.oneof(
      fc.record({
        k: fc.constant('prio' as const),
        id: fc.nat(n - 1),
        v: fc.nat(255),
        cpu: fc.nat(cpus - 1),
      }),
      fc.record({
        k: fc.constant('target' as const),
        id: fc.integer({ min: 32, max: n - 1 }),
        v: fc.nat(255),
        cpu: fc.nat(cpus - 1),
      }),
      fc.record({
        k: fc.constant('cfg' as const),
        w: fc.integer({ min: 2, max: n / 16 - 1 }),
        v: fc.nat(0xffff_ffff),
        cpu: fc.nat(cpus - 1),
      }),
      fc.record({
        k: fc.constant('group' as const),
        w: fc.nat(n / 32 - 1),
        v: fc.nat(0xffff_ffff),
        cpu: fc.nat(cpus - 1),
      }),
      fc.record({
        k: fc.constant('en' as const),
        w: fc.nat(n / 32 - 1),
        v: fc.nat(0xffff_ffff),
        set: fc.boolean(),
        cpu: fc.nat(cpus - 1),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const f = makeGic(cpus, spis);
        const d = f.gic.gicd;
        // Model: private state banked per cpu, SPI state shared.
        const key = (id: number, cpu: number) => (id < 32 ? `${cpu}:${id}` : `${id}`);
        const prio = new Map<string, number>();
        const target = new Map<number, number>();
        const group = new Map<string, number>();
        const en = new Map<string, number>();
        const edge = new Map<number, number>();
        for (const o of ops) {
          if (o.k === 'prio') {
            d.write(R.GICD_IPRIORITYR + o.id, 1, o.v, o.cpu);
            prio.set(key(o.id, o.cpu), o.v & 0xf8);
          } else if (o.k === 'target') {
            d.write(R.GICD_ITARGETSR + o.id, 1, o.v, o.cpu);
            target.set(o.id, o.v & 0b111);
          } else if (o.k === 'cfg') {
            f.wr(R.GICD_ICFGR + 4 * o.w, o.v, o.cpu);
            for (let i = 0; i < 16; i++) edge.set(16 * o.w + i, (o.v >>> (2 * i + 1)) & 1);
          } else {
            const base = o.k === 'group' ? R.GICD_IGROUPR : o.set ? R.GICD_ISENABLER : R.GICD_ICENABLER;
            f.wr(base + 4 * o.w, o.v, o.cpu);
            for (let i = 0; i < 32; i++) {
              const id = 32 * o.w + i;
              const b = (o.v >>> i) & 1;
              if (o.k === 'group') group.set(key(id, o.cpu), b);
              else if (b) en.set(key(id, o.cpu), o.set ? 1 : 0);
            }
          }
        }
        for (let cpu = 0; cpu < cpus; cpu++)
          for (let id = 0; id < n; id++) {
            const k = key(id, cpu);
            assert.equal(d.read(R.GICD_IPRIORITYR + id, 1, cpu), prio.get(k) ?? 0);
            if (id >= 32) assert.equal(d.read(R.GICD_ITARGETSR + id, 1, cpu), target.get(id) ?? 0);
            const [go, gb] = bitReg(R.GICD_IGROUPR, id);
            assert.equal((f.rd(go, cpu) & gb) !== 0, (group.get(k) ?? 0) === 1);
            const [eo, eb] = bitReg(R.GICD_ISENABLER, id);
            const enReset = id < 16 ? 1 : 0;
            assert.equal((f.rd(eo, cpu) & eb) !== 0, (en.get(k) ?? enReset) === 1);
            if (id >= 32) {
              const cfg = f.rd(R.GICD_ICFGR + 4 * Math.floor(id / 16), cpu);
              assert.equal((cfg >>> (2 * (id % 16))) & 3, (edge.get(id) ?? 0) << 1);
            }
          }
      }),
      { numRuns: 60 },
    );
  });
});

describe('GICD: uniprocessor', () => {
  it('ITARGETSR is RAZ/WI and every SPI targets cpu 0', () => {
    const f = makeGic(1, 32);
    enableAll(f);
    assert.equal(f.rd(R.GICD_ITARGETSR), 0);
    f.gic.gicd.write(R.GICD_ITARGETSR + 40, 1, 0xff, 0);
    assert.equal(f.rd(R.GICD_ITARGETSR + 40), 0);
    f.wr(R.GICD_ISENABLER + 4, 1 << 8);
    f.gic.setSpiLine(40, true);
    assert.equal(f.iar(), 40);
  });
});
