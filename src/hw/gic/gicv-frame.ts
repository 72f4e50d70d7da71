// The GICV frame (IHI 0048B 5.4, 4.4): the guest's 8 KiB virtual CPU
// interface, with the GICC register layout, backed by the list registers,
// GICH_VMCR and GICH_APR. Word accesses only: other widths and unaligned
// offsets read as zero and ignore writes (and have no side effect, so a byte
// read of GICV_IAR acknowledges nothing). Write-only registers (EOIR, AEOIR,
// DIR) read as zero; read-only ones (IAR, AIAR, RPR, HPPIR, AHPPIR, IIDR)
// ignore writes. GICV_APR1-3 and the NSAPRs are RAZ/WI: the virtual
// interface has 32 preemption levels, all held in GICV_APR0.

import { getField, setField } from '../../sim/bits.ts';
import type { AccessSize, MmioDevice } from '../mmio.ts';
import type { VirtInterfaceOps } from './virt-ops.ts';
import { PRIORITY_SHIFT } from './virt-priority.ts';
import {
  AckView,
  BPR_BinaryPoint,
  GICV,
  GICV_IIDR_VALUE,
  IDLE_PRIORITY,
  PMR_Priority,
  VMCR,
  VMCR_CTLR_MASK,
} from './virt-regs.ts';

export class GicvFrame implements MmioDevice {
  constructor(private readonly vif: VirtInterfaceOps) {}

  read(offset: number, size: AccessSize, _cpu: number): number {
    if (size !== 4 || (offset & 3) !== 0) return 0;
    const v = this.vif;
    const vmcr = v.readVMCR();
    switch (offset) {
      case GICV.CTLR:
        return (vmcr & VMCR_CTLR_MASK) >>> 0;
      case GICV.PMR:
        // only the top 5 bits are implemented; the low 3 bits read as zero
        return getField(vmcr, VMCR.VMPriMask) << PRIORITY_SHIFT;
      case GICV.BPR:
        return getField(vmcr, VMCR.VMBP);
      case GICV.ABPR:
        return getField(vmcr, VMCR.VMABP);
      case GICV.IAR:
        return v.acknowledge(AckView.Primary);
      case GICV.AIAR:
        return v.acknowledge(AckView.Aliased);
      case GICV.HPPIR:
        return v.highestPending(AckView.Primary);
      case GICV.AHPPIR:
        return v.highestPending(AckView.Aliased);
      case GICV.RPR: {
        const rp = v.runningPriority();
        return rp === IDLE_PRIORITY ? 0xff : rp;
      }
      case GICV.APR0:
        return v.readAPR();
      case GICV.IIDR:
        return GICV_IIDR_VALUE;
    }
    return 0;
  }

  write(offset: number, size: AccessSize, value: number, _cpu: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const v = this.vif;
    const vmcr = v.readVMCR();
    switch (offset) {
      case GICV.CTLR:
        v.writeVMCR(((vmcr & ~VMCR_CTLR_MASK) | (value & VMCR_CTLR_MASK)) >>> 0);
        return;
      case GICV.PMR:
        v.writeVMCR(setField(vmcr, VMCR.VMPriMask, getField(value, PMR_Priority) >>> PRIORITY_SHIFT));
        return;
      case GICV.BPR:
        v.writeVMCR(setField(vmcr, VMCR.VMBP, getField(value, BPR_BinaryPoint)));
        return;
      case GICV.ABPR:
        v.writeVMCR(setField(vmcr, VMCR.VMABP, getField(value, BPR_BinaryPoint)));
        return;
      case GICV.EOIR:
      case GICV.AEOIR:
        v.endOfInterrupt(value);
        return;
      case GICV.DIR:
        v.deactivate(value);
        return;
      case GICV.APR0:
        v.writeAPR(value);
        return;
    }
  }
}
