// Register offsets and fields of the GICv2 virtualization extensions (IHI
// 0048B ch. 5): the GICH virtual interface control frame and the GICV
// virtual CPU interface frame (the GICC layout, registers.ts). The one
// definition the physical virtual interface (hw/gic), the vgic's LR backend
// (hyp/vgic) and the assembler's board symbols use. Priority constants of
// the virtual interface are in priority.ts, special INTIDs in intid.ts.

import { bit, field } from '../../sim/bits.ts';
import {
  GICC_ABPR,
  GICC_AEOIR,
  GICC_AHPPIR,
  GICC_AIAR,
  GICC_APR0,
  GICC_BPR,
  GICC_CTLR,
  GICC_DIR,
  GICC_EOIR,
  GICC_FRAME_SIZE,
  GICC_HPPIR,
  GICC_IAR,
  GICC_IIDR,
  GICC_PMR,
  GICC_RPR,
} from './registers.ts';

// ---- GICH (4 KiB frame; 5.3, Table 5-1) ----
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
export const GICH_MAX_LRS = 64;
/** One past the last possible LR. */
export const GICH_LR_END = GICH_LR0 + GICH_LR_STRIDE * GICH_MAX_LRS;
/** LRs reported per GICH_EISRn / GICH_ELRSRn word. */
export const GICH_LRS_PER_STATUS_WORD = 32;
export const GICH_FRAME_SIZE = 0x1000;

/** Offset of GICH_LRn. */
export function gichLrOffset(n: number): number {
  return GICH_LR0 + GICH_LR_STRIDE * n;
}

/** GICH_HCR (5.3.2). Bits [26:8] are RES0. */
export const GICH_HCR_En = bit(0);
export const GICH_HCR_UIE = bit(1);
/** maintenance while EOICount != 0: an EOI or DIR matched no LR */
export const GICH_HCR_LRENPIE = bit(2);
/** maintenance while no LR holds a pending interrupt */
export const GICH_HCR_NPIE = bit(3);
export const GICH_HCR_VGrp0EIE = bit(4);
export const GICH_HCR_VGrp0DIE = bit(5);
export const GICH_HCR_VGrp1EIE = bit(6);
export const GICH_HCR_VGrp1DIE = bit(7);
/** EOIs (EOImode 0, after a priority drop) and DIRs that matched no LR, modulo 32 */
export const GICH_HCR_EOICount = field(27, 5);
export const GICH_HCR_WRITABLE = 0xf80000ff;

/** GICH_VTR (5.3.3), read-only. PREbits/PRIbits hold (number of bits - 1). */
export const GICH_VTR_ListRegs = field(0, 6);
export const GICH_VTR_PREbits = field(26, 3);
export const GICH_VTR_PRIbits = field(29, 3);

/** GICH_VMCR (5.3.4): the guest's GICV_CTLR/PMR/BPR/ABPR as the hypervisor sees them. */
export const GICH_VMCR_VMGrp0En = bit(0);
export const GICH_VMCR_VMGrp1En = bit(1);
export const GICH_VMCR_VMAckCtl = bit(2);
export const GICH_VMCR_VMFIQEn = bit(3);
export const GICH_VMCR_VMCBPR = bit(4);
/** the guest's GICV_CTLR.EOImode (1 = EOIR drops priority only, DIR deactivates) */
export const GICH_VMCR_VEM = bit(9);
export const GICH_VMCR_VMABP = field(18, 3);
export const GICH_VMCR_VMBP = field(21, 3);
/** the top 5 bits of GICV_PMR */
export const GICH_VMCR_VMPriMask = field(27, 5);
/** VMCR bits that alias GICV_CTLR bits at the same positions: [4:0] and [9]. */
export const GICH_VMCR_CTLR_MASK = 0x21f;

/** GICH_MISR (5.3.5), read-only. */
export const GICH_MISR_EOI = bit(0);
export const GICH_MISR_U = bit(1);
export const GICH_MISR_LRENP = bit(2);
export const GICH_MISR_NP = bit(3);
export const GICH_MISR_VGrp0E = bit(4);
export const GICH_MISR_VGrp0D = bit(5);
export const GICH_MISR_VGrp1E = bit(6);
export const GICH_MISR_VGrp1D = bit(7);

/** GICH_LRn (5.3.9). Bits [22:20] are RES0; with HW=0 bits [18:13] are RES0 too. */
export const GICH_LR_VirtualID = field(0, 10);
/** HW=1: physical INTID deactivated with the virtual one */
export const GICH_LR_PhysicalID = field(10, 10);
/** HW=0: source cpu of an SGI, reported in GICV_IAR[12:10] */
export const GICH_LR_CPUID = field(10, 3);
/** HW=0: maintenance interrupt (EISR) when the interrupt is deactivated */
export const GICH_LR_EOI = bit(19);
/** priority bits [7:3] (VIRT_PRIORITY_SHIFT) */
export const GICH_LR_Priority = field(23, 5);
export const GICH_LR_State = field(28, 2);
export const GICH_LR_Grp1 = bit(30);
export const GICH_LR_HW = bit(31);
/** Writable bits with HW=1 / HW=0 (reserved bits RES0). */
export const GICH_LR_WRITABLE_HW = 0xff8fffff;
export const GICH_LR_WRITABLE_SW = 0x7f881fff;

/** GICH_LRn.State encodings: bit 0 = pending, bit 1 = active. */
export const LrState = {
  Invalid: 0,
  Pending: 1,
  Active: 2,
  PendingActive: 3,
} as const;

// ---- GICV (8 KiB frame; 5.4): the GICC layout (4.4, Table 4-2) as the guest sees it ----
export const GICV_CTLR = GICC_CTLR;
export const GICV_PMR = GICC_PMR;
export const GICV_BPR = GICC_BPR;
export const GICV_IAR = GICC_IAR;
export const GICV_EOIR = GICC_EOIR;
export const GICV_RPR = GICC_RPR;
export const GICV_HPPIR = GICC_HPPIR;
export const GICV_ABPR = GICC_ABPR;
export const GICV_AIAR = GICC_AIAR;
export const GICV_AEOIR = GICC_AEOIR;
export const GICV_AHPPIR = GICC_AHPPIR;
export const GICV_APR0 = GICC_APR0;
export const GICV_IIDR = GICC_IIDR;
/** GICV_DIR, the only register of the frame's second 4 KiB page (5.6): the vgic may trap that page. */
export const GICV_DIR = GICC_DIR;
export const GICV_FRAME_SIZE = GICC_FRAME_SIZE;

/**
 * GICV_IIDR (4.4.16): ProductID 0, ArchitectureVersion 2, Revision 0,
 * Implementer 0x43B (Arm). A model value, not a real part's.
 */
export const GICV_IIDR_VALUE = 0x0002043b;
