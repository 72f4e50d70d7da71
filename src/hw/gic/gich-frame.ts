// The GICH frame (IHI 0048B 5.3, Table 5-1): the hypervisor's 4 KiB view of
// one cpu's virtual interface, as a register table (hw/mmio). Only word
// accesses are defined for these registers; byte and halfword accesses,
// unaligned offsets and reserved offsets read as zero and ignore writes.
// Read-only registers (VTR, MISR, EISRn, ELRSRn) ignore writes; LRs beyond
// GICH_VTR.ListRegs are RAZ/WI.

import { register } from '../mmio/builders.ts';
import { type MmioRegion, MmioTable } from '../mmio/region.ts';
import type { VirtInterfaceOps } from './virt-ops.ts';
import {
  GICH_APR,
  GICH_EISR0,
  GICH_EISR1,
  GICH_ELRSR0,
  GICH_ELRSR1,
  GICH_HCR,
  GICH_LR_END,
  GICH_LR0,
  GICH_LR_STRIDE,
  GICH_MISR,
  GICH_VMCR,
  GICH_VTR,
} from './virt-regs.ts';

export class GichFrame extends MmioTable {
  constructor(vif: VirtInterfaceOps) {
    super(gichTable(vif));
  }
}

/** The GICH register table, sorted by offset. */
export function gichTable(v: VirtInterfaceOps): MmioRegion[] {
  const lr = (off: number): number => (off - GICH_LR0) / GICH_LR_STRIDE;
  return [
    register({
      name: 'GICH_HCR',
      offset: GICH_HCR,
      read: () => v.readHCR(),
      write: (_c, _o, _s, x) => v.writeHCR(x),
    }),
    register({ name: 'GICH_VTR', offset: GICH_VTR, read: () => v.readVTR() }),
    register({
      name: 'GICH_VMCR',
      offset: GICH_VMCR,
      read: () => v.readVMCR(),
      write: (_c, _o, _s, x) => v.writeVMCR(x),
    }),
    register({ name: 'GICH_MISR', offset: GICH_MISR, read: () => v.readMISR() }),
    register({ name: 'GICH_EISR0', offset: GICH_EISR0, read: () => v.readEISR(0) }),
    register({ name: 'GICH_EISR1', offset: GICH_EISR1, read: () => v.readEISR(1) }),
    register({ name: 'GICH_ELRSR0', offset: GICH_ELRSR0, read: () => v.readELRSR(0) }),
    register({ name: 'GICH_ELRSR1', offset: GICH_ELRSR1, read: () => v.readELRSR(1) }),
    register({
      name: 'GICH_APR',
      offset: GICH_APR,
      read: () => v.readAPR(),
      write: (_c, _o, _s, x) => v.writeAPR(x),
    }),
    register({
      name: 'GICH_LR',
      offset: GICH_LR0,
      len: GICH_LR_END - GICH_LR0,
      read: (_c, off) => v.readLR(lr(off)),
      write: (_c, off, _s, x) => v.writeLR(lr(off), x),
    }),
  ];
}
