// The operations the GICH and GICV frame decoders call on a virtual
// interface. VirtInterface implements this; the frames depend on it alone,
// so the frames and the interface do not import each other.

/** Which of the GICV acknowledge/HPPI registers is used. */
export const AckView = {
  /** GICV_IAR / GICV_HPPIR: group 0, and group 1 when AckCtl=1 */
  Primary: 0,
  /** GICV_AIAR / GICV_AHPPIR: group 1 only */
  Aliased: 1,
} as const;
export type AckView = (typeof AckView)[keyof typeof AckView];

/**
 * The GICH control registers as typed word accesses (IHI 0048B 5.3): what the
 * GICH frame decodes guest/test accesses onto, and what the hypervisor's
 * vgic programs directly (src/hyp/vgic/ports.ts, no region lookup).
 */
export interface GichRegisters {
  readHCR(): number;
  writeHCR(v: number): void;
  readVTR(): number;
  readVMCR(): number;
  writeVMCR(v: number): void;
  readMISR(): number;
  readEISR(bank: 0 | 1): number;
  readELRSR(bank: 0 | 1): number;
  readAPR(): number;
  writeAPR(v: number): void;
  readLR(n: number): number;
  writeLR(n: number, v: number): void;
}

export interface VirtInterfaceOps extends GichRegisters {
  /** GICV_IAR / GICV_AIAR */
  acknowledge(view: AckView): number;
  /** GICV_HPPIR / GICV_AHPPIR */
  highestPending(view: AckView): number;
  /** GICV_EOIR / GICV_AEOIR */
  endOfInterrupt(value: number): void;
  /** GICV_DIR */
  deactivate(value: number): void;
  /** running priority, IDLE_PRIORITY when nothing is active */
  runningPriority(): number;
}
