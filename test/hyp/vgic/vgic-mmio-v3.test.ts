// KVM's GICv3 GICD and GICR tables (vgic-mmio-v3.ts, vgic-mmio-v3-rdist.ts):
// register values as KVM shows them, RAZ/WI where KVM has no handler,
// GICD_IROUTER routing, the banked SGI_base frames per redistributor.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NO_VCPU } from '../../../src/hyp/vgic/vgic-irq.ts';
import { MachineV3 } from './helpers/machine-v3.ts';

const GICD_CTLR = 0x0;
const GICD_TYPER = 0x4;
const GICD_IIDR = 0x8;
const GICD_TYPER2 = 0xc;
const GICD_IGROUPR = 0x80;
const GICD_ISENABLER = 0x100;
const GICD_ISPENDR = 0x200;
const GICD_ISACTIVER = 0x300;
const GICD_IPRIORITYR = 0x400;
const GICD_ITARGETSR = 0x800;
const GICD_SGIR = 0xf00;
const GICD_IROUTER = 0x6000;
const GICD_PIDR2 = 0xffe8;
const RD = 0x2_0000;
const SGI = 0x1_0000;
const GICR_CTLR = 0x0;
const GICR_IIDR = 0x4;
const GICR_TYPER = 0x8;
const GICR_WAKER = 0x14;
const GICR_ISENABLER0 = SGI + 0x100;
const GICR_ISPENDR0 = SGI + 0x200;
const GICR_ICPENDR0 = SGI + 0x280;
const GICR_ISACTIVER0 = SGI + 0x300;
const GICR_IPRIORITYR = SGI + 0x400;
const GICR_ICFGR1 = SGI + 0xc04;

function machine(vcpus = 2, v3Model = false) {
  const m = new MachineV3({ vcpus, spis: 64, v3Model });
  m.vgic.init();
  return { m, d: m.vgic.distV3!, r: m.vgic.rdist!, core: m.vgic.core };
}

describe('vgic-mmio-v3: GICD (vgic_v3_dist_registers)', () => {
  it('GICD_CTLR: ARE_NS and DS read 1, EnableGrp1 is the distributor enable, EnableGrp0 ignored', () => {
    const { d, core } = machine();
    assert.equal(d.read(GICD_CTLR, 4, 0), 0x50);
    d.write(GICD_CTLR, 4, 1, 0);
    assert.equal(core.distEnabled, false);
    d.write(GICD_CTLR, 4, 0x2, 0);
    assert.equal(core.distEnabled, true);
    assert.equal(d.read(GICD_CTLR, 4, 1), 0x52);
    d.write(GICD_CTLR, 4, 0, 0);
    assert.equal(core.distEnabled, false);
  });

  it('GICD_TYPER: ITLinesNumber from 32 + nr_spis, IDbits 9 (INTERRUPT_ID_BITS_SPIS), no LPIs; TYPER2 0; IIDR rev 3; PIDR2 0x3B', () => {
    const { d } = machine();
    assert.equal(d.read(GICD_TYPER, 4, 0), 2 | (9 << 19));
    assert.equal(d.read(GICD_TYPER2, 4, 0), 0);
    assert.equal(d.read(GICD_IIDR, 4, 0), 0x4b00_343b);
    assert.equal(d.read(GICD_PIDR2, 4, 0), 0x3b);
    assert.equal(d.read(GICD_PIDR2 - 4, 4, 0), 0);
  });

  it('the words of INTIDs 0-31 are RAZ/WI (the redistributors own them)', () => {
    const { d, core } = machine();
    d.write(GICD_IGROUPR, 4, 0xffff_ffff, 0);
    d.write(GICD_ISENABLER, 4, 0xffff_0000, 0);
    d.write(GICD_IPRIORITYR + 27, 1, 0xa0, 0);
    assert.equal(d.read(GICD_ISENABLER, 4, 0), 0);
    assert.equal(d.read(GICD_IGROUPR, 4, 0), 0);
    assert.equal(core.getIrq(0, 27)!.enabled, false);
    assert.equal(core.getIrq(0, 27)!.priority, 0);
    assert.equal(core.getIrq(0, 5)!.group, 0);
  });

  it('SPI registers work through the shared handlers; ITARGETSR and GICD_SGIR are RAZ/WI', () => {
    const { d, core } = machine();
    d.write(GICD_IGROUPR + 4, 4, 1 << 8, 0);
    d.write(GICD_ISENABLER + 4, 4, 1 << 8, 0);
    d.write(GICD_IPRIORITYR + 40, 1, 0xa0, 0);
    const i = core.getIrq(NO_VCPU, 40)!;
    assert.equal(i.group, 1);
    assert.equal(i.enabled, true);
    assert.equal(i.priority, 0xa0);
    assert.equal(d.read(GICD_ISENABLER + 4, 4, 0), 1 << 8);
    d.write(GICD_ITARGETSR + 40, 1, 2, 0);
    assert.equal(d.read(GICD_ITARGETSR + 40, 1, 0), 0);
    assert.equal(i.targetVcpu, 0);
    d.write(GICD_SGIR, 4, (1 << 16) | 3, 0);
    assert.equal(core.getIrq(0, 3)!.pendingLatch, false);
    // SPIs beyond nr_spis: RAZ/WI
    d.write(GICD_ISENABLER + 12, 4, 1, 0);
    assert.equal(d.read(GICD_ISENABLER + 12, 4, 0), 0);
  });

  it('GICD_ISACTIVER of an SPI halts the guest around the access', () => {
    const { m, d } = machine();
    m.vgic.vcpuLoad(0, 0);
    m.enter(0);
    const before = m.vgic.counters.halts;
    d.write(GICD_ISACTIVER + 4, 4, 1 << 8, 0);
    assert.equal(m.vgic.counters.halts, before + 1);
    assert.equal(d.read(GICD_ISACTIVER + 4, 4, 0), 1 << 8);
  });

  it('GICD_IROUTER<n>: Aff3.Aff2.Aff1.Aff0 kept, IRM not; routes the SPI; no such vcpu: nowhere', () => {
    const { d, core } = machine();
    const off = GICD_IROUTER + 8 * 40;
    const i = core.getIrq(NO_VCPU, 40)!;
    assert.equal(d.read(off, 4, 0), 0);
    d.write(off, 4, 0x8000_0001, 0);
    assert.equal(d.read(off, 4, 0), 1);
    assert.equal(i.targetVcpu, 1);
    // Aff3 (IROUTER[39:32], the high word's [7:0]): kept and read back; no vcpu has Aff3 = 0xff
    d.write(off + 4, 4, 0xffff_ffff, 0);
    assert.equal(d.read(off + 4, 4, 0), 0xff);
    assert.equal(d.read(off, 4, 0), 1, 'the low word is untouched');
    assert.equal(d.read64(off, 0), 0xff_0000_0001n);
    assert.equal(i.targetVcpu, NO_VCPU);
    d.write(off + 4, 4, 0, 0);
    assert.equal(i.targetVcpu, 1);
    d.write64(off, 0, 2, 0); // Aff3 = 2, Aff0 = 0: not vcpu 0
    assert.equal(i.targetVcpu, NO_VCPU);
    assert.equal(d.read64(off, 0), 0x2_0000_0000n);
    d.write(off, 4, 0x0000_0100, 0); // Aff3 still 2
    assert.equal(d.read64(off, 0), 0x2_0000_0100n);
    d.write(off + 4, 4, 0, 0);
    d.write(off, 4, 0x0000_0100, 0); // Aff1 = 1: vcpu 16, absent
    assert.equal(i.targetVcpu, NO_VCPU);
    assert.equal(d.read64(off, 0), 0x100n);
    d.write64(off, 1, 0, 0);
    assert.equal(i.targetVcpu, 1);
    // IROUTER of INTIDs 0-31 and beyond nr_spis: RAZ/WI; other 64-bit accesses RAZ/WI
    d.write(GICD_IROUTER + 8 * 5, 4, 1, 0);
    assert.equal(d.read(GICD_IROUTER + 8 * 5, 4, 0), 0);
    d.write(GICD_IROUTER + 8 * 100, 4, 1, 0);
    assert.equal(d.read(GICD_IROUTER + 8 * 100, 4, 0), 0);
    assert.equal(d.read64(GICD_CTLR, 0), 0n);
  });

  it('an SPI routed by GICD_IROUTER to vcpu 1 is queued there and kicks it; routed nowhere it stays pending', () => {
    const { m, d, core } = machine();
    d.write(GICD_CTLR, 4, 2, 0);
    d.write(GICD_ISENABLER + 4, 4, (1 << 8) | (1 << 9), 0);
    d.write(GICD_IROUTER + 8 * 40, 4, 1, 0);
    m.vgic.injectIrq(null, 40, true);
    assert.deepEqual(m.kicks, [1]);
    assert.equal(core.getIrq(NO_VCPU, 40)!.vcpu, 1);
    d.write(GICD_IROUTER + 8 * 41, 4, 0x0f, 0);
    m.vgic.injectIrq(null, 41, true);
    assert.equal(core.getIrq(NO_VCPU, 41)!.vcpu, NO_VCPU);
    assert.equal(d.read(GICD_ISPENDR + 4, 4, 0), (1 << 8) | (1 << 9));
  });

  it('GICD_IROUTER<n> routes the SPI to the vcpu whose GICR_TYPER[63:32] is the affinity kept, else nowhere', () => {
    const machines = new Map<number, ReturnType<typeof machine>>();
    const word = fc.oneof(
      fc.integer({ min: 0, max: 0xffff_ffff }),
      fc.integer({ min: 0, max: 0x3ff }), // Aff1 0-3, Aff0 0-255: mostly vcpus of these machines
    );
    const hiWord = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff_ffff }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), word, hiWord, (n, lo, hi) => {
        if (!machines.has(n)) machines.set(n, machine(n, true));
        const { d, r, core } = machines.get(n)!;
        const off = GICD_IROUTER + 8 * 40;
        d.write64(off, lo, hi, 0);
        // kept: Aff2.Aff1.Aff0 (IRM and [30:24] dropped) and Aff3 (the high word's [7:0])
        const kept = (BigInt(hi & 0xff) << 32n) | BigInt(lo & 0x00ff_ffff);
        assert.equal(d.read64(off, 0), kept);
        const want = (Number(kept >> 32n) << 24) | Number(kept & 0xff_ffffn);
        const vcpus = Array.from({ length: n }, (_, v) => v);
        const owner = vcpus.find((v) => r.read(v * RD + GICR_TYPER + 4, 4, v) === want >>> 0);
        assert.equal(core.getIrq(NO_VCPU, 40)!.targetVcpu, owner ?? NO_VCPU);
      }),
      { seed: 20261204, numRuns: 500 },
    );
  });
});

describe('vgic-mmio-v3-rdist: GICR (vgic_v3_rd_registers, vgic_v3_sgibase_registers)', () => {
  it('GICR_TYPER: Processor_Number, Last on the last vcpu, affinity in [63:32]; beyond the last vcpu RAZ/WI', () => {
    const { r } = machine(3);
    assert.equal(r.read(GICR_TYPER, 4, 0), 0);
    assert.equal(r.read(RD + GICR_TYPER, 4, 0), 1 << 8);
    assert.equal(r.read(2 * RD + GICR_TYPER, 4, 0), (2 << 8) | (1 << 4));
    assert.equal(r.read(2 * RD + GICR_TYPER + 4, 4, 0), 2);
    assert.equal(r.read64(2 * RD + GICR_TYPER, 1), (2n << 32n) | 0x210n);
    assert.equal(r.read(3 * RD + GICR_TYPER, 4, 0), 0);
    assert.equal(r.read64(2 * RD + GICR_CTLR, 1), 0n);
  });

  it('GICR_CTLR reads IR | CES (KVM_VGIC_IMP_REV_3), WI; GICR_WAKER RAZ/WI; GICR_IIDR as GICD_IIDR', () => {
    const { r } = machine();
    assert.equal(r.read(GICR_CTLR, 4, 0), 0x6);
    r.write(GICR_CTLR, 4, 1, 0);
    assert.equal(r.read(GICR_CTLR, 4, 0), 0x6);
    r.write(GICR_WAKER, 4, 2, 0);
    assert.equal(r.read(GICR_WAKER, 4, 0), 0);
    assert.equal(r.read(GICR_IIDR, 4, 0), 0x4b00_343b);
    assert.equal(r.read(0xffe8, 4, 0), 0x3b);
  });

  it('SGI_base is banked by frame, not by the accessing vcpu', () => {
    const { r, core } = machine();
    r.write(RD + GICR_ISENABLER0, 4, 1 << 27, 0); // vcpu 0 writes vcpu 1's frame
    assert.equal(core.getIrq(1, 27)!.enabled, true);
    assert.equal(core.getIrq(0, 27)!.enabled, false);
    assert.equal(r.read(RD + GICR_ISENABLER0, 4, 0) & (1 << 27), 1 << 27);
    r.write(GICR_IPRIORITYR + 27, 1, 0xa0, 1);
    assert.equal(core.getIrq(0, 27)!.priority, 0xa0);
    assert.equal(r.read(GICR_IPRIORITYR + 24, 4, 1), (0xa0 << 24) >>> 0);
  });

  it('SGI pending bits are writable (no sources with ARE); ICFGR1 is read-only (PPIs level)', () => {
    const { r, core } = machine();
    r.write(GICR_ISPENDR0, 4, 1 << 3, 0);
    assert.equal(core.getIrq(0, 3)!.pendingLatch, true);
    assert.equal(r.read(GICR_ISPENDR0, 4, 0) & 0xffff, 1 << 3);
    r.write(GICR_ICPENDR0, 4, 1 << 3, 0);
    assert.equal(core.getIrq(0, 3)!.pendingLatch, false);
    r.write(GICR_ICFGR1, 4, 0xffff_ffff, 0);
    assert.equal(r.read(GICR_ICFGR1, 4, 0), 0);
  });

  it('GICR_ISACTIVER0 halts the guest even for private interrupts (vgic_access_active_prepare, v3)', () => {
    const { m, r, core } = machine();
    m.vgic.vcpuLoad(1, 1);
    m.enter(1);
    const before = m.vgic.counters.halts;
    r.write(RD + GICR_ISACTIVER0, 4, 1 << 27, 0);
    assert.equal(m.vgic.counters.halts, before + 1);
    assert.equal(core.getIrq(1, 27)!.active, true);
  });
});
