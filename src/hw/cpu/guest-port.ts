// The one interface between the AArch64 interpreter and the rest of the
// machine. The cpu reaches RAM directly; everything else (MMIO, system
// registers outside the core, WFI/WFE, HVC/SMC) goes through a GuestPort.
// Which accesses trap to a hypervisor is the machine's decision, made
// behind this interface; the interpreter only reports what happened in the
// shape a hypervisor needs (ESR_EL2-style data-abort syndrome).

/** mmioRead/mmioWrite: the access faulted on the bus (synchronous external abort into the guest). */
export const MMIO_BUS_FAULT = -1;
/** mmioRead/mmioWrite: stop the cpu before the instruction retires; the machine completes it later. */
export const MMIO_EXIT = -2;
/** mmioWrite: done. */
export const MMIO_OK = 0;

/** sysregRead/sysregWrite: the register does not exist here (UNDEFINED into the guest). */
export const SYSREG_UNDEFINED = 'undefined';
/** sysregRead/sysregWrite: stop the cpu before the MRS/MSR retires (trapped access). */
export const SYSREG_EXIT = 'exit';
export type SysregTrap = typeof SYSREG_UNDEFINED | typeof SYSREG_EXIT;
/**
 * sysregRead: done in place. The value was handed over with
 * GuestCpu.setReadValue (two 32-bit halves: no BigInt), and the read changed
 * nothing the machine schedules on (a counter read: CNTPCT_EL0, CNTVCT_EL0),
 * so the cpu goes on with its block instead of stopping with 'port'.
 */
export const SYSREG_READ_IN_PLACE = 'in-place';

/** What a port sees of the cpu calling it (implemented by Cpu). */
export interface GuestCpu {
  /** Cpu index (its MPIDR_EL1 affinity: mpidr.ts). */
  readonly index: number;
  /** Retired instructions; exact during a port call. */
  readonly instret: number;
  /** Address of the current instruction (signed 64-bit value as a Number; see README). */
  readonly pc: number;
  getX(n: number): bigint;
  setX(n: number, v: bigint | number): void;
  /** Low / high 32 bits of Xn, unsigned (no BigInt). */
  xLo(n: number): number;
  xHi(n: number): number;
  setXHalves(n: number, lo: number, hi: number): void;
  /** The value of the MRS in progress, low / high 32 bits, for a port returning SYSREG_READ_IN_PLACE. */
  setReadValue(lo: number, hi: number): void;
  /** End the current block after this instruction; run() returns 'stopped'. */
  requestStop(): void;
}

export interface GuestPort {
  /**
   * Read `size` bytes (1, 2 or 4) at physical address `pa` outside RAM.
   * Returns the value (unsigned 32-bit), MMIO_BUS_FAULT or MMIO_EXIT.
   * An 8-byte access arrives as two 4-byte calls, low word first.
   */
  mmioRead(cpu: GuestCpu, pa: number, size: 1 | 2 | 4): number;
  /** Write; returns MMIO_OK, MMIO_BUS_FAULT or MMIO_EXIT. */
  mmioWrite(cpu: GuestCpu, pa: number, size: 1 | 2 | 4, value: number): number;
  /**
   * MRS of a register that is not part of the core (generic timer CNT*,
   * GIC system registers, ...). `encoding` is sysregEncoding(op0,op1,CRn,CRm,op2).
   */
  sysregRead(cpu: GuestCpu, encoding: number): bigint | SysregTrap | typeof SYSREG_READ_IN_PLACE;
  /** MSR of such a register; returns undefined when done. */
  sysregWrite(cpu: GuestCpu, encoding: number, value: bigint): SysregTrap | undefined;
  /**
   * PMUSERENR_EL0 as the hardware holds it while this cpu runs at EL0 (the
   * EL0 access controls of the Performance Monitors, checked by the cpu
   * before an EL0 access reaches sysregRead/Write), or -1: no PMU, its
   * registers are UNDEFINED. Absent: no PMU.
   */
  pmuUserEnable?(cpu: GuestCpu): number;
}

/**
 * Why run() returned. 'budget': the instruction budget is used up. 'port': a
 * port call completed in place (the machine recomputes its deadlines).
 * 'stopped': requestStop() was called during the run.
 */
export type StopReason =
  | 'budget'
  | 'port'
  | 'wfi'
  | 'wfe'
  | 'hvc'
  | 'smc'
  | 'mmio-exit'
  | 'sysreg-exit'
  | 'stopped';

/**
 * A stopped MMIO access, recorded as ESR_EL2's data-abort ISS describes it
 * (Arm ARM D24.2.40, ISS encoding for an exception from a Data Abort).
 * Mutable and reused: valid until the next run().
 */
export interface MmioAccess {
  /** Virtual address (FAR) and physical address (HPFAR + offset); equal while translation is identity. */
  va: number;
  pa: number;
  /** Access size in bytes (1, 2, 4, 8). */
  size: number;
  write: boolean;
  /** Instruction syndrome valid: false for pairs and writeback forms (KVM cannot emulate them). */
  isv: boolean;
  /** log2(size) */
  sas: number;
  /** Sign-extending load. */
  sse: boolean;
  /** Transfer register number (31 = XZR). */
  srt: number;
  /** 64-bit register. */
  sf: boolean;
  /** Acquire/release semantics. */
  ar: boolean;
  /** Store value (low and high 32-bit halves, unsigned). */
  valueLo: number;
  valueHi: number;
  /** ISS field as ESR_EL2 would hold it (WnR, SAS, ...; DFSC = 0 here). */
  iss: number;
}

/** A stopped system register access (ESR_EL2 EC 0x18 shape). */
export interface SysregAccess {
  encoding: number;
  write: boolean;
  rt: number;
  /** MSR value (valid when write). */
  value: bigint;
}

/** Pack op0:op1:CRn:CRm:op2 the way MRS/MSR hold them in bits [20:5]. */
export function sysregEncoding(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}
