// The system registers that belong to the core, with a coherent identity:
// an Armv8.0 Cortex-A57-like EL1/EL0-only AArch64 core with FP/AdvSIMD,
// a PMUv3 where the machine has one (src/hw/pmu; ID_AA64DFR0_EL1.PMUVer from
// CpuCore.pmuVer), without crypto, CRC32 or LSE atomics. Only what the interpreter implements
// is advertised (each value below says why). Registers not in this table
// (generic timer CNT*, GIC ICC_*, anything else) go to the GuestPort.

import { sysregEncoding as enc } from './guest-port.ts';

export type SysregKind =
  /** Stored, read/write. */
  | 'rw'
  /** Stored, read-only (MSR is UNDEFINED, Arm ARM D19.2). */
  | 'ro'
  /** Write-only, writes ignored (MRS UNDEFINED). */
  | 'wi'
  | 'nzcv'
  | 'daif'
  | 'currentel'
  | 'spsel'
  | 'sp_el0'
  /** ISR_EL1: read-only view of the pending IRQ/FIQ inputs (Arm ARM D19.2.78). */
  | 'isr'
  /** ID_AA64DFR0_EL1: read-only, PMUVer from the machine's configuration (CpuCore.pmuVer), not state. */
  | 'dfr0'
  /** ID_AA64PFR0_EL1: read-only, GIC from the machine's configuration (CpuCore.gicSysregs), not state. */
  | 'pfr0'
  /** Reserved ID register space: RAZ (Arm ARM D19.2, "ID register space"). */
  | 'raz';

export interface SysregDef {
  readonly name: string;
  readonly encoding: number;
  readonly kind: SysregKind;
  /** Accessible from EL0 (otherwise UNDEFINED at EL0). */
  readonly el0: boolean;
  /** Reset value; MPIDR_EL1 adds the cpu's affinity (mpidr.ts). */
  readonly reset: bigint;
}

function d(name: string, e: number, kind: SysregKind, reset = 0n, el0 = false): SysregDef {
  return { name, encoding: e, kind, el0, reset };
}

// Identity values (Arm ARM D19.2 field layouts).
/** Implementer 0x41 (Arm), variant 1, architecture 0xF, part 0xD07 (Cortex-A57), revision 3. */
export const MIDR_VALUE = 0x411f_d073n;
/** MPIDR: bit 31 RES1, U=0, MT=0; Aff0 = cpu index is added per cpu. */
export const MPIDR_BASE = 0x8000_0000n;
/**
 * EL0 and EL1 AArch64 only; EL2/EL3 not implemented; FP and AdvSIMD
 * implemented (0; no FP16); GIC = 0 here: a cpu of a GICv3 board ORs in
 * CpuCore.gicSysregs << 24 (1: the GICv3 system register interface).
 */
export const ID_AA64PFR0_VALUE = 0x0000_0011n;
/**
 * DebugVer = 6 (Armv8.0 debug), BRPs = 1 and WRPs = 1 (2 breakpoints and 2
 * watchpoints, the architectural minimum: 0 is reserved), CTX_CMPs = 0,
 * PMUVer = 0 here: a cpu with a PMU ORs in CpuCore.pmuVer << 8 (1: PMUv3 for Armv8.0).
 */
export const ID_AA64DFR0_VALUE = 0x0010_1006n;
/** PARange 40 bits (2), 8-bit ASIDs, little-endian only, 4 KiB granule only (TGran64 = 0xF, TGran16 = 0). */
export const ID_AA64MMFR0_VALUE = 0x0f00_0002n;
/**
 * CTR_EL0: RES1 bit 31, DIC = IDC = 1 (the decode cache watches stores, so
 * no cache maintenance is needed for coherence), CWG = ERG = DminLine =
 * IminLine = 4 (64 bytes), L1Ip = PIPT.
 */
export const CTR_VALUE = 0xb444_c004n;
/** DC ZVA allowed, block 2^4 words = 64 bytes. */
export const DCZID_VALUE = 0x4n;
/** SCTLR_EL1 reset: the Armv8.0 RES1 bits (11, 20, 22, 23, 28, 29); MMU, caches, alignment checks off. */
export const SCTLR_RESET = 0x30d0_0800n;
/** OSLSR_EL1: OSLM = 0b10 (OS lock implemented), unlocked. */
export const OSLSR_VALUE = 0x8n;

export const SYSREGS: readonly SysregDef[] = [
  d('SCTLR_EL1', enc(3, 0, 1, 0, 0), 'rw', SCTLR_RESET),
  d('CPACR_EL1', enc(3, 0, 1, 0, 2), 'rw'),
  d('TTBR0_EL1', enc(3, 0, 2, 0, 0), 'rw'),
  d('TTBR1_EL1', enc(3, 0, 2, 0, 1), 'rw'),
  d('TCR_EL1', enc(3, 0, 2, 0, 2), 'rw'),
  d('SPSR_EL1', enc(3, 0, 4, 0, 0), 'rw'),
  d('ELR_EL1', enc(3, 0, 4, 0, 1), 'rw'),
  d('SP_EL0', enc(3, 0, 4, 1, 0), 'sp_el0'),
  d('SPSel', enc(3, 0, 4, 2, 0), 'spsel'),
  d('CurrentEL', enc(3, 0, 4, 2, 2), 'currentel'),
  d('AFSR0_EL1', enc(3, 0, 5, 1, 0), 'rw'),
  d('AFSR1_EL1', enc(3, 0, 5, 1, 1), 'rw'),
  d('ESR_EL1', enc(3, 0, 5, 2, 0), 'rw'),
  d('FAR_EL1', enc(3, 0, 6, 0, 0), 'rw'),
  d('PAR_EL1', enc(3, 0, 7, 4, 0), 'rw'),
  d('MAIR_EL1', enc(3, 0, 10, 2, 0), 'rw'),
  d('AMAIR_EL1', enc(3, 0, 10, 3, 0), 'rw'),
  d('VBAR_EL1', enc(3, 0, 12, 0, 0), 'rw'),
  d('ISR_EL1', enc(3, 0, 12, 1, 0), 'isr'),
  d('CONTEXTIDR_EL1', enc(3, 0, 13, 0, 1), 'rw'),
  d('TPIDR_EL1', enc(3, 0, 13, 0, 4), 'rw'),
  d('CSSELR_EL1', enc(3, 2, 0, 0, 0), 'rw'),
  d('NZCV', enc(3, 3, 4, 2, 0), 'nzcv', 0n, true),
  d('DAIF', enc(3, 3, 4, 2, 1), 'daif', 0n, true),
  d('TPIDR_EL0', enc(3, 3, 13, 0, 2), 'rw', 0n, true),
  // TPIDRRO_EL0 is read-only at EL0 only; exec-sysreg enforces that.
  d('TPIDRRO_EL0', enc(3, 3, 13, 0, 3), 'rw', 0n, true),
  d('MDSCR_EL1', enc(2, 0, 0, 2, 2), 'rw'),
  d('OSLAR_EL1', enc(2, 0, 1, 0, 4), 'wi'),
  d('OSLSR_EL1', enc(2, 0, 1, 1, 4), 'ro', OSLSR_VALUE),
  d('OSDLR_EL1', enc(2, 0, 1, 3, 4), 'rw'),
  // Self-hosted debug: the registers of the 2 breakpoints and 2 watchpoints
  // ID_AA64DFR0_EL1 advertises (the architectural minimum) are stored, so a
  // kernel can program and save them; this model generates no debug events
  // (breakpoint, watchpoint, software step) from them: see README.
  ...[0, 1].flatMap((n) => [
    d(`DBGBVR${n}_EL1`, enc(2, 0, 0, n, 4), 'rw'),
    d(`DBGBCR${n}_EL1`, enc(2, 0, 0, n, 5), 'rw'),
    d(`DBGWVR${n}_EL1`, enc(2, 0, 0, n, 6), 'rw'),
    d(`DBGWCR${n}_EL1`, enc(2, 0, 0, n, 7), 'rw'),
  ]),
  d('MDCCINT_EL1', enc(2, 0, 0, 2, 0), 'rw'),
  d('MDRAR_EL1', enc(2, 0, 1, 0, 0), 'ro'),
  d('DBGPRCR_EL1', enc(2, 0, 1, 4, 4), 'rw'),
  d('DBGCLAIMSET_EL1', enc(2, 0, 7, 8, 6), 'wi'),
  d('DBGCLAIMCLR_EL1', enc(2, 0, 7, 9, 6), 'wi'),
  d('DBGAUTHSTATUS_EL1', enc(2, 0, 7, 14, 6), 'ro'),
  // Identification (read-only).
  d('MIDR_EL1', enc(3, 0, 0, 0, 0), 'ro', MIDR_VALUE),
  d('MPIDR_EL1', enc(3, 0, 0, 0, 5), 'ro', MPIDR_BASE),
  d('REVIDR_EL1', enc(3, 0, 0, 0, 6), 'ro'),
  d('ID_AA64PFR0_EL1', enc(3, 0, 0, 4, 0), 'pfr0', ID_AA64PFR0_VALUE),
  d('ID_AA64PFR1_EL1', enc(3, 0, 0, 4, 1), 'ro'),
  d('ID_AA64DFR0_EL1', enc(3, 0, 0, 5, 0), 'dfr0', ID_AA64DFR0_VALUE),
  d('ID_AA64DFR1_EL1', enc(3, 0, 0, 5, 1), 'ro'),
  d('ID_AA64AFR0_EL1', enc(3, 0, 0, 5, 4), 'ro'),
  d('ID_AA64AFR1_EL1', enc(3, 0, 0, 5, 5), 'ro'),
  d('ID_AA64ISAR0_EL1', enc(3, 0, 0, 6, 0), 'ro'),
  d('ID_AA64ISAR1_EL1', enc(3, 0, 0, 6, 1), 'ro'),
  d('ID_AA64MMFR0_EL1', enc(3, 0, 0, 7, 0), 'ro', ID_AA64MMFR0_VALUE),
  d('ID_AA64MMFR1_EL1', enc(3, 0, 0, 7, 1), 'ro'),
  d('ID_AA64MMFR2_EL1', enc(3, 0, 0, 7, 2), 'ro'),
  d('CCSIDR_EL1', enc(3, 1, 0, 0, 0), 'ro'),
  d('CLIDR_EL1', enc(3, 1, 0, 0, 1), 'ro'),
  d('CTR_EL0', enc(3, 3, 0, 0, 1), 'ro', CTR_VALUE, true),
  d('DCZID_EL0', enc(3, 3, 0, 0, 7), 'ro', DCZID_VALUE, true),
];

/** Index in SYSREGS of each stored register's value pair in the cpu (by name). */
export const SYSREG_INDEX: ReadonlyMap<string, number> = new Map(SYSREGS.map((r, i) => [r.name, i]));
const BY_ENCODING = new Map(SYSREGS.map((r, i) => [r.encoding, i]));

/** Index of a reserved ID register (op0=3, op1=0, CRn=0, CRm=1..7): RAZ. */
export const RAZ_INDEX = -2;
/** Not a core register: the GuestPort decides. */
export const PORT_INDEX = -1;

/** Decode-time lookup: SYSREGS index, RAZ_INDEX or PORT_INDEX. */
export function lookupSysreg(encoding: number): number {
  const i = BY_ENCODING.get(encoding);
  if (i !== undefined) return i;
  // op0=3 op1=0 CRn=0 CRm=1..7: the ID register space; unallocated ones read as zero.
  if (encoding >>> 7 === ((3 << 7) | 0) && ((encoding >>> 3) & 0xf) >= 1 && ((encoding >>> 3) & 0xf) <= 7)
    return RAZ_INDEX;
  return PORT_INDEX;
}

export const IDX_SCTLR = SYSREG_INDEX.get('SCTLR_EL1')!;
export const IDX_CPACR = SYSREG_INDEX.get('CPACR_EL1')!;
export const IDX_SPSR = SYSREG_INDEX.get('SPSR_EL1')!;
export const IDX_ELR = SYSREG_INDEX.get('ELR_EL1')!;
export const IDX_ESR = SYSREG_INDEX.get('ESR_EL1')!;
export const IDX_FAR = SYSREG_INDEX.get('FAR_EL1')!;
export const IDX_VBAR = SYSREG_INDEX.get('VBAR_EL1')!;
export const IDX_PAR = SYSREG_INDEX.get('PAR_EL1')!;
export const IDX_MPIDR = SYSREG_INDEX.get('MPIDR_EL1')!;
export const IDX_TPIDRRO = SYSREG_INDEX.get('TPIDRRO_EL0')!;
