// Register offsets and fields of a GICv3 redistributor: the RD_base frame
// (64 KiB) and the SGI_base frame that follows it (64 KiB): IHI 0069
// chapter 12, the GICR register maps. Without virtual LPIs (GICR_TYPER.VLPIS =
// 0) a redistributor is these two frames, 128 KiB. The SGI_base registers
// have the offsets and layouts of the GICD registers of INTIDs 0-31
// (../registers.ts, ./gicd-regs.ts): one definition, named GICR_* here.

import { bit, field } from '../../../sim/bits.ts';
import {
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
} from '../registers.ts';
import { GICD_IGRPMODR, GICD_NSACR, GICD_PIDR2 } from './gicd-regs.ts';

/** One frame of a redistributor. */
export const GICR_FRAME_SIZE = 0x1_0000;
/** RD_base + SGI_base: the stride of the redistributors in their region (GICR_TYPER.VLPIS = 0). */
export const GICR_STRIDE = 2 * GICR_FRAME_SIZE;
/** Offset of SGI_base from RD_base. */
export const GICR_SGI_BASE = GICR_FRAME_SIZE;

// ---- RD_base ----
export const GICR_CTLR = 0x0000;
export const GICR_IIDR = 0x0004;
/** 64-bit: low word at 0x0008, high word (Affinity_Value) at 0x000C. */
export const GICR_TYPER = 0x0008;
export const GICR_STATUSR = 0x0010;
export const GICR_WAKER = 0x0014;
export const GICR_PIDR2 = GICD_PIDR2;
/** Identification registers of RD_base (0xFFD0..0xFFFC), as in the GICD frame. */
export const GICR_ID_BASE = 0xffd0;

/** GICR_CTLR (IHI 0069, GICR_CTLR): EnableLPIs (bit 0), RWP (bit 3), UWP (bit 31); no LPIs: all 0. */
export const GICR_CTLR_EnableLPIs = bit(0);
export const GICR_CTLR_RWP = bit(3);

/** GICR_TYPER low word (IHI 0069, GICR_TYPER). */
export const GICR_TYPER_PLPIS = bit(0);
export const GICR_TYPER_VLPIS = bit(1);
export const GICR_TYPER_Dirty = bit(2);
export const GICR_TYPER_DirectLPI = bit(3);
export const GICR_TYPER_Last = bit(4);
export const GICR_TYPER_DPGS = bit(5);
export const GICR_TYPER_Processor_Number = field(8, 16);
export const GICR_TYPER_CommonLPIAff = field(24, 2);
/** GICR_TYPER high word: Affinity_Value = Aff3 [31:24], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]. */
export const GICR_TYPER_HI_Aff0 = field(0, 8);

/**
 * GICR_WAKER (IHI 0069, GICR_WAKER): ProcessorSleep (bit 1) RW, ChildrenAsleep
 * (bit 2) RO; bits 0 and 31 are IMPLEMENTATION DEFINED (RAZ/WI here).
 */
export const GICR_WAKER_ProcessorSleep = bit(1);
export const GICR_WAKER_ChildrenAsleep = bit(2);

// ---- SGI_base (offsets within the SGI_base frame) ----
export const GICR_IGROUPR0 = GICD_IGROUPR;
export const GICR_ISENABLER0 = GICD_ISENABLER;
export const GICR_ICENABLER0 = GICD_ICENABLER;
export const GICR_ISPENDR0 = GICD_ISPENDR;
export const GICR_ICPENDR0 = GICD_ICPENDR;
export const GICR_ISACTIVER0 = GICD_ISACTIVER;
export const GICR_ICACTIVER0 = GICD_ICACTIVER;
/** GICR_IPRIORITYR0..7: 32 bytes. */
export const GICR_IPRIORITYR0 = GICD_IPRIORITYR;
/** GICR_ICFGR0 (SGIs) and GICR_ICFGR1 (PPIs). */
export const GICR_ICFGR0 = GICD_ICFGR;
export const GICR_ICFGR1 = GICD_ICFGR + 4;
export const GICR_IGRPMODR0 = GICD_IGRPMODR;
export const GICR_NSACR = GICD_NSACR;
