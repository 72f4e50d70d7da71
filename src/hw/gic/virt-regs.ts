// Register layouts of the GICv2 virtualization extensions (IHI 0048B ch. 5):
// the GICH virtual interface control frame and the GICV virtual CPU
// interface frame (the GICC layout). Offsets and fields only; behaviour lives
// in virt-interface.ts, decoding in gich-frame.ts and gicv-frame.ts.

import { bit, field } from '../../sim/bits.ts';

/** GICH frame offsets (5.3, Table 5-1). */
export const GICH = {
  HCR: 0x000,
  VTR: 0x004,
  VMCR: 0x008,
  MISR: 0x010,
  EISR0: 0x020,
  EISR1: 0x024,
  ELRSR0: 0x030,
  ELRSR1: 0x034,
  APR: 0x0f0,
  LR0: 0x100,
  /** one past the last possible LR (64 LRs, GICH_VTR.ListRegs is 6 bits) */
  LR_END: 0x200,
  FRAME_SIZE: 0x1000,
} as const;

/** GICV frame offsets: the GICC layout (4.4, Table 4-2) as seen by the guest. */
export const GICV = {
  CTLR: 0x0000,
  PMR: 0x0004,
  BPR: 0x0008,
  IAR: 0x000c,
  EOIR: 0x0010,
  RPR: 0x0014,
  HPPIR: 0x0018,
  ABPR: 0x001c,
  AIAR: 0x0020,
  AEOIR: 0x0024,
  AHPPIR: 0x0028,
  APR0: 0x00d0,
  IIDR: 0x00fc,
  DIR: 0x1000,
  FRAME_SIZE: 0x2000,
} as const;

/** GICH_HCR (5.3.2). Bits [26:8] are RES0. */
export const HCR = {
  En: bit(0),
  UIE: bit(1),
  LRENPIE: bit(2),
  NPIE: bit(3),
  VGrp0EIE: bit(4),
  VGrp0DIE: bit(5),
  VGrp1EIE: bit(6),
  VGrp1DIE: bit(7),
  EOICount: field(27, 5),
} as const;
export const HCR_WRITABLE = 0xf80000ff;

/** GICH_VTR (5.3.3), read-only. PREbits/PRIbits hold (number of bits - 1). */
export const VTR = {
  ListRegs: field(0, 6),
  PREbits: field(26, 3),
  PRIbits: field(29, 3),
} as const;

/** The GICv2 virtual interface implements 5 priority bits: 32 levels, minimum BPR 2 (5.2.1). */
export const VIRT_PRIORITY_BITS = 5;
export const VIRT_PREEMPTION_BITS = 5;
/** Minimum GICV_BPR (8 - PRIbits - 1) and minimum GICV_ABPR (one more). */
export const MIN_VBPR = 7 - VIRT_PRIORITY_BITS;
export const MIN_VABPR = MIN_VBPR + 1;

/** GICH_VMCR (5.3.4): the guest's GICV_CTLR/PMR/BPR/ABPR as the hypervisor sees them. */
export const VMCR = {
  VMGrp0En: bit(0),
  VMGrp1En: bit(1),
  VMAckCtl: bit(2),
  VMFIQEn: bit(3),
  VMCBPR: bit(4),
  VEM: bit(9),
  VMABP: field(18, 3),
  VMBP: field(21, 3),
  VMPriMask: field(27, 5),
} as const;
/** VMCR bits that alias GICV_CTLR bits at the same positions: [4:0] and [9]. */
export const VMCR_CTLR_MASK = 0x21f;
/** Reset: binary points at their minimum (GIC-400 resets GICV_BPR to 2, GICV_ABPR to 3). */
export const VMCR_RESET = ((MIN_VABPR << 18) | (MIN_VBPR << 21)) >>> 0;

/** GICH_MISR (5.3.5), read-only. */
export const MISR = {
  EOI: bit(0),
  U: bit(1),
  LRENP: bit(2),
  NP: bit(3),
  VGrp0E: bit(4),
  VGrp0D: bit(5),
  VGrp1E: bit(6),
  VGrp1D: bit(7),
} as const;

/** GICH_LRn (5.3.9). Bits [22:20] are RES0; with HW=0 bits [18:13] are RES0 too. */
export const LR = {
  VirtualID: field(0, 10),
  /** HW=1: physical INTID deactivated with the virtual one */
  PhysicalID: field(10, 10),
  /** HW=0: source cpu of an SGI, reported in GICV_IAR[12:10] */
  CPUID: field(10, 3),
  /** HW=0: maintenance interrupt (EISR) when the interrupt is deactivated */
  EOI: bit(19),
  Priority: field(23, 5),
  State: field(28, 2),
  Grp1: bit(30),
  HW: bit(31),
} as const;
/** Writable bits with HW=1 / HW=0 (reserved bits RES0). */
export const LR_WRITABLE_HW = 0xff8fffff;
export const LR_WRITABLE_SW = 0x7f881fff;

/** GICH_LRn.State encodings. */
export const LrState = {
  Invalid: 0,
  Pending: 1,
  Active: 2,
  PendingActive: 3,
} as const;

/** GICV_CTLR (4.4.1 with 5.3.4): the bits the virtual CPU interface implements. */
export const VCTLR = {
  EnableGrp0: bit(0),
  EnableGrp1: bit(1),
  AckCtl: bit(2),
  FIQEn: bit(3),
  CBPR: bit(4),
  EOImode: bit(9),
} as const;

/** GICV_IAR / EOIR / DIR / HPPIR value layout (4.4.4). */
export const IAR = {
  InterruptID: field(0, 10),
  CPUID: field(10, 3),
} as const;

/** GICV_PMR: 8-bit field of which the top VIRT_PRIORITY_BITS are implemented. */
export const PMR_Priority = field(0, 8);
export const BPR_BinaryPoint = field(0, 3);

/**
 * GICV_IIDR (4.4.16): ProductID 0, ArchitectureVersion 2, Revision 0,
 * Implementer 0x43B (Arm). A model value, not a real part's.
 */
export const GICV_IIDR_VALUE = 0x0002043b;

/** Idle running priority (no active priority): RPR reads 0xFF. */
export const IDLE_PRIORITY = 0x100;

/** GICV_IAR special INTIDs (3.2.5). */
export const INTID_SPURIOUS = 1023;
export const INTID_SPURIOUS_OTHER_GROUP = 1022;
export const FIRST_SPECIAL_INTID = 1020;

/** Which of the GICV acknowledge/HPPI registers is used. */
export const AckView = {
  /** GICV_IAR / GICV_HPPIR: group 0, and group 1 when AckCtl=1 */
  Primary: 0,
  /** GICV_AIAR / GICV_AHPPIR: group 1 only */
  Aliased: 1,
} as const;
export type AckView = (typeof AckView)[keyof typeof AckView];
