// The register groups of the arm-vgic-v3 device (vgic_v3_attr_regs_access,
// vgic_v3_parse_attr, vgic_v3_has_attr of vgic-kvm-device.c, Linux 6.x):
// KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS, _CPU_SYSREGS and
// _LEVEL_INFO. The order of KVM's checks, each with its errno:
// 1. the vcpu: DIST_REGS as vcpu 0 (the attr's [63:32] ignored); the
//    others the vcpu whose affinity is attr[63:32] (Aff3.Aff2.Aff1.Aff0):
//    none -> -EINVAL;
// 2. every vcpu leaves KVM_RUN (lock_all_vcpus; a VMM signals them);
// 3. the vgic is initialized, else -EBUSY (unlike GICv2, no lazy init);
// 4. the access: DIST/REDIST_REGS a 32-bit word (src/hyp/vgic's
//    vgic-v3-uaccess.ts: RAZ/WI where there is no register), LEVEL_INFO a
//    32-bit bitmap (info other than 0 or a base not a multiple of 32:
//    -EINVAL), CPU_SYSREGS a 64-bit ICC_*_EL1 value (-ENXIO for another
//    encoding, -EINVAL for a value KVM refuses).
// KVM_HAS_DEVICE_ATTR: DIST/REDIST_REGS need the vcpu (-EINVAL) and a
// register at a 32-bit aligned offset (-ENXIO); CPU_SYSREGS an ICC
// register KVM saves (-ENXIO); LEVEL_INFO info 0.

import type { VgicGuestV3 } from '../vgic/facade.ts';
import type { Vm } from '../vm.ts';
import {
  fail,
  KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
  KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
  KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK,
  KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT,
  KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK,
  KVM_DEV_ARM_VGIC_OFFSET_MASK,
  KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK,
  KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT,
  type KvmResult,
  ok,
  VGIC_LEVEL_INFO_LINE_LEVEL,
} from './uapi.ts';

/** What the groups need of the VM file descriptor (KvmVm, as the device's VgicDeviceHost). */
interface V3RegsHost {
  readonly vm: Vm;
  vcpu(id: number): unknown;
}

/** The register groups of the v3 device. */
export function isV3RegGroup(group: number): boolean {
  return (
    group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS ||
    group === KVM_DEV_ARM_VGIC_GRP_REDIST_REGS ||
    group === KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS ||
    group === KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO
  );
}

function guestV3(host: V3RegsHost): VgicGuestV3 {
  const g = host.vm.vgic.guestV3;
  if (g === undefined || g === null) throw new RangeError('the arm-vgic-v3 device on a VM without vgic-v3');
  return g;
}

/** vgic_v3_parse_attr: the vcpu index, or -EINVAL. */
function parseVcpu(host: V3RegsHost, g: VgicGuestV3, group: number, attr: bigint): KvmResult<number> {
  const v =
    group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS
      ? 0
      : g.vcpuOfAffinity(Number(attr >> KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT) >>> 0);
  if (v < 0 || host.vcpu(v) === undefined)
    return fail(
      'EINVAL',
      group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS
        ? 'no vcpu 0'
        : `no vcpu with affinity 0x${(attr >> KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT).toString(16)}`,
    );
  return ok(v);
}

/**
 * A release whose arm-vgic-v3 device has no register groups (Linux < 4.11,
 * `VgicGuestV3.regGroups` false): vgic_v3_set_attr / get_attr / has_attr
 * answered -ENXIO for them before looking at the vcpu or the vgic's state.
 */
function groupsMissing(host: V3RegsHost, g: VgicGuestV3, group: number): KvmResult<never> | null {
  if (g.regGroups !== false) return null;
  return fail(
    'ENXIO',
    `attribute group ${group} of the arm-vgic-v3 device does not exist in Linux ${host.vm.generation.release} (added in 4.11)`,
  );
}

/** vgic_v3_has_attr for the register groups (true: 0, false: -ENXIO); a bad vcpu is -EINVAL. */
export function v3HasRegAttr(host: V3RegsHost, group: number, attr: bigint): KvmResult<boolean> {
  const g = guestV3(host);
  if (g.regGroups === false) return ok(false);
  if (group === KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO)
    return ok(
      (attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK) >> KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT ===
        VGIC_LEVEL_INFO_LINE_LEVEL,
    );
  const v = parseVcpu(host, g, group, attr);
  if (!v.ok) return v;
  if (group === KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
    return ok(g.hasSysreg(Number(attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK)));
  const frame = group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS ? 'dist' : 'redist';
  return ok(g.hasUaccess(frame, Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK)));
}

/** vgic_v3_attr_regs_access: KVM_GET_DEVICE_ATTR (write false) / KVM_SET_DEVICE_ATTR of a register group. */
export function v3RegsAccess(
  host: V3RegsHost,
  group: number,
  attr: bigint,
  write: boolean,
  value: bigint,
): KvmResult<bigint> {
  const vm = host.vm;
  const g = guestV3(host);
  const missing = groupsMissing(host, g, group);
  if (missing !== null) return missing;
  const v = parseVcpu(host, g, group, attr);
  if (!v.ok) return v;
  vm.userspace.stopNow(
    write ? 'KVM_SET_DEVICE_ATTR' : 'KVM_GET_DEVICE_ATTR',
    vm.vcpus.map((c) => c.index),
  );
  if (!vm.vgic.initialized) return fail('EBUSY', 'the vgic is not initialized (KVM_DEV_ARM_VGIC_CTRL_INIT)');
  // the 32-bit groups take the low word; ICC_* values have nothing above bit 31 either
  const word = Number(value & 0xffff_ffffn);
  let r: ReturnType<VgicGuestV3['uaccess']>;
  switch (group) {
    case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
    case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS: {
      const frame = group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS ? 'dist' : 'redist';
      r = g.uaccess(frame, v.value, Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK), write, word);
      break;
    }
    case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
      r = g.sysregUaccess(v.value, Number(attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK), write, word);
      break;
    default: {
      const info = (attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK) >> KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT;
      if (info !== VGIC_LEVEL_INFO_LINE_LEVEL)
        return fail('EINVAL', `LEVEL_INFO info ${info}: only 0 (line level)`);
      r = g.lineLevel(v.value, Number(attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK), write, word);
    }
  }
  return r.ok ? ok(BigInt(r.value >>> 0)) : fail(r.errno, r.message);
}
