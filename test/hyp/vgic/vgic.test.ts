import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GICV_PMR } from '../../../src/hw/gic/virt-regs.ts';
import { VgicCore } from '../../../src/hyp/vgic/vgic.ts';
import {
  irqIsPending,
  NO_VCPU,
  sortApList,
  VGIC_CONFIG_EDGE,
  VGIC_CONFIG_LEVEL,
  VgicIrq,
} from '../../../src/hyp/vgic/vgic-irq.ts';
import { Machine } from './helpers/machine.ts';

const SPI = 40;

describe('vgic core: pending and injection', () => {
  it('irq_is_pending: edge = latch, level = latch || line', () => {
    const irq = new VgicIrq(SPI as never, 0);
    irq.config = VGIC_CONFIG_EDGE;
    irq.lineLevel = true;
    assert.equal(irqIsPending(irq), false);
    irq.pendingLatch = true;
    assert.equal(irqIsPending(irq), true);
    irq.config = VGIC_CONFIG_LEVEL;
    irq.pendingLatch = false;
    assert.equal(irqIsPending(irq), true);
    irq.lineLevel = false;
    assert.equal(irqIsPending(irq), false);
  });

  it('level injection accepts only changes; lowering clears pending unless latched', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    const core = m.vgic.core;
    const irq = core.getIrq(0, SPI)!;
    assert.equal(m.vgic.injectIrq(null, SPI, true), 'ok');
    assert.equal(m.vgic.injectIrq(null, SPI, true), 'ignored');
    assert.equal(irqIsPending(irq), true);
    assert.equal(irq.vcpu, 0);
    assert.equal(m.vgic.injectIrq(null, SPI, false), 'ok');
    assert.equal(irqIsPending(irq), false);
    irq.pendingLatch = true; // as GICD_ISPENDR would
    assert.equal(irqIsPending(irq), true);
    assert.equal(core.counters.injections, 2);
  });

  it('edge injection latches on a rising level and ignores 0; raising twice latches once', () => {
    const m = new Machine().boot();
    m.setEdge(SPI);
    m.enable(SPI);
    const irq = m.vgic.core.getIrq(0, SPI)!;
    assert.equal(m.vgic.injectIrq(null, SPI, false), 'ignored');
    assert.equal(irq.pendingLatch, false);
    m.vgic.injectIrq(null, SPI, true);
    m.vgic.injectIrq(null, SPI, true);
    assert.equal(irq.pendingLatch, true);
    m.enter();
    assert.deepEqual(m.lrIntids(), [SPI]);
    assert.equal(m.take(), SPI);
    assert.equal(m.take(), 1023);
  });

  it('rejects SGIs, private INTIDs without a vcpu and unknown INTIDs', () => {
    const m = new Machine({ spis: 32 }).boot();
    assert.equal(m.vgic.injectIrq(0, 3, true), 'invalid');
    assert.equal(m.vgic.injectIrq(null, 27, true), 'invalid');
    assert.equal(m.vgic.injectIrq(null, 64, true), 'invalid');
    assert.equal(m.vgic.injectIrq(null, 63, true), 'ok');
  });

  it('ignores injections from a non-owner of the line', () => {
    const m = new Machine().boot();
    m.vgic.core.setOwner(0, 27, 'timer');
    assert.equal(m.vgic.injectIrq(0, 27, true), 'ignored');
    assert.equal(m.vgic.injectIrq(0, 27, true, 'timer'), 'ok');
  });

  it('queues on the target oracle and kicks it; a disabled interrupt is not queued', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.gicdWrite(0, 0x800 + SPI, 0b10, 1); // target vcpu1
    m.vgic.injectIrq(null, SPI, true);
    const irq = m.vgic.core.getIrq(0, SPI)!;
    assert.equal(irq.vcpu, NO_VCPU, 'disabled: nowhere');
    m.kicks.length = 0;
    m.enable(SPI);
    assert.equal(irq.vcpu, 1);
    assert.deepEqual(m.kicks, [1]);
  });

  it('an already queued edge interrupt is kicked again, not requeued', () => {
    const m = new Machine().boot();
    m.setEdge(SPI);
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    m.kicks.length = 0;
    m.vgic.injectIrq(null, SPI, true);
    assert.deepEqual(m.kicks, [0]);
    assert.equal(m.vgic.core.cpus[0].apList.length, 1);
  });

  it('a disabled distributor routes nothing; enabling it kicks vcpus with something pending', () => {
    const m = new Machine({ vcpus: 2 }).boot();
    m.gicdWrite(0, 0, 0);
    m.enable(SPI);
    m.vgic.injectIrq(null, SPI, true);
    assert.equal(m.vgic.core.getIrq(0, SPI)!.vcpu, NO_VCPU);
    assert.equal(m.vgic.pendingIrqFor(0), false);
    // re-enabling forwards what became pending meanwhile, and kicks its target once
    m.kicks.length = 0;
    m.gicdWrite(0, 0, 1);
    assert.equal(m.vgic.core.getIrq(0, SPI)!.vcpu, 0);
    assert.deepEqual(m.kicks, [0]);
    assert.equal(m.vgic.pendingIrqFor(0), true);
  });
});

describe('vgic core: ap_list order and WFI wake', () => {
  it('vgic_irq_cmp: active first, then pending+enabled by priority, then INTID', () => {
    const core = new VgicCore({
      nrVcpus: 1,
      nrSpis: 32,
      clock: { now: 0 },
      trace: { enabled: false, emit() {} },
      phys: { isActive: () => false, setActive() {} },
      kicker: { kick() {} },
    });
    core.init();
    const mk = (id: number, prio: number, active: boolean, pending: boolean, enabled = true) => {
      const i = core.getIrq(0, id)!;
      i.priority = prio;
      i.active = active;
      i.pendingLatch = pending;
      i.enabled = enabled;
      return i;
    };
    const list = [
      mk(40, 0x10, false, false),
      mk(41, 0x80, false, true),
      mk(42, 0x80, true, false),
      mk(43, 0x10, false, true),
      mk(44, 0x00, false, true, false),
      mk(45, 0x40, true, true),
      mk(39, 0x80, false, true),
    ];
    sortApList(list);
    assert.deepEqual(
      list.map((i) => i.intid),
      [45, 42, 43, 39, 41, 40, 44],
    );
  });

  it('pendingIrqFor ignores PSTATE but honours the virtual PMR, enable and active', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.setPriority(SPI, 0xa0);
    m.vgic.injectIrq(null, SPI, true);
    assert.equal(m.vgic.pendingIrqFor(0), true);
    m.gicv(0, GICV_PMR, 0xa0); // priority must be strictly below PMR
    assert.equal(m.vgic.pendingIrqFor(0), false);
    m.gicv(0, GICV_PMR, 0xa8);
    assert.equal(m.vgic.pendingIrqFor(0), true);
    m.vgic.core.getIrq(0, SPI)!.active = true;
    assert.equal(m.vgic.pendingIrqFor(0), false);
  });

  it('pendingIrqFor uses the VMCR saved at put while the vcpu is not loaded', () => {
    const m = new Machine().boot();
    m.enable(SPI);
    m.setPriority(SPI, 0x80);
    m.gicv(0, GICV_PMR, 0x80);
    m.vgic.vcpuPut(0);
    m.vgic.injectIrq(null, SPI, true);
    assert.equal(m.vgic.pendingIrqFor(0), false);
    m.vgic.vcpuLoad(0, 0);
    m.gicv(0, GICV_PMR, 0xf8);
    assert.equal(m.vgic.pendingIrqFor(0), true);
  });

  it('init: SGIs enabled+edge, PPIs level, SPIs level, priority 0, SPIs target vcpu0', () => {
    const m = new Machine({ vcpus: 2 });
    assert.equal(m.vgic.initialized, false);
    m.vgic.init();
    assert.equal(m.vgic.initialized, true);
    const c = m.vgic.core;
    for (let v = 0; v < 2; v++) {
      for (let id = 0; id < 16; id++) {
        assert.equal(c.getIrq(v, id)!.enabled, true);
        assert.equal(c.getIrq(v, id)!.config, VGIC_CONFIG_EDGE);
      }
      for (let id = 16; id < 32; id++) {
        assert.equal(c.getIrq(v, id)!.enabled, false);
        assert.equal(c.getIrq(v, id)!.config, VGIC_CONFIG_LEVEL);
        assert.equal(c.getIrq(v, id)!.targetVcpu, v);
      }
    }
    for (const s of c.spis) {
      assert.equal(s.config, VGIC_CONFIG_LEVEL);
      assert.equal(s.priority, 0);
      assert.equal(s.targetVcpu, 0);
    }
  });

  it('lazy init on first injection', () => {
    const m = new Machine();
    m.vgic.injectIrq(null, SPI, true);
    assert.equal(m.vgic.initialized, true);
  });
});
