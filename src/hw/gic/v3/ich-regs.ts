// Fields of the GICv3 virtualization control registers (ICH_*_EL2, GIC
// architecture specification IHI 0069H, 12.4) and of the ICV_* registers the
// guest reads through ICC_* encodings (12.3): the one definition, used by the
// virtual CPU interface (virt-cpu-interface-v3.ts) and KVM's vgic-v3 backend
// (src/hyp/vgic/vgic-v3*.ts).
//
// ICH_LR<n>_EL2 is 64 bits wide; the model keeps it as two 32-bit halves so
// the hypervisor's per-exit path needs no BigInt: `ICH_LR_vINTID` is a field
// of the low word (bits [31:0]), every other ICH_LR_* field is a field of the
// high word (architectural bits [63:32], lsb counted from bit 32).

import { bit, field, fieldMask } from '../../../sim/bits.ts';

// ---- ICH_LR<n>_EL2 (12.4.10) ----
/** Bit position of the high word in the 64-bit register. */
export const ICH_LR_HI_SHIFT = 32;
/** Low word: the virtual INTID, bits [31:0] (implemented width: ICH_VTR_EL2.IDbits). */
export const ICH_LR_vINTID = field(0, 32);
/** High word: bits [44:32], the physical INTID deactivated with the virtual one (HW=1). */
export const ICH_LR_pINTID = field(0, 13);
/** High word: bit [41] with HW=0, EOI maintenance interrupt on deactivation (ICH_EISR_EL2). */
export const ICH_LR_EOI = bit(9);
/** High word: bits [55:48], the priority (unimplemented low bits RAZ/WI, PRIbits). */
export const ICH_LR_Priority = field(16, 8);
/** High word: bit [60], 0 = Group 0 (vFIQ), 1 = Group 1 (vIRQ). */
export const ICH_LR_Group = bit(28);
/** High word: bit [61], a hardware interrupt: pINTID is deactivated with it. */
export const ICH_LR_HW = bit(29);
/** High word: bits [63:62], IchLrState. */
export const ICH_LR_State = field(30, 2);

/** ICH_LR<n>_EL2.State: bit 0 = pending, bit 1 = active. */
export const IchLrState = {
  Invalid: 0,
  Pending: 1,
  Active: 2,
  PendingActive: 3,
} as const;

// ---- ICH_HCR_EL2 (12.4.5); bits [63:32] RES0 ----
export const ICH_HCR_En = bit(0);
/** underflow: maintenance while at most one LR is valid */
export const ICH_HCR_UIE = bit(1);
/** maintenance while EOIcount != 0 */
export const ICH_HCR_LRENPIE = bit(2);
/** maintenance while no LR is pending */
export const ICH_HCR_NPIE = bit(3);
export const ICH_HCR_VGrp0EIE = bit(4);
export const ICH_HCR_VGrp0DIE = bit(5);
export const ICH_HCR_VGrp1EIE = bit(6);
export const ICH_HCR_VGrp1DIE = bit(7);
/** trap EL1 accesses to the registers common to both groups (CTLR, DIR, PMR, RPR, SGI*R) */
export const ICH_HCR_TC = bit(10);
/** trap EL1 accesses to the Group 0 ICV registers */
export const ICH_HCR_TALL0 = bit(11);
/** trap EL1 accesses to the Group 1 ICV registers */
export const ICH_HCR_TALL1 = bit(12);
/** trap locally generated SEIs (no SEI support here: stored, no effect) */
const ICH_HCR_TSEI = bit(13);
/** trap EL1 writes to ICV_DIR_EL1 (implemented: ICH_VTR_EL2.TDS = 1) */
export const ICH_HCR_TDIR = bit(14);
/** EOIs and DIRs that matched no LR, modulo 32 */
export const ICH_HCR_EOIcount = field(27, 5);
/** Writable bits: [7:0], [14:10], [31:27] (GICv4.1's vSGIEOICount and DVIM are RES0 here). */
export const ICH_HCR_WRITABLE =
  (0xff |
    fieldMask(ICH_HCR_TC) |
    fieldMask(ICH_HCR_TALL0) |
    fieldMask(ICH_HCR_TALL1) |
    fieldMask(ICH_HCR_TSEI) |
    fieldMask(ICH_HCR_TDIR) |
    fieldMask(ICH_HCR_EOIcount)) >>>
  0;

// ---- ICH_VTR_EL2 (12.4.11), read-only ----
/** number of list registers - 1 */
export const ICH_VTR_ListRegs = field(0, 5);
/** separate trapping of ICV_DIR_EL1 writes (ICH_HCR_EL2.TDIR) supported */
export const ICH_VTR_TDS = bit(19);
/** 1 = no direct injection of virtual interrupts (no GICv4) */
export const ICH_VTR_nV4 = bit(20);
/** affinity 3 valid in SGI generation */
export const ICH_VTR_A3V = bit(21);
// bit 22 SEIS (locally generated SEIs) reads 0
/** virtual INTID bits: 0b000 = 16, 0b001 = 24 */
export const ICH_VTR_IDbits = field(23, 3);
/** preemption bits - 1 */
export const ICH_VTR_PREbits = field(26, 3);
/** priority bits - 1 */
export const ICH_VTR_PRIbits = field(29, 3);

// ---- ICH_VMCR_EL2 (12.4.12): the guest's ICV_* control state ----
export const ICH_VMCR_VENG0 = bit(0);
export const ICH_VMCR_VENG1 = bit(1);
// bit 2 VAckCtl: legacy (SRE = 0) only, RES0 here
/** legacy (SRE=0) only: RES1 with the system register interface */
export const ICH_VMCR_VFIQEn = bit(3);
export const ICH_VMCR_VCBPR = bit(4);
/** the guest's ICV_CTLR_EL1.EOImode */
export const ICH_VMCR_VEOIM = bit(9);
export const ICH_VMCR_VBPR1 = field(18, 3);
export const ICH_VMCR_VBPR0 = field(21, 3);
/** the guest's ICV_PMR_EL1, 8 bits (unimplemented low bits RAZ/WI) */
export const ICH_VMCR_VPMR = field(24, 8);

// ---- ICH_MISR_EL2 (12.4.9), read-only ----
export const ICH_MISR_EOI = bit(0);
export const ICH_MISR_U = bit(1);
export const ICH_MISR_LRENP = bit(2);
export const ICH_MISR_NP = bit(3);
export const ICH_MISR_VGrp0E = bit(4);
export const ICH_MISR_VGrp0D = bit(5);
export const ICH_MISR_VGrp1E = bit(6);
export const ICH_MISR_VGrp1D = bit(7);

// ICH_EISR_EL2 (12.4.6) and ICH_ELRSR_EL2 (12.4.7): bit n = ICH_LR<n>_EL2, 16 LRs at most.

// ---- ICV_* views (12.3) ----
/** ICV_CTLR_EL1 (12.3.6). */
export const ICV_CTLR_CBPR = bit(0);
export const ICV_CTLR_EOImode = bit(1);
export const ICV_CTLR_PRIbits = field(8, 3);
export const ICV_CTLR_IDbits = field(11, 3);
export const ICV_CTLR_A3V = bit(15);
/** ICV_BPR0/1_EL1.BinaryPoint */
export const ICV_BPR_BinaryPoint = field(0, 3);
/** ICV_IGRPEN0/1_EL1.Enable */
export const ICV_IGRPEN_Enable = bit(0);
/** ICV_PMR_EL1.Priority */
export const ICV_PMR_Priority = field(0, 8);
