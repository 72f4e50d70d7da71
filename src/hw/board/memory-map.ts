// The guest physical memory map and interrupt assignment of QEMU's `virt`
// board (hw/arm/virt.c's a15memmap / irqmap, as documented for users), which
// SCENARIOS.md fixes for vgicsim guests.

import type { IntId } from '../gic/intid.ts';

export interface Region {
  readonly base: number;
  readonly size: number;
}

export const MEMMAP = {
  /** GIC distributor */
  GICD: { base: 0x0800_0000, size: 0x1_0000 },
  /** GIC CPU interface (under a hypervisor: the GICV frame mapped here by stage 2) */
  GICC: { base: 0x0801_0000, size: 0x1_0000 },
  /** GIC virtual interface control (hypervisor only) */
  GICH: { base: 0x0803_0000, size: 0x1_0000 },
  /** GIC virtual CPU interface as the hypervisor sees it */
  GICV: { base: 0x0804_0000, size: 0x1_0000 },
  /**
   * GICv3 redistributor region (gic-version=3 only; no GICC/GICH/GICV frames
   * then): 128 KiB per cpu, sized as QEMU's VIRT_GIC_REDIST for 123 cpus.
   * Not a GuestWindow: only a machine with a GICv3 decodes it.
   */
  GICR: { base: 0x080a_0000, size: 0x00f6_0000 },
  /** PL011 UART */
  UART: { base: 0x0900_0000, size: 0x1000 },
  /** PL031 RTC */
  RTC: { base: 0x0901_0000, size: 0x1000 },
  /** RAM (size is a machine parameter; 128 MiB by default) */
  RAM: { base: 0x4000_0000, size: 128 * 1024 * 1024 },
} as const satisfies Record<string, Region>;

/**
 * The redistributor regions, in KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION index
 * order: QEMU virt's VIRT_GIC_REDIST (123 redistributors of 128 KiB).
 */
export const REDIST_REGIONS: readonly Region[] = [MEMMAP.GICR];

/** Where inline assembly is placed and starts (SCENARIOS.md). */
export const DEFAULT_ENTRY = 0x4008_0000;

/** SPI 1 of the virt board: the PL011. */
export const UART_INTID = 33 as IntId;

/** SPI 2 of the virt board: the PL031. */
export const RTC_INTID = 34 as IntId;

export function inRegion(r: Region, pa: number): boolean {
  return pa >= r.base && pa < r.base + r.size;
}

/**
 * The MMIO windows a guest reaches at EL1: the one decode of the guest
 * physical map that stage-2 routing, exit classification, the exit handler
 * and the reference machine share. Under the hypervisor the GICC window is
 * where stage 2 maps the hardware GICV frame.
 */
export const GuestWindow = {
  /** RAM or nothing: not an MMIO window */
  None: -1,
  GICD: 0,
  GICC: 1,
  UART: 2,
  RTC: 3,
} as const;
export type GuestWindow = (typeof GuestWindow)[keyof typeof GuestWindow];

/** Region of each window, indexed by GuestWindow. */
const WINDOW_REGIONS: readonly Region[] = [MEMMAP.GICD, MEMMAP.GICC, MEMMAP.UART, MEMMAP.RTC];

/** Which MMIO window `pa` falls in (allocation-free: called on every device access). */
export function guestWindowOf(pa: number): GuestWindow {
  for (let w = 0; w < WINDOW_REGIONS.length; w++)
    if (inRegion(WINDOW_REGIONS[w], pa)) return w as GuestWindow;
  return GuestWindow.None;
}

/** Base address of a window (not None). */
export function windowBase(w: GuestWindow): number {
  return WINDOW_REGIONS[w].base;
}
