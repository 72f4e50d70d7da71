// Save and restore of the vgic, in the style of KVM's vgic device
// attributes: the distributor registers are read by walking the GICD
// register table (every region with a `uwrite`, banked words per vcpu),
// plus what no register shows (line levels, latches, SGI active sources,
// mappings, owners), the ap_lists in order, and per vcpu VMCR, APR and the
// LR shadow of a vcpu that is in the guest (the GICH frames themselves are
// hardware and saved by hw/gic). Restoring into a freshly built vgic with
// the same configuration and ports and continuing gives the same trace.
// The LR-overflow bookkeeping (which interrupts are in an LR, whether an
// active one was left outside) is derived from the LR shadow on restore.

import { isPrivate, PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import { GICD_ICFGR, GICD_ICFGR_BITS_PER_IRQ } from '../../hw/gic/registers.ts';
import { getField } from '../../sim/bits.ts';
import type { VgicCounters } from './counters.ts';
import type { VgicCore } from './vgic.ts';
import { NO_VCPU, VGIC_CONFIG_EDGE, VGIC_CONFIG_LEVEL, type VgicIrq } from './vgic-irq.ts';
import { BITS_PER_WORD, uread, WORD_BYTES } from '../../hw/mmio/region.ts';
import type { VgicDistMmio } from './vgic-mmio-v2.ts';
import { NOT_LOADED } from './vgic-lr-backend.ts';
import type { VgicV2 } from './vgic-v2.ts';
import { GICH_LR_VirtualID, GICH_VTR_ListRegs } from '../../hw/gic/virt-regs.ts';

export const VGIC_STATE_VERSION = 1;

/** Words of one table region as a 32-bit read by `vcpu` (NO_VCPU: shared words) sees them. */
export interface VgicDistRegState {
  readonly reg: string;
  readonly vcpu: number;
  readonly offset: number;
  readonly values: number[];
}

/** State no GICD register shows; only interrupts with some of it are listed. */
export interface VgicIrqExtraState {
  /** owning vcpu for SGIs/PPIs, NO_VCPU for SPIs */
  readonly bank: number;
  readonly intid: number;
  readonly lineLevel: boolean;
  readonly pendingLatch: boolean;
  readonly activeSource: number;
  readonly hw: boolean;
  readonly hwintid: number;
  readonly useInputLevel: boolean;
  readonly owner: string | null;
}

export interface VgicCpuState {
  readonly vmcr: number;
  readonly apr: number;
  readonly pcpu: number;
  /** pcpu whose GICH frame the vcpu is loaded on, or -1 */
  readonly loadedOn: number;
  readonly inGuest: boolean;
  /** LR values written by the flush, while in the guest (GICv3 backend: ICH_LR<n>_EL2 [63:32]) */
  readonly lrs: number[];
  /** INTIDs on the ap_list, in order */
  readonly apList: number[];
  /** GICv3 backend: ICH_AP0R0_EL2 as last saved (`apr` is ICH_AP1R0_EL2) */
  readonly ap0r?: number;
  /** GICv3 backend: the interrupt of each LR in `lrs` (ICH_LR<n>_EL2 [31:0]) */
  readonly lrIntids?: number[];
  /** GICv3 backend: the vcpu's priority and INTID bit counts as userspace's ICC_CTLR_EL1 left them (absent: ICH_VTR_EL2's) */
  readonly numPriBits?: number;
  readonly numIdBits?: number;
}

/** The backend part of a vcpu's state, for a backend other than VgicV2 (VgicV3). */
export type VgicBackendCpuState = Pick<
  VgicCpuState,
  'loadedOn' | 'inGuest' | 'lrs' | 'ap0r' | 'lrIntids' | 'numPriBits' | 'numIdBits'
>;

/** A backend that saves and restores its own per-vcpu part (VgicV3). */
export interface VgicBackendSaver {
  saveCpu(vcpu: number): VgicBackendCpuState;
  restoreCpu(vcpu: number, s: VgicCpuState): void;
}

export interface VgicState {
  readonly version: typeof VGIC_STATE_VERSION;
  readonly nrVcpus: number;
  readonly nrSpis: number;
  readonly initialized: boolean;
  /** userspace wrote GICD_IIDR back (KVM_DEV_ARM_VGIC_GRP_DIST_REGS): its IGROUPR writes count */
  readonly v2GroupsUserWritable?: boolean;
  /** a GICv3 guest's implementation revision if userspace changed it (absent: 3) */
  readonly v3ImplementationRev?: number;
  readonly dist: VgicDistRegState[];
  readonly irqs: VgicIrqExtraState[];
  readonly cpus: VgicCpuState[];
  readonly counters: VgicCounters;
  /**
   * GICv3 backend: each SPI's routing as no GICv2 register shows it
   * (`targets`: a GICv3 guest's GICD_IROUTER affinity; `vcpus`: the vcpu it
   * routes to), INTID 32 first. Absent: routing from GICD_ITARGETSR.
   */
  readonly spiRoutes?: { readonly targets: number[]; readonly vcpus: number[] };
}

/** The words of each saved region: [vcpu, first word, word count] spans. */
function forEachSpan(
  core: VgicCore,
  dist: VgicDistMmio,
  fn: (reg: string, vcpu: number, offset: number, words: number) => void,
): void {
  for (const r of dist.table) {
    if (r.uwrite === undefined) continue;
    if (r.bitsPerIrq === 0) {
      fn(r.name, NO_VCPU, r.offset, 1);
      continue;
    }
    const total = Math.ceil((core.nrIrqs * r.bitsPerIrq) / BITS_PER_WORD);
    const bankedWords = r.banked ? r.len / WORD_BYTES : (PRIVATE_COUNT * r.bitsPerIrq) / BITS_PER_WORD;
    for (let v = 0; v < core.nrVcpus; v++) fn(r.name, v, r.offset, bankedWords);
    if (!r.banked && total > bankedWords)
      fn(r.name, NO_VCPU, r.offset + bankedWords * WORD_BYTES, total - bankedWords);
  }
}

export function saveVgic(
  core: VgicCore,
  v2: VgicV2,
  dist: VgicDistMmio,
  v3: VgicBackendSaver | null = null,
): VgicState {
  const regs: VgicDistRegState[] = [];
  forEachSpan(core, dist, (reg, vcpu, offset, words) => {
    const r = dist.region(reg)!;
    const values: number[] = [];
    for (let w = 0; w < words; w++) values.push(uread(r, Math.max(vcpu, 0), offset + w * WORD_BYTES));
    regs.push({ reg, vcpu, offset, values });
  });
  const irqs: VgicIrqExtraState[] = [];
  core.forEachIrq((irq, bank) => {
    if (irq.lineLevel || irq.pendingLatch || irq.activeSource !== 0 || irq.hw || irq.owner !== null)
      irqs.push({
        bank,
        intid: irq.intid,
        lineLevel: irq.lineLevel,
        pendingLatch: irq.pendingLatch,
        activeSource: irq.activeSource,
        hw: irq.hw,
        hwintid: irq.hwintid,
        useInputLevel: irq.useInputLevel,
        owner: irq.owner,
      });
  });
  const cpus: VgicCpuState[] = core.cpus.map((c, v) => {
    const b = v2.cpus[v];
    const backend: VgicBackendCpuState =
      v3 !== null
        ? v3.saveCpu(v)
        : {
            loadedOn: b.loadedOn,
            inGuest: b.inGuest,
            lrs: b.inGuest ? Array.from(b.lrVal.subarray(0, b.usedLrs)) : [],
          };
    return {
      vmcr: c.vmcr,
      apr: c.apr,
      pcpu: c.pcpu,
      ...backend,
      apList: c.apList.map((i) => i.intid),
    };
  });
  return {
    version: VGIC_STATE_VERSION,
    nrVcpus: core.nrVcpus,
    nrSpis: core.nrSpis,
    initialized: core.initialized,
    v2GroupsUserWritable: core.v2GroupsUserWritable,
    ...(core.v3ImplementationRev === 3 ? {} : { v3ImplementationRev: core.v3ImplementationRev }),
    dist: regs,
    irqs,
    cpus,
    counters: { ...core.counters },
    ...(v3 === null ? {} : { spiRoutes: saveSpiRoutes(core) }),
  };
}

function saveSpiRoutes(core: VgicCore): NonNullable<VgicState['spiRoutes']> {
  const targets: number[] = [];
  const vcpus: number[] = [];
  for (let id = PRIVATE_COUNT; id < core.nrIrqs; id++) {
    const irq = core.getIrq(NO_VCPU, id)!;
    targets.push(irq.targets);
    vcpus.push(irq.targetVcpu);
  }
  return { targets, vcpus };
}

/**
 * Restore into a vgic built with the same nrVcpus/nrSpis and ports. Every
 * interrupt first goes back to the state a freshly built vgic has, so this
 * is also the reset path (Vgic.reset = restore(defaultState())).
 */
export function restoreVgic(
  core: VgicCore,
  v2: VgicV2,
  dist: VgicDistMmio,
  s: VgicState,
  v3: VgicBackendSaver | null = null,
): void {
  if (s.version !== VGIC_STATE_VERSION) throw new RangeError(`vgic snapshot version ${s.version}`);
  if (s.nrVcpus !== core.nrVcpus || s.nrSpis !== core.nrSpis)
    throw new RangeError(`snapshot is for ${s.nrVcpus} vcpus / ${s.nrSpis} SPIs`);
  core.initialized = false;
  core.forEachIrq((irq, bank) => {
    unconfigure(irq, bank);
  });
  if (s.initialized) core.init();
  core.initialized = s.initialized;
  core.v2GroupsUserWritable = s.v2GroupsUserWritable ?? false;
  core.v3ImplementationRev = s.v3ImplementationRev ?? 3;
  for (const r of s.dist) {
    const region = dist.region(r.reg);
    if (region?.uwrite === undefined) throw new RangeError(`snapshot names unknown register ${r.reg}`);
    for (let w = 0; w < r.values.length; w++)
      region.uwrite(Math.max(r.vcpu, 0), r.offset + w * WORD_BYTES, r.values[w]);
    if (r.reg === 'GICD_ICFGR' && r.vcpu !== NO_VCPU) restorePrivateConfig(core, r);
  }
  s.spiRoutes?.targets.forEach((t, k) => {
    const irq = core.getIrq(NO_VCPU, PRIVATE_COUNT + k)!;
    irq.targets = t;
    irq.targetVcpu = s.spiRoutes!.vcpus[k];
  });
  for (const x of s.irqs) {
    const irq = lookup(core, x.bank, x.intid);
    irq.lineLevel = x.lineLevel;
    irq.pendingLatch = x.pendingLatch;
    irq.activeSource = x.activeSource;
    irq.hw = x.hw;
    irq.hwintid = x.hwintid;
    irq.useInputLevel = x.useInputLevel;
    irq.owner = x.owner;
  }
  core.forEachIrq((irq) => {
    irq.vcpu = NO_VCPU;
    irq.onLr = false;
  });
  s.cpus.forEach((cs, v) => {
    const c = core.cpus[v];
    c.vmcr = cs.vmcr;
    c.apr = cs.apr;
    c.pcpu = cs.pcpu;
    c.apList.length = 0;
    for (const id of cs.apList) {
      const irq = lookup(core, v, id);
      c.apList.push(irq);
      irq.vcpu = v;
    }
    if ((cs.lrIntids !== undefined) !== (v3 !== null))
      throw new RangeError(`snapshot of vcpu ${v} is for the other LR backend (GICv2 vs GICv3)`);
    if (v3 !== null) {
      v3.restoreCpu(v, cs);
      return;
    }
    const b = v2.cpus[v];
    b.loadedOn = cs.loadedOn;
    b.gich = cs.loadedOn === NOT_LOADED ? null : v2.frames.gichRegs(cs.loadedOn);
    b.nrLr = b.gich === null ? 0 : getField(b.gich.readVTR(), GICH_VTR_ListRegs) + 1;
    b.inGuest = cs.inGuest;
    b.usedLrs = cs.lrs.length;
    b.halted = false;
    b.lrIrq.fill(null);
    cs.lrs.forEach((val, n) => {
      b.lrVal[n] = val;
      b.lrIrq[n] = lookup(core, v, getField(val, GICH_LR_VirtualID));
      b.lrIrq[n]!.onLr = true;
    });
    // what the flush decided from its LRs: an active interrupt it left outside
    b.activeOutside = cs.inGuest && c.apList.some((irq) => irq.active && !irq.onLr);
  });
  Object.assign(core.counters, s.counters);
}

/**
 * GICD_ICFGR is read-only for SGIs and PPIs (the write handler skips them,
 * as KVM's vgic_mmio_write_config does), yet their trigger mode is vgic
 * state (the timer policy sets the timer PPIs' at init): set it from the
 * saved words. Int_config[1] (bit 2k+1) set = edge-triggered (GICv2 4.3.13).
 */
function restorePrivateConfig(core: VgicCore, r: VgicDistRegState): void {
  const perWord = BITS_PER_WORD / GICD_ICFGR_BITS_PER_IRQ;
  const first = ((r.offset - GICD_ICFGR) / WORD_BYTES) * perWord;
  r.values.forEach((word, w) => {
    for (let k = 0; k < perWord; k++) {
      const intid = first + w * perWord + k;
      if (!isPrivate(intid)) continue;
      const edge = (word >>> (k * GICD_ICFGR_BITS_PER_IRQ + 1)) & 1;
      lookup(core, r.vcpu, intid).config = edge ? VGIC_CONFIG_EDGE : VGIC_CONFIG_LEVEL;
    }
  });
}

/** The fields of `irq` as `new VgicIrq` sets them (bank: owning vcpu, NO_VCPU for SPIs). */
function unconfigure(irq: VgicIrq, bank: number): void {
  irq.lineLevel = irq.pendingLatch = irq.active = irq.enabled = false;
  irq.group = irq.priority = irq.targets = irq.source = irq.activeSource = 0;
  irq.config = VGIC_CONFIG_EDGE;
  irq.targetVcpu = bank === NO_VCPU ? 0 : bank;
  irq.hw = irq.useInputLevel = false;
  irq.hwintid = 0;
  irq.owner = null;
  irq.vcpu = NO_VCPU;
  irq.onLr = false;
}

function lookup(core: VgicCore, bank: number, intid: number): VgicIrq {
  const irq = core.getIrq(isPrivate(intid) ? bank : 0, intid);
  if (irq === null) throw new RangeError(`snapshot names unknown INTID ${intid} (bank ${bank})`);
  return irq;
}
