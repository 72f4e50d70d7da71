import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GICH_HCR, GICV_EOIR, GICV_PMR } from '../../../src/hw/gic/virt-regs.ts';
import { NO_VCPU } from '../../../src/hyp/vgic/vgic-irq.ts';
import { Machine, SPURIOUS } from './helpers/machine.ts';

const SPI = 40;
const GICH_LR_EOI = 1 << 19;
const LR_GRP1 = 1 << 30;
const ST_PENDING = 1;
const ST_ACTIVE = 2;
const ST_PA = 3;

describe('vgic-v2 flush: LR contents', () => {
  it('level SPI: pending, EOI bit, 5-bit priority, group; GICH_HCR_En', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.setPriority(SPI, 0xa7); // stored as 0xa0
    m.gicdWrite(0, 0x080 + 4, 1 << (SPI - 32)); // group 1
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    const lr = m.vifs[0].readLR(0);
    assert.equal(lr & 0x3ff, SPI);
    assert.equal((lr >>> 28) & 3, ST_PENDING);
    assert.equal((lr >>> 23) & 0x1f, 0xa0 >> 3);
    assert.ok(lr & GICH_LR_EOI);
    assert.ok(lr & LR_GRP1);
    assert.equal(lr >>> 31, 0);
    assert.equal(m.vifs[0].readHCR() & 3, 1, 'En, no UIE');
    assert.equal(m.vgic.counters.lrWrites, 1);
  });

  it('edge SPI: no EOI bit; the latch is consumed at flush and given back if not acknowledged', () => {
    const m = new Machine().boot();
    m.setEdge(SPI);
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    const irq = m.vgic.core.getIrq(0, SPI)!;
    m.enter();
    assert.equal(m.vifs[0].readLR(0) & GICH_LR_EOI, 0);
    assert.equal(irq.pendingLatch, false);
    m.exit();
    assert.equal(irq.pendingLatch, true);
    assert.equal(irq.vcpu, 0);
    assert.deepEqual(m.lrIntids(), [], 'sync clears the LRs');
  });

  it('flush twice without a sync, or on a vcpu that is not loaded, is a bug', () => {
    const m = new Machine().boot();
    m.enter();
    assert.throws(() => m.enter(), /flush twice/);
    m.exit();
    m.vgic.vcpuPut(0);
    assert.throws(() => m.enter(), /not loaded/);
  });
});

describe('vgic-v2 sync: folding the guest state', () => {
  it('EOI of an unmapped level interrupt with the line still high re-delivers it', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    assert.equal(m.take(), SPI);
    assert.equal(m.vifs[0].maintenance.level, true, 'EOI maintenance');
    m.exit();
    assert.equal(m.vgic.counters.maintenance, 1);
    assert.equal(m.vgic.counters.eoiMaintenance, 1);
    assert.deepEqual(m.acked, [SPI]);
    m.enter();
    assert.equal(m.take(), SPI, 'resampled: still high');
    m.vgic.injectIrq(null, SPI, false);
    m.cycle();
    assert.equal(m.take(), SPURIOUS);
    assert.equal(m.vgic.core.getIrq(0, SPI)!.vcpu, NO_VCPU, 'pruned');
  });

  it('a level SPI raised then lowered before the guest acknowledges it is never acknowledged', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    m.vgic.injectIrq(null, SPI, false);
    m.exit(); // the sync observes the drop
    m.enter();
    assert.deepEqual(m.lrIntids(), []);
    assert.equal(m.iar(), SPURIOUS);
  });

  it('a level interrupt acknowledged but not yet EOId stays active and is written active only', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    const id = m.iar();
    m.cycle();
    assert.equal(m.lrState(0, 0), ST_ACTIVE, 'never pending+active for a level interrupt');
    m.eoi(0, id);
    m.cycle();
    assert.equal(m.take(), SPI, 'line still high: delivered again after the EOI');
  });

  it('an active edge interrupt that is raised again is delivered again after its EOI (pending+active)', () => {
    const m = new Machine().boot();
    m.setEdge(SPI);
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    const id = m.iar();
    assert.equal(id, SPI);
    m.vgic.injectIrq(null, SPI, true); // kicks the vcpu
    m.cycle();
    assert.equal(m.lrState(0, 0), ST_PA);
    assert.equal(m.iar(), SPURIOUS, 'not before the first EOI');
    m.eoi(0, id);
    assert.equal(m.take(), SPI);
    assert.equal(m.take(), SPURIOUS);
  });

  it('more pending interrupts than LRs drain in priority order through underflow maintenance', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 32, max: 95 }), { minLength: 5, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 12, maxLength: 12 }), // 31 << 3 = PMR: masked
        fc.integer({ min: 1, max: 4 }),
        (ids, prios, nLR) => {
          const m = new Machine({ nLR }).boot();
          for (let k = 0; k < ids.length; k++) {
            m.setEdge(ids[k]);
            m.setPriority(ids[k], prios[k] << 3);
            m.enable(ids[k]);
            m.vgic.injectIrq(null, ids[k], true);
          }
          const got: number[] = [];
          m.enter();
          for (let steps = 0; steps < 100 && got.length < ids.length; steps++) {
            const id = m.take();
            if (id !== SPURIOUS) got.push(id);
            // the maintenance interrupt makes the vcpu exit (or the guest idles and exits)
            if (m.vifs[0].maintenance.level || id === SPURIOUS) m.cycle();
          }
          const prioOf = (id: number) => prios[ids.indexOf(id)];
          const want = [...ids].sort((a, b) => prioOf(a) - prioOf(b) || a - b);
          assert.deepEqual(got, want);
          if (ids.length > nLR) assert.ok(m.vgic.counters.underflows >= 1);
          assert.ok(m.vgic.counters.maintenance >= (ids.length > nLR ? 1 : 0));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('UIE is set only while interrupts wait outside the LRs, and cleared by sync', () => {
    const m = new Machine({ nLR: 2 }).boot();
    for (const id of [40, 41, 42]) {
      m.enable(id);
      m.vgic.injectIrq(null, id, true);
    }
    m.enter();
    assert.equal(m.vifs[0].readHCR() & 3, 3);
    m.exit();
    assert.equal(m.vifs[0].gich.read(GICH_HCR, 4, 0) & 2, 0);
    m.vgic.injectIrq(null, 42, false);
    m.enter();
    assert.equal(m.vifs[0].readHCR() & 3, 1);
  });

  it('an interrupt disabled while in an LR is dropped at the next sync', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    m.gicdWrite(0, 0x180 + 4, 1 << (SPI - 32));
    m.cycle();
    assert.equal(m.iar(), SPURIOUS);
  });
});

describe('vgic-v2: SGIs', () => {
  it('an SGI from two sources takes one LR per source, reported with CPUID', () => {
    const m = new Machine({ vcpus: 3 }).boot();
    m.gicdWrite(1, 0xf00, (1 << 16) | 5); // vcpu1 -> vcpu0, SGI 5
    m.gicdWrite(2, 0xf00, (1 << 16) | 5); // vcpu2 -> vcpu0, SGI 5
    m.enter(0);
    assert.deepEqual(m.lrIntids(0), [5, 5]);
    const cpuids = [0, 1].map((n) => (m.vifs[0].readLR(n) >>> 10) & 7).sort();
    assert.deepEqual(cpuids, [1, 2]);
    const a = m.iar(0);
    m.eoi(0, a);
    const b = m.iar(0);
    m.eoi(0, b);
    assert.deepEqual([a, b].sort(), [(1 << 10) | 5, (2 << 10) | 5]);
    m.cycle(0);
    assert.equal(m.iar(0), SPURIOUS);
  });

  it('an SGI with more sources than LRs keeps the rest for the next flush (UIE)', () => {
    const m = new Machine({ vcpus: 4, nLR: 1 }).boot();
    for (const src of [1, 2, 3]) m.gicdWrite(src, 0xf00, (1 << 16) | 7);
    const got: number[] = [];
    m.enter(0);
    for (let i = 0; i < 10 && got.length < 3; i++) {
      const id = m.iar(0);
      if (id !== SPURIOUS) {
        got.push(id >> 10);
        m.eoi(0, id);
      }
      m.cycle(0);
    }
    assert.deepEqual(got, [1, 2, 3]);
    assert.ok(m.vgic.counters.underflows >= 2);
  });

  it('an LR never holds one INTID twice, except SGIs from different sources', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            op: fc.integer({ min: 0, max: 4 }),
            id: fc.integer({ min: 32, max: 37 }),
            src: fc.nat(2),
          }),
          { maxLength: 40 },
        ),
        (ops) => {
          const m = new Machine({ vcpus: 3, nLR: 4 }).boot();
          for (let id = 32; id < 38; id++) {
            if (id % 2) m.setEdge(id);
            m.enable(id);
          }
          m.enter(0);
          for (const o of ops) {
            if (o.op === 0) m.vgic.injectIrq(null, o.id, true);
            else if (o.op === 1) m.vgic.injectIrq(null, o.id, false);
            else if (o.op === 2) m.take(0);
            else if (o.op === 3) m.gicdWrite(o.src, 0xf00, (1 << 16) | (o.id - 32));
            else m.cycle(0);
            const seen = new Set<number>();
            for (let n = 0; n < 4; n++) {
              const x = m.vifs[0].readLR(n);
              if (((x >>> 28) & 3) === 0) continue;
              const key = (x & 0x3ff) < 16 ? (x & 0x3ff) | (((x >>> 10) & 7) << 10) : x & 0x3ff;
              assert.ok(!seen.has(key), `duplicate LR for ${key}`);
              seen.add(key);
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('vgic-v2: load/put, prune', () => {
  it('VMCR and APR are saved on put and restored on load (here on another pcpu)', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.enable(SPI);
    m.setPriority(SPI, 0x40);
    m.gicv(0, GICV_PMR, 0xc0);
    m.vgic.injectIrq(null, SPI, true);
    m.enter(0);
    assert.equal(m.iar(0), SPI);
    m.exit(0);
    const apr = m.vifs[0].readAPR();
    assert.notEqual(apr, 0);
    m.vgic.vcpuPut(0);
    m.vgic.vcpuPut(1);
    assert.equal(m.vifs[0].readHCR(), 0, 'put disables the interface');
    m.vgic.vcpuLoad(0, 1); // vcpu0 now on pcpu1
    assert.equal(m.vifs[1].readAPR(), apr);
    assert.equal(m.vifs[1].gicv.read(GICV_PMR, 4, 1), 0xc0);
    m.enter(0);
    assert.equal(m.vifs[1].readLR(0) & 0x3ff, SPI);
    m.gicv(1, GICV_EOIR, SPI);
    assert.equal(m.vifs[1].readAPR(), 0);
  });

  it('the prune moves an SPI whose target changed to the new vcpu and kicks it', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    const irq = m.vgic.core.getIrq(0, SPI)!;
    assert.equal(irq.vcpu, 0);
    m.gicdWrite(0, 0x800 + SPI, 0b10, 1);
    m.kicks.length = 0;
    m.enter(0);
    assert.deepEqual(m.lrIntids(0), [], 'not flushed to the old vcpu');
    m.exit(0);
    assert.equal(irq.vcpu, 1);
    assert.deepEqual(m.kicks, [1]);
    m.enter(1);
    assert.equal(m.take(1), SPI);
  });

  it('an active SPI does not migrate until it is deactivated', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter(0);
    const id = m.iar(0);
    m.gicdWrite(0, 0x800 + SPI, 0b10, 1);
    m.cycle(0);
    const irq = m.vgic.core.getIrq(0, SPI)!;
    assert.equal(irq.vcpu, 0);
    assert.equal(m.lrState(0, 0), ST_ACTIVE);
    m.eoi(0, id);
    m.exit(0);
    assert.equal(irq.vcpu, 1, 'line still high: now pending for vcpu1');
  });
});
