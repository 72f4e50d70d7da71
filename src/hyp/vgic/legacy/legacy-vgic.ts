// The legacy vgic (Linux 4.2/4.3 virt/kvm/arm/vgic.c + vgic-v2.c +
// vgic-v2-emul.c) behind the vgic facade: the distributor bitmaps
// (legacy-dist.ts), the LRs kept across exits (legacy-lr.ts), flush and
// sync (legacy-hwstate.ts), the GICD emulation (legacy-mmio.ts). `seed`
// selects the tree: false = 4.2 (PPIs edge, map->active, vgic_sync_hwirq
// reading it back), true = 4.3 (the seed's vgic changes).

import type { MmioDevice } from '../../../hw/mmio.ts';
import type { Saveable } from '../../../sim/saveable.ts';
import { PRIVATE_COUNT, SGI_COUNT } from '../../../hw/gic/intid.ts';
import type { IrqView, Trigger, VgicFacade, VgicSnapshot } from '../facade.ts';
import type { VgicGuestV3 } from '../facade.ts';
import type { GichFrames, IchFrames } from '../ports.ts';
import type { InjectResult } from '../facade.ts';
import { LegacyDist, type LegacyVgicOptions } from './legacy-dist.ts';
import { LegacyHwstate } from './legacy-hwstate.ts';
import { LR_ACTIVE_BIT, LR_EMPTY, LR_PENDING_BIT, LegacyCpuIf, lrCleared, lrIrq } from './legacy-lr.ts';
import { LegacyDistMmio } from './legacy-mmio.ts';
import { type LegacyVgicState, legacyDigest, restoreLegacy, saveLegacy } from './legacy-save.ts';
import { legacyHasUaccess, legacyUaccess } from './legacy-uaccess.ts';
import { LegacyCpuIfV3 } from './legacy-v3-lr.ts';
import { legacyGuestV3 } from './legacy-v3-guest.ts';
import type { UaccessResult, VgicRegGroup } from '../vgic-uaccess.ts';
import type { StateDigest } from '../../../sim/state-digest.ts';

export interface LegacyVgicFullOptions extends LegacyVgicOptions {
  readonly frames: GichFrames;
  /**
   * The physical cpus' GICv3 virtual interfaces: the GICv3 backend of that
   * era (vgic-v3.c, vgic-v3-switch.S) under a GICv3 guest (vgic-v3-emul.c,
   * with `v3Model`).
   */
  readonly ichFrames?: IchFrames;
}

export class LegacyVgic implements VgicFacade, Saveable<LegacyVgicState> {
  readonly design = 'legacy';
  readonly d: LegacyDist;
  readonly cpus: LegacyCpuIf[] = [];
  readonly hw: LegacyHwstate;
  readonly gicd: LegacyDistMmio;
  /** the legacy vgic never traps the GICV frame */
  readonly gicvTrap: MmioDevice = { read: () => 0, write: () => {} };
  /** a GICv3 guest's GICD, redistributors and SGIs (legacy-v3-*.ts); null for a GICv2 guest */
  readonly guestV3: VgicGuestV3 | null;

  constructor(readonly opts: LegacyVgicFullOptions) {
    const v3 = opts.ichFrames !== undefined;
    if (v3 !== (opts.v3Model === true))
      throw new RangeError(
        'the legacy vgic runs a GICv3 guest on GICv3 hardware only (ichFrames with v3Model)',
      );
    this.d = new LegacyDist(opts);
    for (let v = 0; v < opts.nrVcpus; v++) this.cpus.push(this.newCpu(this.d.nrIrqs));
    this.hw = new LegacyHwstate(this.d, this.cpus);
    const retire = (v: number) => this.retireDisabledIrqs(v);
    this.gicd = new LegacyDistMmio(this.d, retire);
    this.guestV3 = v3 ? legacyGuestV3(this.d, retire) : null;
  }

  private newCpu(nrIrqs: number): LegacyCpuIf {
    const ich = this.opts.ichFrames;
    return ich === undefined ? new LegacyCpuIf(nrIrqs) : new LegacyCpuIfV3(nrIrqs, ich);
  }

  gicdRead64(offset: number, vcpu: number): bigint {
    return this.gicd.read64(offset, vcpu);
  }

  gicdWrite64(offset: number, lo: number, hi: number, vcpu: number): void {
    this.gicd.write64(offset, lo, hi, vcpu);
  }

  get counters() {
    return this.d.counters;
  }

  get initialized(): boolean {
    return this.d.initialized;
  }

  init(): void {
    this.d.init();
  }

  injectIrq(vcpu: number | null, intid: number, level: boolean, owner: string | null = null): InjectResult {
    return this.d.inject(vcpu, intid, level, owner);
  }

  /** kvm_vgic_map_phys_irq (an irq_phys_map entry; `useInputLevel` did not exist then). */
  mapPhysIrq(vcpu: number, virtIntid: number, physIntid: number): void {
    if (!this.d.exists(vcpu, virtIntid) || virtIntid < SGI_COUNT)
      throw new RangeError(`cannot map INTID ${virtIntid} of vcpu ${vcpu}`);
    const key = this.d.mapKey(vcpu, virtIntid);
    const old = this.d.maps.get(key);
    this.d.maps.set(key, { phys: physIntid, active: old?.active ?? false });
  }

  unmapPhysIrq(vcpu: number, virtIntid: number): void {
    this.d.maps.delete(this.d.mapKey(vcpu, virtIntid));
  }

  resetMappedIrq(): void {
    throw new RangeError('the old vgic has no kvm_vgic_reset_mapped_irq (a vcpu reset left the vgic alone)');
  }

  setTrigger(vcpu: number, intid: number, trigger: Trigger): void {
    if (!this.d.exists(vcpu, intid)) throw new RangeError(`no INTID ${intid} for vcpu ${vcpu}`);
    this.d.irqCfg.set(vcpu, intid, trigger === 'edge');
  }

  vcpuLoad(vcpu: number, pcpu: number): void {
    this.cpus[vcpu].load(this.opts.frames, pcpu);
  }

  vcpuPut(vcpu: number): void {
    this.cpus[vcpu].put();
  }

  flushHwstate(vcpu: number): void {
    this.hw.flush(vcpu);
  }

  syncHwstate(vcpu: number): void {
    this.hw.sync(vcpu);
  }

  /** kvm_vgic_vcpu_pending_irq of that era: irq_pending_on_cpu, no priority or PMR check. */
  pendingIrqFor(vcpu: number): boolean {
    return this.d.pendingOnCpu[vcpu] !== 0;
  }

  /** kvm_vgic_map_is_active (4.4): an LR holds it active, or the distributor does. */
  isMappedActive(vcpu: number, intid: number): boolean {
    const c = this.cpus[vcpu];
    const n = c.lrMap[intid];
    if (n !== LR_EMPTY && (c.lr[n] & LR_ACTIVE_BIT) !== 0) return true;
    return this.d.irqActive.get(vcpu, intid);
  }

  getMapActive(vcpu: number, intid: number): boolean {
    return this.map42(vcpu, intid).active;
  }

  setMapActive(vcpu: number, intid: number, active: boolean): void {
    this.map42(vcpu, intid).active = active;
  }

  private map42(vcpu: number, intid: number) {
    if (this.opts.seed) throw new RangeError('map->active was removed by the seed (Linux 4.3)');
    const m = this.d.mapOf(vcpu, intid);
    if (m === undefined) throw new RangeError(`INTID ${intid} of vcpu ${vcpu} is not mapped`);
    return m;
  }

  irqState(vcpu: number, intid: number): IrqView | null {
    const d = this.d;
    if (!d.exists(vcpu, intid)) return null;
    const v = intid < PRIVATE_COUNT ? vcpu : 0;
    return {
      enabled: d.irqEnabled.get(v, intid),
      pending: d.irqPending.get(v, intid),
      active: this.isMappedActive(vcpu, intid),
      lineLevel: d.irqLevel.get(v, intid),
      latch: d.isEdge(v, intid) ? d.irqPending.get(v, intid) : d.irqSoftPend.get(v, intid),
      trigger: d.isEdge(v, intid) ? 'edge' : 'level',
      priority: d.getPriority(v, intid),
      hw: d.mapOf(vcpu, intid) !== undefined,
    };
  }

  /** Is `intid` in an LR of `vcpu` (queued)? For tests and reports. */
  lrOf(vcpu: number, intid: number): number | null {
    const n = this.cpus[vcpu].lrMap[intid];
    return n === LR_EMPTY ? null : this.cpus[vcpu].lr[n];
  }

  trapsGicv(): boolean {
    return false;
  }

  /**
   * vgic_retire_disabled_irqs: LRs of interrupts now disabled are emptied;
   * a pending one goes back to the distributor (vgic_retire_lr as fixed by
   * cff9211eb1a1, "Fix arch timer behavior for disabled interrupts"); an
   * active one loses its active state.
   */
  private retireDisabledIrqs(vcpu: number): void {
    const c = this.cpus[vcpu];
    for (let n = 0; n < c.nrLr; n++) {
      if (c.used[n] === 0) continue;
      const irq = lrIrq(c.lr[n]);
      if (this.d.irqEnabled.get(vcpu, irq)) continue;
      if ((c.lr[n] & LR_PENDING_BIT) !== 0) this.d.irqPending.set(vcpu, irq, true);
      c.setLr(n, lrCleared(c.lr[n]));
      c.used[n] = 0;
      c.lrMap[irq] = LR_EMPTY;
      this.d.irqQueued.set(vcpu, irq, false);
    }
  }

  /** Userspace register access (4.2/4.3: -ENXIO outside the ranges; LRs unqueued first). */
  uaccess(group: VgicRegGroup, vcpu: number, offset: number, write: boolean, value: number): UaccessResult {
    return legacyUaccess(this.d, this.cpus, this.gicd, group, vcpu, offset, write, value);
  }

  hasUaccess(group: VgicRegGroup, offset: number): boolean {
    return legacyHasUaccess(this.gicd, group, offset);
  }

  save(): LegacyVgicState {
    return saveLegacy(this.d, this.cpus);
  }

  digest(h: StateDigest): void {
    legacyDigest(h, this.d, this.cpus);
  }

  restore(s: VgicSnapshot): void {
    if (s.kind !== 'legacy-vgic') throw new RangeError('not a legacy vgic snapshot');
    restoreLegacy(this.d, this.cpus, s as LegacyVgicState);
  }

  /** As KVM_CREATE_DEVICE leaves it: not initialized, nothing configured, queued or loaded. */
  defaultState(): LegacyVgicState {
    const d = new LegacyDist(this.opts);
    const cpus = this.cpus.map(() => this.newCpu(d.nrIrqs));
    return saveLegacy(d, cpus);
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}
