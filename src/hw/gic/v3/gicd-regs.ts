// Register offsets and fields of the GICv3 distributor (GICD, 64 KiB frame):
// IHI 0069 chapter 12 (the GICD register map and descriptions). Registers whose offset
// and layout are those of GICv2 (GICD_CTLR, IGROUPR, IS/ICENABLER, ...,
// IPRIORITYR, ICFGR) keep their one definition in ../registers.ts; this file
// adds what v3 changes or introduces. Names are the architecture's.

import { bit, field } from '../../../sim/bits.ts';

/** The GICD frame of a GICv3 is 64 KiB (IHI 0069, the GICD register map). */
export const GICD_V3_FRAME_SIZE = 0x1_0000;

export const GICD_TYPER2 = 0x000c;
export const GICD_STATUSR = 0x0010;
export const GICD_IGRPMODR = 0x0d00;
export const GICD_NSACR = 0x0e00;
/** GICD_IROUTER<n>: one 64-bit register per SPI at 0x6000 + 8n (n = 32..1019; IHI 0069, GICD_IROUTER<n>). */
export const GICD_IROUTER = 0x6000;
/** End (exclusive) of GICD_IROUTER<n>: after GICD_IROUTER1019 at 0x7FD8. */
export const GICD_IROUTER_END = 0x7fe0;
/** Identification registers of a v3 frame: GICD_PIDR4..7, PIDR0..3, CIDR0..3 at 0xFFD0..0xFFFC. */
export const GICD_V3_ID_BASE = 0xffd0;
export const GICD_PIDR2 = 0xffe8;
/** GICD_IGRPMODR spans 1024 INTIDs, one bit each; GICD_NSACR two bits each. */
export const IGRPMODR_SPAN = 0x80;
export const NSACR_SPAN = 0x100;

/**
 * GICD_CTLR when GICD_CTLR.DS == 1 (a single Security state; IHI 0069,
 * GICD_CTLR): EnableGrp0 (bit 0) and EnableGrp1 (bit 1) are ../registers.ts'
 * GICD_CTLR_EnableGrp0/1; ARE (bit 4), DS (bit 6), E1NWF (bit 7), RWP (bit 31).
 */
export const GICD_CTLR_ARE = bit(4);
export const GICD_CTLR_DS = bit(6);
export const GICD_CTLR_E1NWF = bit(7);
export const GICD_CTLR_RWP = bit(31);

/** GICD_TYPER (IHI 0069, GICD_TYPER). ITLinesNumber [4:0] and CPUNumber [7:5] as in GICv2. */
export const GICD_TYPER_ESPI = bit(8);
export const GICD_TYPER_NMI = bit(9);
export const GICD_TYPER_SecurityExtn = bit(10);
export const GICD_TYPER_num_LPIs = field(11, 5);
export const GICD_TYPER_MBIS = bit(16);
export const GICD_TYPER_LPIS = bit(17);
export const GICD_TYPER_DVIS = bit(18);
export const GICD_TYPER_IDbits = field(19, 5);
export const GICD_TYPER_A3V = bit(24);
export const GICD_TYPER_No1N = bit(25);
export const GICD_TYPER_RSS = bit(26);

/**
 * GICD_IROUTER<n> (IHI 0069, GICD_IROUTER<n>), as two 32-bit halves: the low word
 * holds Aff0 [7:0], Aff1 [15:8], Aff2 [23:16] and Interrupt_Routing_Mode
 * (IRM) [31]; the high word Aff3 [7:0] (bits [39:32] of the register).
 */
export const GICD_IROUTER_Aff0 = field(0, 8);
export const GICD_IROUTER_Aff1 = field(8, 8);
export const GICD_IROUTER_Aff2 = field(16, 8);
export const GICD_IROUTER_IRM = bit(31);
/** Aff3, in the high word. */
export const GICD_IROUTER_HI_Aff3 = field(0, 8);
/** Bits of the low word that are RES0 (30:24). */
export const GICD_IROUTER_LO_MASK = 0x80ff_ffff;

/** GICD_PIDR2 / GICR_PIDR2 (IHI 0069, GICD_PIDR2 and GICR_PIDR2): ArchRev [7:4] = 3 for GICv3. */
export const PIDR2_ArchRev = field(4, 4);
export const PIDR2_ARCHREV_GICV3 = 3;
