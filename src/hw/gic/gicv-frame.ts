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
import {
  GICV_IIDR_VALUE,
  GICH_VMCR_CTLR_MASK,
  GICH_VMCR_VMABP,
  GICH_VMCR_VMBP,
  GICH_VMCR_VMPriMask,
  GICV_ABPR,
  GICV_AEOIR,
  GICV_AHPPIR,
  GICV_AIAR,
  GICV_APR0,
  GICV_BPR,
  GICV_CTLR,
  GICV_DIR,
  GICV_EOIR,
  GICV_HPPIR,
  GICV_IAR,
  GICV_IIDR,
  GICV_PMR,
  GICV_RPR,
} from './virt-regs.ts';
import { GICC_BPR_BinaryPoint, GICC_PMR_Priority } from './registers.ts';
import { IDLE_PRIORITY, VIRT_PRIORITY_SHIFT } from './priority.ts';
import { AckView } from './virt-ops.ts';

export class GicvFrame implements MmioDevice {
  constructor(private readonly vif: VirtInterfaceOps) {}

  read(offset: number, size: AccessSize, _cpu: number): number {
    if (size !== 4 || (offset & 3) !== 0) return 0;
    const v = this.vif;
    const vmcr = v.readVMCR();
    switch (offset) {
      case GICV_CTLR:
        return (vmcr & GICH_VMCR_CTLR_MASK) >>> 0;
      case GICV_PMR:
        // only the top 5 bits are implemented; the low 3 bits read as zero
        return getField(vmcr, GICH_VMCR_VMPriMask) << VIRT_PRIORITY_SHIFT;
      case GICV_BPR:
        return getField(vmcr, GICH_VMCR_VMBP);
      case GICV_ABPR:
        return getField(vmcr, GICH_VMCR_VMABP);
      case GICV_IAR:
        return v.acknowledge(AckView.Primary);
      case GICV_AIAR:
        return v.acknowledge(AckView.Aliased);
      case GICV_HPPIR:
        return v.highestPending(AckView.Primary);
      case GICV_AHPPIR:
        return v.highestPending(AckView.Aliased);
      case GICV_RPR: {
        const rp = v.runningPriority();
        return rp === IDLE_PRIORITY ? 0xff : rp;
      }
      case GICV_APR0:
        return v.readAPR();
      case GICV_IIDR:
        return GICV_IIDR_VALUE;
    }
    return 0;
  }

  write(offset: number, size: AccessSize, value: number, _cpu: number): void {
    if (size !== 4 || (offset & 3) !== 0) return;
    const v = this.vif;
    const vmcr = v.readVMCR();
    switch (offset) {
      case GICV_CTLR:
        v.writeVMCR(((vmcr & ~GICH_VMCR_CTLR_MASK) | (value & GICH_VMCR_CTLR_MASK)) >>> 0);
        return;
      case GICV_PMR:
        v.writeVMCR(
          setField(vmcr, GICH_VMCR_VMPriMask, getField(value, GICC_PMR_Priority) >>> VIRT_PRIORITY_SHIFT),
        );
        return;
      case GICV_BPR:
        v.writeVMCR(setField(vmcr, GICH_VMCR_VMBP, getField(value, GICC_BPR_BinaryPoint)));
        return;
      case GICV_ABPR:
        v.writeVMCR(setField(vmcr, GICH_VMCR_VMABP, getField(value, GICC_BPR_BinaryPoint)));
        return;
      case GICV_EOIR:
      case GICV_AEOIR:
        v.endOfInterrupt(value);
        return;
      case GICV_DIR:
        v.deactivate(value);
        return;
      case GICV_APR0:
        v.writeAPR(value);
        return;
    }
  }
}
