// Names and MRS/MSR encodings of the GICv3 system registers: the physical
// CPU interface (ICC_*, GIC architecture specification IHI 0069, 12.2) and
// the virtualization control registers (ICH_*, 12.4). The virtual CPU
// interface (ICV_*) has no encodings of its own: with HCR_EL2.IMO/FMO set,
// an EL1 access to an ICC_* encoding reaches the ICV_* register of the same
// name (12.3). One definition, read by the cpu's sysreg routing, the GICv3
// model, the hypervisor and the assembler's symbols.

/** op0:op1:CRn:CRm:op2 packed as MRS/MSR hold them in bits [20:5] (the cpu's `sysregEncoding`). */
function sysregEncoding(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

export const IccReg = {
  ICC_PMR_EL1: 'ICC_PMR_EL1',
  ICC_IAR0_EL1: 'ICC_IAR0_EL1',
  ICC_EOIR0_EL1: 'ICC_EOIR0_EL1',
  ICC_HPPIR0_EL1: 'ICC_HPPIR0_EL1',
  ICC_BPR0_EL1: 'ICC_BPR0_EL1',
  ICC_AP0R0_EL1: 'ICC_AP0R0_EL1',
  ICC_AP0R1_EL1: 'ICC_AP0R1_EL1',
  ICC_AP0R2_EL1: 'ICC_AP0R2_EL1',
  ICC_AP0R3_EL1: 'ICC_AP0R3_EL1',
  ICC_AP1R0_EL1: 'ICC_AP1R0_EL1',
  ICC_AP1R1_EL1: 'ICC_AP1R1_EL1',
  ICC_AP1R2_EL1: 'ICC_AP1R2_EL1',
  ICC_AP1R3_EL1: 'ICC_AP1R3_EL1',
  ICC_DIR_EL1: 'ICC_DIR_EL1',
  ICC_RPR_EL1: 'ICC_RPR_EL1',
  ICC_SGI1R_EL1: 'ICC_SGI1R_EL1',
  ICC_ASGI1R_EL1: 'ICC_ASGI1R_EL1',
  ICC_SGI0R_EL1: 'ICC_SGI0R_EL1',
  ICC_IAR1_EL1: 'ICC_IAR1_EL1',
  ICC_EOIR1_EL1: 'ICC_EOIR1_EL1',
  ICC_HPPIR1_EL1: 'ICC_HPPIR1_EL1',
  ICC_BPR1_EL1: 'ICC_BPR1_EL1',
  ICC_CTLR_EL1: 'ICC_CTLR_EL1',
  ICC_SRE_EL1: 'ICC_SRE_EL1',
  ICC_IGRPEN0_EL1: 'ICC_IGRPEN0_EL1',
  ICC_IGRPEN1_EL1: 'ICC_IGRPEN1_EL1',
  ICC_SRE_EL2: 'ICC_SRE_EL2',
} as const;
export type IccReg = (typeof IccReg)[keyof typeof IccReg];

export const IchReg = {
  ICH_AP0R0_EL2: 'ICH_AP0R0_EL2',
  ICH_AP0R1_EL2: 'ICH_AP0R1_EL2',
  ICH_AP0R2_EL2: 'ICH_AP0R2_EL2',
  ICH_AP0R3_EL2: 'ICH_AP0R3_EL2',
  ICH_AP1R0_EL2: 'ICH_AP1R0_EL2',
  ICH_AP1R1_EL2: 'ICH_AP1R1_EL2',
  ICH_AP1R2_EL2: 'ICH_AP1R2_EL2',
  ICH_AP1R3_EL2: 'ICH_AP1R3_EL2',
  ICH_HCR_EL2: 'ICH_HCR_EL2',
  ICH_VTR_EL2: 'ICH_VTR_EL2',
  ICH_MISR_EL2: 'ICH_MISR_EL2',
  ICH_EISR_EL2: 'ICH_EISR_EL2',
  ICH_ELRSR_EL2: 'ICH_ELRSR_EL2',
  ICH_VMCR_EL2: 'ICH_VMCR_EL2',
} as const;
export type IchReg = (typeof IchReg)[keyof typeof IchReg];

/** ICH_LR<n>_EL2: n = 0..15 (ICH_VTR_EL2.ListRegs says how many exist). */
export const ICH_LR_MAX = 16;

/** op0, op1, CRn, CRm, op2 of each register (IHI 0069 12.2, 12.4 encodings tables). */
const ICC_ENCODING: Readonly<Record<IccReg, readonly [number, number, number, number, number]>> = {
  ICC_PMR_EL1: [3, 0, 4, 6, 0],
  ICC_IAR0_EL1: [3, 0, 12, 8, 0],
  ICC_EOIR0_EL1: [3, 0, 12, 8, 1],
  ICC_HPPIR0_EL1: [3, 0, 12, 8, 2],
  ICC_BPR0_EL1: [3, 0, 12, 8, 3],
  ICC_AP0R0_EL1: [3, 0, 12, 8, 4],
  ICC_AP0R1_EL1: [3, 0, 12, 8, 5],
  ICC_AP0R2_EL1: [3, 0, 12, 8, 6],
  ICC_AP0R3_EL1: [3, 0, 12, 8, 7],
  ICC_AP1R0_EL1: [3, 0, 12, 9, 0],
  ICC_AP1R1_EL1: [3, 0, 12, 9, 1],
  ICC_AP1R2_EL1: [3, 0, 12, 9, 2],
  ICC_AP1R3_EL1: [3, 0, 12, 9, 3],
  ICC_DIR_EL1: [3, 0, 12, 11, 1],
  ICC_RPR_EL1: [3, 0, 12, 11, 3],
  ICC_SGI1R_EL1: [3, 0, 12, 11, 5],
  ICC_ASGI1R_EL1: [3, 0, 12, 11, 6],
  ICC_SGI0R_EL1: [3, 0, 12, 11, 7],
  ICC_IAR1_EL1: [3, 0, 12, 12, 0],
  ICC_EOIR1_EL1: [3, 0, 12, 12, 1],
  ICC_HPPIR1_EL1: [3, 0, 12, 12, 2],
  ICC_BPR1_EL1: [3, 0, 12, 12, 3],
  ICC_CTLR_EL1: [3, 0, 12, 12, 4],
  ICC_SRE_EL1: [3, 0, 12, 12, 5],
  ICC_IGRPEN0_EL1: [3, 0, 12, 12, 6],
  ICC_IGRPEN1_EL1: [3, 0, 12, 12, 7],
  ICC_SRE_EL2: [3, 4, 12, 9, 5],
};

const ICH_ENCODING: Readonly<Record<IchReg, readonly [number, number, number, number, number]>> = {
  ICH_AP0R0_EL2: [3, 4, 12, 8, 0],
  ICH_AP0R1_EL2: [3, 4, 12, 8, 1],
  ICH_AP0R2_EL2: [3, 4, 12, 8, 2],
  ICH_AP0R3_EL2: [3, 4, 12, 8, 3],
  ICH_AP1R0_EL2: [3, 4, 12, 9, 0],
  ICH_AP1R1_EL2: [3, 4, 12, 9, 1],
  ICH_AP1R2_EL2: [3, 4, 12, 9, 2],
  ICH_AP1R3_EL2: [3, 4, 12, 9, 3],
  ICH_HCR_EL2: [3, 4, 12, 11, 0],
  ICH_VTR_EL2: [3, 4, 12, 11, 1],
  ICH_MISR_EL2: [3, 4, 12, 11, 2],
  ICH_EISR_EL2: [3, 4, 12, 11, 3],
  ICH_ELRSR_EL2: [3, 4, 12, 11, 5],
  ICH_VMCR_EL2: [3, 4, 12, 11, 7],
};

function pack(e: readonly [number, number, number, number, number]): number {
  return sysregEncoding(e[0], e[1], e[2], e[3], e[4]);
}

/** Packed MRS/MSR encoding (guest-port.ts `sysregEncoding`) of an ICC_* register. */
export function iccEncoding(r: IccReg): number {
  return pack(ICC_ENCODING[r]);
}

/** Packed encoding of an ICH_* register. */
export function ichEncoding(r: IchReg): number {
  return pack(ICH_ENCODING[r]);
}

/** Packed encoding of ICH_LR<n>_EL2: CRm 12 for n = 0..7, CRm 13 for 8..15. */
export function ichLrEncoding(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= ICH_LR_MAX) throw new RangeError(`ICH_LR${n}_EL2 does not exist`);
  return sysregEncoding(3, 4, 12, 12 + (n >> 3), n & 7);
}

const ICC_BY_ENCODING = new Map<number, IccReg>(
  (Object.keys(ICC_ENCODING) as IccReg[]).map((r) => [iccEncoding(r), r]),
);
const ICH_BY_ENCODING = new Map<number, IchReg>(
  (Object.keys(ICH_ENCODING) as IchReg[]).map((r) => [ichEncoding(r), r]),
);

/** The ICC_* register an MRS/MSR encoding names, or undefined. */
export function iccRegOf(encoding: number): IccReg | undefined {
  return ICC_BY_ENCODING.get(encoding);
}

/** The ICH_* register (not the LRs: see ichLrOf) an encoding names, or undefined. */
export function ichRegOf(encoding: number): IchReg | undefined {
  return ICH_BY_ENCODING.get(encoding);
}

/** n for ICH_LR<n>_EL2, or -1. */
export function ichLrOf(encoding: number): number {
  const base = sysregEncoding(3, 4, 12, 12, 0);
  const n = encoding - base;
  return n >= 0 && n < ICH_LR_MAX ? n : -1;
}
