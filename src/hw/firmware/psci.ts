// PSCI firmware logic (Arm DEN 0022, "Arm Power State Coordination
// Interface"), as a pure call handler: the hypervisor (or the reference
// machine's firmware) decodes `hvc #0`, passes x0..x3 here, and writes the
// returned value back to x0. Power actions go through a PowerController port
// so this file knows nothing of vcpus or run loops.
//
// Version: we report PSCI 1.0 because everything 1.0 makes mandatory is here:
// PSCI_VERSION, CPU_SUSPEND, CPU_OFF, CPU_ON, AFFINITY_INFO, SYSTEM_OFF,
// SYSTEM_RESET and PSCI_FEATURES (DEN 0022, "Function requirements" table). MIGRATE_INFO_TYPE (optional) says "no Trusted OS", so
// MIGRATE and MIGRATE_INFO_UP_CPU are NOT_SUPPORTED.
//
// CPU_SUSPEND is implemented as standby for every power_state (what a
// hypervisor can always do): the controller waits like WFI, then the call
// returns SUCCESS. A power-down request treated this way looks to the caller
// like a power-down abandoned because a wakeup event was already pending,
// which DEN 0022 ("CPU_SUSPEND") lets return SUCCESS to the caller.
//
// SMC32 vs SMC64 (SMCCC, DEN 0028, "32-bit SMC and HVC calls"): the function
// ID is W0, so x0[63:32] is ignored; an SMC32 function takes its arguments in
// W1..W3, so their upper 32 bits are ignored too. Results are written to x0 as
// 64-bit two's complement (error -1 is 0xffff_ffff_ffff_ffff), as a 64-bit
// caller comparing against a signed long expects.

import { U64_MASK } from '../../sim/u64.ts';

// Function IDs (DEN 0022, "Function prototypes"). Bit 30 set = SMC64 variant.
export const PSCI_VERSION = 0x8400_0000;
export const PSCI_CPU_SUSPEND_32 = 0x8400_0001;
export const PSCI_CPU_SUSPEND_64 = 0xc400_0001;
export const PSCI_CPU_OFF = 0x8400_0002;
export const PSCI_CPU_ON_32 = 0x8400_0003;
export const PSCI_CPU_ON_64 = 0xc400_0003;
export const PSCI_AFFINITY_INFO_32 = 0x8400_0004;
export const PSCI_AFFINITY_INFO_64 = 0xc400_0004;
export const PSCI_MIGRATE_32 = 0x8400_0005;
export const PSCI_MIGRATE_64 = 0xc400_0005;
export const PSCI_MIGRATE_INFO_TYPE = 0x8400_0006;
export const PSCI_MIGRATE_INFO_UP_CPU_32 = 0x8400_0007;
export const PSCI_MIGRATE_INFO_UP_CPU_64 = 0xc400_0007;
export const PSCI_SYSTEM_OFF = 0x8400_0008;
export const PSCI_SYSTEM_RESET = 0x8400_0009;
export const PSCI_FEATURES = 0x8400_000a;

/** Return codes (DEN 0022, "Return error codes"). */
export const PsciReturn = {
  SUCCESS: 0,
  NOT_SUPPORTED: -1,
  INVALID_PARAMETERS: -2,
  DENIED: -3,
  ALREADY_ON: -4,
  ON_PENDING: -5,
  INTERNAL_FAILURE: -6,
  NOT_PRESENT: -7,
  DISABLED: -8,
  INVALID_ADDRESS: -9,
} as const;
export type PsciReturnCode = (typeof PsciReturn)[keyof typeof PsciReturn];

/** AFFINITY_INFO results (DEN 0022, "AFFINITY_INFO"). */
export const AffinityState = { ON: 0, OFF: 1, ON_PENDING: 2 } as const;

/** MIGRATE_INFO_TYPE 2: "Trusted OS is either not present or does not require migration" (DEN 0022, "MIGRATE_INFO_TYPE"). */
export const MIGRATE_INFO_TYPE_NO_TOS = 2;

/** PSCI_VERSION value: major in [31:16], minor in [15:0]. */
export const PSCI_VERSION_1_0 = (1 << 16) | 0;

// MPIDR-format target_cpu (DEN 0022, "CPU_ON"): Aff3 in [39:32], Aff2..Aff0 in
// [23:0]; everything else must be zero. SMC32 callers have no Aff3.
const MPIDR_AFF_MASK_64 = 0xff_00ff_ffffn;
const MPIDR_AFF_MASK_32 = 0x00ff_ffffn;
const SMC64_BIT = 0x4000_0000;
const U32_MASK = 0xffff_ffffn;
/** The only lowest_affinity_level we support; levels above 0 are optional from PSCI 1.0 ("AFFINITY_INFO"). */
const AFFINITY_LEVEL_0 = 0n;

/** What PSCI asks of the machine. Addresses and MPIDRs are full 64-bit values. */
export interface PowerController {
  /**
   * Start the cpu whose MPIDR affinity is `targetMpidr` at `entry` (EL1, MMU
   * off) with x0 = `contextId`. Returns SUCCESS, or ALREADY_ON, ON_PENDING,
   * INVALID_PARAMETERS (no such cpu) or INVALID_ADDRESS (entry not in RAM).
   */
  cpuOn(targetMpidr: bigint, entry: bigint, contextId: bigint): PsciReturnCode;
  /** Power off the calling cpu; it runs no further instruction (until a later CPU_ON). */
  cpuOff(): void;
  /** End the run: the machine is off (SCENARIOS.md `exit: poweroff`). */
  systemOff(): void;
  systemReset(): void;
  /** ON / OFF / ON_PENDING of `targetMpidr`, or INVALID_PARAMETERS for no such cpu. */
  affinityInfo(targetMpidr: bigint, lowestLevel: number): number;
  /** CPU_SUSPEND as standby: block the calling cpu as WFI does; the call then returns SUCCESS. */
  standby(): void;
}

/** x0 value for a (possibly negative) 32-bit result. */
function ret(v: number): bigint {
  return BigInt(v) & U64_MASK;
}

function isSmc64(fn: number): boolean {
  return (fn & SMC64_BIT) !== 0;
}

/** The function IDs PSCI_FEATURES reports as implemented, with their feature flags. */
const IMPLEMENTED: ReadonlyMap<number, number> = new Map([
  [PSCI_VERSION, 0],
  // CPU_SUSPEND flags ("PSCI_FEATURES"): bit 1 = 0 original power_state format, bit 0 = 0 no OS-initiated mode
  [PSCI_CPU_SUSPEND_32, 0],
  [PSCI_CPU_SUSPEND_64, 0],
  [PSCI_CPU_OFF, 0],
  [PSCI_CPU_ON_32, 0],
  [PSCI_CPU_ON_64, 0],
  [PSCI_AFFINITY_INFO_32, 0],
  [PSCI_AFFINITY_INFO_64, 0],
  [PSCI_MIGRATE_INFO_TYPE, 0],
  [PSCI_SYSTEM_OFF, 0],
  [PSCI_SYSTEM_RESET, 0],
  [PSCI_FEATURES, 0],
]);

/**
 * Handle one PSCI call. `x0` is the function ID register, `x1..x3` the
 * arguments (any 64-bit values). Returns the new x0. For CPU_OFF, SYSTEM_OFF
 * and SYSTEM_RESET the caller never runs again, so their SUCCESS is never
 * observed.
 */
export function psciCall(x0: bigint, x1: bigint, x2: bigint, x3: bigint, power: PowerController): bigint {
  const fn = Number(x0 & U32_MASK);
  const narrow = (v: bigint): bigint => (isSmc64(fn) ? v & U64_MASK : v & U32_MASK);
  const a1 = narrow(x1);
  const a2 = narrow(x2);
  const a3 = narrow(x3);
  const affMask = isSmc64(fn) ? MPIDR_AFF_MASK_64 : MPIDR_AFF_MASK_32;

  switch (fn) {
    case PSCI_VERSION:
      return ret(PSCI_VERSION_1_0);
    case PSCI_CPU_SUSPEND_32:
    case PSCI_CPU_SUSPEND_64:
      power.standby();
      return ret(PsciReturn.SUCCESS);
    case PSCI_CPU_OFF:
      power.cpuOff();
      return ret(PsciReturn.SUCCESS);
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON_64:
      if ((a1 & ~affMask) !== 0n) return ret(PsciReturn.INVALID_PARAMETERS);
      return ret(power.cpuOn(a1, a2, a3));
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO_64:
      if ((a1 & ~affMask) !== 0n) return ret(PsciReturn.INVALID_PARAMETERS);
      if (a2 !== AFFINITY_LEVEL_0) return ret(PsciReturn.INVALID_PARAMETERS);
      return ret(power.affinityInfo(a1, Number(a2)));
    case PSCI_MIGRATE_INFO_TYPE:
      return ret(MIGRATE_INFO_TYPE_NO_TOS);
    case PSCI_SYSTEM_OFF:
      power.systemOff();
      return ret(PsciReturn.SUCCESS);
    case PSCI_SYSTEM_RESET:
      power.systemReset();
      return ret(PsciReturn.SUCCESS);
    case PSCI_FEATURES: {
      // The queried ID is a W-register value: compare its low 32 bits ("PSCI_FEATURES").
      const flags = IMPLEMENTED.get(Number(a1 & U32_MASK));
      return ret(flags ?? PsciReturn.NOT_SUPPORTED);
    }
    default:
      // MIGRATE, MIGRATE_INFO_UP_CPU and every other ID, PSCI or not: NOT_SUPPORTED.
      return ret(PsciReturn.NOT_SUPPORTED);
  }
}
