// Names and encodings of the generic timer's AArch64 system registers (Arm ARM
// D11 "The Generic Timer in AArch64 state", D23 register descriptions). A
// cpu's MRS/MSR dispatcher maps (op0, op1, CRn, CRm, op2) to a name here and
// calls GenericTimer.readSysReg / writeSysReg; access checks (EL, CNTKCTL_EL1,
// CNTHCTL_EL2, HCR_EL2 traps) are the cpu's business, not the timer's.

import { bit, field, fieldMask, lowMask } from '../../sim/bits.ts';

export const TimerReg = {
  CNTFRQ_EL0: 'CNTFRQ_EL0',
  CNTPCT_EL0: 'CNTPCT_EL0',
  CNTVCT_EL0: 'CNTVCT_EL0',
  CNTKCTL_EL1: 'CNTKCTL_EL1',
  CNTP_TVAL_EL0: 'CNTP_TVAL_EL0',
  CNTP_CTL_EL0: 'CNTP_CTL_EL0',
  CNTP_CVAL_EL0: 'CNTP_CVAL_EL0',
  CNTV_TVAL_EL0: 'CNTV_TVAL_EL0',
  CNTV_CTL_EL0: 'CNTV_CTL_EL0',
  CNTV_CVAL_EL0: 'CNTV_CVAL_EL0',
  CNTVOFF_EL2: 'CNTVOFF_EL2',
  CNTHP_TVAL_EL2: 'CNTHP_TVAL_EL2',
  CNTHP_CTL_EL2: 'CNTHP_CTL_EL2',
  CNTHP_CVAL_EL2: 'CNTHP_CVAL_EL2',
} as const;
export type TimerReg = (typeof TimerReg)[keyof typeof TimerReg];

export const TIMER_REGS: readonly TimerReg[] = Object.values(TimerReg);

/** MRS/MSR operand encoding of a system register. */
export interface SysRegEncoding {
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
}

function enc(op0: number, op1: number, crn: number, crm: number, op2: number): SysRegEncoding {
  return { op0, op1, crn, crm, op2 };
}

/** Architectural encodings (Arm ARM D23: S3_3_C14_C0_0 is CNTFRQ_EL0, and so on). */
export const TIMER_REG_ENCODING: Readonly<Record<TimerReg, SysRegEncoding>> = {
  CNTFRQ_EL0: enc(3, 3, 14, 0, 0),
  CNTPCT_EL0: enc(3, 3, 14, 0, 1),
  CNTVCT_EL0: enc(3, 3, 14, 0, 2),
  CNTKCTL_EL1: enc(3, 0, 14, 1, 0),
  CNTP_TVAL_EL0: enc(3, 3, 14, 2, 0),
  CNTP_CTL_EL0: enc(3, 3, 14, 2, 1),
  CNTP_CVAL_EL0: enc(3, 3, 14, 2, 2),
  CNTV_TVAL_EL0: enc(3, 3, 14, 3, 0),
  CNTV_CTL_EL0: enc(3, 3, 14, 3, 1),
  CNTV_CVAL_EL0: enc(3, 3, 14, 3, 2),
  CNTVOFF_EL2: enc(3, 4, 14, 0, 3),
  CNTHP_TVAL_EL2: enc(3, 4, 14, 2, 0),
  CNTHP_CTL_EL2: enc(3, 4, 14, 2, 1),
  CNTHP_CVAL_EL2: enc(3, 4, 14, 2, 2),
};

function packEncoding(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  // op0:2 op1:3 CRn:4 CRm:4 op2:3, the order of the MRS/MSR instruction fields
  return (((((op0 & 3) * 8 + (op1 & 7)) * 16 + (crn & 15)) * 16 + (crm & 15)) * 8 + (op2 & 7)) >>> 0;
}

const BY_ENCODING = new Map<number, TimerReg>(
  TIMER_REGS.map((r) => {
    const e = TIMER_REG_ENCODING[r];
    return [packEncoding(e.op0, e.op1, e.crn, e.crm, e.op2), r];
  }),
);

/** Registers by their packed encoding (op0:op1:CRn:CRm:op2, 16 bits): one array index per lookup. */
const BY_PACKED: readonly (TimerReg | undefined)[] = (() => {
  const t = new Array<TimerReg | undefined>(1 << 16).fill(undefined);
  for (const [e, r] of BY_ENCODING) t[e] = r;
  return t;
})();

/**
 * The timer register with this packed encoding (bits [20:5] of MRS/MSR:
 * op0:op1:CRn:CRm:op2, as the cpu's port receives it), or undefined.
 */
export function timerRegOfPacked(encoding: number): TimerReg | undefined {
  return BY_PACKED[encoding & 0xffff];
}

/** The timer register with this MRS/MSR encoding, or undefined if it is not a timer register. */
export function timerRegByEncoding(
  op0: number,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
): TimerReg | undefined {
  return BY_ENCODING.get(packEncoding(op0, op1, crn, crm, op2));
}

/** Registers an MSR cannot write (the counters): the cpu makes such an MSR UNDEFINED. */
export function isReadOnlyTimerReg(r: TimerReg): boolean {
  return r === TimerReg.CNTPCT_EL0 || r === TimerReg.CNTVCT_EL0;
}

/** CNT*_CTL fields (Arm ARM D23, CNTV_CTL_EL0): bits [63:3] RES0. */
export const CTL = {
  ENABLE: bit(0),
  IMASK: bit(1),
  /** read-only: the timer condition is met */
  ISTATUS: bit(2),
} as const;
/** The CTL bits software can write; ISTATUS writes are ignored, the rest is RES0. */
export const CTL_WRITABLE = fieldMask(CTL.ENABLE) | fieldMask(CTL.IMASK);

/**
 * CNTKCTL_EL1 fields without FEAT_ECV (Arm ARM D23, CNTKCTL_EL1). EVNTIS
 * (bit 17) exists only with FEAT_ECV, which this model does not implement,
 * so bits [63:10] are RES0: written bits there are dropped and read as 0.
 */
export const CNTKCTL = {
  EL0PCTEN: bit(0),
  EL0VCTEN: bit(1),
  EVNTEN: bit(2),
  EVNTDIR: bit(3),
  EVNTI: field(4, 4),
  EL0VTEN: bit(8),
  EL0PTEN: bit(9),
} as const;
export const CNTKCTL_WRITABLE = Object.values(CNTKCTL).reduce((m, f) => (m | fieldMask(f)) >>> 0, 0);

/**
 * CNTHCTL_EL2 fields this model implements (Arm ARM D23, CNTHCTL_EL2): only
 * EL1TVT, bit 13 (FEAT_ECV; the same bit whatever HCR_EL2.E2H), which a
 * hypervisor design may set (trap-timer). EL1PCEN/EL1PCTEN are not kept
 * here: the hypervisor's CNTP trap is fixed (src/hyp/stage2.ts); the other
 * bits read as written and act on nothing.
 */
export const CNTHCTL = {
  EL1TVT: bit(13),
} as const;

/** CNTFRQ_EL0: ClockFreq is bits [31:0]; [63:32] RES0. */
export const CNTFRQ_WRITABLE = lowMask(32);
