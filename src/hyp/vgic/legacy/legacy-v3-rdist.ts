// The GICv3 redistributors of the legacy vgic (Linux 4.2/4.3
// virt/kvm/arm/vgic-v3-emul.c, vgic_redist_ranges): per vcpu an RD_base and
// an SGI_base frame (128 KiB), one after the other in the redistributor
// region; the frames of vcpu k are at k * 128 KiB and act on vcpu k's
// banked state, whichever vcpu accesses them (mmio->private).
// - GICR_CTLR: RAZ/WI ("since we don't support LPIs, this register is zero");
// - GICR_IIDR as GICD_IIDR (0x4B00043B);
// - GICR_TYPER (8 bytes): Processor_Number = vcpu id, Last on the last
//   vcpu, [63:32] its compressed affinity; read-only;
// - GICR_WAKER: RAZ/WI (the redistributor never sleeps), GICR_PIDR2 0x3B;
// - SGI_base: GICR_IGROUPR0 reads all ones (RAO/WI); IS/ICENABLER0,
//   ICPENDR0, IPRIORITYR0-7, ICFGR0/1 with the GICv2 model's handlers on the
//   vcpu's banked words (SGIs forced enabled; ICFGR0/1 as that era's GICD
//   ICFGR0/1: 4.2 forces every private interrupt edge, 4.3 ignores them);
//   GICR_ISPENDR0 as vgic_handle_set_pending_reg does it: the SGI bits set
//   irq_pending too (only the soft pend is kept off them), so with no
//   sources to track the SGI is queued (vgic_v3_queue_sgi);
//   GICR_ISACTIVER0/ICACTIVER0, IGRPMODR0, NSACR: RAZ/WI.

import { mpidrAffinity } from '../../../hw/cpu/mpidr.ts';
import { PRIVATE_COUNT } from '../../../hw/gic/intid.ts';
import { gicrTyperLow } from '../../../hw/gic/v3/gicr-frame.ts';
import {
  GICR_ICENABLER0,
  GICR_ICFGR0,
  GICR_ICPENDR0,
  GICR_ID_BASE,
  GICR_IGROUPR0,
  GICR_IIDR,
  GICR_IPRIORITYR0,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_PIDR2,
  GICR_SGI_BASE,
  GICR_STRIDE,
  GICR_TYPER,
} from '../../../hw/gic/v3/gicr-regs.ts';
import type { AccessSize, MmioDevice } from '../../../hw/mmio.ts';
import { perIrq } from '../../../hw/mmio/builders.ts';
import type { MmioRegion } from '../../../hw/mmio/region.ts';
import type { LegacyDist } from './legacy-dist.ts';
import { LEGACY_GICD_IIDR, LegacyDistMmio, legacyTable } from './legacy-mmio.ts';
import { ANY_WIDTH, LEGACY_V3_PIDR2, legacyWords, v2Region } from './legacy-v3-dist.ts';

const ALL_ONES = 0xffff_ffff;
const ID_BLOCK_LEN = 0x30;
const PRIORITY_BYTES = PRIVATE_COUNT;
const ICFGR_BYTES = 8;

/** The GICv2 model's GICD region `r`, as the SGI_base register at `offset` covering `len` bytes (INTIDs 0-31). */
function relocate(r: MmioRegion, offset: number, len: number): MmioRegion {
  const delta = offset - r.offset;
  return {
    ...r,
    name: r.name.replace('GICD_', 'GICR_'),
    offset,
    len,
    banked: true,
    read: (v, off, size) => r.read(v, off - delta, size),
    write: (v, off, size, value) => r.write(v, off - delta, size, value),
  };
}

/** One redistributor's regions (offsets from its RD_base), sorted by offset. */
export function legacyV3RdistTable(d: LegacyDist, retire: (vcpu: number) => void): MmioRegion[] {
  const v2 = legacyTable(d, retire);
  const sgi = (off: number) => GICR_SGI_BASE + off;
  return [
    legacyWords('GICR_IIDR', GICR_IIDR, 4, () => LEGACY_GICD_IIDR),
    legacyWords('GICR_TYPER', GICR_TYPER, 8, (v, off) =>
      off === GICR_TYPER ? gicrTyperLow(v, v === d.nrVcpus - 1) : mpidrAffinity(v),
    ),
    legacyWords('GICR_IDREGS', GICR_ID_BASE, ID_BLOCK_LEN, (_v, off) =>
      off === GICR_PIDR2 ? LEGACY_V3_PIDR2 : 0,
    ),
    legacyWords('GICR_IGROUPR0', sgi(GICR_IGROUPR0), 4, () => ALL_ONES),
    relocate(v2Region(v2, 'GICD_ISENABLER'), sgi(GICR_ISENABLER0), 4),
    relocate(v2Region(v2, 'GICD_ICENABLER'), sgi(GICR_ICENABLER0), 4),
    ispendr0(d),
    relocate(v2Region(v2, 'GICD_ICPENDR'), sgi(GICR_ICPENDR0), 4),
    relocate(v2Region(v2, 'GICD_IPRIORITYR'), sgi(GICR_IPRIORITYR0), PRIORITY_BYTES),
    relocate(v2Region(v2, 'GICD_ICFGR'), sgi(GICR_ICFGR0), ICFGR_BYTES),
  ];
}

/** GICR_ISPENDR0: every bit written 1 sets irq_pending, and irq_soft_pend for a level interrupt; then vgic_update_state. */
function ispendr0(d: LegacyDist): MmioRegion {
  const r = perIrq({
    name: 'GICR_ISPENDR0',
    offset: GICR_SGI_BASE + GICR_ISPENDR0,
    len: 4,
    bitsPerIrq: 1,
    widths: ANY_WIDTH,
    banked: true,
    read: (v, i) => (d.irqPending.get(v, i) ? 1 : 0),
    write: (v, i, f) => {
      if (f === 0) return;
      d.irqPending.set(v, i, true);
      if (!d.isEdge(v, i)) d.irqSoftPend.set(v, i, true);
    },
  });
  return {
    ...r,
    write(v, off, size, value) {
      r.write(v, off, size, value);
      d.updateState();
      d.kickVcpus();
    },
  };
}

/**
 * The redistributor region as the guest sees it: vcpu k's frames at
 * k * 128 KiB; beyond the last vcpu RAZ/WI (no KVM io device there). An
 * 8-byte access is split as on the distributor (GICR_TYPER, the priority
 * and ICFGR words); elsewhere RAZ/WI.
 */
export class LegacyRdistRegion implements MmioDevice {
  readonly frame: LegacyDistMmio;

  constructor(
    readonly d: LegacyDist,
    retire: (vcpu: number) => void,
  ) {
    this.frame = new LegacyDistMmio(d, retire, legacyV3RdistTable(d, retire));
  }

  /** vcpu whose redistributor holds `offset`, or -1. */
  vcpuAt(offset: number): number {
    const k = Math.floor(offset / GICR_STRIDE);
    return offset >= 0 && k < this.d.nrVcpus ? k : -1;
  }

  read(offset: number, size: AccessSize, _cpu: number): number {
    const k = this.vcpuAt(offset);
    return k < 0 ? 0 : this.frame.read(offset - k * GICR_STRIDE, size, k);
  }

  write(offset: number, size: AccessSize, value: number, _cpu: number): void {
    const k = this.vcpuAt(offset);
    if (k >= 0) this.frame.write(offset - k * GICR_STRIDE, size, value, k);
  }

  read64(offset: number, _cpu: number): bigint {
    const k = this.vcpuAt(offset);
    return k < 0 ? 0n : this.frame.read64(offset - k * GICR_STRIDE, k);
  }

  write64(offset: number, lo: number, hi: number, _cpu: number): void {
    const k = this.vcpuAt(offset);
    if (k >= 0) this.frame.write64(offset - k * GICR_STRIDE, lo, hi, k);
  }
}
