// Register offsets and fields of the GICv2 distributor (GICD) and CPU
// interface (GICC) frames: IHI 0048B 4.1.2 (Table 4-1, Table 4-2), 4.3 and
// 4.4. Names are the architecture's. The one definition every model of these
// frames uses: the physical GIC (hw/gic), the vgic's GICD emulation
// (hyp/vgic), the host driver and the assembler's board symbols. The GICH and
// GICV frames are in virt-regs.ts; special INTIDs in intid.ts.

import { bit, field } from '../../sim/bits.ts';

// ---- GICD (4 KiB frame) ----
export const GICD_CTLR = 0x000;
export const GICD_TYPER = 0x004;
export const GICD_IIDR = 0x008;
export const GICD_IGROUPR = 0x080;
export const GICD_ISENABLER = 0x100;
export const GICD_ICENABLER = 0x180;
export const GICD_ISPENDR = 0x200;
export const GICD_ICPENDR = 0x280;
export const GICD_ISACTIVER = 0x300;
export const GICD_ICACTIVER = 0x380;
export const GICD_IPRIORITYR = 0x400;
export const GICD_ITARGETSR = 0x800;
export const GICD_ICFGR = 0xc00;
export const GICD_SGIR = 0xf00;
export const GICD_CPENDSGIR = 0xf10;
export const GICD_SPENDSGIR = 0xf20;
/** Start of the identification registers (ICPIDR4..7, ICPIDR0..3, ICCIDR0..3). */
export const GICD_ID_BASE = 0xfd0;
export const GICD_ICPIDR2 = 0xfe8;
export const GICD_FRAME_SIZE = 0x1000;

/** End of the identification registers: the end of the frame. */
export const GICD_ID_END = GICD_FRAME_SIZE;

/** Per-INTID bit registers span 0x80 bytes (1024 INTIDs); byte registers 0x400; ICFGR 0x100. */
export const BITS_REG_SPAN = 0x80;
export const BYTES_REG_SPAN = 0x400;
export const ICFGR_SPAN = 0x100;
/** GICD_CPENDSGIRn / SPENDSGIRn: one byte per SGI (4 words). */
export const SGI_BYTES_SPAN = 0x10;

/** GICD_ICFGR (GICv2 4.3.13): two bits per INTID; Int_config[1] (bit 2k+1) set = edge-triggered. */
export const GICD_ICFGR_BITS_PER_IRQ = 2;
export const GICD_ICFGR_EDGE = 0b10;

/** GICD_CTLR without the Security Extensions (GICv2 4.3.1). */
export const GICD_CTLR_EnableGrp0 = bit(0);
export const GICD_CTLR_EnableGrp1 = bit(1);

/** GICD_TYPER (GICv2 4.3.2). */
export const GICD_TYPER_ITLinesNumber = field(0, 5);
export const GICD_TYPER_CPUNumber = field(5, 3);
export const GICD_TYPER_SecurityExtn = bit(10);
export const GICD_TYPER_LSPI = field(11, 5);

/** GICD_IIDR / GICC_IIDR (GICv2 4.3.3, 4.4.14). */
export const IIDR_Implementer = field(0, 12);
export const IIDR_Revision = field(12, 4);
export const GICD_IIDR_Variant = field(16, 4);
export const GICD_IIDR_ProductID = field(24, 8);
export const GICC_IIDR_ArchVersion = field(16, 4);
export const GICC_IIDR_ProductID = field(20, 12);

/** GICD_SGIR (GICv2 4.3.15). */
export const GICD_SGIR_SGIINTID = field(0, 4);
export const GICD_SGIR_NSATT = bit(15);
export const GICD_SGIR_CPUTargetList = field(16, 8);
export const GICD_SGIR_TargetListFilter = field(24, 2);
/** GICD_SGIR.TargetListFilter values; 3 is reserved. */
export const GICD_SGIR_FILTER_LIST = 0;
export const GICD_SGIR_FILTER_ALL_BUT_SELF = 1;
export const GICD_SGIR_FILTER_SELF = 2;

/** ICPIDR2 (GICv2 4.3.16): ArchRev, JEDEC-assigned designer flag, JEP106 identity code bits [6:4]. */
export const ICPIDR2_ArchRev = field(4, 4);
export const ICPIDR2_JEDEC = bit(3);
export const ICPIDR2_JEP106_6_4 = field(0, 3);

// ---- GICC (8 KiB frame) ----
export const GICC_CTLR = 0x0000;
export const GICC_PMR = 0x0004;
export const GICC_BPR = 0x0008;
export const GICC_IAR = 0x000c;
export const GICC_EOIR = 0x0010;
export const GICC_RPR = 0x0014;
export const GICC_HPPIR = 0x0018;
export const GICC_ABPR = 0x001c;
export const GICC_AIAR = 0x0020;
export const GICC_AEOIR = 0x0024;
export const GICC_AHPPIR = 0x0028;
export const GICC_APR0 = 0x00d0;
export const GICC_APR3 = 0x00dc;
export const GICC_NSAPR0 = 0x00e0;
export const GICC_NSAPR3 = 0x00ec;
export const GICC_IIDR = 0x00fc;
export const GICC_DIR = 0x1000;
export const GICC_FRAME_SIZE = 0x2000;

/** GICC_CTLR, GICv2 without the Security Extensions (GICv2 4.4.1, Table 4-31 layout). */
export const GICC_CTLR_EnableGrp0 = bit(0);
export const GICC_CTLR_EnableGrp1 = bit(1);
export const GICC_CTLR_AckCtl = bit(2);
export const GICC_CTLR_FIQEn = bit(3);
export const GICC_CTLR_CBPR = bit(4);
export const GICC_CTLR_FIQBypDisGrp0 = bit(5);
export const GICC_CTLR_IRQBypDisGrp0 = bit(6);
export const GICC_CTLR_FIQBypDisGrp1 = bit(7);
export const GICC_CTLR_IRQBypDisGrp1 = bit(8);
export const GICC_CTLR_EOImode = bit(9);

/** GICC_IAR / EOIR / HPPIR / DIR layout (GICv2 4.4.4). */
export const GICC_IAR_InterruptID = field(0, 10);
export const GICC_IAR_CPUID = field(10, 3);

/** Binary point field of GICC_BPR / GICC_ABPR. */
export const GICC_BPR_BinaryPoint = field(0, 3);
/** Priority field of GICC_PMR / GICC_RPR. */
export const GICC_PMR_Priority = field(0, 8);
