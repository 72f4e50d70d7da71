// What a run summary says about a core caught in an exception loop: the
// same exception taken again and again with no instruction retired between
// (a vector outside RAM, a vector table of zeros, the MMU on without
// tables). exceptions.ts tracks the loop at each entry without allocating;
// this turns the tracker into a report, with the ESR's exception class
// named as ESR_EL1.EC is (Arm ARM D19.2.40).

import type { CpuCore } from './cpu-state.ts';
import {
  EC_BRK64,
  EC_DABT_CURRENT,
  EC_DABT_LOWER,
  EC_HVC64,
  EC_IABT_CURRENT,
  EC_IABT_LOWER,
  EC_ILLEGAL_STATE,
  EC_PC_ALIGN,
  EC_SMC64,
  EC_SP_ALIGN,
  EC_SVC64,
  EC_SYSREG,
  EC_UNKNOWN,
  EC_WFX,
} from './exceptions.ts';
import { IDX_FAR } from './sysregs.ts';

/** ESR_EL1.EC values this core raises, by the Arm ARM's description. */
const EC_NAMES: ReadonlyMap<number, string> = new Map([
  [EC_UNKNOWN, 'unknown reason (UNDEFINED instruction)'],
  [EC_WFX, 'trapped WFI/WFE'],
  [0x07, 'trapped SIMD/FP access'],
  [EC_ILLEGAL_STATE, 'illegal execution state'],
  [EC_SVC64, 'SVC'],
  [EC_HVC64, 'HVC'],
  [EC_SMC64, 'SMC'],
  [EC_SYSREG, 'trapped MSR/MRS/system instruction'],
  [EC_IABT_LOWER, 'instruction abort from a lower EL'],
  [EC_IABT_CURRENT, 'instruction abort from the same EL'],
  [EC_PC_ALIGN, 'PC alignment fault'],
  [EC_DABT_LOWER, 'data abort from a lower EL'],
  [EC_DABT_CURRENT, 'data abort from the same EL'],
  [EC_SP_ALIGN, 'SP alignment fault'],
  [EC_BRK64, 'BRK'],
]);

/** Fault status codes (IFSC/DFSC, Arm ARM D19.2.40), level in the low two bits where there is one. */
function fscName(fsc: number): string {
  const level = fsc & 3;
  switch (fsc & 0x3c) {
    case 0x00:
      return `address size fault, level ${level}`;
    case 0x04:
      return `translation fault, level ${level}`;
    case 0x08:
      return `access flag fault, level ${level}`;
    case 0x0c:
      return `permission fault, level ${level}`;
    case 0x14:
      return `synchronous external abort on a table walk, level ${level}`;
  }
  if (fsc === 0x10) return 'synchronous external abort';
  if (fsc === 0x21) return 'alignment fault';
  return 'fault';
}

/** Exception classes whose FAR_EL1 holds the faulting address. */
export function farValid(ec: number): boolean {
  return (
    ec === EC_IABT_LOWER ||
    ec === EC_IABT_CURRENT ||
    ec === EC_PC_ALIGN ||
    ec === EC_DABT_LOWER ||
    ec === EC_DABT_CURRENT
  );
}

/** A 64-bit address (a signed Number) in hex, as the registers hold it. */
export function hex(v: number): string {
  return `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
}

/** `EC 0x21 instruction abort from the same EL, IFSC 0x10 synchronous external abort` */
export function describeEsr(esrValue: number): string {
  const ec = (esrValue >>> 26) & 0x3f;
  const name = EC_NAMES.get(ec) ?? 'exception';
  const head = `EC 0x${ec.toString(16).padStart(2, '0')} ${name}`;
  if (ec === EC_IABT_LOWER || ec === EC_IABT_CURRENT || ec === EC_DABT_LOWER || ec === EC_DABT_CURRENT) {
    const fsc = esrValue & 0x3f;
    const kind = ec === EC_IABT_LOWER || ec === EC_IABT_CURRENT ? 'IFSC' : 'DFSC';
    return `${head}, ${kind} 0x${fsc.toString(16).padStart(2, '0')} ${fscName(fsc)}`;
  }
  return head;
}

export interface ExceptionLoop {
  readonly cpu: number;
  /** the vector the core goes to each time (VBAR_EL1 + offset) */
  readonly vector: string;
  /** ELR_EL1: where each entry returns to (the faulting instruction) */
  readonly elr: string;
  /** ESR_EL1 (null for an interrupt, which leaves it alone) */
  readonly esr: string | null;
  /** the ESR decoded: exception class (and fault status) named */
  readonly reason: string;
  /** FAR_EL1 when the exception class sets it */
  readonly far: string | null;
  /** times taken in a row with no instruction retired between */
  readonly count: number;
}

/** Two entries in a row are a fixed point (exceptions.ts); below that it is a single exception. */
const LOOP_MIN = 2;

/**
 * The exception loop `c` is in at the end of a run, or null: the last
 * exception was taken at least twice in a row and no instruction has
 * retired since.
 */
export function exceptionLoopOf(c: CpuCore): ExceptionLoop | null {
  const l = c.excLoop;
  if (l.count < LOOP_MIN || l.instret !== c.instret) return null;
  const ec = l.esr < 0 ? -1 : (l.esr >>> 26) & 0x3f;
  return {
    cpu: c.index,
    vector: hex(l.vector),
    elr: hex(l.elr),
    esr: l.esr < 0 ? null : `0x${(l.esr >>> 0).toString(16).padStart(8, '0')}`,
    reason: l.esr < 0 ? 'interrupt' : describeEsr(l.esr),
    far: ec >= 0 && farValid(ec) ? hex(c.getSysNum(IDX_FAR)) : null,
    count: l.count,
  };
}

/** One line for a text summary; `cpuName` is what the machine calls its cpus ('vcpu' under a hypervisor). */
export function exceptionLoopLine(l: ExceptionLoop, cpuName = 'cpu'): string {
  const esr = l.esr === null ? '' : `, ESR ${l.esr} (${l.reason})`;
  const far = l.far === null ? '' : `, FAR ${l.far}`;
  return `exception loop: ${cpuName}${l.cpu} vector ${l.vector}, ELR ${l.elr}${esr}${far}, taken ${l.count} times in a row with no instruction retired`;
}
