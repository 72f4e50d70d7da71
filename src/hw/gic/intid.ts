// Interrupt identifiers (GIC architecture spec v2, 2.2.1 "Interrupt IDs").
// Branded so that an INTID is never confused with a register offset, a cpu
// number or an LR index.

export type IntId = number & { readonly __brand: 'IntId' };

export const SGI_COUNT = 16;
export const PRIVATE_COUNT = 32;
/** Largest INTID a GICv2 can implement (ITLinesNumber = 31 -> 1020 interrupts, 0..1019). */
export const MAX_INTID = 1019;
/** INTIDs a per-interrupt GICD register range spans (0..1023, special ones included). */
export const INTID_SPACE = 1024;
/** Special INTIDs 1020-1023 (GICv2 3.2.5): never an interrupt; EOIR/DIR writes of them are ignored. */
export const FIRST_SPECIAL_INTID = 1020;
/** IAR value when nothing is pending (or the interrupt is not forwarded). */
export const SPURIOUS = 1023 as IntId;
/**
 * IAR/HPPIR value when the highest priority pending interrupt is group 1 but
 * the read may not acknowledge it (GICC_CTLR.AckCtl = 0; GICv2 3.2.5).
 */
export const SPURIOUS_GROUP1 = 1022 as IntId;
/** Bits of an INTID field in GICC_IAR, EOIR, HPPIR, DIR and GICH_LR.VirtualID. */
export const INTID_BITS = 10;

/** Well-known PPIs on an Arm system with the generic timer and GIC virtualization. */
export const PPI = {
  /** PMU overflow interrupt request (PMUIRQ; QEMU virt's and KVM's vPMU PPI 7) */
  PMU: 23 as IntId,
  /** GICH maintenance interrupt */
  MAINTENANCE: 25 as IntId,
  /** EL2 (hypervisor) physical timer, CNTHP */
  HYP_TIMER: 26 as IntId,
  /** EL1 virtual timer, CNTV */
  VIRT_TIMER: 27 as IntId,
  /** EL1 secure physical timer, CNTPS */
  SEC_PHYS_TIMER: 29 as IntId,
  /** EL1 non-secure physical timer, CNTP */
  PHYS_TIMER: 30 as IntId,
} as const;

export function intid(n: number): IntId {
  if (!Number.isInteger(n) || n < 0 || n > 1023) throw new RangeError(`INTID out of range: ${n}`);
  return n as IntId;
}

export function isSgi(id: number): boolean {
  return id < SGI_COUNT;
}

export function isPpi(id: number): boolean {
  return id >= SGI_COUNT && id < PRIVATE_COUNT;
}

/** SGIs and PPIs are banked per cpu. */
export function isPrivate(id: number): boolean {
  return id < PRIVATE_COUNT;
}

/** 1020-1023: special INTIDs (GICv2 3.2.5). */
export function isSpecial(id: number): boolean {
  return id >= FIRST_SPECIAL_INTID;
}

export function isSpi(id: number): boolean {
  return id >= PRIVATE_COUNT && id <= MAX_INTID;
}
