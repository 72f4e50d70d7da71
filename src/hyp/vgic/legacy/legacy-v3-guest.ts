// What a GICv3 guest reaches of the legacy vgic (the facade's guestV3):
// the GICD frame (legacy-v3-dist.ts), the redistributor region
// (legacy-v3-rdist.ts), the trapped ICC_SGI1R_EL1 (legacy-v3-sgi.ts), and
// the arm-vgic-v3 device's register groups as Linux 4.2/4.3 had them: none.
// vgic_v3_set_attr/get_attr of that era knew KVM_DEV_ARM_VGIC_GRP_ADDR,
// NR_IRQS and CTRL (INIT) only; DIST_REGS, REDIST_REGS, CPU_SYSREGS and
// LEVEL_INFO came with the vgic-v3 save/restore series of Linux 4.11
// (-ENXIO before), so a VMM could not save a GICv3 VM's interrupt state.
// ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 had no handler before Linux 4.18
// (access_gic_sgi handled ICC_SGI1R_EL1 only): their trapped writes are
// undefined instructions for the guest (`sgi0r: false`).

import { cpuOfAffinity } from '../../../hw/cpu/mpidr.ts';
import type { MmioDevice } from '../../../hw/mmio.ts';
import type { VgicGuestV3 } from '../facade.ts';
import { uaccessFail, type UaccessResult } from '../vgic-uaccess.ts';
import type { LegacyDist } from './legacy-dist.ts';
import { legacyV3DistTable } from './legacy-v3-dist.ts';
import { LegacyRdistRegion } from './legacy-v3-rdist.ts';
import { legacyDispatchSgiV3 } from './legacy-v3-sgi.ts';
import { LegacyDistMmio } from './legacy-mmio.ts';

/** The release that added the arm-vgic-v3 device's register groups (vgic_v3_attr_regs_access). */
export const V3_UACCESS_RELEASE = '4.11';

function noGroup(what: string): UaccessResult {
  return uaccessFail(
    'ENXIO',
    `${what} of the arm-vgic-v3 device does not exist before Linux ${V3_UACCESS_RELEASE} (vgic_v3_set_attr: -ENXIO)`,
  );
}

/** The legacy vgic's VgicGuestV3. */
export function legacyGuestV3(
  d: LegacyDist,
  retire: (vcpu: number) => void,
): VgicGuestV3 & {
  readonly gicd: LegacyDistMmio;
  readonly gicr: LegacyRdistRegion & MmioDevice;
} {
  const gicd = new LegacyDistMmio(d, retire, legacyV3DistTable(d, retire));
  const gicr = new LegacyRdistRegion(d, retire);
  return {
    gicd,
    gicr,
    sgi0r: false,
    regGroups: false,
    dispatchSgi(vcpu: number, lo: number, hi: number, allowGroup1: boolean): void {
      if (!allowGroup1)
        throw new RangeError('ICC_SGI0R_EL1 / ICC_ASGI1R_EL1 had no handler before Linux 4.18');
      legacyDispatchSgiV3(d, vcpu, lo, hi);
    },
    deactivateTrapped(): void {
      // never called: the legacy vgic sets no ICH_HCR_EL2 trap (TDIR came with the 2025 LR-overflow rework)
    },
    // kvm_mpidr_to_vcpu over that era's reset_mpidr (Aff3 = 0): the board's affinity
    vcpuOfAffinity: (aff: number) => cpuOfAffinity(aff, d.nrVcpus),
    uaccess: (frame) =>
      noGroup(frame === 'dist' ? 'KVM_DEV_ARM_VGIC_GRP_DIST_REGS' : 'KVM_DEV_ARM_VGIC_GRP_REDIST_REGS'),
    hasUaccess: () => false,
    lineLevel: () => noGroup('KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO'),
    sysregUaccess: () => noGroup('KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS'),
    hasSysreg: () => false,
  };
}
