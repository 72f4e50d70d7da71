// The userspace API's rules: creation order, the vgic device, KVM_IRQ_LINE
// encoding and errors, ONE_REG ids and semantics (seed rule 4), KVM_RUN.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  arm64SysReg,
  createVm,
  decodeKvmIrq,
  KVM_ARM_IRQ_TYPE_CPU,
  KVM_ARM_IRQ_TYPE_PPI,
  KVM_ARM_IRQ_TYPE_SPI,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_REG_ARM_PTIMER_CNT,
  KVM_REG_ARM_PTIMER_CTL,
  KVM_REG_ARM_PTIMER_CVAL,
  KVM_REG_ARM_TIMER_CNT,
  KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CVAL,
  KVM_VGIC_V2_ADDR_TYPE_CPU,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
  type KvmResult,
  kvmIrq,
} from '../../../src/hyp/api/index.ts';
import { POLICIES, POWEROFF, prologue, TIMER_BIT, unwrap, VECTORS } from '../helpers/guest-vm.ts';
import { vmGuest } from '../helpers/vm-guest.ts';

function errno<T>(r: KvmResult<T>): string {
  return r.ok ? 'ok' : r.errno;
}

/** A VM with `n` vcpus and the vgic device, initialized or not. */
function vmWith(n: number, init: boolean, policy = 'level') {
  const kvm = createVm({ policy, vcpus: n });
  const vcpus = Array.from({ length: n }, (_, i) => unwrap(kvm.createVcpu(i)));
  const dev = unwrap(kvm.createDevice('arm-vgic-v2'));
  if (init) unwrap(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
  return { kvm, vcpus, dev };
}

describe('ABI constants', () => {
  it('timer ONE_REG ids are KVM’s, CNT and CVAL swapped against the architecture', () => {
    assert.equal(KVM_REG_ARM_TIMER_CTL, 0x603000000013df19n);
    assert.equal(KVM_REG_ARM_TIMER_CNT, 0x603000000013df1an);
    assert.equal(KVM_REG_ARM_TIMER_CVAL, 0x603000000013df02n);
    // architectural: CNTVCT_EL0 = (3,3,14,0,2), CNTV_CVAL_EL0 = (3,3,14,3,2)
    assert.equal(KVM_REG_ARM_TIMER_CNT, arm64SysReg(3, 3, 14, 3, 2));
    assert.equal(KVM_REG_ARM_TIMER_CVAL, arm64SysReg(3, 3, 14, 0, 2));
    assert.equal(KVM_REG_ARM_PTIMER_CTL, 0x603000000013df11n);
    assert.equal(KVM_REG_ARM_PTIMER_CVAL, 0x603000000013df12n);
    assert.equal(KVM_REG_ARM_PTIMER_CNT, 0x603000000013df01n);
  });

  it('KVM_IRQ_LINE layout: type [31:24], vcpu [23:16], number [15:0]', () => {
    assert.equal(kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 3, 27), 0x0203_001b);
    assert.equal(kvmIrq(KVM_ARM_IRQ_TYPE_SPI, 0, 40), 0x0100_0028);
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(0xffff), (type, vcpu, num) => {
        assert.deepEqual(decodeKvmIrq(kvmIrq(type, vcpu, num)), { type, vcpu, num });
      }),
    );
  });
});

describe('creation order', () => {
  it('vcpus: in range, once each, before the vgic init', () => {
    const kvm = createVm({ policy: 'level', vcpus: 2 });
    assert.equal(errno(kvm.createVcpu(2)), 'EINVAL');
    assert.equal(errno(kvm.createVcpu(-1)), 'EINVAL');
    assert.equal(errno(kvm.createVcpu(0)), 'ok');
    assert.equal(errno(kvm.createVcpu(0)), 'EEXIST');
    const dev = unwrap(kvm.createDevice('arm-vgic-v2'));
    assert.equal(errno(kvm.createDevice('arm-vgic-v2')), 'EEXIST');
    // no GICv3 on this host: the device type is not registered (kvm_ioctl_create_device: -ENODEV)
    assert.equal(errno(kvm.createDevice('arm-vgic-v3')), 'ENODEV');
    // vcpu 1 is missing: the board was sized at createVm
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'EINVAL');
    assert.equal(errno(kvm.run({ instructions: 1 })), 'EINVAL');
    unwrap(kvm.createVcpu(1));
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    assert.equal(kvm.vm.vgic.initialized, true);
    // INIT twice is fine; vcpus after init are refused
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    const late = createVm({ policy: 'level', vcpus: 2 });
    unwrap(late.createVcpu(0));
    unwrap(late.createVcpu(1));
    unwrap(late.createDevice('arm-vgic-v2'));
    unwrap(late.initVgic());
    assert.equal(errno(late.createVcpu(1)), 'EBUSY');
  });

  it('device attributes: NR_IRQS and ADDR take the board’s values; NR_IRQS before init only, ADDR after it too (QEMU’s order)', () => {
    const { kvm, dev } = vmWith(1, false);
    assert.equal(unwrap(dev.getAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n)), 96n);
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, 128n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, 1024n)), 'EINVAL'); // > VGIC_MAX_RESERVED
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, 96n)), 'ok');
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, 100n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, 96n)), 'EBUSY'); // nr_spis is set
    assert.equal(
      errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, 0x0900_0000n)),
      'EINVAL',
    );
    assert.equal(
      errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, 0x0800_0800n)),
      'EINVAL',
    ); // 4 KiB alignment
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, 7n)), 'ENXIO');
    assert.equal(unwrap(dev.hasAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), true);
    unwrap(kvm.initVgic());
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, 96n)), 'EBUSY');
    assert.equal(
      errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, 0x0800_0000n)),
      'ok',
    );
    // vgic_check_iorange: the frame is defined now, whatever the new value
    for (const a of [0x0800_0000n, 0x0900_0000n, 0x0800_0800n])
      assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, a)), 'EEXIST');
    assert.equal(
      unwrap(dev.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU)),
      0xffff_ffff_ffff_ffffn,
    );
    assert.equal(
      errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, 0x0801_0000n)),
      'ok',
    );
    assert.equal(
      errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, 0x0801_0000n)),
      'EEXIST',
    );
    assert.equal(unwrap(dev.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU)), 0x0801_0000n);
  });
});

describe('KVM_IRQ_LINE', () => {
  it('errors: KVM’s -EINVAL / -ENXIO cases as typed results', () => {
    const bare = createVm({ policy: 'level' });
    unwrap(bare.createVcpu(0));
    assert.equal(errno(bare.irqLine(kvmIrq(KVM_ARM_IRQ_TYPE_SPI, 0, 40), 1)), 'ENXIO'); // no irqchip
    const { kvm } = vmWith(2, false);
    const cases: [number, string][] = [
      [kvmIrq(KVM_ARM_IRQ_TYPE_CPU, 0, 0), 'ENXIO'], // in-kernel irqchip present
      [kvmIrq(KVM_ARM_IRQ_TYPE_SPI, 0, 31), 'EINVAL'], // SPI below 32
      [kvmIrq(KVM_ARM_IRQ_TYPE_SPI, 0, 96), 'EINVAL'], // no such SPI (64 SPIs)
      [kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 0, 5), 'EINVAL'], // SGI
      [kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 0, 15), 'EINVAL'], // SGI
      [kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 0, 32), 'EINVAL'], // not a PPI
      [kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 2, 20), 'EINVAL'], // no vcpu 2
      [kvmIrq(3, 0, 40), 'EINVAL'], // no such type
      [kvmIrq(KVM_ARM_IRQ_TYPE_SPI, 0, 32), 'ok'],
      [kvmIrq(KVM_ARM_IRQ_TYPE_SPI, 7, 95), 'ok'], // vcpu index ignored for SPIs
      [kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 1, 16), 'ok'],
      [kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 1, 31), 'ok'],
    ];
    for (const [irq, want] of cases)
      assert.equal(errno(kvm.irqLine(irq, 1)), want, `irq 0x${irq.toString(16)}`);
    // a valid injection initialized the vgic lazily (GICv2)
    assert.equal(kvm.vm.vgic.initialized, true);
    assert.equal(kvm.vm.vgic.irqState(1, 16)?.lineLevel, true);
    assert.equal(kvm.vm.vgic.irqState(0, 16)?.lineLevel, false);
  });

  it('a level SPI from userspace reaches the guest', () => {
    const guest = `${prologue(TIMER_BIT)}
    ldr     w2, =0x100
    str     w2, [x1, #0x104]        // GICD_ISENABLER1: SPI 40
    ldr     w2, =0x01010101
    str     w2, [x1, #0x828]        // GICD_ITARGETSR10: SPI 40 -> cpu0
    msr     daifclr, #2
1:  cmp     x20, #1
    b.ne    1b
${POWEROFF}
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]
    add     x20, x20, #1
    ldr     w3, =0x100
    str     w3, [x1, #0x184]        // GICD_ICENABLER1: SPI 40 off (the line stays high)
    str     w2, [x9, #0x10]
    eret
`;
    for (const policy of POLICIES)
      vmGuest(guest)
        .policy(policy)
        .run({ ticks: 100 })
        .irqLine(40, 1) // KVM_IRQ_LINE, KVM_ARM_IRQ_TYPE_SPI
        .run({ ticks: 100 })
        .irqLine(40, 0)
        .run({ instructions: 100_000 })
        .assertExit('poweroff', policy)
        .assertAcked([40], policy);
  });

  it('the timers’ own PPIs are silently not affected by userspace', () => {
    const { kvm } = vmWith(1, true);
    for (const id of [27, 30]) {
      assert.equal(errno(kvm.irqLine(kvmIrq(KVM_ARM_IRQ_TYPE_PPI, 0, id), 1)), 'ok');
      assert.equal(kvm.vm.vgic.irqState(0, id)?.lineLevel, false);
    }
    assert.equal(kvm.costs().injections, 0);
  });
});

describe('ONE_REG timer registers (seed rule 4)', () => {
  it('get/set round trip; CTL reads ISTATUS, ignores ISTATUS writes', () => {
    const { vcpus } = vmWith(1, true);
    const v = vcpus[0];
    unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0xffff_ffff_ffff_0000n));
    assert.equal(unwrap(v.getOneReg(KVM_REG_ARM_TIMER_CVAL)), 0xffff_ffff_ffff_0000n);
    unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CTL, 0x7n)); // ISTATUS (bit 2) is read-only
    assert.equal(unwrap(v.getOneReg(KVM_REG_ARM_TIMER_CTL)), 0x3n); // not met: no ISTATUS
    unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0n));
    assert.equal(unwrap(v.getOneReg(KVM_REG_ARM_TIMER_CTL)), 0x7n);
    unwrap(v.setOneReg(KVM_REG_ARM_PTIMER_CVAL, 123n));
    unwrap(v.setOneReg(KVM_REG_ARM_PTIMER_CTL, 1n));
    assert.equal(unwrap(v.getOneReg(KVM_REG_ARM_PTIMER_CVAL)), 123n);
    assert.equal(unwrap(v.getOneReg(KVM_REG_ARM_PTIMER_CTL)), 1n);
    assert.equal(errno(v.setOneReg(KVM_REG_ARM_PTIMER_CNT, 5n)), 'EINVAL');
    assert.equal(errno(v.getOneReg(0x6030_0000_0013_0000n)), 'ENOENT');
    assert.equal(errno(v.setOneReg(0x6030_0000_0013_0000n, 0n)), 'ENOENT');
  });

  it('CNT write sets the VM-wide virtual offset; after KVM_ARM_SET_COUNTER_OFFSET it is ignored', () => {
    const { kvm, vcpus } = vmWith(2, true);
    unwrap(vcpus[1].setOneReg(KVM_REG_ARM_TIMER_CNT, 1000n));
    for (const v of vcpus) assert.equal(unwrap(v.getOneReg(KVM_REG_ARM_TIMER_CNT)), 1000n);
    assert.equal(kvm.vm.vcpus[0].timer.cntvoff, BigInt.asUintN(64, -1000n));
    unwrap(kvm.setCounterOffset(0n));
    unwrap(vcpus[0].setOneReg(KVM_REG_ARM_TIMER_CNT, 77n));
    assert.equal(unwrap(vcpus[0].getOneReg(KVM_REG_ARM_TIMER_CNT)), 0n);
    assert.equal(errno(kvm.setCounterOffset(0n, 1n)), 'EINVAL');
  });

  it('level, before vgic init: level not recorded, no vgic call; the first flush catches up', () => {
    const guest = `${prologue(TIMER_BIT)}
    msr     daifclr, #2
1:  cmp     x20, #1
    b.ne    1b
${POWEROFF}
${VECTORS}
irq:
    ldr     w2, [x9, #0xc]
    add     x20, x20, #1
    mov     x3, #3
    msr     cntv_ctl_el0, x3        // IMASK: the line goes low
    str     w2, [x9, #0x10]
    eret
`;
    const g = vmGuest(guest).policy('level').lazyVgicInit();
    const v = g.kvm.vcpu(0);
    assert.ok(v);
    assert.equal(errno(g.kvm.createVcpu(0)), 'EEXIST');
    unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0n)); // already passed
    unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n)); // enabled: the timer should fire
    assert.equal(g.kvm.vm.vgic.initialized, false);
    assert.equal(v.timerLevel('virt'), false);
    assert.equal(g.costs().vgicCalls, 0);
    assert.equal(g.costs().injections, 0);
    // init at the first run, then the first flush
    g.run({ instructions: 100_000 }).assertExit('poweroff').assertAcked([27]).assertReg('x20', 1n);
    // raised at the first flush, lowered after the guest masked it
    assert.equal(g.exit.costs.vgicCalls, 2);
  });

  for (const policy of POLICIES) {
    it(`${policy}, after vgic init: ${policy === 'level' ? 'each level change signals the vgic at once' : 'writes are not re-evaluated (4.2)'}`, () => {
      const { kvm, vcpus } = vmWith(1, true, policy);
      const v = vcpus[0];
      const line = () => kvm.vm.vgic.irqState(0, 27)?.lineLevel;
      const pending = () => kvm.vm.vgic.irqState(0, 27)?.latch;
      unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0n));
      assert.equal(kvm.costs().vgicCalls, 0); // disabled: still low
      unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n)); // fires
      if (policy === 'level') {
        assert.equal(kvm.costs().vgicCalls, 1);
        assert.equal(v.timerLevel('virt'), true);
        assert.equal(line(), true);
        unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n)); // no change: no call
        assert.equal(kvm.costs().vgicCalls, 1);
        unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 1n << 40n)); // future: lowered
        assert.equal(kvm.costs().vgicCalls, 2);
        assert.equal(line(), false);
        unwrap(v.setOneReg(KVM_REG_ARM_TIMER_CNT, 1n << 41n)); // the counter passes CVAL: raised
        assert.equal(kvm.costs().vgicCalls, 3);
        assert.equal(line(), true);
      } else {
        assert.equal(kvm.costs().vgicCalls, 0);
        assert.equal(line() || pending(), false);
      }
    });
  }
});

describe('KVM_RUN exits', () => {
  it('limit, idle and internal-error', () => {
    const spin = vmGuest('_start: b _start').run({ instructions: 1000 }).assertExit('limit');
    assert.equal(spin.exit.instructions, 1000);
    vmGuest('_start: msr daifset, #2\n wfi\n b _start').run({ instructions: 1000 }).assertExit('idle');
    // LDP from the GICD has no valid syndrome: KVM cannot emulate it
    const ldp = vmGuest('_start: ldr x1, =0x08000000\n ldp w2, w3, [x1]\n b _start')
      .run({ instructions: 1000 })
      .assertExit('internal-error');
    assert.match(ldp.exit.message ?? '', /syndrome/);
  });

  it('an exception storm spends the instruction budget of each KVM_RUN, which moves time', () => {
    // No vector table: every entry's fetch faults (nothing retires). Each
    // run's budget counts from where the last one ended.
    const storm = vmGuest('_start: udf #0').run({ instructions: 1600 }).assertExit('limit');
    assert.equal(storm.exit.instructions, 0);
    assert.equal(storm.exit.ticks, 100, '1600 exception entries are 1600 cycles');
    storm.run({ instructions: 1600 }).assertExit('limit');
    assert.equal(storm.exit.ticks, 100);
  });
});
