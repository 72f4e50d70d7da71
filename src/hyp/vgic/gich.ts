// The hypervisor's view of the GICv2 virtual interface control registers
// (GICH, IHI 0048B 5.3): offsets and fields, as the vgic programs them
// through the GICH frame of the physical cpu a vcpu is loaded on. The vgic
// talks to the frame only through MmioDevice, like KVM through MMIO.

import { bit, field, fieldMask } from '../../sim/bits.ts';

export const GICH_HCR = 0x000;
export const GICH_VTR = 0x004;
export const GICH_VMCR = 0x008;
export const GICH_MISR = 0x010;
export const GICH_EISR0 = 0x020;
export const GICH_EISR1 = 0x024;
export const GICH_ELRSR0 = 0x030;
export const GICH_ELRSR1 = 0x034;
export const GICH_APR = 0x0f0;
export const GICH_LR0 = 0x100;
/** Bytes per list register: GICH_LRn is at GICH_LR0 + 4n. */
export const GICH_LR_STRIDE = 4;
/** GICH_VTR.ListRegs is 6 bits: at most 64 list registers. */
export const MAX_LRS = 64;
/** LRs reported per GICH_EISRn/ELRSRn word. */
export const LRS_PER_STATUS_WORD = 32;

/** GICH_HCR (5.3.2) */
export const HCR_EN = bit(0);
export const HCR_UIE = bit(1);
/** maintenance while EOICount != 0: an EOI or DIR matched no LR */
export const HCR_LRENPIE = bit(2);
/** maintenance while no LR holds a pending interrupt */
export const HCR_NPIE = bit(3);
/** EOIs (EOImode 0, after a priority drop) and DIRs that matched no LR, modulo 32 */
export const HCR_EOICOUNT = field(27, 5);
export const HCR_EN_BIT = fieldMask(HCR_EN);
export const HCR_UIE_BIT = fieldMask(HCR_UIE);
export const HCR_LRENPIE_BIT = fieldMask(HCR_LRENPIE);
export const HCR_NPIE_BIT = fieldMask(HCR_NPIE);

/** GICH_VTR (5.3.3) */
export const VTR_LISTREGS = field(0, 6);

/** GICH_VMCR (5.3.4): VMPriMask is the top 5 bits of GICV_PMR. */
export const VMCR_PRIMASK = field(27, 5);
/** GICH_VMCR.VEM: the guest's GICV_CTLR.EOImode (1 = EOIR drops priority only, DIR deactivates) */
export const VMCR_VEM = bit(9);

/**
 * GICV_DIR, the only register of the GICV frame's second 4 KiB page
 * (GICv2 5.6): the vgic may have the guest's accesses to that page trapped.
 */
export const GICV_DIR = 0x1000;
export const GICV_DIR_PAGE_END = 0x2000;

/** GICH_LRn (5.3.9) */
export const LR_VIRTUALID = field(0, 10);
export const LR_PHYSICALID = field(10, 10);
/** HW=0, SGI: source cpu reported in GICV_IAR.CPUID */
export const LR_CPUID = field(10, 3);
/** HW=0: maintenance interrupt when the guest deactivates the interrupt */
export const LR_EOI = bit(19);
export const LR_PRIORITY = field(23, 5);
export const LR_STATE = field(28, 2);
export const LR_GROUP1 = bit(30);
export const LR_HW = bit(31);

export const LR_EOI_BIT = fieldMask(LR_EOI);
export const LR_HW_BIT = fieldMask(LR_HW);
export const LR_GROUP1_BIT = fieldMask(LR_GROUP1);

/** LR State field values; bit 0 = pending, bit 1 = active. */
export const LR_STATE_INVALID = 0;
export const LR_STATE_PENDING = 1;
export const LR_STATE_ACTIVE = 2;
export const LR_STATE_PENDING_ACTIVE = 3;

/** The LR keeps the top 5 priority bits (GICv2 5.3.9: 32 virtual priority levels). */
export const LR_PRIORITY_SHIFT = 3;

export function gichLrOffset(n: number): number {
  return GICH_LR0 + GICH_LR_STRIDE * n;
}
