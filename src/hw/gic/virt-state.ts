// The state of one GICv2 virtual interface as data (IHI 0048B 5.3): the
// GICH registers a snapshot holds, their reset values, and what the
// interface is built from. virt-interface.ts gives it behaviour.

import { setField } from '../../sim/bits.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Clock } from '../mmio.ts';
import type { IntId } from './intid.ts';
import { MIN_VABPR, MIN_VBPR } from './priority.ts';
import { GICH_VMCR_VMABP, GICH_VMCR_VMBP } from './virt-regs.ts';

/** GICH_VMCR reset: binary points at their minimum (GIC-400 resets GICV_BPR to 2, GICV_ABPR to 3). */
export const GICH_VMCR_RESET = setField(setField(0, GICH_VMCR_VMABP, MIN_VABPR), GICH_VMCR_VMBP, MIN_VBPR);

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

export interface VirtInterfaceState {
  readonly version: 1;
  /** GICH_LRn raw values (EISR/ELRSR/MISR are derived from these and HCR/VMCR) */
  readonly lr: readonly number[];
  readonly hcr: number;
  readonly vmcr: number;
  readonly apr: number;
  /** output levels as last signalled */
  readonly virq: boolean;
  readonly vfiq: boolean;
  readonly maintenance: boolean;
}

/** GICH reset values: every LR invalid, GICH_HCR 0, GICH_VMCR at its reset value, nothing active. */
export function virtDefaultState(nLR: number): VirtInterfaceState {
  const lr = new Array<number>(nLR).fill(0);
  return {
    version: 1,
    lr,
    hcr: 0,
    vmcr: GICH_VMCR_RESET,
    apr: 0,
    virq: false,
    vfiq: false,
    maintenance: false,
  };
}
