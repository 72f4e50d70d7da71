// The arm-vgic-v2 / arm-vgic-v3 device of a VM (KVM_CREATE_DEVICE):
// KVM_SET/GET/HAS_DEVICE_ATTR for its control, nr_irqs and address groups,
// and userspace access to the distributor and cpu interface registers
// (v2: DIST_REGS / CPU_REGS, Documentation/virt/kvm/devices/arm-vgic.rst;
// v3: DIST_REGS, REDIST_REGS, CPU_SYSREGS, LEVEL_INFO in
// kvm-vgic-v3-regs.ts, arm-vgic-v3.rst).

import { PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import type { Vm } from '../vm.ts';
import { VgicAddrs } from './kvm-vgic-addr.ts';
import { isV3RegGroup, v3HasRegAttr, v3RegsAccess } from './kvm-vgic-v3-regs.ts';
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
  KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES,
  type KvmResult,
  ok,
} from './uapi.ts';

/** What the device needs of its VM file descriptor (KvmVm). */
export interface VgicDeviceHost {
  readonly vm: Vm;
  /** KVM_DEV_ARM_VGIC_CTRL_INIT */
  initVgic(): KvmResult;
  vcpu(id: number): unknown;
}

/**
 * The arm-vgic-v2 or arm-vgic-v3 device (the model follows the board's GIC):
 * KVM_SET/GET/HAS_DEVICE_ATTR for the groups this model supports. The v3
 * device has GRP_ADDR (DIST, REDIST, REDIST_REGION), GRP_NR_IRQS,
 * GRP_CTRL (INIT, SAVE_PENDING_TABLES) and the register groups of
 * kvm-vgic-v3-regs.ts; GRP_CPU_REGS is v2's only (-ENXIO on v3).
 */
export class KvmVgicDevice {
  /** KVM_DEV_ARM_VGIC_GRP_NR_IRQS was set (KVM: dist->nr_spis != 0): a second set is -EBUSY */
  private nrIrqsSet = false;
  /** GRP_ADDR: the frames and redistributor regions userspace set */
  readonly addrs: VgicAddrs;

  constructor(private readonly kvm: VgicDeviceHost) {
    this.addrs = new VgicAddrs(this.v3, () => kvm.vm.vcpus.length);
  }

  /** the arm-vgic-v3 device (a GICv3 board) */
  private get v3(): boolean {
    return this.kvm.vm.board.gicV3 !== undefined;
  }

  hasAttr(group: number, attr: bigint): KvmResult<boolean> {
    if (this.v3 && isV3RegGroup(group)) return v3HasRegAttr(this.kvm, group, attr);
    switch (group) {
      case KVM_DEV_ARM_VGIC_GRP_CTRL:
        return ok(
          attr === KVM_DEV_ARM_VGIC_CTRL_INIT || (this.v3 && attr === KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES),
        );
      case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
        return ok(true);
      case KVM_DEV_ARM_VGIC_GRP_ADDR:
        return ok(this.addrs.has(attr));
      case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
      case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
        if (this.v3) return ok(false);
        // vgic_v2_has_attr_regs: -ENXIO (false here) without a register at the offset
        return ok(this.kvm.vm.vgic.hasUaccess(regGroup(group), Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK)));
      default:
        return ok(false);
    }
  }

  setAttr(group: number, attr: bigint, value = 0n): KvmResult {
    const vm = this.kvm.vm;
    if (this.v3 && isV3RegGroup(group)) {
      const r = v3RegsAccess(this.kvm, group, attr, true, value);
      return r.ok ? ok(undefined) : r;
    }
    switch (group) {
      case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
      case KVM_DEV_ARM_VGIC_GRP_CPU_REGS: {
        const r = this.regsAccess(group, attr, true, Number(value & KVM_DEV_ARM_VGIC_OFFSET_MASK));
        return r.ok ? ok(undefined) : r;
      }
      case KVM_DEV_ARM_VGIC_GRP_CTRL:
        if (this.v3 && attr === KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES) {
          // vgic_v3_save_pending_tables with every vcpu stopped: no LPIs, nothing to write
          vm.userspace.stopNow(
            'KVM_SET_DEVICE_ATTR',
            vm.vcpus.map((v) => v.index),
          );
          return ok(undefined);
        }
        if (attr !== KVM_DEV_ARM_VGIC_CTRL_INIT) return fail('ENXIO', `no control attribute ${attr}`);
        return this.kvm.initVgic();
      case KVM_DEV_ARM_VGIC_GRP_NR_IRQS: {
        // vgic_set_common_attr: the range first (at most VGIC_MAX_RESERVED = 1023),
        // then -EBUSY once nr_spis is set (by an earlier NR_IRQS or by vgic_init)
        const n = Number(value & 0xffff_ffffn);
        if (n < 64 || n > 1023 || n % 32 !== 0)
          return fail('EINVAL', `nr_irqs ${n}: 64..992, a multiple of 32`);
        if (vm.vgic.initialized) return fail('EBUSY', 'the vgic is initialized');
        if (this.nrIrqsSet) return fail('EBUSY', 'nr_irqs was set already');
        // The board (and its physical GIC) was sized at createVm.
        if (n !== PRIVATE_COUNT + vm.board.config.spis)
          return fail('EINVAL', `nr_irqs ${n}: this board has ${PRIVATE_COUNT + vm.board.config.spis}`);
        this.nrIrqsSet = true;
        return ok(undefined);
      }
      case KVM_DEV_ARM_VGIC_GRP_ADDR:
        // No init check: kvm_vgic_addr takes addresses after CTRL_INIT (they are
        // needed at the first KVM_RUN), the order QEMU's kvm_arm_gic(v3)_realize
        // uses: NR_IRQS, CTRL_INIT, then the addresses at machine_init_done.
        return this.addrs.set(attr, value);
      default:
        return fail('ENXIO', `attribute group ${group} is not supported`);
    }
  }

  /** `value`: what KVM reads from the user pointer first (REDIST_REGION: the index) */
  getAttr(group: number, attr: bigint, value = 0n): KvmResult<bigint> {
    const vm = this.kvm.vm;
    if (this.v3 && isV3RegGroup(group)) return v3RegsAccess(this.kvm, group, attr, false, 0n);
    switch (group) {
      case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
      case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
        return this.regsAccess(group, attr, false, 0);
      case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
        return ok(BigInt(PRIVATE_COUNT + vm.board.config.spis));
      case KVM_DEV_ARM_VGIC_GRP_ADDR:
        return this.addrs.get(attr, value);
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
    if (this.v3) return fail('ENXIO', "KVM_DEV_ARM_VGIC_GRP_CPU_REGS is the arm-vgic-v2 device's");
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
