// Names, encodings and fields of the Performance Monitors Extension's AArch64
// system registers (PMUv3 as Armv8.0 has it: Arm ARM DDI 0487, chapter D13
// "The Performance Monitors Extension", and the PMU register descriptions in
// the AArch64 system register chapter). The EL0 access rules of PMUSERENR_EL0
// are here too: the cpu applies them (they hold with or without a
// hypervisor), a hypervisor that emulates the PMU applies them again to its
// guest's PMUSERENR_EL0.

import { bit, field } from '../../sim/bits.ts';

/** A PMU register; the numbered ones (PMEVCNTR<n>_EL0, PMEVTYPER<n>_EL0) carry n beside. */
export const PmuReg = {
  PMCR_EL0: 0,
  PMCNTENSET_EL0: 1,
  PMCNTENCLR_EL0: 2,
  PMOVSCLR_EL0: 3,
  PMSWINC_EL0: 4,
  PMSELR_EL0: 5,
  PMCEID0_EL0: 6,
  PMCEID1_EL0: 7,
  PMCCNTR_EL0: 8,
  PMXEVTYPER_EL0: 9,
  PMXEVCNTR_EL0: 10,
  PMUSERENR_EL0: 11,
  PMOVSSET_EL0: 12,
  PMINTENSET_EL1: 13,
  PMINTENCLR_EL1: 14,
  PMEVCNTR_EL0: 15,
  PMEVTYPER_EL0: 16,
  PMCCFILTR_EL0: 17,
} as const;
export type PmuReg = (typeof PmuReg)[keyof typeof PmuReg];

export const PMU_REG_NAMES: readonly string[] = Object.keys(PmuReg);

/** The name of a decoded register access, e.g. 'PMEVCNTR3_EL0'. */
export function pmuRegName(reg: PmuReg, n: number): string {
  if (reg === PmuReg.PMEVCNTR_EL0) return `PMEVCNTR${n}_EL0`;
  if (reg === PmuReg.PMEVTYPER_EL0) return `PMEVTYPER${n}_EL0`;
  return PMU_REG_NAMES[reg];
}

/**
 * Decode an MRS/MSR encoding (op0:op1:CRn:CRm:op2 as sysregEncoding()) into
 * `reg | n << 8`, or -1 for a register that is not the PMU's. Encodings:
 * S3_3_C9_C12_{0..5} (PMCR, PMCNTENSET, PMCNTENCLR, PMOVSCLR, PMSWINC,
 * PMSELR), S3_3_C9_C12_{6,7} (PMCEID0/1), S3_3_C9_C13_{0,1,2} (PMCCNTR,
 * PMXEVTYPER, PMXEVCNTR), S3_3_C9_C14_{0,3} (PMUSERENR, PMOVSSET),
 * S3_0_C9_C14_{1,2} (PMINTENSET/CLR_EL1), S3_3_C14_C8..C11_n (PMEVCNTR<n>),
 * S3_3_C14_C12..C15_n (PMEVTYPER<n>; n = 31 is PMCCFILTR_EL0).
 */
export function pmuRegOf(encoding: number): number {
  const op0 = (encoding >>> 14) & 3;
  const op1 = (encoding >>> 11) & 7;
  const crn = (encoding >>> 7) & 15;
  const crm = (encoding >>> 3) & 15;
  const op2 = encoding & 7;
  if (op0 !== 3) return -1;
  if (crn === 9 && op1 === 0 && crm === 14 && (op2 === 1 || op2 === 2))
    return op2 === 1 ? PmuReg.PMINTENSET_EL1 : PmuReg.PMINTENCLR_EL1;
  if (op1 !== 3) return -1;
  if (crn === 9) {
    if (crm === 12) return op2; // PMCR .. PMCEID1 are 0..7 in PmuReg
    if (crm === 13 && op2 <= 2) return PmuReg.PMCCNTR_EL0 + op2;
    if (crm === 14 && op2 === 0) return PmuReg.PMUSERENR_EL0;
    if (crm === 14 && op2 === 3) return PmuReg.PMOVSSET_EL0;
    return -1;
  }
  if (crn === 14 && crm >= 8) {
    const n = ((crm & 3) << 3) | op2;
    if (crm >= 12) return n === 31 ? PmuReg.PMCCFILTR_EL0 : PmuReg.PMEVTYPER_EL0 | (n << 8);
    return n === 31 ? -1 : PmuReg.PMEVCNTR_EL0 | (n << 8);
  }
  return -1;
}

/** PMCR_EL0 fields (Arm ARM, PMCR_EL0). */
export const PMCR = {
  /** enable every counter */
  E: bit(0),
  /** write 1: reset the event counters (reads 0) */
  P: bit(1),
  /** write 1: reset the cycle counter (reads 0) */
  C: bit(2),
  /** the cycle counter counts every 64th cycle */
  D: bit(3),
  /** export of events (stored, no effect here) */
  X: bit(4),
  /** disable the cycle counter where event counting is prohibited (stored: nothing is prohibited here) */
  DP: bit(5),
  /** long cycle counter: overflow recorded at 64 bits, not 32 */
  LC: bit(6),
  N: field(11, 5),
  IDCODE: field(16, 8),
  IMP: field(24, 8),
} as const;

/** PMUSERENR_EL0 fields: what EL0 may access (Arm ARM, PMUSERENR_EL0). */
export const PMUSERENR = {
  /** every PMU register EL0 can name */
  EN: bit(0),
  /** PMSWINC_EL0 writes */
  SW: bit(1),
  /** PMCCNTR_EL0 reads */
  CR: bit(2),
  /** PMXEVCNTR_EL0 / PMEVCNTR<n>_EL0 reads, PMSELR_EL0 reads and writes */
  ER: bit(3),
} as const;
export const PMUSERENR_MASK = 0xf;

/** PMEVTYPER<n>_EL0 / PMCCFILTR_EL0 filter bits (Arm ARM, PMEVTYPER<n>_EL0). */
export const EVTYPER = {
  /** do not count at EL1 */
  P: bit(31),
  /** do not count at EL0 */
  U: bit(30),
  NSK: bit(29),
  NSU: bit(28),
  /** count at EL2 (RES0 without EL2) */
  NSH: bit(27),
  /** evtCount, 10 bits in PMUv3 for Armv8.0 */
  EVTCOUNT: field(0, 10),
} as const;

/** Common architectural events (Arm ARM D13, "The PMU event number space and common events"). */
export const PmuEvent = {
  SW_INCR: 0x00,
  INST_RETIRED: 0x08,
  CPU_CYCLES: 0x11,
  /** odd counters: one per overflow of the even counter below (Arm ARM D13, "Chaining") */
  CHAIN: 0x1e,
} as const;

/**
 * PMCEID0_EL0: the common events 0x00-0x1F this PMU counts, and counts
 * exactly (one instruction = one cycle, as the interpreter runs): SW_INCR,
 * INST_RETIRED, CPU_CYCLES, CHAIN. PMCEID1_EL0 (events 0x20-0x3F): none.
 */
export const PMCEID0_VALUE =
  ((1 << PmuEvent.SW_INCR) |
    (1 << PmuEvent.INST_RETIRED) |
    (1 << PmuEvent.CPU_CYCLES) |
    (1 << PmuEvent.CHAIN)) >>>
  0;

/** Index of the cycle counter in the PMCNTEN/PMOVS/PMINTEN bit maps (bit 31: C). */
export const CYCLE_IDX = 31;

/**
 * The register has an MRS (read) or MSR (write) accessor: PMSWINC_EL0 is
 * write-only, PMCEID0/1_EL0 are read-only; the missing direction is
 * UNDEFINED at every EL, before any trap check.
 */
export function hasAccessor(reg: PmuReg, write: boolean): boolean {
  if (reg === PmuReg.PMSWINC_EL0) return write;
  if (reg === PmuReg.PMCEID0_EL0 || reg === PmuReg.PMCEID1_EL0) return !write;
  return true;
}

/** What an EL0 access needs (the outcome of the PMUSERENR_EL0 check). */
export const El0Access = {
  ALLOWED: 0,
  /** trapped to EL1 (EC 0x18) on hardware */
  TRAP: 1,
  /** UNDEFINED whatever PMUSERENR says (MSR of PMUSERENR_EL0, MRS of PMSWINC_EL0 ...) */
  UNDEFINED: 2,
} as const;
export type El0Access = (typeof El0Access)[keyof typeof El0Access];

/**
 * The EL0 access rule of the Performance Monitors (Arm ARM D13, "Behavior
 * on accesses to the PMU registers from EL0", and PMUSERENR_EL0): with EN
 * every EL0-named register is accessible; otherwise SW allows PMSWINC_EL0
 * writes, CR PMCCNTR_EL0 reads, ER reads of the event counters and PMSELR_EL0
 * reads and writes, and PMUSERENR_EL0 itself is always readable (never
 * writable: read-only at EL0). PMINTEN*_EL1 do not exist at EL0 (the cpu
 * makes op1 = 0 registers UNDEFINED there before asking).
 */
export function el0Access(reg: PmuReg, write: boolean, userenr: number): El0Access {
  if (!hasAccessor(reg, write)) return El0Access.UNDEFINED;
  if (reg === PmuReg.PMUSERENR_EL0) return write ? El0Access.UNDEFINED : El0Access.ALLOWED;
  if (reg === PmuReg.PMINTENSET_EL1 || reg === PmuReg.PMINTENCLR_EL1) return El0Access.UNDEFINED;
  if ((userenr & 1) !== 0) return El0Access.ALLOWED;
  switch (reg) {
    case PmuReg.PMSWINC_EL0:
      return write && (userenr & 2) !== 0 ? El0Access.ALLOWED : El0Access.TRAP;
    case PmuReg.PMCCNTR_EL0:
      return !write && (userenr & 4) !== 0 ? El0Access.ALLOWED : El0Access.TRAP;
    case PmuReg.PMXEVCNTR_EL0:
    case PmuReg.PMEVCNTR_EL0:
      return !write && (userenr & 8) !== 0 ? El0Access.ALLOWED : El0Access.TRAP;
    case PmuReg.PMSELR_EL0:
      return (userenr & 8) !== 0 ? El0Access.ALLOWED : El0Access.TRAP;
    default:
      return El0Access.TRAP;
  }
}
