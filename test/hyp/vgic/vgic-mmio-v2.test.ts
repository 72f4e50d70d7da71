import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_ICPIDR2,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_SGIR,
  GICD_SPENDSGIR,
  GICD_TYPER,
} from '../../../src/hw/gic/registers.ts';
import { GICD_ICPIDR2_VALUE, GICD_IIDR_VALUE } from '../../../src/hyp/vgic/vgic-mmio-v2.ts';
import { Machine, SPURIOUS } from './helpers/machine.ts';

const SPI = 40;
const SPI_WORD = 4; // byte offset of the word holding INTIDs 32-63
const SPI_BIT = 1 << (SPI - 32);

describe('GICD emulation: identification and control', () => {
  it('CTLR, TYPER (CPUNumber, ITLinesNumber), IIDR, ICPIDR2', () => {
    const m = new Machine({ vcpus: 3, spis: 64 });
    assert.equal(m.gicdRead(0, GICD_CTLR), 0);
    m.gicdWrite(0, GICD_CTLR, 0xffff_ffff);
    assert.equal(m.gicdRead(0, GICD_CTLR), 1);
    assert.equal(m.gicdRead(0, GICD_TYPER), 2 | (2 << 5));
    m.gicdWrite(0, GICD_TYPER, 0);
    assert.equal(m.gicdRead(0, GICD_TYPER), 2 | (2 << 5), 'read-only');
    assert.equal(m.gicdRead(0, GICD_IIDR), GICD_IIDR_VALUE);
    assert.equal(m.gicdRead(0, GICD_ICPIDR2), GICD_ICPIDR2_VALUE);
  });

  it('reserved offsets and unsupported widths are RAZ/WI', () => {
    const m = new Machine().boot();
    for (const off of [0x00c, 0x040, 0xd00, 0xf04, 0xf30, 0xfd0]) {
      m.gicdWrite(0, off, 0xffff_ffff);
      assert.equal(m.gicdRead(0, off), 0, `offset ${off.toString(16)}`);
    }
    // 8-bit access to a 32-bit-only register
    assert.equal(m.gicdRead(0, GICD_ISENABLER, 1), 0);
    m.gicdWrite(0, GICD_ISENABLER + SPI_WORD, 0xff, 1);
    assert.equal(m.gicdRead(0, GICD_ISENABLER + SPI_WORD), 0);
    // 16-bit access to a byte register
    m.gicdWrite(0, GICD_IPRIORITYR + SPI, 0x8080, 2);
    assert.equal(m.gicdRead(0, GICD_IPRIORITYR + SPI, 1), 0);
    // misaligned 32-bit access
    m.gicdWrite(0, GICD_IPRIORITYR + SPI + 1, 0x80808080);
    assert.equal(m.gicdRead(0, GICD_IPRIORITYR + SPI), 0);
    assert.equal(m.gicdRead(0, GICD_IPRIORITYR + SPI + 1), 0);
  });

  it('registers covering INTIDs beyond the implemented ones are RAZ/WI', () => {
    const m = new Machine({ spis: 32 }).boot();
    m.gicdWrite(0, GICD_ISENABLER + 8, 0xffff_ffff);
    assert.equal(m.gicdRead(0, GICD_ISENABLER + 8), 0);
    assert.equal(m.gicdRead(0, GICD_IPRIORITYR + 64, 1), 0);
    m.gicdWrite(0, GICD_ISENABLER + 4, 0xffff_ffff);
    assert.equal(m.gicdRead(0, GICD_ISENABLER + 4), 0xffff_ffff);
  });
});

describe('GICD emulation: per-interrupt registers', () => {
  it('ISENABLER/ICENABLER set and clear; SGIs enabled at reset; banked per vcpu', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    assert.equal(m.gicdRead(0, GICD_ISENABLER), 0xffff);
    m.gicdWrite(1, GICD_ICENABLER, 1 << 3);
    assert.equal(m.gicdRead(1, GICD_ISENABLER), 0xffff & ~(1 << 3));
    assert.equal(m.gicdRead(0, GICD_ISENABLER), 0xffff, 'vcpu0 bank untouched');
    m.gicdWrite(0, GICD_ISENABLER + SPI_WORD, SPI_BIT);
    assert.equal(m.gicdRead(1, GICD_ICENABLER + SPI_WORD), SPI_BIT, 'SPIs shared');
  });

  it('IGROUPR is guest-writable (IIDR revision 2)', () => {
    const m = new Machine().boot();
    m.gicdWrite(0, GICD_IGROUPR + SPI_WORD, SPI_BIT);
    assert.equal(m.gicdRead(0, GICD_IGROUPR + SPI_WORD), SPI_BIT);
  });

  it('IPRIORITYR: byte and word access, low 3 bits RAZ/WI', () => {
    const m = new Machine().boot();
    m.gicdWrite(0, GICD_IPRIORITYR + SPI, 0xff, 1);
    assert.equal(m.gicdRead(0, GICD_IPRIORITYR + SPI, 1), 0xf8);
    m.gicdWrite(0, GICD_IPRIORITYR + 36, 0x1f2f3f4f);
    assert.equal(m.gicdRead(0, GICD_IPRIORITYR + 36), 0x18283848);
    assert.equal(m.gicdRead(0, GICD_IPRIORITYR + 38, 1), 0x28);
  });

  it('ITARGETSR: read-only own-cpu bits for 0-31; SPIs take the byte masked to existing vcpus', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    assert.equal(m.gicdRead(1, GICD_ITARGETSR + 16), 0x02020202);
    m.gicdWrite(1, GICD_ITARGETSR + 16, 0x01010101);
    assert.equal(m.gicdRead(1, GICD_ITARGETSR + 16), 0x02020202);
    m.gicdWrite(0, GICD_ITARGETSR + SPI, 0xfe, 1);
    assert.equal(m.gicdRead(0, GICD_ITARGETSR + SPI, 1), 0x02);
    assert.equal(m.vgic.core.getIrq(0, SPI)!.targetVcpu, 1);
    m.gicdWrite(0, GICD_ITARGETSR + SPI, 0, 1);
    assert.equal(m.vgic.core.getIrq(0, SPI)!.targetVcpu, 0, 'untargeted: vcpu0');
  });

  it('ICFGR: SGIs edge and PPIs level, both read-only; SPIs configurable', () => {
    const m = new Machine().boot();
    assert.equal(m.gicdRead(0, GICD_ICFGR), 0xaaaa_aaaa);
    m.gicdWrite(0, GICD_ICFGR, 0);
    assert.equal(m.gicdRead(0, GICD_ICFGR), 0xaaaa_aaaa);
    assert.equal(m.gicdRead(0, GICD_ICFGR + 4), 0);
    m.gicdWrite(0, GICD_ICFGR + 4, 0xaaaa_aaaa);
    assert.equal(m.gicdRead(0, GICD_ICFGR + 4), 0);
    m.gicdWrite(0, GICD_ICFGR + 8, 0x2);
    assert.equal(m.gicdRead(0, GICD_ICFGR + 8), 0x2);
    assert.equal(m.vgic.core.getIrq(0, 32)!.config, 0);
  });

  it('ISPENDR latches a level interrupt even with the line low, until the guest acknowledges it', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.gicdWrite(0, GICD_ISPENDR + SPI_WORD, SPI_BIT);
    assert.equal(m.gicdRead(0, GICD_ISPENDR + SPI_WORD), SPI_BIT);
    m.enter();
    m.cycle(); // not yet acknowledged: still pending
    const id = m.iar();
    assert.equal(id, SPI);
    m.eoi(0, id);
    m.cycle();
    assert.equal(m.iar(), SPURIOUS);
    assert.equal(m.gicdRead(0, GICD_ISPENDR + SPI_WORD), 0);
  });

  it('ICPENDR on a level interrupt whose line is high keeps it pending', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.gicdWrite(0, GICD_ISPENDR + SPI_WORD, SPI_BIT);
    m.gicdWrite(0, GICD_ICPENDR + SPI_WORD, SPI_BIT);
    assert.equal(m.gicdRead(0, GICD_ICPENDR + SPI_WORD), SPI_BIT);
    m.enter();
    assert.equal(m.take(), SPI);
    m.vgic.injectIrq(null, SPI, false);
    m.cycle();
    assert.equal(m.gicdRead(0, GICD_ICPENDR + SPI_WORD), 0);
  });

  it('ICPENDR clears an edge latch; ISPENDR/ICPENDR SGI bits are WI', () => {
    const m = new Machine().boot();
    m.setEdge(SPI);
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.gicdWrite(0, GICD_ICPENDR + SPI_WORD, SPI_BIT);
    m.enter();
    assert.equal(m.iar(), SPURIOUS);
    m.exit();
    m.gicdWrite(0, GICD_ISPENDR, 1 << 2);
    assert.equal(m.gicdRead(0, GICD_ISPENDR), 0);
  });

  it('ICACTIVER halts the vcpu holding the interrupt in an LR, syncs it first, then re-enters it', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.setEdge(SPI);
    m.enable(SPI);
    m.gicdWrite(0, GICD_ITARGETSR + SPI, 0b10, 1);
    m.vgic.injectIrq(null, SPI, true);
    m.enter(1);
    assert.equal(m.iar(1), SPI); // vcpu1 runs its handler, LR active
    // the read halts vcpu1 too (issue 14): its LR is synced, so the acknowledgement is seen
    assert.equal(m.gicdRead(0, GICD_ISACTIVER + SPI_WORD), SPI_BIT, 'in the LR: seen after the halt');
    assert.equal(m.vgic.counters.halts, 1);
    assert.equal(m.lrState(1, 0), 2, 're-entered with the interrupt active in its LR');
    m.gicdWrite(0, GICD_ICACTIVER + SPI_WORD, SPI_BIT); // from vcpu0
    assert.equal(m.vgic.counters.halts, 2);
    assert.deepEqual(m.lrIntids(1), [], 'vcpu1 re-entered without it');
    assert.equal(m.vgic.v2.cpus[1].inGuest, true);
    assert.equal(m.gicdRead(0, GICD_ISACTIVER + SPI_WORD), 0);
    assert.equal(m.vifs[1].readAPR() !== 0, true, 'the guest still has to drop its priority');
  });

  it('ISACTIVER: the running vcpu is synced first, then sees the interrupt active', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter(0);
    m.enter(1);
    m.gicdWrite(1, GICD_ISACTIVER + SPI_WORD, SPI_BIT);
    assert.equal(m.vgic.counters.halts, 2);
    assert.equal(m.gicdRead(1, GICD_ISACTIVER + SPI_WORD), SPI_BIT);
    const lr = m.vifs[0].readLR(0);
    assert.equal(lr & 0x3ff, SPI);
    assert.equal((lr >>> 28) & 3, 2, 'active only: a level interrupt is never pending+active');
  });
});

describe('GICD emulation: SGIs', () => {
  it('SGIR target list: pending per source on each listed vcpu', () => {
    const m = new Machine({ vcpus: 4 }).boot();
    m.gicdWrite(1, GICD_SGIR, (0b1101 << 16) | 3);
    for (const t of [0, 2, 3]) {
      assert.equal(m.gicdRead(t, GICD_SPENDSGIR, 1) >>> 0, 0, 'byte for SGI 0');
      assert.equal(m.gicdRead(t, GICD_SPENDSGIR + 3, 1), 1 << 1, `vcpu${t} has SGI 3 from vcpu1`);
    }
    assert.equal(m.gicdRead(1, GICD_SPENDSGIR + 3, 1), 0);
    for (const t of [0, 2, 3]) {
      m.enter(t);
      assert.equal(m.take(t), 3);
      m.exit(t);
    }
  });

  it('SGIR filters: all but self, self, reserved', () => {
    const m = new Machine({ vcpus: 3 }).boot();
    m.gicdWrite(2, GICD_SGIR, (1 << 24) | 4);
    assert.deepEqual(
      [0, 1, 2].map((v) => m.gicdRead(v, GICD_SPENDSGIR + 4, 1)),
      [4, 4, 0],
    );
    m.gicdWrite(2, GICD_SGIR, (2 << 24) | (0b11 << 16) | 5);
    assert.deepEqual(
      [0, 1, 2].map((v) => m.gicdRead(v, GICD_SPENDSGIR + 5, 1)),
      [0, 0, 4],
    );
    m.gicdWrite(0, GICD_SGIR, (3 << 24) | (0b111 << 16) | 6);
    assert.deepEqual(
      [0, 1, 2].map((v) => m.gicdRead(v, GICD_SPENDSGIR + 6, 1)),
      [0, 0, 0],
    );
    assert.equal(m.gicdRead(0, GICD_SGIR), 0, 'write-only');
  });

  it('SPENDSGIR/CPENDSGIR set and clear sources (byte and word access)', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.gicdWrite(0, GICD_SPENDSGIR + 4, 0x03 << 8); // SGI 5 from vcpus 0 and 1
    assert.equal(m.gicdRead(0, GICD_CPENDSGIR + 5, 1), 3);
    m.gicdWrite(0, GICD_CPENDSGIR + 5, 1, 1);
    assert.equal(m.gicdRead(0, GICD_SPENDSGIR + 4), 0x02 << 8);
    m.enter(0);
    assert.equal(m.iar(0), (1 << 10) | 5);
  });
});
