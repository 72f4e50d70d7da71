// Userspace access to the vgic's registers: KVM_DEV_ARM_VGIC_GRP_DIST_REGS
// and KVM_DEV_ARM_VGIC_GRP_CPU_REGS of the arm-vgic-v2 device
// (Documentation/virt/kvm/devices/arm-vgic.rst), 32 bits at a time, as the
// vcpu whose index the attribute names. Every vcpu is out of the guest
// (KVM: lock_all_vcpus, or 4.x's "vcpu->cpu != -1 -> -EBUSY"), so the
// vgic's software state is all there is: LRs are synced (new vgic) or
// unqueued by the legacy design before the access.
//
// The CPU interface registers are the guest's GICV_* as the hypervisor
// keeps them between runs (GICH_VMCR, GICH_APR), in KVM's ABI:
// - GICC_CTLR: the VMCR's control bits (EnableGrp0/1, AckCtl, FIQEn, CBPR,
//   EOImode), same positions as GICC_CTLR (GICv2 5.3.4);
// - GICC_PMR: GICH_VMCR.VMPriMask in bits [4:0], not the 8-bit GICC_PMR
//   value ("for historical reasons", arm-vgic.rst): userspace shifts by 3;
// - GICC_BPR, GICC_ABPR: VMBP, VMABP (3 bits);
// - GICC_APRn: today's KVM gives APR0 = GICH_APR (a GICv2 host has 32
//   preemption levels), APR1-3 RAZ/WI; 4.2/4.3 (vgic-v2-emul.c) made all
//   four RAZ/WI, so the guest's active priorities did not survive a
//   migration there;
// - GICC_IIDR: KVM's value, read-only.

import {
  GICH_VMCR_CTLR_MASK,
  GICH_VMCR_VMABP,
  GICH_VMCR_VMBP,
  GICH_VMCR_VMPriMask,
} from '../../hw/gic/virt-regs.ts';
import {
  GICC_ABPR,
  GICC_APR0,
  GICC_APR3,
  GICC_BPR,
  GICC_CTLR,
  GICC_IIDR,
  GICC_PMR,
  GICC_IIDR_ArchVersion,
  GICC_IIDR_ProductID,
  IIDR_Implementer,
} from '../../hw/gic/registers.ts';
import { getField, setField } from '../../sim/bits.ts';

/** Which register group of the device (KVM_DEV_ARM_VGIC_GRP_DIST_REGS / _CPU_REGS). */
export type VgicRegGroup = 'dist' | 'cpu';

/** A userspace register access: the value read (0 after a write), or KVM's error. */
export type UaccessResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly errno: 'ENXIO' | 'EINVAL'; readonly message: string };

export const uaccessOk = (value: number): UaccessResult => ({ ok: true, value: value >>> 0 });

export function uaccessFail(errno: 'ENXIO' | 'EINVAL', message: string): UaccessResult {
  return { ok: false, errno, message };
}

/** KVM's GICC_IIDR for userspace: ProductID 'K', ArchVersion 2, Implementer Arm (0x43B). */
export const KVM_GICC_IIDR = setField(
  setField(setField(0, GICC_IIDR_ProductID, 0x4b), GICC_IIDR_ArchVersion, 2),
  IIDR_Implementer,
  0x43b,
);

/** A vcpu's virtual CPU interface as the hypervisor keeps it between runs (GICH_VMCR, GICH_APR). */
export interface VcpuIfShadow {
  vmcr: number;
  apr: number;
}

/** KVM's CPU_REGS ranges: the offsets a release knows (others: -ENXIO on 4.2/4.3, RAZ/WI today). */
export function isCpuifReg(offset: number): boolean {
  return (
    offset === GICC_CTLR ||
    offset === GICC_PMR ||
    offset === GICC_BPR ||
    offset === GICC_ABPR ||
    (offset >= GICC_APR0 && offset <= GICC_APR3 && offset % 4 === 0) ||
    offset === GICC_IIDR
  );
}

/**
 * One 32-bit CPU_REGS access to `s` (an offset isCpuifReg accepts; other
 * offsets RAZ/WI). `apr0` = today's KVM (APR0 is GICH_APR), false = 4.2/4.3
 * (every APR RAZ/WI).
 */
export function cpuifUaccess(
  s: VcpuIfShadow,
  offset: number,
  write: boolean,
  value: number,
  apr0: boolean,
): number {
  switch (offset) {
    case GICC_CTLR:
      if (write) s.vmcr = (s.vmcr & ~GICH_VMCR_CTLR_MASK) | (value & GICH_VMCR_CTLR_MASK);
      return s.vmcr & GICH_VMCR_CTLR_MASK;
    case GICC_PMR:
      if (write) s.vmcr = setField(s.vmcr, GICH_VMCR_VMPriMask, value & 0x1f);
      return getField(s.vmcr, GICH_VMCR_VMPriMask);
    case GICC_BPR:
      if (write) s.vmcr = setField(s.vmcr, GICH_VMCR_VMBP, value & 7);
      return getField(s.vmcr, GICH_VMCR_VMBP);
    case GICC_ABPR:
      if (write) s.vmcr = setField(s.vmcr, GICH_VMCR_VMABP, value & 7);
      return getField(s.vmcr, GICH_VMCR_VMABP);
    case GICC_APR0:
      if (!apr0) return 0;
      if (write) s.apr = value >>> 0;
      return s.apr;
    case GICC_IIDR:
      return KVM_GICC_IIDR;
    default:
      return 0;
  }
}
