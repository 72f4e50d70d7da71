// KVM's vgic-v3 LR backend (vgic-v3.ts, vgic-v3-lr.ts) against the GICv3
// virtual CPU interface model: LR values as KVM writes them, fold at sync,
// the mapped-interrupt rules, load/put of VMCR and APRs, LR overflow.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IccReg, IchReg } from '../../../src/hw/gic/v3/sysreg-encodings.ts';
import { MachineV3, SPURIOUS } from './helpers/machine-v3.ts';

const VTIMER = 27;
const HI_HW = 1 << 29;
const HI_GROUP = 1 << 28;
const HI_EOI = 1 << 9;
const ST_PENDING = 1;
const ST_ACTIVE = 2;

describe('vgic-v3: LR values (vgic_v3_populate_lr)', () => {
  it('an unmapped level SPI: vINTID, Group 1, 8-bit priority, EOI bit, pending', () => {
    const m = new MachineV3().boot();
    m.enable(40);
    m.setPriority(40, 0xa0);
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    const v = m.vcifs[0];
    assert.equal(v.readLrLo(0), 40);
    const hi = v.readLrHi(0);
    assert.equal(hi >>> 30, ST_PENDING);
    assert.equal((hi >>> 16) & 0xff, 0xa0);
    assert.ok(hi & HI_GROUP);
    assert.ok(hi & HI_EOI);
    assert.equal(hi & HI_HW, 0);
    assert.equal(v.virq.level, true);
  });

  it('Group 0 (GICD_IGROUPR clear) has no Group bit and is the guest vFIQ', () => {
    const m = new MachineV3().boot();
    m.gicdWrite(0, 0x104, 1 << 8); // enable SPI 40, left Group 0
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    assert.equal(m.vcifs[0].readLrHi(0) & HI_GROUP, 0);
    assert.equal(m.vcifs[0].vfiq.level, true);
    assert.equal(m.iar(0, 1), SPURIOUS);
    assert.equal(m.iar(0, 0), 40);
  });

  it('an SGI pended through GICD_SGIR is one LR, vINTID = the SGI, no source bits', () => {
    const m = new MachineV3({ vcpus: 2 }).boot();
    m.enable(3, 1);
    m.gicdWrite(0, 0xf00, (1 << 16) | 3); // GICD_SGIR: SGI 3 to vcpu 1 from vcpu 0
    m.gicdWrite(1, 0xf00, (2 << 24) | 3); // and from vcpu 1 to itself
    m.enter(1);
    const v = m.vcifs[1];
    assert.equal(v.readLrLo(0), 3);
    assert.equal(v.readLrHi(1) >>> 30, 0, 'one LR for both sources');
    assert.equal(m.take(1), 3);
    m.exit(1);
    assert.equal(m.vgic.core.getIrq(1, 3)!.pendingLatch, false);
  });
});

describe('vgic-v3: sync (vgic_v3_fold_lr_state)', () => {
  it('EOI maintenance for an unmapped level SPI: counted, resamplers notified, re-pended while high', () => {
    const m = new MachineV3().boot();
    m.enable(40);
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    assert.equal(m.take(), 40);
    assert.equal(m.vcifs[0].maintenance.level, true, 'ICH_MISR_EL2.EOI');
    m.exit();
    assert.equal(m.vgic.counters.eoiMaintenance, 1);
    assert.deepEqual(m.acked, [40]);
    assert.equal(m.vcifs[0].readLrHi(0), 0, 'sync clears the LRs');
    m.enter();
    assert.equal(m.lrState(0, 0), ST_PENDING, 'the line is still high');
    m.vgic.injectIrq(null, 40, false);
    m.cycle();
    assert.equal(m.lrState(0, 0), 0);
  });

  it('acknowledged, not EOId: written back active, not pending', () => {
    const m = new MachineV3().boot();
    m.enable(40);
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    assert.equal(m.iar(), 40);
    m.cycle();
    assert.equal(m.lrState(0, 0), ST_ACTIVE);
    assert.equal(m.vgic.core.getIrq(0, 40)!.active, true);
    m.eoi(0, 40);
    m.exit();
    assert.equal(m.vgic.core.getIrq(0, 40)!.active, false);
  });

  it('an edge interrupt not yet acknowledged goes back to the latch', () => {
    const m = new MachineV3().boot();
    m.enable(41);
    m.setEdge(41);
    m.vgic.injectIrq(null, 41, true);
    m.enter();
    assert.equal(m.vgic.core.getIrq(0, 41)!.pendingLatch, false);
    m.exit();
    assert.equal(m.vgic.core.getIrq(0, 41)!.pendingLatch, true);
  });
});

describe('vgic-v3: mapped interrupts (the seed rules)', () => {
  function timer(): MachineV3 {
    const m = new MachineV3().boot();
    m.vgic.mapPhysIrq(0, VTIMER, VTIMER);
    m.enable(VTIMER);
    m.vgic.injectIrq(0, VTIMER, true);
    return m;
  }

  it('flush writes HW + pINTID, no EOI bit, and sets the physical interrupt active', () => {
    const m = timer();
    m.enter();
    const hi = m.vcifs[0].readLrHi(0);
    assert.ok(hi & HI_HW);
    assert.equal(hi & 0x1fff, VTIMER);
    assert.equal(m.gic.isActive(0, VTIMER), true);
  });

  it('the guest EOI deactivates the physical interrupt; sync resamples the line', () => {
    const m = timer();
    m.enter();
    assert.equal(m.take(), VTIMER);
    assert.equal(m.gic.isActive(0, VTIMER), false, 'the HW LR forwarded the deactivation');
    m.vgic.injectIrq(0, VTIMER, false);
    m.exit();
    m.enter();
    assert.equal(m.lrState(0, 0), 0, 'line low: not re-injected');
  });

  it('still active at sync: physical active cleared, written back active only', () => {
    const m = timer();
    m.enter();
    assert.equal(m.iar(), VTIMER);
    m.exit();
    assert.equal(m.gic.isActive(0, VTIMER), false);
    m.enter();
    assert.equal(m.lrState(0, 0), ST_ACTIVE, 'never pending+active with HW = 1');
    assert.equal(m.gic.isActive(0, VTIMER), true);
  });
});

describe('vgic-v3: load and put', () => {
  it('ICH_VMCR_EL2 and both APRs follow the vcpu to another pcpu', () => {
    const m = new MachineV3({ vcpus: 1, pcpus: 2 }).boot();
    const other = m.vcifs[1];
    m.enable(40);
    m.vgic.injectIrq(null, 40, true);
    m.icv(0, IccReg.ICC_BPR1_EL1, 5);
    m.enter();
    assert.equal(m.iar(), 40);
    m.exit();
    m.vgic.vcpuPut(0);
    assert.equal(m.vcifs[0].readIch(IchReg.ICH_HCR_EL2), 0, 'disabled on put');
    m.vgic.vcpuLoad(0, 1);
    assert.equal(other.readIcv(IccReg.ICC_BPR1_EL1), 5);
    assert.equal(other.readIcv(IccReg.ICC_PMR_EL1), 0xf8);
    assert.equal(other.readIch(IchReg.ICH_AP1R0_EL2), 1, 'priority 0 active');
    assert.equal(other.readIch(IchReg.ICH_HCR_EL2) & 1, 1);
    m.enter();
    assert.equal(other.readLrHi(0) >>> 30, ST_ACTIVE);
    other.writeIcv(IccReg.ICC_EOIR1_EL1, 40);
    assert.equal(other.readIcv(IccReg.ICC_RPR_EL1), 0xff);
  });

  it('load refuses an interface with more preemption bits than ICH_AP0R0/AP1R0 hold (KVM sizes the APR save by PREbits)', () => {
    const m = new MachineV3();
    const v = m.vcifs[0];
    const read = v.readIch.bind(v);
    v.readIch = (r) => (r === IchReg.ICH_VTR_EL2 ? (read(r) & ~(7 << 26)) | (5 << 26) : read(r)); // 6 bits
    assert.throws(() => m.vgic.vcpuLoad(0, 0), /PREbits/);
  });

  it('the WFI predicate reads the v3 VMCR (VPMR)', () => {
    const m = new MachineV3().boot();
    m.enable(40);
    m.setPriority(40, 0x80);
    m.vgic.injectIrq(null, 40, true);
    m.icv(0, IccReg.ICC_PMR_EL1, 0x80);
    assert.equal(m.vgic.pendingIrqFor(0), false, 'masked by the PMR');
    m.icv(0, IccReg.ICC_PMR_EL1, 0x88);
    assert.equal(m.vgic.pendingIrqFor(0), true);
  });
});

describe('vgic-v3: LR overflow', () => {
  it('more pending than LRs: UIE; the rest is delivered after the underflow exit', () => {
    const m = new MachineV3({ nLR: 2 }).boot();
    for (const id of [40, 41, 42]) {
      m.enable(id);
      m.setEdge(id);
      m.vgic.injectIrq(null, id, true);
    }
    m.enter();
    assert.equal(m.vcifs[0].readIch(IchReg.ICH_HCR_EL2) & 2, 2, 'UIE');
    assert.equal(m.take(), 40);
    assert.equal(m.vcifs[0].maintenance.level, true, 'one valid LR left: underflow');
    m.cycle();
    assert.deepEqual([m.take(), m.take(), m.take()], [41, 42, SPURIOUS]);
    assert.equal(m.vgic.counters.underflows, 1);
  });

  it('an active interrupt outside the LRs: LRENPIE + TDIR, its EOI seen through EOIcount', () => {
    const m = new MachineV3({ nLR: 2 }).boot();
    for (const id of [40, 41, 42]) {
      m.enable(id);
      m.setEdge(id);
      m.setPriority(id, 0x80 - 0x10 * (id - 40));
    }
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    assert.equal(m.iar(), 40); // 40 active (priority 0x80)
    m.vgic.injectIrq(null, 41, true);
    m.vgic.injectIrq(null, 42, true);
    m.cycle(); // 42 (0x60) and 41 (0x70) preempt 0x80: they take both LRs, 40 waits outside
    const hcr = m.vcifs[0].readIch(IchReg.ICH_HCR_EL2);
    assert.equal(hcr & ((1 << 2) | (1 << 14)), (1 << 2) | (1 << 14), 'LRENPIE and TDIR');
    assert.equal(m.vgic.v3!.trapsDir(0), true);
    assert.equal(m.take(), 42);
    assert.equal(m.take(), 41);
    m.eoi(0, 40); // in no LR: EOIcount
    assert.equal(m.vcifs[0].readIch(IchReg.ICH_HCR_EL2) >>> 27, 1);
    m.exit();
    assert.equal(m.vgic.core.getIrq(0, 40)!.active, false);
    assert.equal(m.vgic.counters.eoiCountDeactivations, 1);
  });

  it('EOImode 1: the trapped ICV_DIR_EL1 deactivates the interrupt outside the LRs', () => {
    const m = new MachineV3({ nLR: 1 }).boot();
    m.icv(0, IccReg.ICC_CTLR_EL1, 2); // EOImode
    for (const id of [40, 41]) {
      m.enable(id);
      m.setEdge(id);
      m.setPriority(id, id === 40 ? 0x80 : 0x40);
    }
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    assert.equal(m.iar(), 40);
    m.eoi(0, 40); // priority drop only
    m.vgic.injectIrq(null, 41, true);
    m.cycle();
    assert.equal(m.vcifs[0].readLrLo(0), 41, 'the pending one gets the only LR');
    assert.equal(m.vcifs[0].trapsToEl2(IccReg.ICC_DIR_EL1, true), true);
    m.exit(); // the trapped DIR's exit
    m.vgic.v3!.deactivateTrapped(0, 40);
    assert.equal(m.vgic.core.getIrq(0, 40)!.active, false);
    assert.equal(m.vgic.counters.dirTraps, 1);
  });
});

describe('vgic-v3: invariants', () => {
  it('after every sync the LRs are clear and no mapped interrupt keeps its physical active state', () => {
    const step = fc.constantFrom('inject-hi', 'inject-lo', 'spi-hi', 'spi-lo', 'iar', 'eoi', 'cycle');
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const m = new MachineV3({ nLR: 2 }).boot();
        m.vgic.mapPhysIrq(0, VTIMER, VTIMER);
        m.enable(VTIMER);
        m.enable(40);
        const taken: number[] = [];
        m.enter();
        for (const s of steps) {
          if (s === 'inject-hi' || s === 'inject-lo') m.vgic.injectIrq(0, VTIMER, s === 'inject-hi');
          else if (s === 'spi-hi' || s === 'spi-lo') m.vgic.injectIrq(null, 40, s === 'spi-hi');
          else if (s === 'iar') {
            const id = m.iar();
            if (id !== SPURIOUS) taken.push(id);
          } else if (s === 'eoi') {
            const id = taken.pop();
            if (id !== undefined) m.eoi(0, id);
          } else {
            m.exit();
            for (let n = 0; n < 2; n++) assert.equal(m.vcifs[0].readLr64(n), 0n);
            assert.equal(m.gic.isActive(0, VTIMER), false);
            m.enter();
            const ids = [0, 1].filter((n) => m.lrState(0, n) !== 0).map((n) => m.vcifs[0].readLrLo(n));
            assert.equal(new Set(ids).size, ids.length, 'an INTID in two LRs');
          }
        }
      }),
    );
  });
});

describe('vgic-v3: save and restore', () => {
  /** Save the vgic and the hardware (GicV3 and its VirtCpuInterfaceV3s) of `a`, restore them into `b` through JSON. */
  function migrate(a: MachineV3, b: MachineV3): void {
    b.gic.restore(JSON.parse(JSON.stringify(a.gic.save()))); // with its virtual CPU interfaces
    b.vgic.restore(JSON.parse(JSON.stringify(a.vgic.save())));
  }

  function busy(): MachineV3 {
    const m = new MachineV3({ nLR: 2 }).boot();
    m.vgic.mapPhysIrq(0, VTIMER, VTIMER);
    for (const id of [VTIMER, 40, 41, 42]) m.enable(id);
    m.setEdge(41);
    m.setPriority(40, 0x80);
    m.vgic.injectIrq(0, VTIMER, true);
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    assert.equal(m.iar(), VTIMER);
    m.cycle();
    m.vgic.injectIrq(null, 41, true);
    m.vgic.injectIrq(null, 42, true);
    return m;
  }

  it('a vcpu saved in the guest (LRs live, an active interrupt) continues identically after restore', () => {
    const a = busy();
    const b = new MachineV3({ nLR: 2 });
    migrate(a, b);
    assert.deepEqual(b.vgic.save(), a.vgic.save());
    for (const m of [a, b]) {
      m.eoi(0, VTIMER);
      m.vgic.injectIrq(0, VTIMER, false);
      m.cycle();
    }
    assert.deepEqual(b.vgic.save(), a.vgic.save());
    assert.deepEqual([b.take(), b.take(), b.take()], [a.take(), a.take(), a.take()]);
    assert.deepEqual(b.vcifs[0].save(), a.vcifs[0].save());
  });

  it('ICH_AP0R0_EL2 of a put vcpu is saved; reset gives the default state; a v2 snapshot is refused', () => {
    const m = new MachineV3().boot();
    m.gicdWrite(0, 0x104, 1 << 8); // SPI 40, Group 0
    m.vgic.injectIrq(null, 40, true);
    m.enter();
    assert.equal(m.iar(0, 0), 40);
    m.exit();
    m.vgic.vcpuPut(0);
    const s = m.vgic.save();
    assert.equal(s.cpus[0].ap0r, 1);
    const b = new MachineV3();
    b.vgic.restore(s);
    b.vgic.vcpuLoad(0, 0);
    assert.equal(b.vcifs[0].readIch(IchReg.ICH_AP0R0_EL2), 1);
    m.vgic.reset();
    assert.deepEqual(m.vgic.save(), m.vgic.defaultState());
    const v2 = { ...s, cpus: s.cpus.map(({ lrIntids: _, ...c }) => c) };
    assert.throws(() => b.vgic.restore(v2), /other LR backend/);
  });
});

describe('vgic-v3: nested delivery through LR overflow (fast-check)', () => {
  /** The guest ends `id`: EOIR, and with EOImode 1 DIR, which TDIR may trap to the hypervisor. */
  function end(m: MachineV3, id: number, eoiMode: boolean): void {
    m.eoi(0, id);
    if (!eoiMode) return;
    if (m.vcifs[0].trapsToEl2(IccReg.ICC_DIR_EL1, true)) {
      m.exit();
      m.vgic.v3!.deactivateTrapped(0, id);
      m.enter();
    } else m.icv(0, IccReg.ICC_DIR_EL1, id);
  }

  it('every interrupt is delivered once, each preempting what the guest runs, with 2 LRs, any exits, EOImode 0 or 1 (DIR trapped by TDIR)', () => {
    const irqArb = fc.uniqueArray(
      fc.record({ id: fc.integer({ min: 32, max: 63 }), prio: fc.integer({ min: 0, max: 30 }) }),
      { minLength: 1, maxLength: 6, selector: (x) => x.id },
    );
    const actions = fc.array(fc.constantFrom('iar', 'eoi', 'exit'), { maxLength: 40 });
    fc.assert(
      fc.property(irqArb, actions, fc.boolean(), (irqs, acts, eoiMode) => {
        const m = new MachineV3({ nLR: 2 }).boot();
        if (eoiMode) m.icv(0, IccReg.ICC_CTLR_EL1, 2);
        const prio = new Map(irqs.map((x) => [x.id, x.prio << 3]));
        for (const x of irqs) {
          m.enable(x.id);
          m.setEdge(x.id);
          m.setPriority(x.id, x.prio << 3);
          m.vgic.injectIrq(null, x.id, true);
        }
        m.enter();
        const stack: number[] = [];
        const delivered: number[] = [];
        const ack = (): boolean => {
          const id = m.iar();
          if (id === SPURIOUS) return false;
          assert.ok(!delivered.includes(id), `${id} delivered twice`);
          const top = stack.at(-1);
          if (top !== undefined) assert.ok(prio.get(id)! < prio.get(top)!, `${id} does not preempt ${top}`);
          delivered.push(id);
          stack.push(id);
          return true;
        };
        for (const a of acts) {
          if (a === 'iar') ack();
          else if (a === 'eoi' && stack.length > 0) end(m, stack.pop()!, eoiMode);
          else if (a === 'exit') m.cycle();
        }
        // the guest's handler runs to the end, with an exit whenever it finds nothing
        for (let round = 0; round < 4 * irqs.length + 4; round++) {
          while (ack());
          if (stack.length > 0) end(m, stack.pop()!, eoiMode);
          else m.cycle();
        }
        assert.deepEqual([...delivered].sort(), irqs.map((x) => x.id).sort());
        m.exit();
        for (const x of irqs) assert.equal(m.vgic.core.getIrq(0, x.id)!.active, false, `${x.id} left active`);
      }),
    );
  });
});

describe('vgic-v3: trapped ICC_SGI1R_EL1 (vgic_v3_dispatch_sgi)', () => {
  const sgi1r = (intid: number, list: number, aff1 = 0) => (intid << 24) | (aff1 << 16) | list;
  const IRM = 1 << 8;

  function sgiMachine(): MachineV3 {
    const m = new MachineV3({ vcpus: 3 }).boot();
    for (let v = 0; v < 3; v++) m.enable(5, v);
    m.kicks.length = 0;
    return m;
  }

  it('a target list by Aff0: each named vcpu gets the SGI pended and is kicked', () => {
    const m = sgiMachine();
    m.vgic.dispatchSgiV3(0, sgi1r(5, 0b110), 0, true);
    assert.deepEqual(m.kicks, [1, 2]);
    assert.equal(m.vgic.core.getIrq(0, 5)!.pendingLatch, false);
    m.enter(2);
    assert.equal(m.vcifs[2].readLrLo(0), 5);
    assert.equal(m.take(2), 5);
  });

  it('IRM = 1: every vcpu but the writer; Aff1 or Aff3 that name no vcpu: nobody', () => {
    const m = sgiMachine();
    m.vgic.dispatchSgiV3(1, sgi1r(5, 0), IRM, true);
    assert.deepEqual(m.kicks, [0, 2]);
    m.kicks.length = 0;
    m.vgic.dispatchSgiV3(0, sgi1r(5, 0b111, 1), 0, true);
    m.vgic.dispatchSgiV3(0, sgi1r(5, 0b111), 1 << 16, true); // Aff3 = 1
    assert.deepEqual(m.kicks, []);
  });

  it('RS is ignored (RES0 with ICC_CTLR_EL1.RSS = 0; vgic_v3_dispatch_sgi never reads it): TargetList names Aff0 0-15', () => {
    const m = sgiMachine();
    m.vgic.dispatchSgiV3(0, sgi1r(5, 0b100), 1 << 12, true); // RS = 1
    m.vgic.dispatchSgiV3(1, sgi1r(5, 0b001), 0xf << 12, true); // RS = 15
    assert.deepEqual(m.kicks, [2, 0]);
    assert.deepEqual(
      [0, 1, 2].map((v) => m.vgic.core.getIrq(v, 5)!.pendingLatch),
      [true, false, true],
    );
  });

  it('ICC_SGI0R_EL1 (allowGroup1 = false) pends only Group 0 SGIs', () => {
    const m = sgiMachine(); // enable() made SGI 5 Group 1
    m.vgic.dispatchSgiV3(0, sgi1r(5, 0b1), 0, false);
    assert.equal(m.vgic.core.getIrq(0, 5)!.pendingLatch, false);
    m.gicdWrite(0, 0x80, 0); // SGI 5 of vcpu 0 back to Group 0
    m.vgic.dispatchSgiV3(0, sgi1r(5, 0b1), 0, false);
    assert.equal(m.vgic.core.getIrq(0, 5)!.pendingLatch, true);
  });
});
