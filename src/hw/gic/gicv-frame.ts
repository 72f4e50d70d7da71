// The GICV frame (IHI 0048B 5.4, 4.4): the guest's 8 KiB virtual CPU
// interface, with the GICC register layout, backed by the list registers,
// GICH_VMCR and GICH_APR; a register table (hw/mmio). Word accesses only:
// other widths and unaligned offsets read as zero and ignore writes (and have
// no side effect, so a byte read of GICV_IAR acknowledges nothing).
// Write-only registers (EOIR, AEOIR, DIR) read as zero; read-only ones (IAR,
// AIAR, RPR, HPPIR, AHPPIR, IIDR) ignore writes. GICV_APR1-3 and the NSAPRs
// are RAZ/WI: the virtual interface has 32 preemption levels, all held in
// GICV_APR0.

import { getField, setField } from '../../sim/bits.ts';
import { register } from '../mmio/builders.ts';
import { type MmioRegion, MmioTable } from '../mmio/region.ts';
import { IDLE_PRIORITY, RPR_IDLE, VIRT_PRIORITY_SHIFT } from './priority.ts';
import { GICC_BPR_BinaryPoint, GICC_PMR_Priority } from './registers.ts';
import { AckView, type VirtInterfaceOps } from './virt-ops.ts';
import {
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
  GICV_IIDR_VALUE,
  GICV_PMR,
  GICV_RPR,
} from './virt-regs.ts';

export class GicvFrame extends MmioTable {
  constructor(vif: VirtInterfaceOps) {
    super(gicvTable(vif));
  }
}

/** The GICV register table, sorted by offset. */
export function gicvTable(v: VirtInterfaceOps): MmioRegion[] {
  const vmcr = (): number => v.readVMCR();
  return [
    register({
      name: 'GICV_CTLR',
      offset: GICV_CTLR,
      read: () => (vmcr() & GICH_VMCR_CTLR_MASK) >>> 0,
      write: (_c, _o, _s, x) =>
        v.writeVMCR(((vmcr() & ~GICH_VMCR_CTLR_MASK) | (x & GICH_VMCR_CTLR_MASK)) >>> 0),
    }),
    register({
      name: 'GICV_PMR',
      offset: GICV_PMR,
      // only the top 5 bits are implemented; the low 3 bits read as zero
      read: () => getField(vmcr(), GICH_VMCR_VMPriMask) << VIRT_PRIORITY_SHIFT,
      write: (_c, _o, _s, x) =>
        v.writeVMCR(
          setField(vmcr(), GICH_VMCR_VMPriMask, getField(x, GICC_PMR_Priority) >>> VIRT_PRIORITY_SHIFT),
        ),
    }),
    register({
      name: 'GICV_BPR',
      offset: GICV_BPR,
      read: () => getField(vmcr(), GICH_VMCR_VMBP),
      write: (_c, _o, _s, x) =>
        v.writeVMCR(setField(vmcr(), GICH_VMCR_VMBP, getField(x, GICC_BPR_BinaryPoint))),
    }),
    register({ name: 'GICV_IAR', offset: GICV_IAR, read: () => v.acknowledge(AckView.Primary) }),
    register({ name: 'GICV_EOIR', offset: GICV_EOIR, write: (_c, _o, _s, x) => v.endOfInterrupt(x) }),
    register({
      name: 'GICV_RPR',
      offset: GICV_RPR,
      read: () => {
        const rp = v.runningPriority();
        return rp === IDLE_PRIORITY ? RPR_IDLE : rp;
      },
    }),
    register({ name: 'GICV_HPPIR', offset: GICV_HPPIR, read: () => v.highestPending(AckView.Primary) }),
    register({
      name: 'GICV_ABPR',
      offset: GICV_ABPR,
      read: () => getField(vmcr(), GICH_VMCR_VMABP),
      write: (_c, _o, _s, x) =>
        v.writeVMCR(setField(vmcr(), GICH_VMCR_VMABP, getField(x, GICC_BPR_BinaryPoint))),
    }),
    register({ name: 'GICV_AIAR', offset: GICV_AIAR, read: () => v.acknowledge(AckView.Aliased) }),
    register({ name: 'GICV_AEOIR', offset: GICV_AEOIR, write: (_c, _o, _s, x) => v.endOfInterrupt(x) }),
    register({ name: 'GICV_AHPPIR', offset: GICV_AHPPIR, read: () => v.highestPending(AckView.Aliased) }),
    register({
      name: 'GICV_APR0',
      offset: GICV_APR0,
      read: () => v.readAPR(),
      write: (_c, _o, _s, x) => v.writeAPR(x),
    }),
    register({ name: 'GICV_IIDR', offset: GICV_IIDR, read: () => GICV_IIDR_VALUE }),
    register({ name: 'GICV_DIR', offset: GICV_DIR, write: (_c, _o, _s, x) => v.deactivate(x) }),
  ];
}
