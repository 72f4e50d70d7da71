// GICv2 distributor emulation (KVM's vgic-mmio-v2.c): the GICD register
// table and its handlers, acting on the vgic core. The guest's GICD
// accesses trap and land here; `vcpu` selects the banked SGI/PPI state.
// Register semantics: GICv2 4.3; KVM-specific choices are cited inline.

import { isPrivate, isSgi, SGI_COUNT } from '../../hw/gic/intid.ts';
import { bit, field, getField, testBit } from '../../sim/bits.ts';
import type { VgicCore } from './vgic.ts';
import {
  irqIsPending,
  lowestBit,
  VGIC_CONFIG_EDGE,
  VGIC_CONFIG_LEVEL,
  VGIC_PRI_MASK,
  type VgicIrq,
} from './vgic-irq.ts';
import {
  BITS_PER_BYTE,
  intidOf,
  VGIC_ACCESS_8BIT,
  VGIC_ACCESS_32BIT,
  VgicMmioDevice,
  type VgicRegion,
} from './vgic-mmio.ts';
import type { VgicV2 } from './vgic-v2.ts';

// The GICD register offsets are the architecture's (GICv2 4.3), shared with the hardware model.
import {
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_ICPIDR2,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_SGIR,
  GICD_SPENDSGIR,
  GICD_TYPER,
} from '../../hw/gic/registers.ts';

/** Per-IRQ registers span 1024 interrupts: 1024 * bits / 8 bytes. */
const MAX_INTERRUPTS = 1024;
const WORD = 4;

const CTLR_ENABLE = bit(0);
const TYPER_ITLINES = field(0, 5);
const TYPER_CPUNUMBER = field(5, 3);
/** KVM's IIDR: ProductID 'K' (0x4B), Revision 2 (groups configurable by the guest), Implementer 0x43B */
const IIDR_PRODUCT_KVM = 0x4b;
const IIDR_REVISION = 2;
const IIDR_IMPLEMENTER_ARM = 0x43b;
export const GICD_IIDR_VALUE =
  ((IIDR_PRODUCT_KVM << 24) | (IIDR_REVISION << 12) | IIDR_IMPLEMENTER_ARM) >>> 0;
/** ICPIDR2 (GICv2 4.3.16 / table 4-2x): ArchRev [7:4] = 2 (GICv2), JEDEC [3] = 1, JEP106 [2:0] = Arm's 0x3 */
export const GICD_ICPIDR2_VALUE = 0x2b;

const SGIR_INTID = field(0, 4);
const SGIR_TARGET_LIST = field(16, 8);
const SGIR_FILTER = field(24, 2);
const SGIR_FILTER_LIST = 0;
const SGIR_FILTER_ALL_BUT_SELF = 1;
const SGIR_FILTER_SELF = 2;

/** GICD_ICFGR: bit 2k+1 of a field pair set = edge-triggered. */
const ICFGR_EDGE_BIT = 1;
const ICFGR_BITS = 2;

export class VgicDistMmio extends VgicMmioDevice {
  constructor(
    readonly core: VgicCore,
    readonly v2: VgicV2,
  ) {
    super(distTable(core, v2), () => core.nrIrqs);
  }
}

function distTable(core: VgicCore, v2: VgicV2): VgicRegion[] {
  const cpuMask = (1 << core.nrVcpus) - 1;
  const irq = (vcpu: number, intid: number): VgicIrq => core.getIrq(vcpu, intid)!;

  /** A 1-bit-per-IRQ register: read `get`, write calls `set` for each bit written as 1. */
  const bits1 = (
    name: string,
    offset: number,
    get: (i: VgicIrq) => boolean,
    set: (vcpu: number, i: VgicIrq) => void,
    uwrite?: (i: VgicIrq, v: boolean) => void,
  ): VgicRegion => ({
    name,
    offset,
    len: MAX_INTERRUPTS / BITS_PER_BYTE,
    bitsPerIrq: 1,
    widths: VGIC_ACCESS_32BIT,
    read(vcpu, off) {
      const base = intidOf(this, off);
      let v = 0;
      for (let k = 0; k < 32; k++) if (get(irq(vcpu, base + k))) v |= 1 << k;
      return v >>> 0;
    },
    write(vcpu, off, _size, value) {
      const base = intidOf(this, off);
      for (let k = 0; k < 32; k++) if (testBit(value, k)) set(vcpu, irq(vcpu, base + k));
    },
    uwrite:
      uwrite &&
      function (this: VgicRegion, vcpu: number, off: number, value: number) {
        const base = intidOf(this, off);
        for (let k = 0; k < 32; k++) uwrite(irq(vcpu, base + k), testBit(value, k));
      },
  });

  /** A byte-per-IRQ register (8-bit and 32-bit accesses). */
  const bytes = (
    name: string,
    offset: number,
    len: number,
    get: (vcpu: number, i: VgicIrq) => number,
    set: (vcpu: number, i: VgicIrq, b: number) => void,
    saved: boolean,
    banked = false,
  ): VgicRegion => ({
    name,
    offset,
    len,
    bitsPerIrq: BITS_PER_BYTE,
    widths: VGIC_ACCESS_8BIT | VGIC_ACCESS_32BIT,
    banked,
    read(vcpu, off, size) {
      const base = intidOf(this, off);
      let v = 0;
      for (let k = 0; k < size; k++) v |= get(vcpu, irq(vcpu, base + k)) << (BITS_PER_BYTE * k);
      return v >>> 0;
    },
    write(vcpu, off, size, value) {
      const base = intidOf(this, off);
      for (let k = 0; k < size; k++) set(vcpu, irq(vcpu, base + k), (value >>> (BITS_PER_BYTE * k)) & 0xff);
    },
    uwrite: saved
      ? function (this: VgicRegion, vcpu: number, off: number, value: number) {
          this.write(vcpu, off, WORD, value);
        }
      : undefined,
  });

  const fixed = (
    name: string,
    offset: number,
    read: (vcpu: number) => number,
    write: (vcpu: number, value: number) => void = () => {},
    uwrite?: (vcpu: number, offset: number, value: number) => void,
  ): VgicRegion => ({
    name,
    offset,
    len: WORD,
    bitsPerIrq: 0,
    widths: VGIC_ACCESS_32BIT,
    read: (vcpu) => read(vcpu),
    write: (vcpu, _off, _size, value) => write(vcpu, value),
    uwrite,
  });

  /** Active-state writes halt the guest first when they touch SPIs (vgic_change_active_prepare). */
  const activeRegion = (name: string, offset: number, set: boolean): VgicRegion => {
    const r = bits1(
      name,
      offset,
      (i) => i.active,
      (vcpu, i) => changeActive(core, vcpu, i, set),
      set ? (i, v) => (i.active = v) : undefined,
    );
    const write = r.write;
    return {
      ...r,
      write(vcpu, off, size, value) {
        const halt = !isPrivate(intidOf(this, off)) && value !== 0;
        if (halt) v2.haltGuest();
        write.call(this, vcpu, off, size, value);
        if (halt) v2.resumeGuest();
      },
    };
  };

  return [
    fixed(
      'GICD_CTLR',
      GICD_CTLR,
      () => (core.distEnabled ? 1 : 0),
      (_v, value) => {
        if (testBit(value, CTLR_ENABLE.lsb)) core.enableDistributor();
        else core.distEnabled = false; // pending ones stop being routed; active ones stay
      },
      (_v, _o, value) => {
        core.distEnabled = testBit(value, CTLR_ENABLE.lsb);
      },
    ),
    fixed(
      'GICD_TYPER',
      GICD_TYPER,
      () => ((core.nrIrqs / 32 - 1) << TYPER_ITLINES.lsb) | ((core.nrVcpus - 1) << TYPER_CPUNUMBER.lsb),
    ),
    fixed('GICD_IIDR', GICD_IIDR, () => GICD_IIDR_VALUE),
    bits1(
      'GICD_IGROUPR',
      GICD_IGROUPR,
      (i) => i.group !== 0,
      (_v, i) => setGroup(core, i, 1),
      (i, v) => (i.group = v ? 1 : 0),
    ),
    bits1(
      'GICD_ISENABLER',
      GICD_ISENABLER,
      (i) => i.enabled,
      (_v, i) => enable(core, i),
      (i, v) => (i.enabled = v),
    ),
    bits1(
      'GICD_ICENABLER',
      GICD_ICENABLER,
      (i) => i.enabled,
      (_v, i) => {
        // an interrupt already in an LR stays there until the next sync; the prune drops it
        i.enabled = false;
      },
    ),
    bits1('GICD_ISPENDR', GICD_ISPENDR, irqIsPending, (_v, i) => setPending(core, i)),
    bits1('GICD_ICPENDR', GICD_ICPENDR, irqIsPending, (_v, i) => clearPending(core, i)),
    activeRegion('GICD_ISACTIVER', GICD_ISACTIVER, true),
    activeRegion('GICD_ICACTIVER', GICD_ICACTIVER, false),
    bytes(
      'GICD_IPRIORITYR',
      GICD_IPRIORITYR,
      MAX_INTERRUPTS,
      (_v, i) => i.priority,
      (_v, i, b) => {
        // takes effect for an interrupt already in an LR at the next flush
        i.priority = b & VGIC_PRI_MASK;
      },
      true,
    ),
    bytes(
      'GICD_ITARGETSR',
      GICD_ITARGETSR,
      MAX_INTERRUPTS,
      (_v, i) => i.targets,
      (_v, i, b) => {
        if (isPrivate(i.intid)) return; // read-only for 0-31 (GICv2 4.3.12)
        i.targets = b & cpuMask;
        // only the lowest target is honoured; an active SPI moves at the prune once inactive
        i.targetVcpu = i.targets === 0 ? 0 : lowestBit(i.targets);
      },
      true,
    ),
    icfgr(core),
    {
      name: 'GICD_SGIR',
      offset: GICD_SGIR,
      len: WORD,
      bitsPerIrq: 0,
      widths: VGIC_ACCESS_32BIT,
      read: () => 0, // write-only
      write: (vcpu, _o, _s, value) => sendSgi(core, vcpu, value),
    },
    sgiBytes('GICD_CPENDSGIR', GICD_CPENDSGIR, core, false),
    sgiBytes('GICD_SPENDSGIR', GICD_SPENDSGIR, core, true),
    fixed('GICD_ICPIDR2', GICD_ICPIDR2, () => GICD_ICPIDR2_VALUE),
  ];
}

function icfgr(core: VgicCore): VgicRegion {
  const fieldsPerWord = 32 / ICFGR_BITS;
  const get = (vcpu: number, base: number): number => {
    let v = 0;
    for (let k = 0; k < fieldsPerWord; k++)
      if (core.getIrq(vcpu, base + k)!.config === VGIC_CONFIG_EDGE)
        v |= 1 << (ICFGR_BITS * k + ICFGR_EDGE_BIT);
    return v >>> 0;
  };
  const set = (vcpu: number, base: number, value: number): void => {
    for (let k = 0; k < fieldsPerWord; k++) {
      // SGIs are edge and PPIs level, both read-only (KVM: the timer relies on level PPIs)
      if (isPrivate(base + k)) continue;
      const i = core.getIrq(vcpu, base + k)!;
      i.config = testBit(value, ICFGR_BITS * k + ICFGR_EDGE_BIT) ? VGIC_CONFIG_EDGE : VGIC_CONFIG_LEVEL;
    }
  };
  return {
    name: 'GICD_ICFGR',
    offset: GICD_ICFGR,
    len: (MAX_INTERRUPTS * ICFGR_BITS) / BITS_PER_BYTE,
    bitsPerIrq: ICFGR_BITS,
    widths: VGIC_ACCESS_32BIT,
    read(vcpu, off) {
      return get(vcpu, intidOf(this, off));
    },
    write(vcpu, off, _s, value) {
      set(vcpu, intidOf(this, off), value);
    },
    uwrite(vcpu, off, value) {
      set(vcpu, intidOf(this, off), value);
    },
  };
}

/** GICD_CPENDSGIRn / SPENDSGIRn: one byte per SGI of the accessing vcpu, bit n = source vcpu n. */
function sgiBytes(name: string, offset: number, core: VgicCore, set: boolean): VgicRegion {
  const cpuMask = (1 << core.nrVcpus) - 1;
  const apply = (vcpu: number, off: number, size: number, value: number, raw: boolean): void => {
    for (let k = 0; k < size; k++) {
      const i = core.getIrq(vcpu, off - offset + k)!;
      const b = (value >>> (BITS_PER_BYTE * k)) & cpuMask;
      if (raw) i.source = b;
      else if (set) i.source |= b;
      else i.source &= ~b;
      i.pendingLatch = i.source !== 0;
      if (set && !raw && i.source !== 0) core.queueIrq(i);
    }
  };
  return {
    name,
    offset,
    len: SGI_COUNT,
    bitsPerIrq: BITS_PER_BYTE,
    widths: VGIC_ACCESS_8BIT | VGIC_ACCESS_32BIT,
    banked: true,
    read(vcpu, off, size) {
      let v = 0;
      for (let k = 0; k < size; k++) v |= core.getIrq(vcpu, off - offset + k)!.source << (BITS_PER_BYTE * k);
      return v >>> 0;
    },
    write: (vcpu, off, size, value) => apply(vcpu, off, size, value, false),
    uwrite: set ? (vcpu, off, value) => apply(vcpu, off, WORD, value, true) : undefined,
  };
}

/** GICD_SGIR (GICv2 4.3.15): pend SGI `id` from `vcpu` on each target, one source bit each. */
function sendSgi(core: VgicCore, vcpu: number, value: number): void {
  const id = getField(value, SGIR_INTID);
  let targets: number;
  switch (getField(value, SGIR_FILTER)) {
    case SGIR_FILTER_LIST:
      targets = getField(value, SGIR_TARGET_LIST);
      break;
    case SGIR_FILTER_ALL_BUT_SELF:
      targets = ~(1 << vcpu);
      break;
    case SGIR_FILTER_SELF:
      targets = 1 << vcpu;
      break;
    default:
      return; // reserved filter: ignored
  }
  targets &= (1 << core.nrVcpus) - 1;
  for (let t = 0; t < core.nrVcpus; t++) {
    if (!testBit(targets, t)) continue;
    const i = core.getIrq(t, id)!;
    i.source |= 1 << vcpu;
    i.pendingLatch = true;
    core.queueIrq(i);
  }
}

function setGroup(core: VgicCore, i: VgicIrq, g: number): void {
  i.group = g;
  core.queueIrq(i);
}

function enable(core: VgicCore, i: VgicIrq): void {
  // mapped level: the line may have dropped while disabled; resample, and
  // release the physical active state if it did and nothing is active
  if (i.hw && i.config === VGIC_CONFIG_LEVEL && i.useInputLevel) {
    const was = i.lineLevel;
    core.resampleLine(i);
    if (was && !i.lineLevel && !i.active) core.setPhysActive(i, false);
  }
  i.enabled = true;
  core.queueIrq(i);
}

/** GICD_ISPENDR: the latch (soft pend for level); SGI bits are WI on GICv2 (SPENDSGIR instead). */
function setPending(core: VgicCore, i: VgicIrq): void {
  if (isSgi(i.intid)) return;
  i.pendingLatch = true;
  // mapped: keep the device from signalling while the guest handles the soft-pended one
  if (i.hw) core.setPhysActive(i, true);
  core.queueIrq(i);
}

/**
 * GICD_ICPENDR: clears the latch only, so a level interrupt whose line is
 * high stays pending (GICv2 4.3.8). An instance already in an LR of a
 * running vcpu stays there until that vcpu's next sync (KVM does not halt).
 */
function clearPending(core: VgicCore, i: VgicIrq): void {
  if (isSgi(i.intid)) return;
  i.pendingLatch = false;
  if (i.hw && !i.active) core.setPhysActive(i, false);
}

/** GICD_ISACTIVER / ICACTIVER for one interrupt (the caller halted the guest). */
function changeActive(core: VgicCore, vcpu: number, i: VgicIrq, active: boolean): void {
  i.active = active;
  if (active && isSgi(i.intid)) i.activeSource = vcpu;
  if (i.hw) core.setPhysActive(i, active);
  if (active) core.queueIrq(i);
}
