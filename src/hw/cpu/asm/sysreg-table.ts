// System registers by name <-> (op0, op1, CRn, CRm, op2), shared by the
// assembler (MRS/MSR) and the interpreter. Encodings from the Arm ARM,
// chapter D19 (AArch64 System Register Descriptions) and the GIC
// architecture specification (ICC_*), section 12.

export interface SysRegEncoding {
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
}

/** Architectural names (upper case, as in the Arm ARM) and their encodings. */
const TABLE: [string, number, number, number, number, number][] = [
  // name              op0 op1 CRn CRm op2
  ['MIDR_EL1', 3, 0, 0, 0, 0],
  ['MPIDR_EL1', 3, 0, 0, 0, 5],
  ['REVIDR_EL1', 3, 0, 0, 0, 6],
  ['ID_AA64PFR0_EL1', 3, 0, 0, 4, 0],
  ['ID_AA64PFR1_EL1', 3, 0, 0, 4, 1],
  ['ID_AA64DFR0_EL1', 3, 0, 0, 5, 0],
  ['ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0],
  ['ID_AA64ISAR1_EL1', 3, 0, 0, 6, 1],
  ['ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0],
  ['ID_AA64MMFR1_EL1', 3, 0, 0, 7, 1],
  ['SCTLR_EL1', 3, 0, 1, 0, 0],
  ['ACTLR_EL1', 3, 0, 1, 0, 1],
  ['CPACR_EL1', 3, 0, 1, 0, 2],
  ['TTBR0_EL1', 3, 0, 2, 0, 0],
  ['TTBR1_EL1', 3, 0, 2, 0, 1],
  ['TCR_EL1', 3, 0, 2, 0, 2],
  ['SPSR_EL1', 3, 0, 4, 0, 0],
  ['ELR_EL1', 3, 0, 4, 0, 1],
  ['SP_EL0', 3, 0, 4, 1, 0],
  ['SPSEL', 3, 0, 4, 2, 0],
  ['CURRENTEL', 3, 0, 4, 2, 2],
  ['ICC_PMR_EL1', 3, 0, 4, 6, 0],
  ['AFSR0_EL1', 3, 0, 5, 1, 0],
  ['AFSR1_EL1', 3, 0, 5, 1, 1],
  ['ESR_EL1', 3, 0, 5, 2, 0],
  ['FAR_EL1', 3, 0, 6, 0, 0],
  ['PAR_EL1', 3, 0, 7, 4, 0],
  ['MAIR_EL1', 3, 0, 10, 2, 0],
  ['AMAIR_EL1', 3, 0, 10, 3, 0],
  ['VBAR_EL1', 3, 0, 12, 0, 0],
  ['ISR_EL1', 3, 0, 12, 1, 0],
  ['ICC_IAR0_EL1', 3, 0, 12, 8, 0],
  ['ICC_EOIR0_EL1', 3, 0, 12, 8, 1],
  ['ICC_HPPIR0_EL1', 3, 0, 12, 8, 2],
  ['ICC_BPR0_EL1', 3, 0, 12, 8, 3],
  ['ICC_AP0R0_EL1', 3, 0, 12, 8, 4],
  ['ICC_AP0R1_EL1', 3, 0, 12, 8, 5],
  ['ICC_AP0R2_EL1', 3, 0, 12, 8, 6],
  ['ICC_AP0R3_EL1', 3, 0, 12, 8, 7],
  ['ICC_AP1R0_EL1', 3, 0, 12, 9, 0],
  ['ICC_AP1R1_EL1', 3, 0, 12, 9, 1],
  ['ICC_AP1R2_EL1', 3, 0, 12, 9, 2],
  ['ICC_AP1R3_EL1', 3, 0, 12, 9, 3],
  ['ICC_DIR_EL1', 3, 0, 12, 11, 1],
  ['ICC_RPR_EL1', 3, 0, 12, 11, 3],
  ['ICC_ASGI1R_EL1', 3, 0, 12, 11, 6],
  ['ICC_SGI0R_EL1', 3, 0, 12, 11, 7],
  ['ICC_SGI1R_EL1', 3, 0, 12, 11, 5],
  ['ICC_IAR1_EL1', 3, 0, 12, 12, 0],
  ['ICC_EOIR1_EL1', 3, 0, 12, 12, 1],
  ['ICC_HPPIR1_EL1', 3, 0, 12, 12, 2],
  ['ICC_BPR1_EL1', 3, 0, 12, 12, 3],
  ['ICC_CTLR_EL1', 3, 0, 12, 12, 4],
  ['ICC_SRE_EL1', 3, 0, 12, 12, 5],
  ['ICC_IGRPEN0_EL1', 3, 0, 12, 12, 6],
  ['ICC_IGRPEN1_EL1', 3, 0, 12, 12, 7],
  ['CONTEXTIDR_EL1', 3, 0, 13, 0, 1],
  ['TPIDR_EL1', 3, 0, 13, 0, 4],
  ['CNTKCTL_EL1', 3, 0, 14, 1, 0],
  ['CTR_EL0', 3, 3, 0, 0, 1],
  ['DCZID_EL0', 3, 3, 0, 0, 7],
  ['NZCV', 3, 3, 4, 2, 0],
  ['DAIF', 3, 3, 4, 2, 1],
  ['TPIDR_EL0', 3, 3, 13, 0, 2],
  ['TPIDRRO_EL0', 3, 3, 13, 0, 3],
  ['CNTFRQ_EL0', 3, 3, 14, 0, 0],
  ['CNTPCT_EL0', 3, 3, 14, 0, 1],
  ['CNTVCT_EL0', 3, 3, 14, 0, 2],
  ['CNTP_TVAL_EL0', 3, 3, 14, 2, 0],
  ['CNTP_CTL_EL0', 3, 3, 14, 2, 1],
  ['CNTP_CVAL_EL0', 3, 3, 14, 2, 2],
  ['CNTV_TVAL_EL0', 3, 3, 14, 3, 0],
  ['CNTV_CTL_EL0', 3, 3, 14, 3, 1],
  ['CNTV_CVAL_EL0', 3, 3, 14, 3, 2],
  // Performance Monitors (PMUv3)
  ['PMINTENSET_EL1', 3, 0, 9, 14, 1],
  ['PMINTENCLR_EL1', 3, 0, 9, 14, 2],
  ['PMCR_EL0', 3, 3, 9, 12, 0],
  ['PMCNTENSET_EL0', 3, 3, 9, 12, 1],
  ['PMCNTENCLR_EL0', 3, 3, 9, 12, 2],
  ['PMOVSCLR_EL0', 3, 3, 9, 12, 3],
  ['PMSWINC_EL0', 3, 3, 9, 12, 4],
  ['PMSELR_EL0', 3, 3, 9, 12, 5],
  ['PMCEID0_EL0', 3, 3, 9, 12, 6],
  ['PMCEID1_EL0', 3, 3, 9, 12, 7],
  ['PMCCNTR_EL0', 3, 3, 9, 13, 0],
  ['PMXEVTYPER_EL0', 3, 3, 9, 13, 1],
  ['PMXEVCNTR_EL0', 3, 3, 9, 13, 2],
  ['PMUSERENR_EL0', 3, 3, 9, 14, 0],
  ['PMOVSSET_EL0', 3, 3, 9, 14, 3],
  ...Array.from({ length: 31 }, (_, n): [string, number, number, number, number, number] => [
    `PMEVCNTR${n}_EL0`,
    3,
    3,
    14,
    8 + (n >> 3),
    n & 7,
  ]),
  ...Array.from({ length: 31 }, (_, n): [string, number, number, number, number, number] => [
    `PMEVTYPER${n}_EL0`,
    3,
    3,
    14,
    12 + (n >> 3),
    n & 7,
  ]),
  ['PMCCFILTR_EL0', 3, 3, 14, 15, 7],
  ['VPIDR_EL2', 3, 4, 0, 0, 0],
  ['VMPIDR_EL2', 3, 4, 0, 0, 5],
  ['SCTLR_EL2', 3, 4, 1, 0, 0],
  ['HCR_EL2', 3, 4, 1, 1, 0],
  ['SPSR_EL2', 3, 4, 4, 0, 0],
  ['ELR_EL2', 3, 4, 4, 0, 1],
  ['SP_EL1', 3, 4, 4, 1, 0],
  ['ESR_EL2', 3, 4, 5, 2, 0],
  ['FAR_EL2', 3, 4, 6, 0, 0],
  ['VBAR_EL2', 3, 4, 12, 0, 0],
  ['CNTVOFF_EL2', 3, 4, 14, 0, 3],
  ['CNTHCTL_EL2', 3, 4, 14, 1, 0],
  ['CNTHP_TVAL_EL2', 3, 4, 14, 2, 0],
  ['CNTHP_CTL_EL2', 3, 4, 14, 2, 1],
  ['CNTHP_CVAL_EL2', 3, 4, 14, 2, 2],
];

/** Every named register, keyed by upper-case name. */
export const SYSREGS: ReadonlyMap<string, SysRegEncoding> = new Map(
  TABLE.map(([name, op0, op1, crn, crm, op2]) => [name, { op0, op1, crn, crm, op2 }]),
);

// The 15-bit o0:op1:CRn:CRm:op2 field of MRS/MSR (bits 19..5, op0 = 2 + o0).
const OP0_SHIFT = 14;
const OP1_SHIFT = 11;
const CRN_SHIFT = 7;
const CRM_SHIFT = 3;
const OP0_BASE = 2; // op0 is 0b1x for MRS/MSR (register)

/** A compact numeric key (the MRS/MSR bits 19..5): equal encodings, equal keys. */
export function sysregKey(e: SysRegEncoding): number {
  return (
    ((e.op0 - OP0_BASE) << OP0_SHIFT) |
    (e.op1 << OP1_SHIFT) |
    (e.crn << CRN_SHIFT) |
    (e.crm << CRM_SHIFT) |
    e.op2
  );
}

const BY_KEY = new Map<number, string>(
  TABLE.map(([name, op0, op1, crn, crm, op2]) => [sysregKey({ op0, op1, crn, crm, op2 }), name]),
);

const GENERIC = /^s([23])_([0-7])_c([0-9]|1[0-5])_c([0-9]|1[0-5])_([0-7])$/i;

/** Encoding of a register name (any case) or of a generic `S<op0>_<op1>_C<n>_C<m>_<op2>` name. */
export function sysregByName(name: string): SysRegEncoding | undefined {
  const known = SYSREGS.get(name.toUpperCase());
  if (known !== undefined) return known;
  const m = GENERIC.exec(name);
  if (m === null) return undefined;
  return { op0: Number(m[1]), op1: Number(m[2]), crn: Number(m[3]), crm: Number(m[4]), op2: Number(m[5]) };
}

/** The architectural name of an encoding, or its generic `S3_0_C15_C2_0` spelling. */
export function sysregName(e: SysRegEncoding): string {
  return BY_KEY.get(sysregKey(e)) ?? `S${e.op0}_${e.op1}_C${e.crn}_C${e.crm}_${e.op2}`;
}
