// The vgic as the rest of the hypervisor uses it: KVM's kvm_vgic_* entry
// points over the queueing core (vgic.ts), an LR backend (the GICv2 one,
// vgic-v2.ts, or with `ichFrames` the GICv3 one, vgic-v3.ts) and the GICD
// emulation (vgic-mmio-v2.ts).

import type { Saveable } from '../../sim/saveable.ts';
import type { AccessSize, MmioDevice } from '../../hw/mmio.ts';
import type { IrqView, Trigger, VgicFacade, VgicGuestV3, VgicSnapshot } from './facade.ts';
import type { GichFrames, GichRegFrames, IchFrames } from './ports.ts';
import { type InjectResult, VgicCore, type VgicCoreOptions } from './vgic.ts';
import { irqIsPending, VGIC_CONFIG_EDGE, VGIC_CONFIG_LEVEL } from './vgic-irq.ts';
import { VgicDistMmio } from './vgic-mmio-v2.ts';
import { restoreVgic, saveVgic, type VgicState } from './vgic-save.ts';
import { distUaccess, distUaccessRegion } from './vgic-dist-uaccess.ts';
import {
  cpuifUaccess,
  isCpuifReg,
  type UaccessResult,
  uaccessFail,
  uaccessOk,
  type VgicRegGroup,
} from './vgic-uaccess.ts';
import { VgicV2 } from './vgic-v2.ts';
import { VgicV3 } from './vgic-v3.ts';
import { dispatchSgiV3 } from './vgic-v3-sgi.ts';
import { VgicDistMmioV3 } from './vgic-mmio-v3.ts';
import { cpuOfAffinity } from '../../hw/cpu/mpidr.ts';
import { lineLevelUaccess, v3Uaccess, v3UaccessRegion } from './vgic-v3-uaccess.ts';
import { iccUaccess, userIccReg } from './vgic-v3-sysreg-uaccess.ts';
import { IchReg } from '../../hw/gic/v3/sysreg-encodings.ts';
import { VgicRdistRegion } from './vgic-mmio-v3-rdist.ts';
import { GICV_DIR, GICV_FRAME_SIZE } from '../../hw/gic/virt-regs.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export interface VgicOptions extends VgicCoreOptions {
  /** the physical cpus' GICv2 virtual interfaces: GICH frames (the old vgic), typed registers (this one) */
  readonly frames: GichFrames & GichRegFrames;
  /**
   * The physical cpus' GICv3 virtual CPU interfaces: when given, the GICv3
   * LR backend (VgicV3) runs the vcpus instead of the GICv2 one, as KVM
   * picks vgic-v3 on a GICv3 host (kvm_vgic_hyp_init).
   */
  readonly ichFrames?: IchFrames;
}

export class Vgic implements VgicFacade, Saveable<VgicState> {
  readonly design = 'new';
  readonly core: VgicCore;
  readonly v2: VgicV2;
  /** the GICv3 LR backend, when built with `ichFrames` (then `v2` holds no vcpu) */
  readonly v3: VgicV3 | null;
  /** the GICD frame as the guest sees it (trap-and-emulate); `cpu` of an access = the vcpu */
  readonly dist: VgicDistMmio;
  /**
   * With the GICv3 backend: the GICD frame of a GICv3 guest (vgic-mmio-v3.ts)
   * and its redistributor region (vgic-mmio-v3-rdist.ts), for a VM whose
   * guest sees a GICv3 (`gic: v3`); `dist` stays the GICv2 table.
   */
  readonly distV3: VgicDistMmioV3 | null;
  readonly rdist: VgicRdistRegion | null;
  /** the facade's view of the above (null without the GICv3 backend) */
  readonly guestV3: VgicGuestV3 | null;

  constructor(readonly opts: VgicOptions) {
    this.core = new VgicCore(opts.faults?.lostKick === true ? { ...opts, kicker: this.lossyKicker() } : opts);
    this.v2 = new VgicV2(this.core, opts.frames);
    this.v3 = opts.ichFrames === undefined ? null : new VgicV3(this.core, opts.ichFrames);
    this.dist = new VgicDistMmio(this.core, this.v3 ?? this.v2);
    this.distV3 = this.v3 === null ? null : new VgicDistMmioV3(this.core, this.v3);
    this.rdist = this.v3 === null ? null : new VgicRdistRegion(this.core, this.v3);
    const v3 = this.v3;
    this.guestV3 =
      v3 === null
        ? null
        : {
            gicd: this.distV3!,
            gicr: this.rdist!,
            dispatchSgi: (vcpu, lo, hi, g1) => dispatchSgiV3(this.core, vcpu, lo, hi, g1),
            deactivateTrapped: (vcpu, value) => v3.deactivateTrapped(vcpu, value),
            vcpuOfAffinity: (aff) => cpuOfAffinity(aff, this.core.nrVcpus),
            uaccess: (frame, vcpu, offset, write, value) => {
              this.assertOutOfGuest();
              const table = frame === 'dist' ? this.distV3!.table : this.rdist!.table.table;
              return v3Uaccess(this.core, frame, table, vcpu, offset, write, value);
            },
            hasUaccess: (frame, offset) =>
              v3UaccessRegion(
                this.core,
                frame,
                frame === 'dist' ? this.distV3!.table : this.rdist!.table.table,
                offset,
              ) !== null,
            lineLevel: (vcpu, intid, write, value) => {
              this.assertOutOfGuest();
              return lineLevelUaccess(this.core, vcpu, intid, write, value);
            },
            sysregUaccess: (vcpu, encoding, write, value) => {
              this.assertOutOfGuest();
              return this.iccUaccess(vcpu, encoding, write, value);
            },
            hasSysreg: (encoding) => userIccReg(encoding) !== undefined,
          };
  }

  /** The mutant `lost-kick` (faults.ts): kicks of a vcpu between its flush and its sync are dropped. */
  private lossyKicker() {
    const kicker = this.opts.kicker;
    return {
      kick: (vcpu: number) => {
        if (!this.inGuest(vcpu)) kicker.kick(vcpu);
      },
    };
  }

  /** Flushed and not yet synced (the LRs are live). */
  private inGuest(vcpu: number): boolean {
    return (this.v3 ?? this.v2).cpus[vcpu].inGuest;
  }

  get counters() {
    return this.core.counters;
  }

  /** vgic_initialized() */
  get initialized(): boolean {
    return this.core.initialized;
  }

  /** kvm_vgic_init / KVM_DEV_ARM_VGIC_CTRL_INIT */
  init(): void {
    this.core.init();
  }

  /** kvm_vgic_inject_irq (SPIs: vcpu ignored, pass null; PPIs: the vcpu) */
  injectIrq(vcpu: number | null, intid: number, level: boolean, owner: string | null = null): InjectResult {
    return this.core.injectIrq(vcpu, intid, level, owner);
  }

  mapPhysIrq(vcpu: number, virtIntid: number, physIntid: number, useInputLevel = false): void {
    this.core.mapPhysIrq(vcpu, virtIntid, physIntid, useInputLevel);
  }

  unmapPhysIrq(vcpu: number, virtIntid: number): void {
    this.core.unmapPhysIrq(vcpu, virtIntid);
  }

  resetMappedIrq(vcpu: number, intid: number): void {
    const irq = this.core.getIrq(vcpu, intid);
    if (irq === null) throw new RangeError(`no INTID ${intid} for vcpu ${vcpu}`);
    if (!irq.hw) return;
    // still on the ap_list if it was: the next flush skips it, the prune drops it
    irq.active = false;
    irq.pendingLatch = false;
    irq.lineLevel = false;
  }

  setTrigger(vcpu: number, intid: number, trigger: Trigger): void {
    const irq = this.core.getIrq(vcpu, intid);
    if (irq === null) throw new RangeError(`no INTID ${intid} for vcpu ${vcpu}`);
    irq.config = trigger === 'edge' ? VGIC_CONFIG_EDGE : VGIC_CONFIG_LEVEL;
  }

  /** kvm_vgic_map_is_active: the guest has the interrupt active. */
  isMappedActive(vcpu: number, intid: number): boolean {
    return this.core.getIrq(vcpu, intid)?.active === true;
  }

  getMapActive(): boolean {
    throw new RangeError(
      'the new vgic has no map->active (removed by the 2015 level-triggered timer rework)',
    );
  }

  setMapActive(): void {
    throw new RangeError(
      'the new vgic has no map->active (removed by the 2015 level-triggered timer rework)',
    );
  }

  irqState(vcpu: number, intid: number): IrqView | null {
    const irq = this.core.getIrq(vcpu, intid);
    if (irq === null) return null;
    return {
      enabled: irq.enabled,
      pending: irqIsPending(irq),
      active: irq.active,
      lineLevel: irq.lineLevel,
      latch: irq.pendingLatch,
      trigger: irq.config === VGIC_CONFIG_EDGE ? 'edge' : 'level',
      priority: irq.priority,
      hw: irq.hw,
    };
  }

  /**
   * vgic_v3_dispatch_sgi: a GICv3 guest's trapped ICC_SGI1R_EL1
   * (`allowGroup1`), ICC_SGI0R_EL1 or ICC_ASGI1R_EL1 write by `vcpu`, as its
   * two 32-bit halves; pends the SGI on each target (vgic-v3-sgi.ts).
   */
  dispatchSgiV3(vcpu: number, lo: number, hi: number, allowGroup1: boolean): void {
    dispatchSgiV3(this.core, vcpu, lo, hi, allowGroup1);
  }

  /**
   * kvm_vgic_load. Where the vgic stays loaded across exits (the run loop's
   * RunLoopOrder.vgicLoad), a vcpu moved off `pcpu` while outside the guest
   * may still be loaded there: it is put first (the vcpu_put its thread did
   * on leaving; the interface still holds its state).
   */
  vcpuLoad(vcpu: number, pcpu: number): void {
    const backend = this.v3 ?? this.v2;
    for (let u = 0; u < backend.cpus.length; u++)
      if (u !== vcpu && backend.cpus[u].loadedOn === pcpu) this.vcpuPut(u);
    if (this.v3 !== null) this.v3.load(vcpu, pcpu);
    else this.v2.load(vcpu, pcpu);
  }

  /** The physical cpu the vcpu's vgic is loaded on (NOT_LOADED, -1, when put). */
  loadedOn(vcpu: number): number {
    return (this.v3 ?? this.v2).cpus[vcpu].loadedOn;
  }

  /** kvm_vgic_put */
  vcpuPut(vcpu: number): void {
    if (this.v3 !== null) this.v3.put(vcpu);
    else this.v2.put(vcpu);
  }

  /** kvm_vgic_flush_hwstate: before entering the guest */
  flushHwstate(vcpu: number): void {
    if (this.v3 !== null) this.v3.flush(vcpu);
    else this.v2.flush(vcpu);
  }

  /** kvm_vgic_sync_hwstate: after the guest exits */
  syncHwstate(vcpu: number): void {
    if (this.v3 !== null) this.v3.sync(vcpu);
    else this.v2.sync(vcpu);
  }

  /** kvm_vgic_vcpu_pending_irq: may a vcpu blocked in WFI run? */
  pendingIrqFor(vcpu: number): boolean {
    if (this.v3 !== null) this.v3.vmcrSync(vcpu);
    else this.v2.vmcrSync(vcpu);
    return this.core.pendingIrq(vcpu);
  }

  /**
   * Must a guest write to the GICC window at `offset` (the hardware GICV
   * under the hypervisor) trap? Only GICV_DIR's page, and only while an
   * active interrupt of `vcpu` is outside the LRs (KVM's DIR trap on GICv2).
   */
  trapsGicv(vcpu: number, offset: number): boolean {
    return offset >= GICV_DIR && offset < GICV_FRAME_SIZE && this.v2.trapsGicvDir(vcpu);
  }

  /**
   * The trapped page of the GICV frame (offsets from the GICC window base;
   * `cpu` of an access = the vcpu, synced by its exit): a 32-bit GICV_DIR
   * write is emulated (VgicV2.deactivateTrapped); everything else there is
   * RAZ/WI, as the page holds no other register.
   */
  readonly gicvTrap: MmioDevice = {
    read: () => 0,
    write: (offset: number, size: AccessSize, value: number, vcpu: number) => {
      if (offset === GICV_DIR && size === 4) this.v2.deactivateTrapped(vcpu, value);
    },
  };

  /** The GICD emulation as an MmioDevice (for a bus). */
  get gicd(): MmioDevice {
    return this.dist;
  }

  /**
   * dispatch_mmio_read/write: no GICv2 region allows an 8-byte access
   * (check_region fails), so it is RAZ/WI; the table says so.
   */
  gicdRead64(offset: number, vcpu: number): bigint {
    return BigInt(this.dist.read(offset, 8, vcpu));
  }

  gicdWrite64(offset: number, lo: number, _hi: number, vcpu: number): void {
    this.dist.write(offset, 8, lo, vcpu);
  }

  /**
   * Userspace's device accesses lock every vcpu (lock_all_vcpus): none is
   * in the guest, and none has its vgic loaded (a vcpu whose vgic stays
   * loaded across exits is put here, so the accessors see and set the
   * saved VMCR and APRs).
   */
  private assertOutOfGuest(): void {
    const cpus = (this.v3 ?? this.v2).cpus;
    if (cpus.some((b) => b.inGuest)) throw new RangeError('vgic uaccess while a vcpu is in the guest');
    for (let v = 0; v < cpus.length; v++) if (cpus[v].loadedOn >= 0) this.vcpuPut(v);
  }

  /** CPU_SYSREGS of a GICv3 guest's vcpu (vgic-v3-sysreg-uaccess.ts) over VMCR, APRs and its bit counts. */
  private iccUaccess(vcpu: number, encoding: number, write: boolean, value: number): UaccessResult {
    const reg = userIccReg(encoding);
    if (reg === undefined)
      return uaccessFail('ENXIO', `no ICC register at encoding 0x${encoding.toString(16)}`);
    const c = this.core.cpus[vcpu];
    const b = this.v3!.cpus[vcpu];
    const s = { vmcr: c.vmcr, apr: c.apr, ap0r: b.ap0r, numPriBits: b.numPriBits, numIdBits: b.numIdBits };
    const r = iccUaccess(s, this.opts.ichFrames!.ich(0).readIch(IchReg.ICH_VTR_EL2), reg, write, value);
    if (write && r.ok) {
      c.vmcr = s.vmcr;
      c.apr = s.apr;
      b.ap0r = s.ap0r;
      b.numPriBits = s.numPriBits;
      b.numIdBits = s.numIdBits;
    }
    return r;
  }

  /** Userspace register access (today's KVM: unknown offsets RAZ/WI; see vgic-dist-uaccess.ts). */
  uaccess(group: VgicRegGroup, vcpu: number, offset: number, write: boolean, value: number): UaccessResult {
    this.assertOutOfGuest();
    if (group === 'dist') return distUaccess(this.core, this.dist, vcpu, offset, write, value);
    if (!isCpuifReg(offset)) return uaccessOk(0);
    return uaccessOk(cpuifUaccess(this.core.cpus[vcpu], offset, write, value, true));
  }

  hasUaccess(group: VgicRegGroup, offset: number): boolean {
    return group === 'dist' ? distUaccessRegion(this.core, this.dist, offset) !== null : isCpuifReg(offset);
  }

  save(): VgicState {
    return saveVgic(this.core, this.v2, this.dist, this.v3);
  }

  /**
   * The state into a running hash, cheaply (the explorer hashes it at every
   * choice point; save() reads every GICD register through its handler):
   * every interrupt's fields, each vcpu's VMCR/APR/ap_list and its
   * backend's LRs.
   */
  digest(h: StateDigest): void {
    const c = this.core;
    h.int((c.initialized ? 1 : 0) | (c.distEnabled ? 2 : 0));
    c.forEachIrq((irq, bank) => {
      h.int(bank);
      h.int(irq.intid);
      h.int(
        (irq.lineLevel ? 1 : 0) | (irq.pendingLatch ? 2 : 0) | (irq.active ? 4 : 0) | (irq.enabled ? 8 : 0),
      );
      h.int((irq.hw ? 1 : 0) | (irq.useInputLevel ? 2 : 0) | (irq.onLr ? 4 : 0) | (irq.group << 3));
      h.int(irq.priority);
      h.num(irq.config);
      h.num(irq.targets);
      h.num(irq.targetVcpu);
      h.num(irq.hwintid);
      h.num(irq.source);
      h.num(irq.activeSource);
      h.num(irq.vcpu);
      h.int(irq.owner === null ? -1 : irq.owner.length);
    });
    c.cpus.forEach((cpu, v) => {
      const b = (this.v3 ?? this.v2).cpus[v];
      h.num(cpu.vmcr);
      h.num(cpu.apr);
      h.int(cpu.pcpu);
      h.int(b.loadedOn);
      h.int(b.inGuest ? 1 : 0);
      h.int(b.usedLrs);
      h.int(cpu.apList.length);
      for (const i of cpu.apList) h.int(i.intid);
      const lrs = this.v3 !== null ? this.v3.cpus[v].lrHi : this.v2.cpus[v].lrVal;
      for (let n = 0; n < b.usedLrs; n++) h.num(lrs[n]);
      if (this.v3 !== null) {
        const b3 = this.v3.cpus[v];
        h.num(b3.ap0r);
        h.int(b3.numPriBits);
        h.int(b3.numIdBits);
      }
    });
    if (this.v3 !== null) h.int(c.v3ImplementationRev);
  }

  /** Restore into this freshly built vgic (same configuration and ports). */
  restore(s: VgicSnapshot): void {
    if (s.kind !== undefined)
      throw new RangeError(`a '${s.kind}' snapshot cannot be restored into the new vgic`);
    restoreVgic(this.core, this.v2, this.dist, s as VgicState, this.v3);
  }

  /** As KVM_CREATE_DEVICE leaves it: not initialized, no interrupt configured or queued, nothing loaded. */
  defaultState(): VgicState {
    const core = new VgicCore(this.opts);
    const v2 = new VgicV2(core, this.opts.frames);
    const v3 = this.opts.ichFrames === undefined ? null : new VgicV3(core, this.opts.ichFrames);
    return saveVgic(core, v2, new VgicDistMmio(core, v3 ?? v2), v3);
  }

  reset(): void {
    this.restore(this.defaultState());
  }
}
