// GICD emulation of the legacy vgic (Linux 4.2/4.3 vgic-v2-emul.c over the
// vgic_dist_ranges / vgic_reg_access framework of vgic.c), as a table of
// the MMIO framework (hw/mmio), with that code's quirks:
// - byte, halfword and word accesses everywhere (vgic_reg_access masks);
// - GICD_IGROUPR reads as zero, writes ignored (handle_mmio_raz_wi): every
//   interrupt is group 0;
// - SGIs are forced enabled: GICD_ICENABLER0 cannot disable them;
//   disabling an interrupt retires it from the accessing vcpu's LRs
//   (vgic_retire_disabled_irqs);
// - GICD_IPRIORITYR keeps all 8 bits (and the LRs ignore them);
// - GICD_ICFGR reads each field as "edge ? 0b10 : 0b00"; before the seed a
//   write to ICFGR0 or ICFGR1 sets every private interrupt of the accessing
//   vcpu to edge ("Force PPIs/SGIs to 1"); the seed's series made them
//   read-only;
// - GICD_ITARGETSR: the lowest set bit is the target (none = vcpu 0);
// - GICD_IIDR = 0x4B00043B (ProductID 'K', revision 0); no ID registers;
// - a 64-bit access is two word accesses, the upper first (read64/write64);
// - ISPENDR/ICPENDR ignore SGI bits; ISPENDR soft-pends level interrupts;
//   ICPENDR re-pends a level interrupt whose line is high;
// - GICD_IS/ICACTIVER and IS/ICPENDR act on the bitmaps only: an LR that
//   holds the interrupt is not touched, and reads do not show LR state;
// - before the seed, ICPENDR/ICACTIVER also clear a mapping's map->active
//   (544c572e0317, "Clear map->active on pend/active clear");
// - after a write that changes state: vgic_update_state, vgic_kick_vcpus.

import { PRIVATE_COUNT, SGI_COUNT } from '../../../hw/gic/intid.ts';
import {
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_SGIR,
  GICD_SPENDSGIR,
} from '../../../hw/gic/registers.ts';
import { perIrq, register } from '../../../hw/mmio/builders.ts';
import {
  ACCESS_8,
  ACCESS_16,
  ACCESS_32,
  findRegion,
  intidOf,
  type MmioRegion,
  MmioTable,
} from '../../../hw/mmio/region.ts';
import type { LegacyDist } from './legacy-dist.ts';

/** Per-IRQ registers span 1024 interrupts. */
const MAX_INTERRUPTS = 1024;
/** vgic_reg_access: 8-, 16- and 32-bit accesses */
const ANY_WIDTH = ACCESS_8 | ACCESS_16 | ACCESS_32;
export const LEGACY_GICD_IIDR = 0x4b00043b;

export class LegacyDistMmio extends MmioTable {
  /** `table`: vgic-v2-emul.c's GICD by default; the GICv3 model's GICD or redistributor (legacy-v3-*.ts) */
  constructor(
    private readonly d: LegacyDist,
    retire: (vcpu: number) => void,
    table: MmioRegion[] = legacyTable(d, retire),
  ) {
    super(table, { nrIrqs: () => d.nrIrqs, cpus: d.nrVcpus });
  }

  /**
   * A 64-bit access (vgic_handle_mmio_access + call_range_handler): the
   * range must hold all 8 bytes (vgic_find_range with len 8), then the
   * handler runs twice as a 32-bit access, the upper word (offset + 4)
   * first. An access no range holds whole returned -ENXIO and went to
   * userspace, whose in-kernel-GIC region has no handlers (QEMU): RAZ/WI.
   * A word whose INTIDs do not exist is RAZ/WI (vgic_validate_access; KVM
   * checked the first word only and let the handler index past the end).
   */
  read64(offset: number, vcpu: number): bigint {
    const r = this.wideRegion(offset, vcpu);
    if (r === null) return 0n;
    const hi = this.wordOk(r, offset + 4) ? r.read(vcpu, offset + 4, 4) >>> 0 : 0;
    const lo = this.wordOk(r, offset) ? r.read(vcpu, offset, 4) >>> 0 : 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  write64(offset: number, lo: number, hi: number, vcpu: number): void {
    const r = this.wideRegion(offset, vcpu);
    if (r === null) return;
    if (this.wordOk(r, offset + 4)) r.write(vcpu, offset + 4, 4, hi >>> 0);
    if (this.wordOk(r, offset)) r.write(vcpu, offset, 4, lo >>> 0);
  }

  /** A misaligned 8-byte Device access faults at stage 1 before it traps; RAZ/WI here all the same. */
  private wideRegion(offset: number, vcpu: number): MmioRegion | null {
    if (vcpu < 0 || vcpu >= this.d.nrVcpus || offset % 8 !== 0) return null;
    const r = findRegion(this.table, offset);
    return r !== null && offset + 8 <= r.offset + r.len ? r : null;
  }

  private wordOk(r: MmioRegion, offset: number): boolean {
    return r.bitsPerIrq === 0 || intidOf(r, offset) < this.d.nrIrqs;
  }
}

/** `r` followed by `after(vcpu)` once per write access. */
function withAfter(r: MmioRegion, after: (vcpu: number) => void): MmioRegion {
  return {
    ...r,
    write(cpu, offset, size, value) {
      r.write(cpu, offset, size, value);
      after(cpu);
    },
  };
}

/** The GICD regions of vgic-v2-emul.c (also the per-INTID handlers the GICv3 model reuses: legacy-v3-dist.ts). */
export function legacyTable(d: LegacyDist, retire: (vcpu: number) => void): MmioRegion[] {
  const changed = () => {
    d.updateState();
    d.kickVcpus();
  };
  /** 544c572e0317 (4.2): a guest clearing pending/active through the distributor clears map->active. */
  const clearMapActive = (v: number, i: number) => {
    const m = d.opts.seed ? undefined : d.mapOf(v, i);
    if (m !== undefined) m.active = false;
  };

  /** One bit per interrupt; `set` is called for each bit written as 1; then vgic_update_state. */
  const bits1 = (
    name: string,
    offset: number,
    get: (vcpu: number, i: number) => boolean,
    set: ((vcpu: number, i: number) => void) | null,
    after: (vcpu: number) => void = changed,
  ): MmioRegion => {
    const r = perIrq({
      name,
      offset,
      len: MAX_INTERRUPTS / 8,
      bitsPerIrq: 1,
      widths: ANY_WIDTH,
      read: (v, i) => (get(v, i) ? 1 : 0),
      write: set === null ? undefined : (v, i, f) => (f !== 0 ? set(v, i) : undefined),
    });
    return set === null ? r : withAfter(r, after);
  };

  const bytes = (
    name: string,
    offset: number,
    get: (vcpu: number, i: number) => number,
    set: (vcpu: number, i: number, b: number) => void,
  ): MmioRegion =>
    withAfter(
      perIrq({ name, offset, len: MAX_INTERRUPTS, bitsPerIrq: 8, widths: ANY_WIDTH, read: get, write: set }),
      changed,
    );

  const sgiSources = (name: string, offset: number, set: boolean): MmioRegion =>
    withAfter(
      perIrq({
        name,
        offset,
        len: SGI_COUNT,
        bitsPerIrq: 8,
        widths: ANY_WIDTH,
        read: (v, sgi) => d.sgiSources[v][sgi],
        write: (v, sgi, b) => {
          const s = set ? d.sgiSources[v][sgi] | b : d.sgiSources[v][sgi] & ~b;
          d.sgiSources[v][sgi] = s;
          d.irqPending.set(v, sgi, s !== 0);
        },
        banked: true,
      }),
      changed,
    );

  return [
    register({
      name: 'GICD_CTLR/TYPER/IIDR',
      offset: GICD_CTLR,
      len: 12,
      widths: ANY_WIDTH,
      read: (_v, off) => {
        switch (off & ~3) {
          case 0:
            return d.enabled ? 1 : 0;
          case 4:
            return ((d.nrIrqs / 32 - 1) | ((d.nrVcpus - 1) << 5)) >>> 0;
          default:
            return LEGACY_GICD_IIDR;
        }
      },
      write: (_v, off, _size, value) => {
        if ((off & ~3) !== 0) return;
        d.enabled = (value & 1) !== 0;
        changed();
      },
    }),
    bits1('GICD_IGROUPR', GICD_IGROUPR, () => false, null),
    bits1(
      'GICD_ISENABLER',
      GICD_ISENABLER,
      (v, i) => d.irqEnabled.get(v, i),
      (v, i) => d.irqEnabled.set(v, i, true),
    ),
    bits1(
      'GICD_ICENABLER',
      GICD_ICENABLER,
      (v, i) => d.irqEnabled.get(v, i),
      (v, i) => {
        if (i >= SGI_COUNT) d.irqEnabled.set(v, i, false); // SGIs are forced enabled
      },
      (v) => {
        retire(v);
        changed();
      },
    ),
    bits1(
      'GICD_ISPENDR',
      GICD_ISPENDR,
      (v, i) => d.irqPending.get(v, i),
      (v, i) => {
        if (i < SGI_COUNT) return;
        d.irqPending.set(v, i, true);
        if (!d.isEdge(v, i)) d.irqSoftPend.set(v, i, true);
      },
    ),
    bits1(
      'GICD_ICPENDR',
      GICD_ICPENDR,
      (v, i) => d.irqPending.get(v, i),
      (v, i) => {
        if (i < SGI_COUNT) return;
        d.irqSoftPend.set(v, i, false);
        d.irqPending.set(v, i, !d.isEdge(v, i) && d.irqLevel.get(v, i));
        clearMapActive(v, i);
      },
    ),
    bits1(
      'GICD_ISACTIVER',
      GICD_ISACTIVER,
      (v, i) => d.irqActive.get(v, i),
      (v, i) => d.irqActive.set(v, i, true),
    ),
    bits1(
      'GICD_ICACTIVER',
      GICD_ICACTIVER,
      (v, i) => d.irqActive.get(v, i),
      (v, i) => {
        d.irqActive.set(v, i, false);
        clearMapActive(v, i);
      },
    ),
    bytes(
      'GICD_IPRIORITYR',
      GICD_IPRIORITYR,
      (v, i) => d.getPriority(v, i),
      (v, i, b) => {
        if (i < PRIVATE_COUNT) d.priority[v][i] = b;
        else d.spiPriority[i - PRIVATE_COUNT] = b;
      },
    ),
    bytes(
      'GICD_ITARGETSR',
      GICD_ITARGETSR,
      (v, i) => (i < PRIVATE_COUNT ? 1 << v : 1 << d.spiTarget[i - PRIVATE_COUNT]),
      (_v, i, b) => {
        if (i < PRIVATE_COUNT) return;
        const t = b === 0 ? 0 : 31 - Math.clz32(b & -b);
        // KVM took any bit; a vcpu that does not exist would have oopsed: vgicsim keeps vcpu 0
        d.spiTarget[i - PRIVATE_COUNT] = t < d.nrVcpus ? t : 0;
      },
    ),
    perIrq({
      name: 'GICD_ICFGR',
      offset: GICD_ICFGR,
      len: MAX_INTERRUPTS / 4,
      bitsPerIrq: 2,
      widths: ANY_WIDTH,
      read: (v, i) => (d.isEdge(v, i) ? 2 : 0),
      write: (v, i, f) => {
        if (i >= PRIVATE_COUNT) d.irqCfg.set(v, i, (f & 2) !== 0);
        // 4.2, "Force PPIs/SGIs to 1": a write to ICFGR0/1 makes every private interrupt of this
        // vcpu edge. The seed's series made ICFGR0/1 read-only ("Implement GICD_ICFGR as RO for PPIs").
        else if (!d.opts.seed) for (let k = 0; k < PRIVATE_COUNT; k++) d.irqCfg.set(v, k, true);
      },
    }),
    register({
      name: 'GICD_SGIR',
      offset: GICD_SGIR,
      write: (vcpu, _off, _size, value) => {
        const sgi = value & 0xf;
        const filter = (value >>> 24) & 3;
        let targets = (value >>> 16) & 0xff;
        if (filter === 1) targets = ((1 << d.nrVcpus) - 1) & ~(1 << vcpu) & 0xff;
        else if (filter === 2) targets = 1 << vcpu;
        for (let c = 0; c < d.nrVcpus; c++) {
          if (((targets >>> c) & 1) === 0) continue;
          d.irqPending.set(c, sgi, true);
          d.sgiSources[c][sgi] |= 1 << vcpu;
        }
        changed();
      },
    }),
    sgiSources('GICD_CPENDSGIR', GICD_CPENDSGIR, false),
    sgiSources('GICD_SPENDSGIR', GICD_SPENDSGIR, true),
  ];
}
