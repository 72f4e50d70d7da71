// The GICH frame (IHI 0048B 5.3, Table 5-1): the hypervisor's 4 KiB view of
// one cpu's virtual interface. Only word accesses are defined for these
// registers; byte and halfword accesses, unaligned offsets and reserved
// offsets read as zero and ignore writes. Read-only registers (VTR, MISR,
// EISRn, ELRSRn) ignore writes.

import type { AccessSize, MmioDevice } from '../mmio.ts';
import type { VirtInterfaceOps } from './virt-ops.ts';
import { GICH } from './virt-regs.ts';

export class GichFrame implements MmioDevice {
  constructor(private readonly vif: VirtInterfaceOps) {}

  read(offset: number, size: AccessSize, _cpu: number): number {
    if (size !== 4 || (offset & 3) !== 0) return 0;
    const v = this.vif;
    switch (offset) {
      case GICH.HCR:
        return v.readHCR();
      case GICH.VTR:
        return v.readVTR();
      case GICH.VMCR:
        return v.readVMCR();
      case GICH.MISR:
        return v.readMISR();
      case GICH.EISR0:
        return v.readEISR(0);
      case GICH.EISR1:
        return v.readEISR(1);
      case GICH.ELRSR0:
        return v.readELRSR(0);
      case GICH.ELRSR1:
        return v.readELRSR(1);
      case GICH.APR:
        return v.readAPR();
    }
    if (offset >= GICH.LR0 && offset < GICH.LR_END) return v.readLR((offset - GICH.LR0) >>> 2);
    return 0;
  }

  write(offset: number, size: AccessSize, value: number, _cpu: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const v = this.vif;
    switch (offset) {
      case GICH.HCR:
        v.writeHCR(value);
        return;
      case GICH.VMCR:
        v.writeVMCR(value);
        return;
      case GICH.APR:
        v.writeAPR(value);
        return;
    }
    if (offset >= GICH.LR0 && offset < GICH.LR_END) v.writeLR((offset - GICH.LR0) >>> 2, value);
  }
}
