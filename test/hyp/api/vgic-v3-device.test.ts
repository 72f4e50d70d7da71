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
  VGIC_ADDR_UNDEF,
} from '../../../src/hyp/api/kvm-vgic-addr.ts';
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
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD + 0x1000n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x0900_0000n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD)), 'ok');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR)), 'ok');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V2_ADDR_TYPE_DIST, GICD)), 'ENXIO');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V2_ADDR_TYPE_CPU, 0x0801_0000n)), 'ENXIO');
    assert.deepEqual(dev.hasAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION), { ok: true, value: true });
    assert.deepEqual(dev.hasAttr(A, KVM_VGIC_V2_ADDR_TYPE_CPU), { ok: true, value: false });
    assert.deepEqual(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST), { ok: true, value: GICR });
  });

  it('REDIST_REGION: count >= 1, no flags, index 0 first, at the board base; reads back base and count by index', () => {
    const { dev } = v3Device(2);
    const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
    const R = KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION;
    assert.equal(errno(dev.getAttr(A, R, 0n)), 'ENOENT');
    assert.equal(errno(dev.setAttr(A, R, region(0n))), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, R, region(2n, GICR, 1n))), 'EINVAL'); // the first must be index 0
    assert.equal(errno(dev.setAttr(A, R, region(2n, GICR, 0n, 1n))), 'EINVAL'); // flags
    assert.equal(errno(dev.setAttr(A, R, region(2n, GICR + 0x2_0000n))), 'EINVAL'); // not the board's
    assert.equal(errno(dev.setAttr(A, R, region(2n, GICR + 0x1000n))), 'EINVAL'); // 64 KiB alignment
    assert.equal(errno(dev.setAttr(A, R, region(2n, 1n << 40n))), 'E2BIG'); // beyond the 40-bit IPA space
    assert.equal(errno(dev.setAttr(A, R, region(2n))), 'ok');
    assert.deepEqual(dev.getAttr(A, R, 0n), { ok: true, value: region(2n) });
    assert.deepEqual(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST), { ok: true, value: GICR });
    assert.equal(errno(dev.getAttr(A, R, 1n)), 'ENOENT');
    // the next region must be index 1; a legacy REDIST after regions is mixing (EINVAL)
    assert.equal(errno(dev.setAttr(A, R, region(2n))), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR)), 'EINVAL');
  });
});

/** KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION's value: count [63:52], base, flags [15:12], index [11:0] */
const region = (count: bigint, base = GICR, index = 0n, flags = 0n) =>
  (count << 52n) | base | (flags << 12n) | index;

describe('arm-vgic-v3: an address set twice (vgic_check_iorange, vgic_v3_alloc_redist_region: -EEXIST)', () => {
  it('a second KVM_VGIC_V3_ADDR_TYPE_REDIST is EEXIST, at the same address or another; REDIST_REGION after it is EINVAL', () => {
    const { dev } = v3Device(2);
    const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
    assert.equal(unwrap(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST)), VGIC_ADDR_UNDEF);
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR)), 'ok');
    for (const a of [GICR, GICR + 0xe_0000n, 0x0900_0000n, GICR + 0x1000n])
      assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, a)), 'EEXIST', `0x${a.toString(16)}`);
    // the selftest's "attempt to mix GICv3 REDIST and REDIST_REGION": index 0 again
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(2n))), 'EINVAL');
    // the legacy region reads back as region 0 with count 0 (one redistributor per vcpu)
    assert.deepEqual(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 0n), { ok: true, value: GICR });
    assert.equal(unwrap(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST)), GICR);
  });

  it('a second DIST is EEXIST before its alignment or address is looked at', () => {
    const { dev } = v3Device(1);
    const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
    assert.equal(unwrap(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST)), VGIC_ADDR_UNDEF);
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD + 0x1000n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, 1n << 40n)), 'E2BIG');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD)), 'ok');
    for (const a of [GICD, GICD + 0x1000n, 1n << 40n])
      assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, a)), 'EEXIST');
    assert.equal(unwrap(dev.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST)), GICD);
  });

  it('a failed set leaves the frame undefined: a later good value is accepted', () => {
    const { dev } = v3Device(2);
    const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR + 0x8000n)), 'EINVAL');
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR)), 'ok');
  });

  it('regions holding fewer redistributors than vcpus are accepted; the first KVM_RUN is ENXIO (vgic_v3_map_resources)', () => {
    const { kvm, dev } = v3Device(3);
    const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
    assert.equal(errno(dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(2n))), 'ok');
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    assert.equal(errno(kvm.run({ instructions: 10 })), 'ENXIO');
    const full = v3Device(3);
    assert.equal(errno(full.dev.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region(3n))), 'ok');
    // a GICv3 vgic is not initialized on demand (vgic_v3_map_resources): -EBUSY until CTRL_INIT
    assert.equal(errno(full.kvm.run({ instructions: 10 })), 'EBUSY');
    assert.equal(errno(full.dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    assert.equal(errno(full.kvm.run({ instructions: 10 })), 'ok');
  });
});

describe('arm-vgic-v3: CTRL_INIT and the register groups', () => {
  it('after CTRL_INIT addresses are still taken (QEMU sets them after init); DIST_REGS reads GICD_CTLR (ARE_NS | DS); CPU_REGS is v2 only (ENXIO)', () => {
    const { dev } = v3Device();
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT)), 'ok');
    assert.equal(
      errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD + 0x1_0000n)),
      'EINVAL',
    );
    assert.equal(errno(dev.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD)), 'ok');
    assert.deepEqual(dev.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0n), { ok: true, value: 0x50n });
    assert.deepEqual(dev.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0n), { ok: true, value: true });
    assert.equal(errno(dev.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0n)), 'ENXIO');
    assert.deepEqual(dev.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0n), { ok: true, value: false });
  });
});
