// The arm-vgic-v2 device of a VM (KVM_CREATE_DEVICE): KVM_SET/GET/HAS_DEVICE_ATTR
// for its control, nr_irqs and address groups, and userspace access to
// the distributor and cpu interface registers (DIST_REGS / CPU_REGS)
// (Documentation/virt/kvm/devices/arm-vgic.rst).

import { MEMMAP } from '../../hw/board/memory-map.ts';
import { PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import type { Vm } from '../vm.ts';
import {
  fail,
  KVM_DEV_ARM_VGIC_CPUID_MASK,
  KVM_DEV_ARM_VGIC_CPUID_SHIFT,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_ARM_VGIC_OFFSET_MASK,
  type KvmResult,
  ok,
} from './uapi.ts';

/** KVM_VGIC_V2_ADDR_TYPE_DIST / _CPU */
export const KVM_VGIC_V2_ADDR_TYPE_DIST = 0n;
export const KVM_VGIC_V2_ADDR_TYPE_CPU = 1n;

/** What the device needs of its VM file descriptor (KvmVm). */
export interface VgicDeviceHost {
  readonly vm: Vm;
  /** KVM_DEV_ARM_VGIC_CTRL_INIT */
  initVgic(): KvmResult;
  vcpu(id: number): unknown;
}

/** The arm-vgic-v2 device: KVM_SET/GET/HAS_DEVICE_ATTR for the groups this model supports. */
export class KvmVgicDevice {
  constructor(private readonly kvm: VgicDeviceHost) {}

  hasAttr(group: number, attr: bigint): KvmResult<boolean> {
    switch (group) {
      case KVM_DEV_ARM_VGIC_GRP_CTRL:
        return ok(attr === KVM_DEV_ARM_VGIC_CTRL_INIT);
      case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
        return ok(true);
      case KVM_DEV_ARM_VGIC_GRP_ADDR:
        return ok(attr === KVM_VGIC_V2_ADDR_TYPE_DIST || attr === KVM_VGIC_V2_ADDR_TYPE_CPU);
      case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
      case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
        // vgic_v2_has_attr_regs: -ENXIO (false here) without a register at the offset
        return ok(this.kvm.vm.vgic.hasUaccess(regGroup(group), Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK)));
      default:
        return ok(false);
    }
  }

  setAttr(group: number, attr: bigint, value = 0n): KvmResult {
    const vm = this.kvm.vm;
    switch (group) {
      case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
      case KVM_DEV_ARM_VGIC_GRP_CPU_REGS: {
        const r = this.regsAccess(group, attr, true, Number(value & KVM_DEV_ARM_VGIC_OFFSET_MASK));
        return r.ok ? ok(undefined) : r;
      }
      case KVM_DEV_ARM_VGIC_GRP_CTRL:
        if (attr !== KVM_DEV_ARM_VGIC_CTRL_INIT) return fail('ENXIO', `no control attribute ${attr}`);
        return this.kvm.initVgic();
      case KVM_DEV_ARM_VGIC_GRP_NR_IRQS: {
        if (vm.vgic.initialized) return fail('EBUSY', 'the vgic is initialized');
        const n = Number(value);
        if (n < 64 || n > 1024 || n % 32 !== 0)
          return fail('EINVAL', `nr_irqs ${n}: 64..1024, multiple of 32`);
        // The board (and its physical GIC) was sized at createVm.
        if (n !== PRIVATE_COUNT + vm.board.config.spis)
          return fail('EINVAL', `nr_irqs ${n}: this board has ${PRIVATE_COUNT + vm.board.config.spis}`);
        return ok(undefined);
      }
      case KVM_DEV_ARM_VGIC_GRP_ADDR: {
        if (vm.vgic.initialized) return fail('EBUSY', 'the vgic is initialized');
        const want =
          attr === KVM_VGIC_V2_ADDR_TYPE_DIST
            ? MEMMAP.GICD.base
            : attr === KVM_VGIC_V2_ADDR_TYPE_CPU
              ? MEMMAP.GICC.base
              : undefined;
        if (want === undefined) return fail('ENXIO', `no address type ${attr}`);
        if (value !== BigInt(want)) return fail('EINVAL', `the board's frame is at 0x${want.toString(16)}`);
        return ok(undefined);
      }
      default:
        return fail('ENXIO', `attribute group ${group} is not supported`);
    }
  }

  getAttr(group: number, attr: bigint): KvmResult<bigint> {
    const vm = this.kvm.vm;
    switch (group) {
      case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
      case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
        return this.regsAccess(group, attr, false, 0);
      case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
        return ok(BigInt(PRIVATE_COUNT + vm.board.config.spis));
      case KVM_DEV_ARM_VGIC_GRP_ADDR:
        if (attr === KVM_VGIC_V2_ADDR_TYPE_DIST) return ok(BigInt(MEMMAP.GICD.base));
        if (attr === KVM_VGIC_V2_ADDR_TYPE_CPU) return ok(BigInt(MEMMAP.GICC.base));
        return fail('ENXIO', `no address type ${attr}`);
      default:
        return fail('ENXIO', `attribute group ${group} cannot be read`);
    }
  }

  /**
   * vgic_v2_attr_regs_access: the vcpu index must exist (-EINVAL); every
   * vcpu leaves KVM_RUN first (KVM: lock_all_vcpus, -EBUSY if one runs;
   * a VMM signals them: vm.userspace), the vgic is initialized (vgic_init),
   * then the 32-bit access as that vcpu (the release's rules: -ENXIO or
   * RAZ/WI for an offset with no register, see src/hyp/vgic/vgic-uaccess.ts).
   */
  private regsAccess(group: number, attr: bigint, write: boolean, value: number): KvmResult<bigint> {
    const vm = this.kvm.vm;
    const vcpu = Number((attr & KVM_DEV_ARM_VGIC_CPUID_MASK) >> KVM_DEV_ARM_VGIC_CPUID_SHIFT);
    const offset = Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK);
    if (this.kvm.vcpu(vcpu) === undefined) return fail('EINVAL', `no vcpu ${vcpu}`);
    vm.userspace.stopNow(
      write ? 'KVM_SET_DEVICE_ATTR' : 'KVM_GET_DEVICE_ATTR',
      vm.vcpus.map((v) => v.index),
    );
    const init = this.kvm.initVgic();
    if (!init.ok) return init;
    const r = vm.vgic.uaccess(regGroup(group), vcpu, offset, write, value);
    return r.ok ? ok(BigInt(r.value >>> 0)) : fail(r.errno, r.message);
  }
}

function regGroup(group: number): 'dist' | 'cpu' {
  return group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS ? 'dist' : 'cpu';
}
