// The legacy vgic (Linux 4.2/4.3) with a GICv3 guest on a GICv3 host
// (src/hyp/vgic/legacy/legacy-v3-*.ts): the LR encoding of vgic_v3_set_lr /
// get_lr, the vgic-v3-emul.c distributor and redistributor quirks, SGIs
// without a source, against the real GICv3 virtual CPU interface.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GicV3 } from '../../../../src/hw/gic/v3/gic-v3.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import type { VirtCpuInterfaceV3 } from '../../../../src/hw/gic/v3/virt-cpu-interface-v3.ts';
import {
  GICH_LR_EOI,
  GICH_LR_HW,
  GICH_LR_PhysicalID,
  GICH_LR_State,
} from '../../../../src/hw/gic/virt-regs.ts';
import { LegacyVgic } from '../../../../src/hyp/vgic/legacy/legacy-vgic.ts';
import { ichLrHi, ichLrLo, vlrOfIchLr } from '../../../../src/hyp/vgic/legacy/legacy-v3-lr.ts';
import { MemorySink } from '../../../../src/sim/trace/sink.ts';

const SPURIOUS = 1023;
const GICR_SGI = 0x10000;
const GICR_STRIDE = 0x20000;

class LegacyMachineV3 {
  readonly clock = { now: 0 };
  readonly sink = new MemorySink();
  readonly gic: GicV3;
  readonly vcifs: VirtCpuInterfaceV3[] = [];
  readonly vgic: LegacyVgic;
  readonly kicks: number[] = [];

  constructor(seed: boolean, vcpus = 1, nLR = 4) {
    this.gic = new GicV3({ cpus: vcpus, spis: 64, nLR, clock: this.clock, trace: this.sink });
    for (let c = 0; c < vcpus; c++) this.vcifs.push(this.gic.virtInterface(c));
    this.vgic = new LegacyVgic({
      nrVcpus: vcpus,
      nrSpis: 64,
      clock: this.clock,
      trace: this.sink,
      phys: this.gic,
      kicker: { kick: (v) => this.kicks.push(v) },
      frames: {
        gich: () => {
          throw new Error('no GICH frame on a GICv3 host');
        },
      },
      ichFrames: { ich: (p) => this.vcifs[p] },
      v3Model: true,
      seed,
    });
  }

  get g3() {
    return this.vgic.guestV3!;
  }

  boot(): this {
    this.vgic.init();
    for (let v = 0; v < this.vcifs.length; v++) {
      this.vgic.vcpuLoad(v, v);
      this.vcifs[v].writeIcv(IccReg.ICC_IGRPEN1_EL1, 1);
      this.vcifs[v].writeIcv(IccReg.ICC_PMR_EL1, 0xf0);
    }
    this.g3.gicd.write(0, 4, 2, 0); // GICD_CTLR.EnableGrp1
    return this;
  }

  gicr(v: number, off: number, value?: number): number {
    if (value === undefined) return this.g3.gicr.read(v * GICR_STRIDE + off, 4, v);
    this.g3.gicr.write(v * GICR_STRIDE + off, 4, value, v);
    return 0;
  }

  iar(v = 0): number {
    return this.vcifs[v].readIcv(IccReg.ICC_IAR1_EL1);
  }

  eoi(id: number, v = 0): void {
    this.vcifs[v].writeIcv(IccReg.ICC_EOIR1_EL1, id);
  }
}

// a vgic_lr as the core keeps it: VirtualID, state, and HW + PhysicalID or EOI; no source, no priority
const vlrArb = fc
  .record({
    irq: fc.integer({ min: 0, max: 1019 }),
    state: fc.integer({ min: 0, max: 3 }),
    hw: fc.boolean(),
    phys: fc.integer({ min: 16, max: 1019 }),
    eoi: fc.boolean(),
  })
  .map(({ irq, state, hw, phys, eoi }) => {
    let v = irq | (state << GICH_LR_State.lsb);
    if (hw) v |= (1 << GICH_LR_HW.lsb) | (phys << GICH_LR_PhysicalID.lsb);
    else if (eoi) v |= 1 << GICH_LR_EOI.lsb;
    return v >>> 0;
  });

describe('legacy vgic-v3 LR encoding (vgic_v3_set_lr / vgic_v3_get_lr)', () => {
  it('round-trips every vgic_lr through ICH_LR<n>_EL2', () => {
    fc.assert(
      fc.property(vlrArb, (vlr) => {
        assert.equal(vlrOfIchLr(ichLrLo(vlr), ichLrHi(vlr)), vlr);
      }),
    );
  });

  it('writes Group 1 and priority 0 whatever the vgic_lr, and reads them back as nothing', () => {
    fc.assert(
      fc.property(vlrArb, (vlr) => {
        const hi = ichLrHi(vlr);
        assert.equal((hi >>> 28) & 1, 1, 'Group');
        assert.equal((hi >>> 16) & 0xff, 0, 'Priority');
        assert.equal(hi >>> 30, (vlr >>> 28) & 3, 'State');
        // the round trip from the ICH side: a value KVM wrote decodes to what re-encodes it
        const lo = ichLrLo(vlr);
        const back = vlrOfIchLr(lo, hi);
        assert.equal(ichLrHi(back), hi);
        assert.equal(ichLrLo(back), lo);
      }),
    );
  });

  it('puts an SPI into ICH_LR0 with Group 1, priority 0, EOI for a level interrupt; the guest takes it', () => {
    const m = new LegacyMachineV3(true).boot();
    m.g3.gicd.write(0x400 + 40, 1, 0x80, 0); // GICD_IPRIORITYR: ignored by the LR
    m.g3.gicd.write(0x104, 4, 1 << 8, 0); // GICD_ISENABLER1: INTID 40
    assert.equal(m.vgic.injectIrq(null, 40, true), 'ok');
    m.vgic.flushHwstate(0);
    assert.equal(m.vcifs[0].readLrLo(0), 40);
    const hi = m.vcifs[0].readLrHi(0);
    assert.equal(hi >>> 30, 1, 'pending');
    assert.equal((hi >>> 28) & 1, 1, 'Group 1');
    assert.equal((hi >>> 16) & 0xff, 0, 'no priority');
    assert.equal((hi >>> 9) & 1, 1, 'EOI (level)');
    assert.equal(m.iar(), 40);
    m.eoi(40);
    m.vgic.injectIrq(null, 40, false);
    m.vgic.syncHwstate(0);
    assert.equal(m.vgic.counters.eoiMaintenance, 1);
    assert.equal(m.vgic.lrOf(0, 40), null, 'the EOId LR is released');
    const lr = m.sink.records.find((r) => r.kind === 'vgic-lr');
    assert.ok(lr !== undefined && lr.kind === 'vgic-lr');
    assert.equal(lr.value, hi, 'the trace shows ICH_LR [63:32]');
  });
});

describe('legacy vgic-v3 distributor and redistributors (vgic-v3-emul.c)', () => {
  it('GICD_CTLR: EnableGrp1 with ARE_NS and DS read 1; TYPER IDbits 9; IIDR without revision; PIDR2 0x3B', () => {
    const m = new LegacyMachineV3(false).boot();
    assert.equal(m.g3.gicd.read(0, 4, 0), 0x52);
    m.g3.gicd.write(0, 4, 0x1, 0); // Group 0 only: the distributor is off
    assert.equal(m.g3.gicd.read(0, 4, 0), 0x50);
    assert.equal(m.g3.gicd.read(4, 4, 0), (9 << 19) | (96 / 32 - 1));
    assert.equal(m.g3.gicd.read(8, 4, 0), 0x4b00043b);
    assert.equal(m.g3.gicd.read(0xffe8, 4, 0), 0x3b);
  });

  it('IGROUPR reads ones (the private word too), writes are ignored; GICR_IGROUPR0 as well', () => {
    const m = new LegacyMachineV3(false).boot();
    for (const off of [0x80, 0x84, 0x88]) {
      m.g3.gicd.write(off, 4, 0, 0);
      assert.equal(m.g3.gicd.read(off, 4, 0), 0xffffffff, `GICD 0x${off.toString(16)}`);
    }
    assert.equal(m.g3.gicd.read(0x8c, 4, 0), 0, 'beyond nr_irqs: RAZ');
    m.gicr(0, GICR_SGI + 0x80, 0);
    assert.equal(m.gicr(0, GICR_SGI + 0x80), 0xffffffff);
  });

  it('the GICD words of INTIDs 0-31, ISACTIVER/ICACTIVER and ITARGETSR are RAZ/WI', () => {
    const m = new LegacyMachineV3(false).boot();
    m.g3.gicd.write(0x100, 4, 1 << 27, 0); // GICD_ISENABLER0: ignored
    assert.equal(m.g3.gicd.read(0x100, 4, 0), 0);
    assert.equal(m.vgic.irqState(0, 27)!.enabled, false);
    m.g3.gicd.write(0x304, 4, 1, 0); // GICD_ISACTIVER1
    assert.equal(m.vgic.irqState(0, 32)!.active, false);
    assert.equal(m.g3.gicd.read(0x304, 4, 0), 0);
    m.g3.gicd.write(0x820, 4, 0x01010101, 0);
    assert.equal(m.g3.gicd.read(0x820, 4, 0), 0);
  });

  it('IROUTER: the low word kept compressed (IRM dropped), the upper word RAZ/WI (no Aff3), routes the SPI', () => {
    const m = new LegacyMachineV3(true, 2).boot();
    const at = 0x6000 + 40 * 8;
    assert.equal(m.g3.gicd.read(at, 4, 0), 0, 'vgic_v3_init_model: vcpu 0');
    m.g3.gicd.write(at, 4, 0x8000_0001, 0);
    assert.equal(m.g3.gicd.read(at, 4, 0), 1);
    m.g3.gicd.write(at + 4, 4, 0x5, 0);
    assert.equal(m.g3.gicd.read(at + 4, 4, 0), 0);
    assert.equal(m.g3.gicd.read64(at, 0), 1n);
    m.g3.gicd.write(0x104, 4, 1 << 8, 0); // enable 40
    m.vgic.injectIrq(null, 40, true);
    m.vgic.flushHwstate(1);
    assert.equal(m.iar(1), 40, 'routed to vcpu 1');
  });

  it('an IROUTER affinity of no vcpu leaves the SPI pending but never injected', () => {
    const m = new LegacyMachineV3(true, 2).boot();
    const at = 0x6000 + 41 * 8;
    m.g3.gicd.write(at, 4, 0x0000_0100, 0); // Aff1 = 1: no vcpu
    m.g3.gicd.write(0x104, 4, 1 << 9, 0);
    m.kicks.length = 0;
    assert.equal(m.vgic.injectIrq(null, 41, true), 'ok');
    assert.equal(m.kicks.length, 0, 'no vcpu kicked');
    assert.equal(m.vgic.irqState(0, 41)!.pending, true);
    for (const v of [0, 1]) {
      m.vgic.flushHwstate(v);
      assert.equal(m.iar(v), SPURIOUS);
      m.vgic.syncHwstate(v);
    }
    m.g3.gicd.write(at, 4, 0, 0); // back to vcpu 0: now it is delivered
    m.vgic.flushHwstate(0);
    assert.equal(m.iar(0), 41);
  });

  it('GICR: CTLR and WAKER RAZ/WI, TYPER with Processor_Number, Last and the affinity', () => {
    const m = new LegacyMachineV3(false, 2).boot();
    for (const v of [0, 1]) {
      m.gicr(v, 0x14, 2); // GICR_WAKER.ProcessorSleep
      assert.equal(m.gicr(v, 0x14), 0);
      m.gicr(v, 0, 1); // GICR_CTLR.EnableLPIs
      assert.equal(m.gicr(v, 0), 0);
      assert.equal(m.gicr(v, 4), 0x4b00043b);
    }
    assert.equal(m.g3.gicr.read64(0x8, 0), 0n);
    assert.equal(m.g3.gicr.read64(GICR_STRIDE + 0x8, 0), (1n << 32n) | (1n << 8n) | (1n << 4n));
    assert.equal(m.g3.gicr.read(2 * GICR_STRIDE + 0x8, 4, 0), 0, 'no third redistributor');
  });

  it('a redistributor acts on its own vcpu whoever accesses it; SGIs stay enabled', () => {
    const m = new LegacyMachineV3(true, 2).boot();
    m.g3.gicr.write(GICR_STRIDE + GICR_SGI + 0x100, 4, 1 << 27, 0); // vcpu 0 enables PPI 27 of vcpu 1
    assert.equal(m.vgic.irqState(1, 27)!.enabled, true);
    assert.equal(m.vgic.irqState(0, 27)!.enabled, false);
    m.gicr(0, GICR_SGI + 0x180, 0xffff); // ICENABLER0 of the SGIs: forced enabled
    assert.equal(m.gicr(0, GICR_SGI + 0x100) & 0xffff, 0xffff);
  });
});

describe('legacy vgic-v3 SGIs (vgic_v3_dispatch_sgi, no source)', () => {
  it('the same SGI from two vcpus coalesces into one, delivered with INTID alone', () => {
    const m = new LegacyMachineV3(true, 3).boot();
    // vcpus 1 and 2 send SGI 5 to vcpu 0 (TargetList bit 0, Aff1-3 = 0)
    const lo = (5 << 24) | 1;
    m.g3.dispatchSgi(1, lo, 0, true);
    m.g3.dispatchSgi(2, lo, 0, true);
    m.vgic.flushHwstate(0);
    assert.equal(m.vcifs[0].readLrLo(0), 5);
    assert.equal(m.vcifs[0].readLrHi(1) >>> 30, 0, 'one LR only');
    assert.equal(m.iar(0), 5);
    m.eoi(5);
    assert.equal(m.iar(0), SPURIOUS, 'the second send was the same interrupt');
  });

  it('GICR_ISPENDR0 pends an SGI too (vgic_handle_set_pending_reg keeps only the soft pend off SGIs); ICPENDR0 leaves it', () => {
    const m = new LegacyMachineV3(true).boot();
    m.gicr(0, GICR_SGI + 0x280, 1 << 3); // GICR_ICPENDR0 of nothing pending
    m.gicr(0, GICR_SGI + 0x200, 1 << 3);
    assert.equal(m.gicr(0, GICR_SGI + 0x200) & (1 << 3), 1 << 3);
    assert.equal(m.vgic.irqState(0, 3)!.latch, true);
    m.vgic.flushHwstate(0);
    assert.equal(m.iar(0), 3);
    m.eoi(3);
    assert.equal(m.iar(0), SPURIOUS);
  });

  it('IRM = 1 pends every vcpu but the writer; an Aff1 no vcpu has pends nothing', () => {
    const m = new LegacyMachineV3(false, 3).boot();
    m.g3.dispatchSgi(0, 3 << 24, 1 << 8, true);
    assert.deepEqual(
      [0, 1, 2].map((v) => m.vgic.irqState(v, 3)!.pending),
      [false, true, true],
    );
    m.g3.dispatchSgi(0, (4 << 24) | (1 << 16) | 0xffff, 0, true);
    assert.deepEqual(
      [0, 1, 2].map((v) => m.vgic.irqState(v, 4)!.pending),
      [false, false, false],
    );
  });

  it('more than 8 vcpus (up to 255, irq_spi_cpu is a u8): SGIs by Aff1, IROUTER to vcpu 17', () => {
    const fake = {
      ich: () => {
        throw new Error('not loaded in this test');
      },
    };
    const mk = (nrVcpus: number) =>
      new LegacyVgic({
        nrVcpus,
        nrSpis: 32,
        clock: { now: 0 },
        trace: new MemorySink(),
        phys: { isActive: () => false, setActive: () => {} },
        kicker: { kick: () => {} },
        frames: { gich: fake.ich },
        ichFrames: fake as never,
        v3Model: true,
        seed: true,
      });
    assert.throws(() => mk(256), /the old vgic-v3 supports 1\.\.255 vcpus/);
    const g = mk(20);
    g.init();
    const g3 = g.guestV3!;
    g3.dispatchSgi(0, (2 << 24) | (1 << 16) | 0b10, 0, true); // Aff1 = 1, Aff0 = 1: vcpu 17
    assert.deepEqual(
      [0, 1, 16, 17, 18].map((v) => g.irqState(v, 2)!.pending),
      [false, false, false, true, false],
    );
    g3.gicd.write(0x6000 + 40 * 8, 4, 0x0101, 0);
    assert.equal(g3.vcpuOfAffinity(0x0101), 17);
    assert.equal(g.d.spiTarget[40 - 32], 17);
    assert.equal(g3.gicr.read64(19 * 0x20000 + 8, 0) & 0x10n, 0x10n, 'Last on vcpu 19');
  });

  it('has no handler for ICC_SGI0R_EL1 / ICC_ASGI1R_EL1 (Linux < 4.18) and no register groups (< 4.11)', () => {
    const m = new LegacyMachineV3(false).boot();
    assert.equal(m.g3.sgi0r, false);
    assert.equal(m.g3.regGroups, false);
    const r = m.g3.uaccess('dist', 0, 0, false, 0);
    assert.equal(r.ok, false);
    assert.equal(m.g3.hasSysreg(0), false);
  });
});

describe('legacy vgic-v3 save/restore', () => {
  it('keeps the IROUTER routing and the LR shadow across a snapshot', () => {
    const m = new LegacyMachineV3(true, 2).boot();
    m.g3.gicd.write(0x6000 + 40 * 8, 4, 1, 0);
    m.g3.gicd.write(0x104, 4, 1 << 8, 0);
    m.vgic.injectIrq(null, 40, true);
    m.vgic.flushHwstate(1);
    m.vgic.syncHwstate(1);
    const s = m.vgic.save();
    const n = new LegacyMachineV3(true, 2);
    n.vgic.restore(s);
    assert.deepEqual(n.vgic.save(), s);
    assert.equal(n.g3.gicd.read(0x6000 + 40 * 8, 4, 0), 1);
    assert.notEqual(n.vgic.lrOf(1, 40), null);
  });
});
