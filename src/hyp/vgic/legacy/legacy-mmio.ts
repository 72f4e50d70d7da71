// GICD emulation of the legacy vgic (Linux 4.2/4.3 vgic-v2-emul.c over the
// vgic_dist_ranges / vgic_reg_access framework of vgic.c), with its quirks:
// - byte, halfword and word accesses everywhere (vgic_reg_access masks);
// - GICD_IGROUPR reads as zero, writes ignored (handle_mmio_raz_wi): every
//   interrupt is group 0;
// - SGIs are forced enabled: GICD_ICENABLER0 cannot disable them;
//   disabling an interrupt retires it from the accessing vcpu's LRs
//   (vgic_retire_disabled_irqs);
// - GICD_IPRIORITYR keeps all 8 bits (and the LRs ignore them);
// - GICD_ICFGR reads each field as "edge ? 0b10 : 0b00"; a write to
//   ICFGR0 or ICFGR1 sets every private interrupt of the accessing vcpu to
//   edge ("Force PPIs/SGIs to 1"), which after the seed turns the level
//   timer PPI back into an edge one;
// - GICD_ITARGETSR: the lowest set bit is the target (none = vcpu 0);
// - GICD_IIDR = 0x4B00043B (ProductID 'K', revision 0); no ID registers;
// - ISPENDR/ICPENDR ignore SGI bits; ISPENDR soft-pends level interrupts;
//   ICPENDR re-pends a level interrupt whose line is high;
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
import { BITS_PER_BYTE, intidOf, VgicMmioDevice, type VgicRegion } from '../vgic-mmio.ts';
import type { LegacyDist } from './legacy-dist.ts';

const MAX_INTERRUPTS = 1024;
/** vgic_reg_access: 8-, 16- and 32-bit accesses */
const ANY_WIDTH = (1 << 1) | (1 << 2) | (1 << 4);
export const LEGACY_GICD_IIDR = 0x4b00043b;

export class LegacyDistMmio extends VgicMmioDevice {
  constructor(d: LegacyDist, retire: (vcpu: number) => void) {
    super(legacyTable(d, retire), () => d.nrIrqs);
  }
}

function legacyTable(d: LegacyDist, retire: (vcpu: number) => void): VgicRegion[] {
  /** 544c572e0317 (4.2): a guest clearing pending/active through the distributor clears map->active. */
  const clearMapActive = (v: number, i: number) => {
    const m = d.opts.seed ? undefined : d.mapOf(v, i);
    if (m !== undefined) m.active = false;
  };
  const changed = () => {
    d.updateState();
    d.kickVcpus();
  };

  /** One bit per interrupt; `set` is called for each bit written as 1. */
  const bits1 = (
    name: string,
    offset: number,
    get: (vcpu: number, i: number) => boolean,
    set: ((vcpu: number, i: number) => void) | null,
    after: (vcpu: number) => void = () => changed(),
  ): VgicRegion => ({
    name,
    offset,
    len: MAX_INTERRUPTS / BITS_PER_BYTE,
    bitsPerIrq: 1,
    widths: ANY_WIDTH,
    read(vcpu, off, size) {
      const base = intidOf(this, off);
      let v = 0;
      for (let k = 0; k < size * BITS_PER_BYTE; k++) if (get(vcpu, base + k)) v |= 1 << k;
      return v >>> 0;
    },
    write(vcpu, off, size, value) {
      if (set === null) return;
      const base = intidOf(this, off);
      for (let k = 0; k < size * BITS_PER_BYTE; k++) if (((value >>> k) & 1) !== 0) set(vcpu, base + k);
      after(vcpu);
    },
  });

  const bytes = (
    name: string,
    offset: number,
    get: (vcpu: number, i: number) => number,
    set: (vcpu: number, i: number, b: number) => void,
  ): VgicRegion => ({
    name,
    offset,
    len: MAX_INTERRUPTS,
    bitsPerIrq: BITS_PER_BYTE,
    widths: ANY_WIDTH,
    read(vcpu, off, size) {
      const base = intidOf(this, off);
      let v = 0;
      for (let k = 0; k < size; k++) v |= get(vcpu, base + k) << (BITS_PER_BYTE * k);
      return v >>> 0;
    },
    write(vcpu, off, size, value) {
      const base = intidOf(this, off);
      for (let k = 0; k < size; k++) set(vcpu, base + k, (value >>> (BITS_PER_BYTE * k)) & 0xff);
      changed();
    },
  });

  const misc: VgicRegion = {
    name: 'GICD_CTLR/TYPER/IIDR',
    offset: GICD_CTLR,
    len: 12,
    bitsPerIrq: 0,
    widths: ANY_WIDTH,
    read(_vcpu, off) {
      switch (off & ~3) {
        case 0:
          return d.enabled ? 1 : 0;
        case 4:
          return ((d.nrIrqs / 32 - 1) | ((d.nrVcpus - 1) << 5)) >>> 0;
        default:
          return LEGACY_GICD_IIDR;
      }
    },
    write(_vcpu, off, _size, value) {
      if ((off & ~3) !== 0) return;
      d.enabled = (value & 1) !== 0;
      changed();
    },
  };

  const sgir: VgicRegion = {
    name: 'GICD_SGIR',
    offset: GICD_SGIR,
    len: 4,
    bitsPerIrq: 0,
    widths: 1 << 4,
    read: () => 0,
    write(vcpu, _off, _size, value) {
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
  };

  const sgiSources = (name: string, offset: number, set: boolean): VgicRegion =>
    ({
      name,
      offset,
      len: 16,
      bitsPerIrq: 0,
      widths: ANY_WIDTH,
      read(vcpu, off, size) {
        let v = 0;
        for (let k = 0; k < size; k++) v |= d.sgiSources[vcpu][off - offset + k] << (8 * k);
        return v >>> 0;
      },
      write(vcpu, off, size, value) {
        for (let k = 0; k < size; k++) {
          const sgi = off - offset + k;
          const b = (value >>> (8 * k)) & 0xff;
          const s = set ? d.sgiSources[vcpu][sgi] | b : d.sgiSources[vcpu][sgi] & ~b;
          d.sgiSources[vcpu][sgi] = s;
          d.irqPending.set(vcpu, sgi, s !== 0);
        }
        changed();
      },
    }) satisfies VgicRegion;

  const icfgr: VgicRegion = {
    name: 'GICD_ICFGR',
    offset: GICD_ICFGR,
    len: MAX_INTERRUPTS / 4,
    bitsPerIrq: 2,
    widths: ANY_WIDTH,
    read(vcpu, off, size) {
      const base = intidOf(this, off);
      let v = 0;
      for (let k = 0; k < size * 4; k++) if (d.isEdge(vcpu, base + k)) v |= 2 << (2 * k);
      return v >>> 0;
    },
    write(vcpu, off, size, value) {
      const base = intidOf(this, off);
      if (base < PRIVATE_COUNT) {
        // "Force PPIs/SGIs to 1": every private interrupt of this vcpu becomes edge
        for (let i = 0; i < PRIVATE_COUNT; i++) d.irqCfg.set(vcpu, i, true);
        return;
      }
      for (let k = 0; k < size * 4; k++) d.irqCfg.set(vcpu, base + k, ((value >>> (2 * k + 1)) & 1) !== 0);
    },
  };

  return [
    misc,
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
    icfgr,
    sgir,
    sgiSources('GICD_CPENDSGIR', GICD_CPENDSGIR, false),
    sgiSources('GICD_SPENDSGIR', GICD_SPENDSGIR, true),
  ];
}
