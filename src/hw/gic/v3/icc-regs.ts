// Fields of the GICv3 CPU interface system registers (ICC_*_EL1, IHI 0069
// 12.2). Names and MRS/MSR encodings are in sysreg-encodings.ts. The fields
// of a 64-bit register that lie above bit 31 are given on the high word
// (`_HI_`), so that no BigInt is needed to take them apart.

import { bit, field } from '../../../sim/bits.ts';

/** INTID field of ICC_IAR0/1, EOIR0/1, HPPIR0/1, DIR (24 bits; IHI 0069 12.2). */
export const ICC_INTID = field(0, 24);

/** ICC_CTLR_EL1 (IHI 0069 12.2, ICC_CTLR_EL1). */
export const ICC_CTLR_CBPR = bit(0);
export const ICC_CTLR_EOImode = bit(1);
export const ICC_CTLR_PMHE = bit(6);
export const ICC_CTLR_PRIbits = field(8, 3);
export const ICC_CTLR_IDbits = field(11, 3);
export const ICC_CTLR_SEIS = bit(14);
export const ICC_CTLR_A3V = bit(15);
export const ICC_CTLR_RSS = bit(18);
export const ICC_CTLR_ExtRange = bit(19);

/** ICC_SRE_EL1 (IHI 0069 12.2, ICC_SRE_EL1): SRE, DFB, DIB. */
export const ICC_SRE_SRE = bit(0);
export const ICC_SRE_DFB = bit(1);
export const ICC_SRE_DIB = bit(2);

/** ICC_IGRPEN0_EL1 / ICC_IGRPEN1_EL1: Enable. */
export const ICC_IGRPEN_Enable = bit(0);

/** ICC_BPR0_EL1 / ICC_BPR1_EL1: BinaryPoint. */
export const ICC_BPR_BinaryPoint = field(0, 3);

/** ICC_PMR_EL1 / ICC_RPR_EL1: Priority [7:0]. */
export const ICC_PRIORITY = field(0, 8);

/**
 * ICC_SGI0R_EL1, ICC_SGI1R_EL1, ICC_ASGI1R_EL1 (IHI 0069 12.2), low
 * word: TargetList [15:0], Aff1 [23:16], INTID [27:24]; high word: Aff2
 * [39:32], IRM [40], Aff3 [55:48]. RS [47:44] is RES0 with
 * ICC_CTLR_EL1.RSS = 0 (this model's and KVM's), so no field names it.
 */
export const ICC_SGIR_TargetList = field(0, 16);
export const ICC_SGIR_Aff1 = field(16, 8);
export const ICC_SGIR_INTID = field(24, 4);
export const ICC_SGIR_HI_Aff2 = field(0, 8);
export const ICC_SGIR_HI_IRM = bit(8);
export const ICC_SGIR_HI_Aff3 = field(16, 8);
