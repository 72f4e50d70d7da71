// KVM_{HAS,GET,SET}_DEVICE_ATTR, group KVM_ARM_VCPU_PMU_V3_CTRL: KVM's
// errnos and ordering (IRQ a PPI shared by every vcpu or an SPI per vcpu,
// INIT after the vgic init, -EBUSY after INIT or after the VM ran), the
// event filter that really stops counting (and masks PMCEID), a PMU on
// another PPI, and the releases without vcpu attributes (4.2, 4.3).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOARD_ASM_SYMBOL_MAP } from '../../../src/hw/board/asm-symbols.ts';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import {
  createVm,
  HOST_PMU_TYPE,
  KVM_ARM_VCPU_PMU_V3_CTRL as CTRL,
  KVM_ARM_VCPU_PMU_V3_FILTER as FILTER,
  KVM_ARM_VCPU_PMU_V3_INIT as INIT,
  KVM_ARM_VCPU_PMU_V3_IRQ as IRQ,
  KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS,
  KVM_ARM_VCPU_PMU_V3_SET_PMU as SET_PMU,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_PMU_EVENT_ALLOW as ALLOW,
  KVM_PMU_EVENT_DENY as DENY,
  type KvmResult,
} from '../../../src/hyp/api/index.ts';
import { unwrap } from '../helpers/guest-vm.ts';

const errno = <T>(r: KvmResult<T>): string => (r.ok ? 'ok' : r.errno);

function vm(vcpus: number, policy = 'linux-7.0', device = true) {
  const kvm = createVm({ policy, vcpus });
  const v = Array.from({ length: vcpus }, (_, i) => unwrap(kvm.createVcpu(i)));
  const dev = device ? unwrap(kvm.createDevice('arm-vgic-v2')) : null;
  const initVgic = () => unwrap(dev!.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
  return { kvm, v, initVgic };
}

const RES = 0x4100_0000;
const BASE = 0x4008_0000;

/**
 * Counter 0 counts INST_RETIRED, counter 1 SW_INCR (three PMSWINC writes),
 * the cycle counter cycles, over a short loop; results at RES: PMCCNTR,
 * PMEVCNTR0, PMEVCNTR1, PMCEID0. Then counter 2 counts instructions from
 * 0xfffffff0 with its interrupt enabled: the PMU interrupt's INTID at RES + 32.
 */
const GUEST = `
_start:
        ldr     x0, =vectors
        msr     vbar_el1, x0
        ldr     x20, =${RES}
        ldr     x21, =GICD_BASE
        ldr     x22, =GICC_BASE
        mov     x0, #8
        msr     pmevtyper0_el0, x0
        msr     pmevtyper1_el0, xzr
        msr     pmccfiltr_el0, xzr
        mov     x0, #1
        msr     pmcr_el0, x0
        ldr     x0, =0x80000003
        msr     pmcntenset_el0, x0
        mov     x2, #50
1:      subs    x2, x2, #1
        b.ne    1b
        mov     x0, #2
        msr     pmswinc_el0, x0
        msr     pmswinc_el0, x0
        msr     pmswinc_el0, x0
        ldr     x0, =0x80000003
        msr     pmcntenclr_el0, x0
        mrs     x0, pmccntr_el0
        str     x0, [x20, #0]
        mrs     x0, pmevcntr0_el0
        str     x0, [x20, #8]
        mrs     x0, pmevcntr1_el0
        str     x0, [x20, #16]
        mrs     x0, pmceid0_el0
        str     x0, [x20, #24]
        // the overflow interrupt: every PPI enabled, whichever the PMU was given
        mov     w0, #1
        str     w0, [x21, #GICD_CTLR]
        mov     w0, #0xffff0000
        str     w0, [x21, #GICD_ISENABLER]
        mov     w0, #0xf0
        str     w0, [x22, #GICC_PMR]
        mov     w0, #1
        str     w0, [x22, #GICC_CTLR]
        mov     x0, #8
        msr     pmevtyper2_el0, x0
        ldr     x0, =0xfffffff0
        msr     pmevcntr2_el0, x0
        mov     x0, #4
        msr     pmintenset_el1, x0
        msr     pmcntenset_el0, x0
        msr     daifclr, #2
        mov     x2, #100
2:      subs    x2, x2, #1
        b.ne    2b
        ldr     x0, =PSCI_SYSTEM_OFF
        hvc     #0
        b       .
irq:
        ldr     w10, [x22, #GICC_IAR]
        and     w11, w10, #0x3ff
        str     x11, [x20, #32]
        mov     x12, #4
        msr     pmovsclr_el0, x12
        msr     pmcntenclr_el0, x12
        str     w10, [x22, #GICC_EOIR]
        eret
        .balign 2048
vectors:
${'        b       .\n        .balign 0x80\n'.repeat(5)}        b       irq
`;

/** The vgic initialized, then IRQ and INIT as QEMU does them (kvm_arm_pmu_init). */
function initPmu(k: ReturnType<typeof vm>, irq = 23): void {
  k.initVgic();
  unwrap(k.v[0].setDeviceAttr(CTRL, IRQ, irq));
  unwrap(k.v[0].setDeviceAttr(CTRL, INIT));
}

function runGuest(configure: (k: ReturnType<typeof vm>) => void) {
  const k = vm(1);
  configure(k);
  const img = assemble(GUEST, { base: BASE, predefined: BOARD_ASM_SYMBOL_MAP });
  unwrap(k.kvm.loadImage(img.bytes, img.entry, BASE));
  const exit = unwrap(k.kvm.run({ instructions: 100_000 }));
  assert.equal(exit.systemEvent, 'shutdown');
  const ram = k.kvm.vm.board.ram;
  const r = (i: number) => ram.read64(RES + 8 * i);
  return { cycles: r(0), instret: r(1), swinc: r(2), pmceid0: r(3), intid: r(4), k };
}

describe('KVM_ARM_VCPU_PMU_V3_CTRL on linux-7.0', () => {
  it('KVM_HAS_DEVICE_ATTR: IRQ, INIT, FILTER, SET_PMU; not SET_NR_COUNTERS (not modelled) nor other groups', () => {
    const { v } = vm(1);
    assert.deepEqual(
      [IRQ, INIT, FILTER, SET_PMU, KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, 9].map((a) =>
        errno(v[0].hasDeviceAttr(CTRL, a)),
      ),
      ['ok', 'ok', 'ok', 'ok', 'ENXIO', 'ENXIO'],
    );
    assert.equal(errno(v[0].hasDeviceAttr(1, 0)), 'ENXIO'); // KVM_ARM_VCPU_TIMER_CTRL
  });

  it('IRQ: needs the irqchip; a PPI or SPI; a PPI the same on every vcpu; once per vcpu; GET reads it back', () => {
    assert.equal(errno(vm(1, 'linux-7.0', false).v[0].setDeviceAttr(CTRL, IRQ, 23)), 'EINVAL');
    const { v } = vm(2);
    assert.equal(errno(v[0].getDeviceAttr(CTRL, IRQ)), 'ENXIO', 'not set yet');
    for (const bad of [5, 15, 1020, 23.5]) assert.equal(errno(v[0].setDeviceAttr(CTRL, IRQ, bad)), 'EINVAL');
    unwrap(v[0].setDeviceAttr(CTRL, IRQ, 23));
    assert.equal(errno(v[0].setDeviceAttr(CTRL, IRQ, 23)), 'EBUSY');
    assert.equal(errno(v[1].setDeviceAttr(CTRL, IRQ, 22)), 'EINVAL', 'vcpu0 has PPI 23');
    unwrap(v[1].setDeviceAttr(CTRL, IRQ, 23));
    assert.equal(unwrap(v[1].getDeviceAttr(CTRL, IRQ)), 23);
    assert.equal(errno(v[0].getDeviceAttr(CTRL, INIT)), 'ENXIO', 'only IRQ can be read');
    const spi = vm(2).v;
    unwrap(spi[0].setDeviceAttr(CTRL, IRQ, 40));
    assert.equal(errno(spi[1].setDeviceAttr(CTRL, IRQ, 40)), 'EINVAL', 'an SPI is per vcpu');
    unwrap(spi[1].setDeviceAttr(CTRL, IRQ, 41));
    // pmu_irq_is_valid() checks an SPI against the other vcpus' numbers only: a PPI here, an SPI there passes
    const mixed = vm(2).v;
    unwrap(mixed[0].setDeviceAttr(CTRL, IRQ, 23));
    unwrap(mixed[1].setDeviceAttr(CTRL, IRQ, 42));
  });

  it('INIT: after the vgic init (-ENODEV before), with an IRQ (-ENXIO without); then every set is -EBUSY', () => {
    const { v, initVgic } = vm(1);
    assert.equal(errno(v[0].setDeviceAttr(CTRL, INIT)), 'ENODEV');
    initVgic();
    assert.equal(errno(v[0].setDeviceAttr(CTRL, INIT)), 'ENXIO');
    unwrap(v[0].setDeviceAttr(CTRL, IRQ, 23));
    unwrap(v[0].setDeviceAttr(CTRL, INIT));
    for (const [a, arg] of [
      [IRQ, 23],
      [INIT, undefined],
      [SET_PMU, HOST_PMU_TYPE],
      [FILTER, { base_event: 0, nevents: 1, action: ALLOW }],
    ] as const)
      assert.equal(errno(v[0].setDeviceAttr(CTRL, a, arg)), 'EBUSY');
  });

  it('FILTER and SET_PMU: arguments checked, -EBUSY once the VM ran; KVM_RUN wants a vPMU userspace started to set up initialized', () => {
    const { kvm, v, initVgic } = vm(1);
    assert.equal(errno(v[0].setDeviceAttr(CTRL, SET_PMU, 7)), 'ENXIO');
    unwrap(v[0].setDeviceAttr(CTRL, SET_PMU, HOST_PMU_TYPE));
    for (const f of [
      { base_event: 1000, nevents: 25, action: ALLOW },
      { base_event: 0, nevents: 1, action: 2 },
    ])
      assert.equal(errno(v[0].setDeviceAttr(CTRL, FILTER, f)), 'EINVAL');
    unwrap(v[0].setDeviceAttr(CTRL, FILTER, { base_event: 0, nevents: 1024, action: DENY }));
    initVgic();
    assert.equal(errno(kvm.run({ instructions: 10 })), 'EINVAL', 'touched the group, never INIT');
    unwrap(v[0].setDeviceAttr(CTRL, IRQ, 23));
    unwrap(v[0].setDeviceAttr(CTRL, INIT));
    unwrap(kvm.run({ instructions: 10 }));
    const fresh = vm(1);
    fresh.initVgic();
    unwrap(fresh.kvm.run({ instructions: 10 })); // never touched: QEMU's PPI 23
    assert.equal(unwrap(fresh.v[0].getDeviceAttr(CTRL, IRQ)), 23);
    assert.equal(
      errno(fresh.v[0].setDeviceAttr(CTRL, FILTER, { base_event: 0, nevents: 1, action: DENY })),
      'EBUSY',
    );
    assert.equal(errno(fresh.v[0].setDeviceAttr(CTRL, SET_PMU, HOST_PMU_TYPE)), 'EBUSY');
  });

  it('the filter really filters: denied CPU_CYCLES stops PMCCNTR and leaves PMCEID0; SW_INCR and CHAIN are never filtered', () => {
    const none = runGuest(({ initVgic }) => initVgic());
    assert.ok(
      none.cycles > 100n && none.instret > 100n,
      `${none.cycles} cycles, ${none.instret} instructions`,
    );
    assert.equal(none.swinc, 3n);
    assert.equal(none.pmceid0, 0x4002_0101n);
    const deny = runGuest((k) => {
      unwrap(k.v[0].setDeviceAttr(CTRL, FILTER, { base_event: 0x11, nevents: 1, action: DENY }));
      initPmu(k);
    });
    assert.deepEqual(
      [deny.cycles, deny.instret, deny.swinc, deny.pmceid0],
      [0n, none.instret, 3n, 0x4000_0101n],
    );
    const allow = runGuest((k) => {
      unwrap(k.v[0].setDeviceAttr(CTRL, FILTER, { base_event: 8, nevents: 1, action: ALLOW }));
      initPmu(k);
    });
    assert.deepEqual(
      [allow.cycles, allow.instret, allow.swinc, allow.pmceid0],
      [0n, none.instret, 3n, 0x100n],
    );
  });

  it('a PMU on PPI 21 interrupts as INTID 21; on PPI 27 the timer cannot own its PPI: KVM_RUN -EBUSY', () => {
    const on = (irq: number) => runGuest((k) => initPmu(k, irq));
    assert.equal(on(23).intid, 23n);
    assert.equal(on(21).intid, 21n);
    const { kvm, v, initVgic } = vm(1);
    unwrap(v[0].setDeviceAttr(CTRL, IRQ, 27));
    initVgic();
    unwrap(v[0].setDeviceAttr(CTRL, INIT));
    assert.equal(errno(kvm.run({ instructions: 10 })), 'EBUSY');
  });
});

for (const policy of ['linux-4.2', 'linux-4.3'])
  describe(`KVM_ARM_VCPU_PMU_V3_CTRL on ${policy}`, () => {
    it('no vcpu device attributes before 4.6: every call -EINVAL (kvm_arch_vcpu_ioctl does not know them)', () => {
      const { v } = vm(1, policy);
      assert.equal(errno(v[0].hasDeviceAttr(CTRL, IRQ)), 'EINVAL');
      assert.equal(errno(v[0].getDeviceAttr(CTRL, IRQ)), 'EINVAL');
      assert.equal(errno(v[0].setDeviceAttr(CTRL, IRQ, 23)), 'EINVAL');
    });
  });
