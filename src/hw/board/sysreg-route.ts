// Routing of the system registers the core does not own (the generic timer's
// CNT* registers) from an MRS/MSR encoding to a timer register name, with
// the access rules that do not depend on a hypervisor.

import type { GuestCpu, SysregTrap } from '../cpu/guest-port.ts';
import { SYSREG_UNDEFINED, sysregEncoding } from '../cpu/guest-port.ts';
import { fieldMask } from '../../sim/bits.ts';
import { CNTHCTL, TimerReg, timerRegOfPacked } from '../timer/sysregs.ts';

const EL1TVT = fieldMask(CNTHCTL.EL1TVT);

/** Unpack the guest port's op0:op1:CRn:CRm:op2 encoding (bits [15:0] of MRS/MSR's [20:5]). */
export function timerRegOf(encoding: number): TimerReg | undefined {
  return timerRegOfPacked(encoding);
}

/**
 * Registers that EL1 may not touch at all on this board: the EL2 timer and
 * CNTVOFF_EL2 (the guest runs at EL1; Arm ARM: EL2 registers accessed from
 * EL1 are UNDEFINED). Writes of the read-only counters are UNDEFINED, and so
 * are writes of CNTFRQ_EL0, which only the highest implemented exception
 * level (firmware) may write.
 */
export function el1Access(reg: TimerReg, write: boolean): SysregTrap | undefined {
  switch (reg) {
    case TimerReg.CNTHP_CTL_EL2:
    case TimerReg.CNTHP_CVAL_EL2:
    case TimerReg.CNTHP_TVAL_EL2:
    case TimerReg.CNTVOFF_EL2:
      return SYSREG_UNDEFINED;
    case TimerReg.CNTPCT_EL0:
    case TimerReg.CNTVCT_EL0:
    case TimerReg.CNTFRQ_EL0:
      return write ? SYSREG_UNDEFINED : undefined;
    default:
      return undefined;
  }
}

/**
 * Does CNTHCTL_EL2 trap this EL1 access to EL2? Arm ARM D23 CNTHCTL_EL2,
 * EL1TVT (bit 13, FEAT_ECV): when EL2 is enabled and HCR_EL2.{E2H,TGE} is
 * not {1,1} (a guest at EL1 under KVM, VHE or not), EL0 and EL1 accesses
 * to CNTV_CTL_EL0, CNTV_CVAL_EL0 and CNTV_TVAL_EL0, MRS and MSR alike, are
 * trapped to EL2 (EC 0x18). The counter CNTVCT_EL0 is EL1TVCT's business
 * (bit 14), not modelled; EL1PCEN's CNTP trap is the hypervisor's port's.
 */
export function el2Traps(reg: TimerReg, cnthctl: number): boolean {
  if ((cnthctl & EL1TVT) === 0) return false;
  return reg === TimerReg.CNTV_CTL_EL0 || reg === TimerReg.CNTV_CVAL_EL0 || reg === TimerReg.CNTV_TVAL_EL0;
}

/**
 * CNTPCT_EL0 / CNTVCT_EL0 as cpu `localTicks` sees them. With several cpus in
 * lockstep slices the shared clock may already be ahead of a cpu that runs
 * later in the slice; each cpu reads the counter at its own time, so its
 * view is monotonic and runs at its own rate. Undefined for other registers.
 */
export function counterAt(reg: TimerReg, localTicks: number, cntvoff: bigint): bigint | undefined {
  if (reg === TimerReg.CNTPCT_EL0) return BigInt(localTicks);
  if (reg === TimerReg.CNTVCT_EL0) return BigInt.asUintN(64, BigInt(localTicks) - cntvoff);
  return undefined;
}

/** The port encodings of CNTPCT_EL0 (S3_3_C14_C0_1) and CNTVCT_EL0 (S3_3_C14_C0_2). */
export const CNTPCT_ENCODING = sysregEncoding(3, 3, 14, 0, 1);
export const CNTVCT_ENCODING = sysregEncoding(3, 3, 14, 0, 2);

const TWO_POW_32 = 0x1_0000_0000;

/**
 * counterAt without BigInt, for the hot path of a counter MRS: CNTPCT_EL0
 * (`physical`) or CNTVCT_EL0 = (CNTPCT - CNTVOFF) mod 2^64 at `localTicks`
 * (a safe integer), given to `cpu` as two unsigned 32-bit halves.
 */
export function counterToCpu(
  cpu: GuestCpu,
  physical: boolean,
  localTicks: number,
  offLo: number,
  offHi: number,
): void {
  const tHi = Math.floor(localTicks / TWO_POW_32);
  const tLo = localTicks - tHi * TWO_POW_32;
  if (physical) {
    cpu.setReadValue(tLo, tHi);
    return;
  }
  const lo = tLo - offLo;
  const borrow = lo < 0 ? 1 : 0;
  cpu.setReadValue(lo >>> 0, (tHi - offHi - borrow) >>> 0);
}
