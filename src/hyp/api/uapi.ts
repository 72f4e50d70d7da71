// The userspace ABI of KVM/arm64 this model follows: error numbers, the
// KVM_IRQ_LINE encoding, ONE_REG ids of the timer registers and the vgic
// device attributes (kvm-arm-notes.md §5.7, §7.4, §7.5). Values are KVM's
// so that a VMM's constants can be used unchanged.

import { type Field, field, getField, setField } from '../../sim/bits.ts';

// --- errors -------------------------------------------------------------

/** The errnos the API returns (Linux values). */
export const Errno = {
  ENOENT: 2,
  ENXIO: 6,
  E2BIG: 7,
  EEXIST: 17,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
} as const;
export type ErrnoName = keyof typeof Errno;

/** An ioctl's result: a value, or -errno with the reason in words (KVM only gives the number). */
export type KvmResult<T = void> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: ErrnoName; readonly ret: number; readonly message: string };

export function ok<T>(value: T): KvmResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(errno: ErrnoName, message: string): KvmResult<T> {
  return { ok: false, errno, ret: -Errno[errno], message };
}

// --- KVM_IRQ_LINE (the original 2013 layout, §7.5) ----------------------

export const KVM_ARM_IRQ_TYPE_CPU = 0;
export const KVM_ARM_IRQ_TYPE_SPI = 1;
export const KVM_ARM_IRQ_TYPE_PPI = 2;
/** irq_id for KVM_ARM_IRQ_TYPE_CPU */
export const KVM_ARM_IRQ_CPU_IRQ = 0;
export const KVM_ARM_IRQ_CPU_FIQ = 1;

/** struct kvm_irq_level.irq: [31:24] type, [23:16] vcpu index, [15:0] irq number. */
export const IRQ_LINE = {
  TYPE: field(24, 8),
  VCPU: field(16, 8),
  NUM: field(0, 16),
} as const satisfies Record<string, Field>;

/** Build the `irq` word of KVM_IRQ_LINE. */
export function kvmIrq(type: number, vcpu: number, num: number): number {
  return setField(setField(setField(0, IRQ_LINE.TYPE, type), IRQ_LINE.VCPU, vcpu), IRQ_LINE.NUM, num);
}

/** Split the `irq` word of KVM_IRQ_LINE. */
export function decodeKvmIrq(irq: number): { type: number; vcpu: number; num: number } {
  return {
    type: getField(irq, IRQ_LINE.TYPE),
    vcpu: getField(irq, IRQ_LINE.VCPU),
    num: getField(irq, IRQ_LINE.NUM),
  };
}

// --- ONE_REG ids (arch/arm64/include/uapi/asm/kvm.h) --------------------

const KVM_REG_ARM64 = 0x6000_0000_0000_0000n;
const KVM_REG_SIZE_U64 = 0x0030_0000_0000_0000n;
const KVM_REG_ARM64_SYSREG = 0x0013n << 16n;

/** ARM64_SYS_REG(op0, op1, CRn, CRm, op2) */
export function arm64SysReg(op0: number, op1: number, crn: number, crm: number, op2: number): bigint {
  const enc = (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | BigInt(enc);
}

/** The op0:op1:CRn:CRm:op2 encoding of an ARM64_SYS_REG id, or undefined for another kind of id. */
export function sysregOfId(id: bigint): number | undefined {
  if ((id & ~0xffffn) !== (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG)) return undefined;
  return Number(id & 0xffffn);
}

/**
 * The timer registers. CNT and CVAL of the virtual timer are swapped with
 * respect to the architectural encodings of CNTVCT_EL0 (3,3,14,0,2) and
 * CNTV_CVAL_EL0 (3,3,14,3,2): a historical mistake that is frozen ABI.
 */
export const KVM_REG_ARM_TIMER_CTL = arm64SysReg(3, 3, 14, 3, 1);
export const KVM_REG_ARM_TIMER_CNT = arm64SysReg(3, 3, 14, 3, 2);
export const KVM_REG_ARM_TIMER_CVAL = arm64SysReg(3, 3, 14, 0, 2);
export const KVM_REG_ARM_PTIMER_CTL = arm64SysReg(3, 3, 14, 2, 1);
export const KVM_REG_ARM_PTIMER_CVAL = arm64SysReg(3, 3, 14, 2, 2);
export const KVM_REG_ARM_PTIMER_CNT = arm64SysReg(3, 3, 14, 0, 1);

// --- the vgic device (§7.4) ---------------------------------------------

export const KVM_DEV_TYPE_ARM_VGIC_V2 = 'arm-vgic-v2';
/** KVM_DEV_TYPE_ARM_VGIC_V3: the GICv3 guest model (a GICv3 host; the VM needs `gic: 'v3'`). */
export const KVM_DEV_TYPE_ARM_VGIC_V3 = 'arm-vgic-v3';
export const KVM_DEV_ARM_VGIC_GRP_ADDR = 0;
export const KVM_DEV_ARM_VGIC_GRP_DIST_REGS = 1;
export const KVM_DEV_ARM_VGIC_GRP_CPU_REGS = 2;
export const KVM_DEV_ARM_VGIC_GRP_NR_IRQS = 3;
export const KVM_DEV_ARM_VGIC_GRP_CTRL = 4;
export const KVM_DEV_ARM_VGIC_CTRL_INIT = 0n;

/** DIST_REGS / CPU_REGS attr: [39:32] vcpu index, [31:0] register offset ([63:40] reserved). */
export const KVM_DEV_ARM_VGIC_CPUID_SHIFT = 32n;
export const KVM_DEV_ARM_VGIC_CPUID_MASK = 0xffn << KVM_DEV_ARM_VGIC_CPUID_SHIFT;
export const KVM_DEV_ARM_VGIC_OFFSET_MASK = 0xffff_ffffn;

/** The attr of a DIST_REGS / CPU_REGS access to `offset` as vcpu `vcpu`. */
export function vgicRegAttr(vcpu: number, offset: number): bigint {
  return (BigInt(vcpu) << KVM_DEV_ARM_VGIC_CPUID_SHIFT) | BigInt(offset >>> 0);
}

// --- the arm-vgic-v3 device's groups (Documentation/virt/kvm/devices/arm-vgic-v3.rst) --

export const KVM_DEV_ARM_VGIC_GRP_REDIST_REGS = 5;
export const KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS = 6;
export const KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO = 7;
/** GRP_CTRL: flush the LPI pending tables to guest memory (no LPIs here: nothing to do). */
export const KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES = 3n;

/** REDIST_REGS / CPU_SYSREGS / LEVEL_INFO attr [63:32]: the vcpu's affinity, Aff3 [31:24] .. Aff0 [7:0]. */
export const KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT = 32n;
export const KVM_DEV_ARM_VGIC_V3_MPIDR_MASK = 0xffff_ffffn << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
/** CPU_SYSREGS attr [15:0]: op0:op1:CRn:CRm:op2 as in KVM_REG_ARM64_SYSREG. */
export const KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK = 0xffffn;
/** LEVEL_INFO attr: info [31:10], INTID base [9:0]. */
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT = 10n;
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK = 0x3f_ffffn << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT;
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK = 0x3ffn;
/** LEVEL_INFO info: the line levels. */
export const VGIC_LEVEL_INFO_LINE_LEVEL = 0n;

/** The attr of a REDIST_REGS access to `offset` of the redistributor of affinity `mpidr` (DIST_REGS: 0). */
export function vgicV3RegAttr(mpidr: number, offset: number): bigint {
  return (BigInt(mpidr >>> 0) << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT) | BigInt(offset >>> 0);
}

/** The attr of a CPU_SYSREGS access to ICC register (op0, op1, CRn, CRm, op2) of the vcpu of affinity `mpidr`. */
export function vgicV3SysregAttr(
  mpidr: number,
  op0: number,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
): bigint {
  return (
    (BigInt(mpidr >>> 0) << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT) |
    BigInt((op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2)
  );
}

/** The attr of a LEVEL_INFO access to the line levels of 32 INTIDs from `intid` as the vcpu of affinity `mpidr`. */
export function vgicLevelInfoAttr(mpidr: number, intid: number): bigint {
  return (
    (BigInt(mpidr >>> 0) << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT) |
    (VGIC_LEVEL_INFO_LINE_LEVEL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) |
    BigInt(intid)
  );
}

// --- vcpu device attributes (KVM_{HAS,GET,SET}_DEVICE_ATTR on a vcpu fd) --

/** The vPMU's group (Documentation/virt/kvm/devices/vcpu.rst §1). */
export const KVM_ARM_VCPU_PMU_V3_CTRL = 0;
export const KVM_ARM_VCPU_PMU_V3_IRQ = 0;
export const KVM_ARM_VCPU_PMU_V3_INIT = 1;
export const KVM_ARM_VCPU_PMU_V3_FILTER = 2;
export const KVM_ARM_VCPU_PMU_V3_SET_PMU = 3;
export const KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS = 4;
/** struct kvm_pmu_event_filter.action */
export const KVM_PMU_EVENT_ALLOW = 0;
export const KVM_PMU_EVENT_DENY = 1;

/** struct kvm_pmu_event_filter */
export interface KvmPmuEventFilterArg {
  readonly base_event: number;
  readonly nevents: number;
  readonly action: number;
}

/**
 * The perf type of the host's one PMU, as userspace reads it from
 * /sys/bus/event_source/devices/armv8_pmuv3_0/type (the id
 * KVM_ARM_VCPU_PMU_V3_SET_PMU takes). The model's host has one PMU; the
 * number is arbitrary, as on a real host.
 */
export const HOST_PMU_TYPE = 8;
