// GICv3 redistributor emulation (KVM's vgic-mmio-v3.c, vgic_v3_rd_registers
// and vgic_v3_sgibase_registers, Linux 6.x/7.0): per vcpu an RD_base frame
// and an SGI_base frame (128 KiB, no VLPI frames), laid out one after the
// other in the redistributor region (KVM_VGIC_V3_ADDR_TYPE_REDIST). A
// redistributor is addressed by where its frames are: its banked SGI/PPI
// state is that of its vcpu, whichever vcpu accesses it.
// - GICR_CTLR: EnableLPIs 0 (no ITS), IR and CES read 1 (KVM_VGIC_IMP_REV_3),
//   writes ignored without an ITS; GICR_IIDR as GICD_IIDR.
// - GICR_TYPER (64-bit): Processor_Number = vcpu id, Last on the last vcpu
//   (one region holding every vcpu), Affinity_Value = the vcpu's MPIDR
//   affinity; PLPIS 0.
// - GICR_WAKER, GICR_STATUSR: RAZ/WI (KVM: the redistributor never sleeps).
// - SGI_base: the SGI/PPI registers of the GICD layout at INTIDs 0-31, with
//   the named handlers of vgic-mmio.ts; SGI pending bits writable (v3);
//   ICFGR0/1 read-only (vgic_mmio_write_config ignores INTIDs < 32);
//   GICR_IGRPMODR0, GICR_NSACR RAZ/WI.
// Not modelled: PROPBASER/PENDBASER/INVLPIR/INVALLR/SYNCR (LPIs): RAZ/WI.

import {
  GICR_CTLR,
  GICR_ICACTIVER0,
  GICR_ICENABLER0,
  GICR_ICPENDR0,
  GICR_ID_BASE,
  GICR_IGROUPR0,
  GICR_IIDR,
  GICR_PIDR2,
  GICR_ISACTIVER0,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_STATUSR,
  GICR_STRIDE,
  GICR_TYPER,
  GICR_WAKER,
} from '../../hw/gic/v3/gicr-regs.ts';
import { gicrSgiBaseRow, gicrTyperLow } from '../../hw/gic/v3/gicr-frame.ts';
import type { AccessSize, MmioDevice } from '../../hw/mmio.ts';
import { perIrq, register } from '../../hw/mmio/builders.ts';
import { type MmioRegion, MmioTable, WORD_BYTES } from '../../hw/mmio/region.ts';
import { mpidrAffinity } from '../../hw/cpu/mpidr.ts';
import { bit, setField } from '../../sim/bits.ts';
import type { VgicCore } from './vgic.ts';
import { VgicMmioHandlers } from './vgic-mmio.ts';
import { type GuestHalter, v3PendingHandlers, vgicV3Iidr, VGIC_V3_PIDR2_VALUE } from './vgic-mmio-v3.ts';

/** GICR_CTLR.CES (bit 1) and .IR (bit 2): GICv4.1 fields KVM reports from implementation revision 3. */
export const GICR_CTLR_CES = bit(1);
export const GICR_CTLR_IR = bit(2);
const GICR_CTLR_VALUE = setField(setField(0, GICR_CTLR_CES, 1), GICR_CTLR_IR, 1);
const ID_BLOCK_LEN = 0x30;

/**
 * vgic_access_active_prepare: with a GICv3 guest every active-state access
 * halts the guest (another vcpu's private interrupts are reachable through
 * its redistributor), not only those of SPIs.
 */
function halting(r: MmioRegion, halter: GuestHalter): MmioRegion {
  const { read, write } = r;
  return {
    ...r,
    read(vcpu, off, size) {
      halter.haltGuest();
      const v = read(vcpu, off, size);
      halter.resumeGuest();
      return v;
    },
    uread: r.uread ?? ((vcpu, off) => read(vcpu, off, WORD_BYTES)),
    write(vcpu, off, size, value) {
      halter.haltGuest();
      write(vcpu, off, size, value);
      halter.resumeGuest();
    },
  };
}

/** One redistributor's table (offsets from its RD_base); `cpu` of an access = its vcpu. */
export function vgicV3RdistTable(core: VgicCore, halter: GuestHalter): MmioRegion[] {
  const h = new VgicMmioHandlers(core);
  const p = v3PendingHandlers(core, h);
  const word = (name: string, offset: number) => ({ ...gicrSgiBaseRow.word(name, offset), banked: true });
  return [
    // IR and CES from implementation revision 3 (vgic_mmio_read_v3r_ctlr)
    register({
      name: 'GICR_CTLR',
      offset: GICR_CTLR,
      read: () => (core.v3ImplementationRev >= 3 ? GICR_CTLR_VALUE : 0),
    }),
    register({ name: 'GICR_IIDR', offset: GICR_IIDR, read: () => vgicV3Iidr(core) }),
    register({
      name: 'GICR_TYPER',
      offset: GICR_TYPER,
      len: 8,
      // vgic_mmio_read_v3r_typer: one region holding every vcpu, so Last on the last vcpu
      read: (v, off) => (off === GICR_TYPER ? gicrTyperLow(v, v === core.nrVcpus - 1) : mpidrAffinity(v)),
    }),
    register({ name: 'GICR_STATUSR', offset: GICR_STATUSR }),
    register({ name: 'GICR_WAKER', offset: GICR_WAKER }),
    register({
      name: 'GICR_IDREGS',
      offset: GICR_ID_BASE,
      len: ID_BLOCK_LEN,
      read: (_v, off) => (off === GICR_PIDR2 ? VGIC_V3_PIDR2_VALUE : 0),
    }),
    perIrq({
      ...word('GICR_IGROUPR0', GICR_IGROUPR0),
      read: h.readGroup,
      write: h.writeGroup,
      uwrite: h.uwriteGroup,
    }),
    perIrq({
      ...word('GICR_ISENABLER0', GICR_ISENABLER0),
      read: h.readEnable,
      write: h.writeSenable,
      uwrite: h.uwriteEnable,
    }),
    perIrq({ ...word('GICR_ICENABLER0', GICR_ICENABLER0), read: h.readEnable, write: h.writeCenable }),
    perIrq({ ...word('GICR_ISPENDR0', GICR_ISPENDR0), read: h.readPending, write: p.writeSpending }),
    perIrq({ ...word('GICR_ICPENDR0', GICR_ICPENDR0), read: h.readPending, write: p.writeCpending }),
    halting(
      perIrq({
        ...word('GICR_ISACTIVER0', GICR_ISACTIVER0),
        read: h.readActive,
        write: h.writeSactive,
        uwrite: h.uwriteActive,
      }),
      halter,
    ),
    halting(
      perIrq({ ...word('GICR_ICACTIVER0', GICR_ICACTIVER0), read: h.readActive, write: h.writeCactive }),
      halter,
    ),
    perIrq({
      ...gicrSgiBaseRow.priority,
      banked: true,
      read: h.readPriority,
      write: h.writePriority,
      uwrite: h.writePriority,
    }),
    perIrq({
      ...gicrSgiBaseRow.config,
      banked: true,
      read: h.readConfig,
      write: h.writeConfig,
      uwrite: h.writeConfig,
    }),
  ];
}

/**
 * The redistributor region as the guest sees it: vcpu k's frames at
 * k * 128 KiB; beyond the last vcpu RAZ/WI. A 64-bit access is allowed
 * only on GICR_TYPER (read64/write64).
 */
export class VgicRdistRegion implements MmioDevice {
  readonly table: MmioTable;

  constructor(
    readonly core: VgicCore,
    halter: GuestHalter,
  ) {
    this.table = new MmioTable(vgicV3RdistTable(core, halter));
  }

  /** vcpu whose redistributor holds `offset`, or -1. */
  vcpuAt(offset: number): number {
    const k = Math.floor(offset / GICR_STRIDE);
    return offset >= 0 && k < this.core.nrVcpus ? k : -1;
  }

  read(offset: number, size: AccessSize, _cpu: number): number {
    const k = this.vcpuAt(offset);
    return k < 0 ? 0 : this.table.read(offset - k * GICR_STRIDE, size, k);
  }

  write(offset: number, size: AccessSize, value: number, _cpu: number): void {
    const k = this.vcpuAt(offset);
    if (k >= 0) this.table.write(offset - k * GICR_STRIDE, size, value, k);
  }

  read64(offset: number, cpu: number): bigint {
    if (offset % GICR_STRIDE !== GICR_TYPER) return 0n;
    return (BigInt(this.read(offset + 4, 4, cpu)) << 32n) | BigInt(this.read(offset, 4, cpu));
  }

  /** GICR_TYPER is read-only: every 64-bit write is ignored. */
  write64(_offset: number, _lo: number, _hi: number, _cpu: number): void {}
}
