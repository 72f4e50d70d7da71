// The arm-vgic-v3 device (KVM_DEV_TYPE_ARM_VGIC_V3) on a GICv3 board: its
// GRP_ADDR types (DIST, REDIST, REDIST_REGION) with KVM's errnos, the v2
// types refused, CTRL_INIT; and the device type against the host GIC.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KVM_VGIC_V2_ADDR_TYPE_CPU,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
} from '../../../src/hyp/api/kvm-vgic-device.ts';
import { createVm, type KvmResult } from '../../../src/hyp/api/index.ts';
import {
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
} from '../../../src/hyp/api/uapi.ts';
import { unwrap } from '../helpers/guest-vm.ts';

const errno = <T>(r: KvmResult<T>): string => (r.ok ? 'ok' : r.errno);
const GICD = 0x0800_0000n;
const GICR = 0x080a_0000n;

function v3Device(vcpus = 2) {
  const kvm = createVm({ policy: 'linux-7.0', gic: 'v3', vcpus });
  for (let i = 0; i < vcpus; i++) unwrap(kvm.createVcpu(i));
  return { kvm, dev: unwrap(kvm.createDevice('arm-vgic-v3')) };
}

describe('arm-vgic-v3: KVM_DEV_ARM_VGIC_GRP_ADDR', () => {
  it('DIST and REDIST at the board addresses; misaligned or elsewhere EINVAL; the v2 types ENXIO', () => {
    const { dev } = v3Device();
    const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD)), 'ok');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR)), 'ok');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD + 0x1000n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x0900_0000n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V2_ADDR_TYPE_DIST, GICD)), 'ENXIO');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V2_ADDR_TYPE_CPU, 0x0801_0000n)), 'ENXIO');
    assert.deepEqual(dev.hasAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION), { ok: true, value: true });
    assert.deepEqual(dev.hasAttr(A, KVM_VGIC_V2_ADDR_TYPE_CPU), { ok: true, value: false });
    assert.deepEqual(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST), { ok: true, value: GICR });
  });

  it('REDIST_REGION: index 0, no flags, count covering every vcpu, at the board base; reads back base and count', () => {
    const { dev } = v3Device(2);
    const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
    const region = (count: bigint, base = GICR, index = 0n, flags = 0n) =>
      (count << 52n) | base | (flags << 12n) | index;
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(0n))), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(1n))), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(2n, GICR, 1n))), 'EINVAL');
    assert.equal(
      errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(2n, GICR, 0n, 1n))),
      'EINVAL',
    );
    assert.equal(
      errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(2n, GICR + 0x2_0000n))),
      'EINVAL',
    );
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(2n))), 'ok');
    assert.deepEqual(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION), { ok: true, value: region(2n) });
  });

  it('after CTRL_INIT addresses are still taken (QEMU sets them after init); DIST_REGS reads GICD_CTLR (ARE_NS | DS); CPU_REGS is v2 only (ENXIO)', () => {
    const { dev } = v3Device();
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD)), 'ok');
    assert.equal(
      errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD + 0x1_0000n)),
      'EINVAL',
    );
    assert.deepEqual(dev.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0n), { ok: true, value: 0x50n });
    assert.deepEqual(dev.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0n), { ok: true, value: true });
    assert.equal(errno(dev.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0n)), 'ENXIO');
    assert.deepEqual(dev.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0n), { ok: true, value: false });
  });
});
