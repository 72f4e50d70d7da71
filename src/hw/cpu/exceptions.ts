// Exception entry to EL1 (Arm ARM D1.10 "Exception entry"; vector offsets
// D1.10.2 table: from the current EL with SP_EL0 0x000, with SP_ELx 0x200,
// from a lower EL using AArch64 0x400; +0x80 IRQ, +0x100 FIQ, +0x180 SError).
// Syndromes per ESR_EL1 (Arm ARM D19.2.40).

import type { CpuCore } from './cpu-state.ts';
import { IDX_ELR, IDX_ESR, IDX_FAR, IDX_SPSR, IDX_VBAR } from './sysregs.ts';

export const EC_UNKNOWN = 0x00;
export const EC_WFX = 0x01;
export const EC_ILLEGAL_STATE = 0x0e;
export const EC_SVC64 = 0x15;
export const EC_HVC64 = 0x16;
export const EC_SMC64 = 0x17;
export const EC_SYSREG = 0x18;
export const EC_IABT_LOWER = 0x20;
export const EC_IABT_CURRENT = 0x21;
export const EC_PC_ALIGN = 0x22;
export const EC_DABT_LOWER = 0x24;
export const EC_DABT_CURRENT = 0x25;
export const EC_SP_ALIGN = 0x26;
export const EC_BRK64 = 0x3c;

export const VEC_SYNC = 0x000;
export const VEC_IRQ = 0x080;
export const VEC_FIQ = 0x100;
export const VEC_SERROR = 0x180;

/** Data/instruction fault status codes. */
export const FSC_ADDRESS_SIZE_L0 = 0x00;
export const FSC_SYNC_EXTERNAL = 0x10;
export const FSC_ALIGNMENT = 0x21;

/** ISS bit: write not read. */
export const ISS_WNR = 1 << 6;

/** ESR value: EC, IL = 1 (every A64 instruction is 32 bits), ISS. */
export function esr(ec: number, iss: number): number {
  return ((ec << 26) | (1 << 25) | (iss & 0x1ff_ffff)) >>> 0;
}

/**
 * Take an exception to EL1: SPSR_EL1 = PSTATE, ELR_EL1 = preferred return
 * address, PSTATE.DAIF all set, EL1 with SP_EL1, PC = vector. The local
 * exclusive monitor is not cleared by entry (only by ERET and CLREX here).
 *
 * An entry costs one cycle (`excCycles`), as an instruction does in this
 * model, and so counts against the run's instruction limit (CpuCore.cycles):
 * a core whose every fetch faults still spends time, so an exception storm
 * moves the clock and ends at the run's limits. An instruction that
 * retires and takes an exception in the same step (SVC; an ERET or a
 * branch to a misaligned PC, an illegal return) costs its one cycle for
 * both: its executor gives the entry's cycle back, so every step of the
 * interpreter is one cycle and budgets stay exact. Counts the entry
 * (`exceptions`) and tracks an exception loop: the same
 * exception (vector, ELR, ESR) taken again with no instruction retired in
 * between. From the second such entry on the core is at a fixed point
 * (every register the entry writes gets the value it already holds, and
 * PSTATE masks every interrupt), so only a reset or the run's limits end it.
 */
export function takeException(c: CpuCore, vec: number, esrValue: number | null, ret: number): void {
  c.setSysNum(IDX_SPSR, c.pstate());
  c.setSysNum(IDX_ELR, ret);
  if (esrValue !== null) {
    c.sys[2 * IDX_ESR] = esrValue | 0;
    c.sys[2 * IDX_ESR + 1] = 0;
  }
  const fromEl = c.el;
  const off = (fromEl === 0 ? 0x400 : c.spsel ? 0x200 : 0) + vec;
  const wasI = c.daif & 2;
  c.daif = 0xf;
  c.setElSp(1, 1);
  const target = c.getSysNum(IDX_VBAR) + off;
  c.pc = target;
  // The trace's hooks (null unless a VM traces), before the entry's cycle is counted, so that
  // both records carry the time the entry starts: the exception, then the PSTATE.I it set.
  if (c.onException !== null) c.onException(c, vec, fromEl);
  if (wasI === 0 && c.onMaskI !== null) c.onMaskI(c);
  c.exceptions++;
  c.excCycles++;
  const key = esrValue === null ? -1 : esrValue;
  const loop = c.excLoop;
  if (loop.instret === c.instret && loop.elr === ret && loop.vector === target && loop.esr === key)
    loop.count++;
  else {
    loop.count = 1;
    loop.elr = ret;
    loop.vector = target;
    loop.esr = key;
  }
  loop.instret = c.instret;
}

/** Synchronous exception for the instruction at c.pc (preferred return = that instruction). */
export function takeSync(c: CpuCore, ec: number, iss: number): void {
  takeException(c, VEC_SYNC, esr(ec, iss), c.pc);
}

export function takeUndefined(c: CpuCore): void {
  c.noteUndefined();
  takeSync(c, EC_UNKNOWN, 0);
}

/** Data abort for the instruction at c.pc: FAR_EL1 = va; ISS = WnR | DFSC (ISV = 0 at stage 1, Armv8.0). */
export function takeDataAbort(c: CpuCore, va: number, write: boolean, dfsc: number): void {
  c.setSysNum(IDX_FAR, va);
  takeSync(c, c.el === 0 ? EC_DABT_LOWER : EC_DABT_CURRENT, (write ? ISS_WNR : 0) | dfsc);
}

/** Instruction abort at c.pc (fetch outside RAM or beyond the PA range). */
export function takeInstructionAbort(c: CpuCore, ifsc: number): void {
  c.setSysNum(IDX_FAR, c.pc);
  takeSync(c, c.el === 0 ? EC_IABT_LOWER : EC_IABT_CURRENT, ifsc);
}

/** PC alignment fault: FAR_EL1 = the misaligned PC (Arm ARM D1.8.1). */
export function takePcAlignment(c: CpuCore): void {
  c.setSysNum(IDX_FAR, c.pc);
  takeSync(c, EC_PC_ALIGN, 0);
}
