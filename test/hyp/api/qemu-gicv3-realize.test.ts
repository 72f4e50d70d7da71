// A GICv3 VM built through the KVM API in the order QEMU 7.2's virt board
// does it with -accel kvm -machine gic-version=3 (kvm_arm_gicv3_realize and
// kvm_arm_machine_init_done): every vcpu first (KVM_CREATE_VCPU), then
// KVM_CREATE_DEVICE(KVM_DEV_TYPE_ARM_VGIC_V3), KVM_HAS_DEVICE_ATTR of
// KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION (QEMU uses regions when the kernel has
// them), GRP_NR_IRQS, GRP_CTRL CTRL_INIT, and only then the addresses:
// KVM_VGIC_V3_ADDR_TYPE_DIST and one REDIST_REGION (index 0, count = the
// vcpus the region holds). The guests then run as on a VM built directly.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_BOARD, type BoardConfig } from '../../../src/hw/board/board.ts';
import { MEMMAP } from '../../../src/hw/board/memory-map.ts';
import { assemble } from '../../../src/hw/cpu/asm/index.ts';
import { createVm, type KvmResult } from '../../../src/hyp/api/index.ts';
import {
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
} from '../../../src/hyp/api/kvm-vgic-addr.ts';
import {
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_TYPE_ARM_VGIC_V3,
} from '../../../src/hyp/api/uapi.ts';
import { Vm } from '../../../src/hyp/vm.ts';
import { ASM_GUEST_DIR, GUEST_BASE } from '../../integration/helpers.ts';
import { unwrap } from '../helpers/guest-vm.ts';

const errno = <T>(r: KvmResult<T>): string => (r.ok ? 'ok' : r.errno);
const LIMITS = { ticks: 200_000, instructions: 200_000 };
/** QEMU's virt: NUM_IRQS (256 SPIs) + GIC_INTERNAL (32) */
const QEMU_NUM_IRQ = 288;
const SPIS = QEMU_NUM_IRQ - 32;

/** The VMM side of qemu-system-aarch64 -accel kvm -M virt,gic-version=3 -smp `vcpus`. */
function qemuKvmGicv3(vcpus: number) {
  const kvm = createVm({ policy: 'linux-7.0', gic: 'v3', vcpus, spis: SPIS });
  for (let i = 0; i < vcpus; i++) unwrap(kvm.createVcpu(i));
  const gic = unwrap(kvm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3));
  const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
  assert.equal(unwrap(gic.hasAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION)), true);
  unwrap(gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0n, BigInt(QEMU_NUM_IRQ)));
  unwrap(gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
  assert.equal(kvm.vm.vgic.initialized, true);
  // kvm_arm_machine_init_done: the addresses, after CTRL_INIT
  unwrap(gic.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, BigInt(MEMMAP.GICD.base)));
  const region = BigInt(MEMMAP.GICR.base) | (BigInt(vcpus) << 52n); // index 0, count [63:52]
  unwrap(gic.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, region));
  assert.equal(unwrap(gic.getAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION)), region);
  return { kvm, gic };
}

const source = (name: string) => readFileSync(join(ASM_GUEST_DIR, name), 'utf8');

function direct(src: string) {
  const board: BoardConfig = { ...DEFAULT_BOARD, cpus: 1, pcpus: 1, spis: SPIS, gic: 'v3' };
  const vm = new Vm({ board, policy: 'linux-7.0' });
  const img = assemble(src, { base: GUEST_BASE });
  vm.load(GUEST_BASE, img.bytes, img.entry);
  return { end: vm.run(LIMITS), uart: vm.board.uart.outputText() };
}

describe("KVM_DEV_TYPE_ARM_VGIC_V3 created as QEMU 7.2's kvm_arm_gicv3 does", () => {
  it('-smp 1: vcpu, device, NR_IRQS 288, CTRL_INIT, then DIST and REDIST_REGION; gicv3.s runs as on a VM built directly', () => {
    const { kvm } = qemuKvmGicv3(1);
    const src = source('gicv3.s');
    const img = assemble(src, { base: GUEST_BASE });
    unwrap(kvm.loadImage(img.bytes, img.entry, GUEST_BASE));
    const exit = unwrap(kvm.run(LIMITS));
    const want = direct(src);
    // gicv3.s's SPI 40 is never taken under KVM (test/integration/gicv3-vm.test.ts): both stop at the limit
    assert.deepEqual([exit.reason, want.end], ['limit', 'limit']);
    assert.equal(kvm.vm.board.uart.outputText(), want.uart);
    // the SGI by ICC_SGI1R_EL1 and the virtual timer taken through the vgic-v3
    assert.deepEqual(
      kvm.vm.acks.entries.map((a) => a.intid),
      [5, 27],
    );
  });

  for (const n of [2, 3, 8])
    it(`-smp ${n}: the same sequence is accepted; the region again is EINVAL (index 0 is taken), the DIST again EEXIST`, () => {
      const { kvm, gic } = qemuKvmGicv3(n);
      assert.equal(kvm.vm.vcpus.length, n);
      const again = BigInt(MEMMAP.GICR.base) | (BigInt(n) << 52n);
      const A = KVM_DEV_ARM_VGIC_GRP_ADDR;
      assert.equal(errno(gic.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, again)), 'EINVAL');
      assert.equal(errno(gic.setAttr(A, KVM_VGIC_V3_ADDR_TYPE_DIST, BigInt(MEMMAP.GICD.base))), 'EEXIST');
    });
});
