// STUB (being written by the GIC virtualization-extensions work): the
// per-cpu virtual interface = GICH (hypervisor control, list registers) +
// GICV (the guest's virtual CPU interface). The public shape below is the
// contract the rest of hw/gic codes against; keep it.

import type { TraceSink } from '../../sim/trace/sink.ts';
import { Signal } from '../../sim/signal.ts';
import type { AccessSize, Clock, MmioDevice } from '../mmio.ts';
import type { IntId } from './intid.ts';

/** What the virtual interface needs from the physical GIC. */
export interface PhysicalGicPort {
  /**
   * Deactivate physical `intid` for `cpu` (GICv2 5.4.1: a virtual EOI/DIR of
   * an LR with HW=1 deactivates PhysicalID in the distributor).
   */
  deactivatePhysical(cpu: number, intid: IntId): void;
}

export interface VirtInterfaceOptions {
  readonly cpu: number;
  /** number of list registers, 1..64 (GICH_VTR.ListRegs + 1) */
  readonly nLR: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
  readonly phys: PhysicalGicPort;
}

// biome-ignore lint/suspicious/noEmptyInterface: filled in by the implementation
export interface VirtInterfaceState {}

export class VirtInterface {
  /** virtual IRQ to this cpu (taken by the guest at EL1) */
  readonly virq: Signal;
  /** virtual FIQ (group 0 with GICV_CTLR.FIQEn) */
  readonly vfiq: Signal;
  /** maintenance interrupt, wired to physical PPI 25 of this cpu */
  readonly maintenance: Signal;
  /** GICH frame, 4 KiB: GICH_HCR, VTR, VMCR, MISR, EISR, ELRSR, APR, LRn */
  readonly gich: MmioDevice;
  /** GICV frame, 8 KiB: the GICC register layout backed by the LRs */
  readonly gicv: MmioDevice;

  constructor(readonly opts: VirtInterfaceOptions) {
    this.virq = new Signal(`cpu${opts.cpu}.virq`);
    this.vfiq = new Signal(`cpu${opts.cpu}.vfiq`);
    this.maintenance = new Signal(`cpu${opts.cpu}.maintenance`);
    const raz: MmioDevice = { read: (_o: number, _s: AccessSize) => 0, write: () => {} };
    this.gich = raz;
    this.gicv = raz;
  }

  save(): VirtInterfaceState {
    return {};
  }

  restore(_s: VirtInterfaceState): void {}
}
