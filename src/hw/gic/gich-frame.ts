// The GICH frame (IHI 0048B 5.3, Table 5-1): the hypervisor's 4 KiB view of
// one cpu's virtual interface. Only word accesses are defined for these
// registers; byte and halfword accesses, unaligned offsets and reserved
// offsets read as zero and ignore writes. Read-only registers (VTR, MISR,
// EISRn, ELRSRn) ignore writes.

import type { AccessSize, MmioDevice } from '../mmio.ts';
import type { VirtInterfaceOps } from './virt-ops.ts';
import {
  GICH_APR,
  GICH_EISR0,
  GICH_EISR1,
  GICH_ELRSR0,
  GICH_ELRSR1,
  GICH_HCR,
  GICH_LR0,
  GICH_LR_END,
  GICH_MISR,
  GICH_VMCR,
  GICH_VTR,
} from './virt-regs.ts';

export class GichFrame implements MmioDevice {
  constructor(private readonly vif: VirtInterfaceOps) {}

  read(offset: number, size: AccessSize, _cpu: number): number {
    if (size !== 4 || (offset & 3) !== 0) return 0;
    const v = this.vif;
    switch (offset) {
      case GICH_HCR:
        return v.readHCR();
      case GICH_VTR:
        return v.readVTR();
      case GICH_VMCR:
        return v.readVMCR();
      case GICH_MISR:
        return v.readMISR();
      case GICH_EISR0:
        return v.readEISR(0);
      case GICH_EISR1:
        return v.readEISR(1);
      case GICH_ELRSR0:
        return v.readELRSR(0);
      case GICH_ELRSR1:
        return v.readELRSR(1);
      case GICH_APR:
        return v.readAPR();
    }
    if (offset >= GICH_LR0 && offset < GICH_LR_END) return v.readLR((offset - GICH_LR0) >>> 2);
    return 0;
  }

  write(offset: number, size: AccessSize, value: number, _cpu: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const v = this.vif;
    switch (offset) {
      case GICH_HCR:
        v.writeHCR(value);
        return;
      case GICH_VMCR:
        v.writeVMCR(value);
        return;
      case GICH_APR:
        v.writeAPR(value);
        return;
    }
    if (offset >= GICH_LR0 && offset < GICH_LR_END) v.writeLR((offset - GICH_LR0) >>> 2, value);
  }
}
