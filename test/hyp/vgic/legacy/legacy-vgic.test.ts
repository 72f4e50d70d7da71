// The legacy vgic (Linux 4.2 / 4.3 vgic.c) behind the facade: LRs kept
// across exits, piggy-backing, underflow, EOI maintenance
// (vgic_process_maintenance / process_level_irq), vgic_sync_hwirq before
// and with the seed, the mapped edge WARN_ON, PPIs edge/level at init,
// map->active, and the GICD quirks of vgic-v2-emul.c.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LegacyMachine, SPURIOUS, VTIMER } from './machine.ts';

const LR_HW = 1 << 31;
const LR_EOI = 1 << 19;
const ST_PENDING = 1;
const ST_ACTIVE = 2;
const SPI = 40;

describe('legacy vgic: LRs are kept across exits', () => {
  for (const seed of [false, true]) {
    it(`${seed ? '4.3' : '4.2'}: a queued LR survives an exit untouched; the next flush writes nothing`, () => {
      const m = new LegacyMachine(seed).boot();
      m.enable(SPI);
      m.vgic.injectIrq(null, SPI, true);
      m.enter();
      const lr0 = m.lr(0);
      assert.equal(lr0 & 0x3ff, SPI);
      assert.equal(m.lrState(0), ST_PENDING);
      assert.notEqual(lr0 & LR_EOI, 0, 'level: EOI bit');
      assert.equal((lr0 >>> 23) & 0x1f, 0, 'no priority in the LR (vgic_v2_set_lr of that era)');
      const writes = m.vgic.counters.lrWrites;
      m.exit();
      m.enter();
      assert.equal(m.lr(0), lr0, 'restored from the shadow as it was');
      assert.equal(m.vgic.counters.lrWrites, writes, 'not rebuilt');
      assert.equal(m.vgic.lrOf(0, SPI), lr0);
    });
  }

  it('lowering a level line does not remove the pending LR: the guest still takes it', () => {
    const m = new LegacyMachine(true).boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    m.exit();
    m.vgic.injectIrq(null, SPI, false);
    assert.equal(m.vgic.irqState(0, SPI)?.pending, false, 'irq_pending cleared');
    m.enter();
    assert.equal(m.iar(), SPI, 'the LR still shows it');
  });

  it('an edge arriving while its LR is active piggy-backs on the same LR (pending+active)', () => {
    const m = new LegacyMachine(false).boot();
    m.enable(SPI);
    m.gicd(0xc00 + 4 * Math.floor(SPI / 16), 2 << (2 * (SPI % 16))); // edge
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    assert.equal(m.iar(), SPI);
    m.exit();
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    assert.equal(m.lrState(0), 3, 'pending+active in LR 0');
    assert.equal(m.lrState(1), 0, 'no second LR');
  });

  it('out of LRs: GICH_HCR.UIE; the underflow maintenance brings the rest', () => {
    const m = new LegacyMachine(true, { nLR: 2 }).boot();
    for (let i = 0; i < 3; i++) {
      m.enable(SPI + i);
      m.vgic.injectIrq(null, SPI + i, true);
    }
    m.enter();
    assert.equal(m.vgic.counters.underflows, 1);
    const got = [m.iar()];
    m.eoi(got[0]);
    got.push(m.iar());
    m.eoi(got[1]);
    m.exit();
    m.vgic.injectIrq(null, SPI, false);
    m.vgic.injectIrq(null, SPI + 1, false);
    m.enter();
    got.push(m.iar());
    assert.deepEqual(got, [SPI, SPI + 1, SPI + 2]);
  });

  it('EOI maintenance resamples a level interrupt: re-pended while the line is high (process_level_irq)', () => {
    const m = new LegacyMachine(true).boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    assert.equal(m.iar(), SPI);
    m.eoi(SPI);
    m.exit();
    assert.equal(m.vgic.counters.eoiMaintenance, 1);
    assert.deepEqual(m.acked, [SPI], 'kvm_notify_acked_irq');
    assert.equal(m.vgic.lrOf(0, SPI), null, 'LR released');
    m.enter();
    assert.equal(m.iar(), SPI, 'line still high: delivered again');
    m.eoi(SPI);
    m.exit();
    m.vgic.injectIrq(null, SPI, false);
    m.enter();
    assert.equal(m.iar(), SPURIOUS);
  });
});

describe('legacy vgic: the timer PPI and vgic_sync_hwirq', () => {
  it('PPIs are edge at init before the seed, level with it (GICD_ICFGR1 reads 0xaaaaaaaa / 0)', () => {
    const pre = new LegacyMachine(false).boot();
    const post = new LegacyMachine(true).boot();
    assert.equal(pre.vgic.irqState(0, VTIMER)?.trigger, 'edge');
    assert.equal(post.vgic.irqState(0, VTIMER)?.trigger, 'level');
    assert.equal(pre.gicd(0xc04) >>> 0, 0xaaaaaaaa);
    assert.equal(post.gicd(0xc04) >>> 0, 0);
    assert.equal(post.gicd(0xc00) >>> 0, 0xaaaaaaaa, 'SGIs edge');
  });

  it('4.2: map->active is set by the timer, kept while the physical interrupt reads active, cleared when it does not', () => {
    const m = new LegacyMachine(false).boot();
    m.vgic.mapPhysIrq(0, VTIMER, VTIMER);
    m.enable(VTIMER);
    m.vgic.setMapActive(0, VTIMER, true); // kvm_timer_inject_irq
    m.vgic.injectIrq(0, VTIMER, true);
    m.dist.setActive(0, VTIMER as never, true); // the timer flush: phys active = map->active
    m.enter();
    assert.notEqual(m.lr(0) & LR_HW, 0);
    assert.equal(m.iar(), VTIMER);
    m.exit(); // still active: cleared physically, LR kept, map->active stays
    assert.equal(m.dist.isActive(0, VTIMER as never), false);
    assert.equal(m.vgic.getMapActive(0, VTIMER), true);
    assert.equal(m.vgic.lrOf(0, VTIMER) !== null, true);
    m.dist.setActive(0, VTIMER as never, true); // next timer flush
    m.enter();
    assert.equal(m.lrState(0), ST_ACTIVE);
    m.eoi(VTIMER); // the HW LR deactivates the physical interrupt
    m.exit();
    assert.equal(m.vgic.getMapActive(0, VTIMER), false, 'map->active read back inactive');
    assert.equal(m.vgic.lrOf(0, VTIMER), null, 'LR emptied, queued cleared');
  });

  it('4.3 has no map->active', () => {
    const m = new LegacyMachine(true).boot();
    m.vgic.mapPhysIrq(0, VTIMER, VTIMER);
    assert.throws(() => m.vgic.getMapActive(0, VTIMER), /removed by the seed/);
  });

  it('4.3 vgic_sync_hwirq, physically active: cleared, LR kept, no re-injection', () => {
    const m = new LegacyMachine(true).boot();
    m.vgic.mapPhysIrq(0, VTIMER, VTIMER);
    m.enable(VTIMER);
    m.vgic.injectIrq(0, VTIMER, true);
    m.dist.setActive(0, VTIMER as never, true);
    m.enter();
    const before = m.vgic.counters.lrWrites;
    m.exit();
    assert.equal(m.dist.isActive(0, VTIMER as never), false);
    assert.equal(m.vgic.counters.physActiveChanges, 1);
    assert.equal(m.vgic.lrOf(0, VTIMER) !== null, true, 'kept');
    assert.equal(m.vgic.counters.lrWrites, before, 'no re-injection');
  });

  it('4.3 vgic_sync_hwirq, physically inactive: process_level_irq empties the LR and resamples the line', () => {
    for (const high of [true, false]) {
      const m = new LegacyMachine(true).boot();
      m.vgic.mapPhysIrq(0, VTIMER, VTIMER);
      m.enable(VTIMER);
      m.vgic.injectIrq(0, VTIMER, true);
      m.enter(); // phys not set active: the guest "deactivated" it
      if (!high) m.vgic.injectIrq(0, VTIMER, false);
      m.exit();
      assert.equal(m.vgic.lrOf(0, VTIMER), null, 'LR emptied');
      assert.equal(
        m.vgic.irqState(0, VTIMER)?.pending,
        high,
        `line ${high ? 'high: pending' : 'low: not pending'}`,
      );
      m.enter();
      assert.equal(m.iar(), high ? VTIMER : SPURIOUS);
    }
  });

  it("4.3: a mapped edge interrupt triggers the seed's WARN_ON and loses an edge latched meanwhile", () => {
    const m = new LegacyMachine(true).boot();
    m.vgic.mapPhysIrq(0, SPI, SPI);
    m.vgic.setTrigger(0, SPI, 'edge');
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    assert.equal(m.iar(), SPI);
    m.vgic.injectIrq(null, SPI, true); // a second edge while active: latched
    assert.equal(m.vgic.irqState(0, SPI)?.pending, true);
    m.eoi(SPI); // HW LR: deactivates (the physical one was not active)
    m.exit();
    assert.equal(m.vgic.counters.warnings, 1);
    assert.ok(m.notes().some((t) => t.includes('mapped edge-triggered IRQ 40')));
    assert.equal(m.vgic.irqState(0, SPI)?.pending, false, 'process_level_irq cleared the latched edge');
    m.enter();
    assert.equal(m.iar(), SPURIOUS, 'the second edge is never delivered');
  });
});

describe('legacy vgic: GICD quirks (vgic-v2-emul.c)', () => {
  it('SGIs are forced enabled; IGROUPR reads zero and ignores writes', () => {
    const m = new LegacyMachine(true).boot();
    m.gicd(0x180, 0xffffffff);
    assert.equal(m.gicd(0x100) & 0xffff, 0xffff);
    m.gicd(0x080, 0xffffffff);
    assert.equal(m.gicd(0x080), 0);
  });

  it('4.2: a write to ICFGR1 turns every private interrupt edge; 4.3: ICFGR0/1 are read-only', () => {
    const pre = new LegacyMachine(false).boot();
    pre.vgic.setTrigger(0, VTIMER, 'level');
    pre.gicd(0xc04, 0);
    assert.equal(pre.vgic.irqState(0, VTIMER)?.trigger, 'edge');
    const post = new LegacyMachine(true).boot();
    post.gicd(0xc04, 0xffffffff);
    assert.equal(post.vgic.irqState(0, VTIMER)?.trigger, 'level');
  });

  it('IPRIORITYR keeps 8 bits; IIDR is 0x4b00043b; no ICPIDR2', () => {
    const m = new LegacyMachine(true).boot();
    m.vgic.gicd.write(0x400 + SPI, 1, 0xff, 0);
    assert.equal(m.vgic.gicd.read(0x400 + SPI, 1, 0), 0xff);
    assert.equal(m.gicd(0x008) >>> 0, 0x4b00043b);
    assert.equal(m.gicd(0xfe8), 0);
  });

  it('a blocked vcpu is woken with no PMR check (kvm_vgic_vcpu_pending_irq = irq_pending_on_cpu)', () => {
    const m = new LegacyMachine(true).boot();
    m.enable(SPI);
    m.vifs[0].gicv.write(0x4, 4, 0, 0); // GICV_PMR = 0: masks everything
    m.vgic.injectIrq(null, SPI, true);
    assert.equal(m.vgic.pendingIrqFor(0), true);
  });

  it('GICD_ISACTIVER shows the distributor bitmap, not an LR that is active', () => {
    const m = new LegacyMachine(true).boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    assert.equal(m.iar(), SPI);
    m.exit();
    assert.equal(m.gicd(0x304) & (1 << (SPI - 32)), 0);
  });
});

describe('legacy vgic: save/restore', () => {
  it('keeps the LR shadow and the bitmaps', () => {
    const m = new LegacyMachine(true).boot();
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.enter();
    m.exit();
    for (let v = 0; v < 1; v++) m.vgic.vcpuPut(v);
    const s = JSON.parse(JSON.stringify(m.vgic.save()));
    const n = new LegacyMachine(true);
    n.vgic.restore(s);
    assert.deepEqual(n.vgic.save(), m.vgic.save());
    n.vgic.vcpuLoad(0, 0);
    n.enter();
    assert.equal(n.lr(0) & 0x3ff, SPI);
  });
});
