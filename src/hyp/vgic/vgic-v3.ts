// The GICv3 list-register backend (KVM's vgic-v3.c and hyp/vgic-v3-sr.c plus
// the flush/sync halves of vgic.c, Linux 6.x): vcpu load/put (ICH_VMCR_EL2,
// ICH_AP0R0/AP1R0_EL2, ICH_HCR_EL2.En), flush before entry (sort the
// ap_list, populate the LRs, underflow), sync after exit (save the LRs, fold
// their state back, mapped-interrupt rules, prune). The GICv2 backend's
// design (vgic-v2.ts) with the v3 registers: every ICH access goes through
// the IchRegisters port of the physical cpu the vcpu is loaded on (MRS/MSR
// there, not MMIO). LR values are built and folded by vgic-v3-lr.ts. flush
// and sync allocate nothing.
//
// LR overflow as in vgic-v2.ts (README "LR overflow"), except that an
// interrupt never needs more than one LR (SGIs have no sources), the running
// priority comes from ICH_AP0R0_EL2 | ICH_AP1R0_EL2, and the guest's
// deactivation with EOImode 1 is caught by ICH_HCR_EL2.TDIR (ICV_DIR_EL1
// writes trap to EL2: `deactivateTrapped`) instead of an unmapped GICV page.
//
// The core's VMCR shadow (VgicCpu.vmcr) holds ICH_VMCR_EL2, whose VPMR
// [31:27], VENG0/1, VCBPR, VEOIM and binary points sit where GICH_VMCR has
// the same fields (IHI 0069H 12.4.12), so the core's WFI predicate reads
// either. VgicCpu.apr holds ICH_AP1R0_EL2; ICH_AP0R0_EL2 is VgicV3Cpu.ap0r.
// KVM sizes its APR save by ICH_VTR_EL2.PREbits (1, 2 or 4 registers per
// group, __vgic_v3_save_aprs); load checks that the interface has 5
// preemption bits (one register per group, src/hw/gic/v3's choice).

import {
  ICH_HCR_En,
  ICH_HCR_EOIcount,
  ICH_HCR_LRENPIE,
  ICH_HCR_NPIE,
  ICH_HCR_TDIR,
  ICH_HCR_UIE,
  ICH_LR_State,
  ICH_VMCR_VEOIM,
  ICH_VTR_ListRegs,
  ICH_VTR_PREbits,
  IchLrState,
} from '../../hw/gic/v3/ich-regs.ts';
import { ICH_LR_MAX, IchReg } from '../../hw/gic/v3/sysreg-encodings.ts';
import { runningPriority } from '../../hw/gic/v3/virt-priority-v3.ts';
import { fieldMask, getField, testBit } from '../../sim/bits.ts';
import type { IchFrames, IchRegisters } from './ports.ts';
import type { VgicCore } from './vgic.ts';
import type { VgicBackendCpuState, VgicBackendSaver, VgicCpuState } from './vgic-save.ts';
import { sortApList, type VgicIrq } from './vgic-irq.ts';
import { NOT_LOADED, VgicLrBackend, VgicLrCpu } from './vgic-lr-backend.ts';
import { deactivateOutsideLrV3, foldLrV3, type LrSinkV3, populateLrV3 } from './vgic-v3-lr.ts';
import { hostIccCounts } from './vgic-v3-sysreg-uaccess.ts';

const HCR_En = fieldMask(ICH_HCR_En);
const HCR_UIE = fieldMask(ICH_HCR_UIE);
const HCR_LRENPIE = fieldMask(ICH_HCR_LRENPIE);
const HCR_NPIE = fieldMask(ICH_HCR_NPIE);
const HCR_TDIR = fieldMask(ICH_HCR_TDIR);
const LR_STATE = fieldMask(ICH_LR_State);
/** preemption bits whose active priorities fit ICH_AP0R0/AP1R0_EL2 alone (32 levels) */
const AP_REG_PREBITS = 5;
/** ICV_DIR_EL1 / ICV_EOIR INTID field as the guest writes it: bits [23:0] */
const INTID_MASK = 0xff_ffff;

/** Per-vcpu backend state (KVM's vgic_v3_cpu_if plus the LR shadow; activeOutside: LRENPIE, TDIR set). */
export class VgicV3Cpu extends VgicLrCpu {
  ich: IchRegisters | null = null;
  /** ICH_AP0R0_EL2 as last saved (ICH_AP1R0_EL2 is VgicCpu.apr) */
  ap0r = 0;
  /** vgic_v3_cpu->num_pri_bits / num_id_bits: ICH_VTR_EL2's, lowered by userspace's ICC_CTLR_EL1 (vgic-v3-sysreg-uaccess.ts) */
  numPriBits = 0;
  numIdBits = 0;
  /** LR [63:32] as written at flush ([31:0] is the interrupt's INTID); lrRead holds [63:32] as read back at sync */
  readonly lrHi = new Uint32Array(ICH_LR_MAX);

  constructor() {
    super(ICH_LR_MAX);
  }
}

export class VgicV3 extends VgicLrBackend<VgicV3Cpu> implements LrSinkV3, VgicBackendSaver {
  constructor(
    core: VgicCore,
    readonly frames: IchFrames,
  ) {
    super(core);
    const counts = hostIccCounts(frames.ich(0).readIch(IchReg.ICH_VTR_EL2));
    for (let v = 0; v < core.nrVcpus; v++) this.cpus.push(Object.assign(new VgicV3Cpu(), counts));
  }

  /** vgic_v3_load + __vgic_v3_activate_traps: VMCR, APRs, ICH_HCR_EL2.En = 1. */
  load(vcpu: number, pcpu: number): void {
    const b = this.cpus[vcpu];
    if (b.ich !== null) throw new RangeError(`vcpu ${vcpu} is already loaded on pcpu ${b.loadedOn}`);
    const c = this.core.cpus[vcpu];
    const ich = this.frames.ich(pcpu);
    b.ich = ich;
    b.loadedOn = pcpu;
    c.pcpu = pcpu;
    const vtr = ich.readIch(IchReg.ICH_VTR_EL2);
    if (getField(vtr, ICH_VTR_PREbits) + 1 !== AP_REG_PREBITS)
      throw new RangeError(
        `pcpu ${pcpu}: ICH_VTR_EL2.PREbits + 1 != ${AP_REG_PREBITS}: more than ICH_AP0R0/AP1R0 to save`,
      );
    b.nrLr = getField(vtr, ICH_VTR_ListRegs) + 1;
    ich.writeIch(IchReg.ICH_VMCR_EL2, c.vmcr);
    ich.writeIch(IchReg.ICH_AP0R0_EL2, b.ap0r);
    ich.writeIch(IchReg.ICH_AP1R0_EL2, c.apr);
    ich.writeIch(IchReg.ICH_HCR_EL2, HCR_En);
  }

  /** vgic_v3_put + __vgic_v3_deactivate_traps: save VMCR and APRs, disable the interface. */
  put(vcpu: number): void {
    const b = this.cpus[vcpu];
    const ich = this.loaded(vcpu);
    if (b.inGuest) throw new RangeError(`vcpu ${vcpu}: put between flush and sync`);
    const c = this.core.cpus[vcpu];
    c.vmcr = ich.readIch(IchReg.ICH_VMCR_EL2);
    b.ap0r = ich.readIch(IchReg.ICH_AP0R0_EL2);
    c.apr = ich.readIch(IchReg.ICH_AP1R0_EL2);
    ich.writeIch(IchReg.ICH_HCR_EL2, 0);
    b.ich = null;
    b.loadedOn = NOT_LOADED;
  }

  /** The live ICH_VMCR_EL2 (kvm_vgic_vmcr_sync), refreshing the core's shadow. */
  vmcrSync(vcpu: number): void {
    const b = this.cpus[vcpu];
    if (b.ich !== null) this.core.cpus[vcpu].vmcr = b.ich.readIch(IchReg.ICH_VMCR_EL2);
  }

  /**
   * kvm_vgic_flush_hwstate: sort the ap_list, write the best entries into
   * the LRs (one each), program ICH_HCR_EL2 (En; on overflow UIE, LRENPIE
   * and TDIR for an active interrupt outside, NPIE for a pending one while
   * some LR is pending).
   */
  flush(vcpu: number): void {
    const core = this.core;
    if (!core.initialized) core.init();
    const b = this.cpus[vcpu];
    const ich = this.loaded(vcpu);
    if (b.inGuest) throw new RangeError(`vcpu ${vcpu}: flush twice without a sync`);
    core.counters.flushes++;
    const list = core.cpus[vcpu].apList;
    sortApList(list);
    let needed = 0;
    let active = false;
    for (let i = 0; i < list.length; i++) {
      if (core.oracle(list[i]) !== vcpu) continue;
      needed++;
      if (list[i].active) active = true;
    }
    if (needed > b.nrLr && active) {
      const ap0 = ich.readIch(IchReg.ICH_AP0R0_EL2);
      sortApList(list, runningPriority(ap0, ich.readIch(IchReg.ICH_AP1R0_EL2)));
      core.counters.overflowSorts++;
    }
    let count = 0;
    let activeOutside = false;
    let pendingOutside = false;
    for (let i = 0; i < list.length; i++) {
      const irq = list[i];
      if (core.oracle(irq) !== vcpu) continue; // the prune at the next sync moves or drops it
      if (count === b.nrLr) {
        if (irq.active) activeOutside = true;
        else pendingOutside = true;
        continue;
      }
      populateLrV3(core, this, vcpu, irq, count++);
    }
    b.usedLrs = count;
    b.inGuest = true;
    b.activeOutside = activeOutside;
    let hcr = HCR_En;
    if (activeOutside || pendingOutside) {
      core.counters.underflows++;
      hcr |= HCR_UIE;
      if (activeOutside) hcr |= HCR_LRENPIE;
      if (pendingOutside && this.anyPendingLr(b)) hcr |= HCR_NPIE;
    }
    // vgic_v3_configure_hcr (6.19): TDIR for an active interrupt outside the
    // LRs, and while any SPI is active in the VM (dist->active_spis): another
    // vcpu may deactivate it, and only a trap can reach the owner's LR
    if (activeOutside || this.anySpiActive()) hcr |= HCR_TDIR;
    ich.writeIch(IchReg.ICH_HCR_EL2, hcr >>> 0);
  }

  /**
   * kvm_vgic_sync_hwstate: read back the used LRs (ICH_ELRSR_EL2 says which
   * are empty without a read), clear them, fold; the EOIcount walk when an
   * active interrupt was outside; ICH_HCR_EL2 = En; prune.
   */
  sync(vcpu: number): void {
    const core = this.core;
    const b = this.cpus[vcpu];
    const ich = this.loaded(vcpu);
    core.counters.syncs++;
    const used = b.inGuest ? b.usedLrs : 0;
    const misr = ich.readIch(IchReg.ICH_MISR_EL2);
    this.traceSync(vcpu, used, misr, ich.readIch(IchReg.ICH_EISR_EL2));
    const elrsr = ich.readIch(IchReg.ICH_ELRSR_EL2);
    for (let n = 0; n < used; n++) {
      b.lrRead[n] = testBit(elrsr, n) ? (b.lrHi[n] & ~LR_STATE) >>> 0 : ich.readLrHi(n);
      ich.writeLr(n, 0, 0);
    }
    for (let n = 0; n < used; n++) b.lrIrq[n]!.active = false;
    for (let n = 0; n < used; n++) foldLrV3(core, b.lrIrq[n]!, b.lrRead[n], b.lrHi[n]);
    if (b.inGuest && b.activeOutside)
      this.eoiCountWalk(
        vcpu,
        getField(ich.readIch(IchReg.ICH_HCR_EL2), ICH_HCR_EOIcount),
        deactivateOutsideLrV3,
      );
    b.releaseLrs(used);
    ich.writeIch(IchReg.ICH_HCR_EL2, HCR_En);
    core.cpus[vcpu].vmcr = ich.readIch(IchReg.ICH_VMCR_EL2);
    core.pruneApList(vcpu);
  }

  /** Does the last flush of `vcpu` trap the guest's ICV_DIR_EL1 writes (ICH_HCR_EL2.TDIR)? */
  trapsDir(vcpu: number): boolean {
    const b = this.cpus[vcpu];
    return b.inGuest && b.ich !== null && (b.ich.readIch(IchReg.ICH_HCR_EL2) & HCR_TDIR) !== 0;
  }

  /** KVM's dist->active_spis != 0: an SPI is active (an active interrupt stays on its vcpu's ap_list). */
  private anySpiActive(): boolean {
    const cpus = this.core.cpus;
    for (let v = 0; v < cpus.length; v++) {
      const list = cpus[v].apList;
      for (let i = 0; i < list.length; i++) if (list[i].active && list[i].intid >= 32) return true;
    }
    return false;
  }

  /**
   * The guest's ICV_DIR_EL1 write trapped by TDIR (its exit synced the
   * vcpu): deactivate the interrupt as the hardware would have in an LR.
   * Ignored where the virtual interface ignores it: VEOIM = 0, a special
   * INTID, an interrupt not active. An SPI active on another vcpu
   * (vgic_v3_deactivate, 6.19) is ended as a GICD_ICACTIVER write would:
   * every vcpu in the guest exits and syncs, then it is deactivated.
   */
  deactivateTrapped(vcpu: number, value: number): void {
    const core = this.core;
    if (this.cpus[vcpu].inGuest) throw new RangeError(`vcpu ${vcpu}: trapped ICV_DIR_EL1 while in the guest`);
    core.counters.dirTraps++;
    if (!testBit(core.cpus[vcpu].vmcr, ICH_VMCR_VEOIM.lsb)) return;
    const id = value & INTID_MASK;
    const irq = id < core.nrIrqs ? core.getIrq(vcpu, id) : null;
    if (irq === null || !irq.active) return;
    const owner = irq.vcpu;
    if (owner === vcpu) {
      deactivateOutsideLrV3(core, irq);
      core.pruneApList(vcpu);
      return;
    }
    if (id < 32 || owner < 0) return; // a private interrupt of another vcpu is not this one's
    this.haltGuest();
    deactivateOutsideLrV3(core, irq);
    core.pruneApList(owner);
    this.resumeGuest();
  }

  /** This vcpu's backend state for a snapshot (the ICH registers themselves are hardware, saved by hw/gic). */
  saveCpu(vcpu: number): VgicBackendCpuState {
    const b = this.cpus[vcpu];
    const used = b.inGuest ? b.usedLrs : 0;
    const lrIntids: number[] = [];
    for (let n = 0; n < used; n++) lrIntids.push(b.lrIrq[n]!.intid);
    return {
      loadedOn: b.loadedOn,
      inGuest: b.inGuest,
      lrs: Array.from(b.lrHi.subarray(0, used)),
      ap0r: b.ap0r,
      lrIntids,
      numPriBits: b.numPriBits,
      numIdBits: b.numIdBits,
    };
  }

  /** Restore this vcpu's backend state (the core's part, ap_list included, is restored first). */
  restoreCpu(vcpu: number, s: VgicCpuState): void {
    const b = this.cpus[vcpu];
    const core = this.core;
    b.loadedOn = s.loadedOn;
    b.ich = s.loadedOn === NOT_LOADED ? null : this.frames.ich(s.loadedOn);
    b.nrLr = b.ich === null ? 0 : getField(b.ich.readIch(IchReg.ICH_VTR_EL2), ICH_VTR_ListRegs) + 1;
    b.inGuest = s.inGuest;
    b.halted = false;
    b.ap0r = s.ap0r ?? 0;
    const host = hostIccCounts(this.frames.ich(0).readIch(IchReg.ICH_VTR_EL2));
    b.numPriBits = s.numPriBits ?? host.numPriBits;
    b.numIdBits = s.numIdBits ?? host.numIdBits;
    b.usedLrs = s.lrs.length;
    b.lrIrq.fill(null);
    s.lrs.forEach((hi, n) => {
      const irq = core.getIrq(vcpu, s.lrIntids?.[n] ?? -1);
      if (irq === null) throw new RangeError(`snapshot names unknown INTID in LR ${n} of vcpu ${vcpu}`);
      b.lrHi[n] = hi;
      b.lrIrq[n] = irq;
      irq.onLr = true;
    });
    // what the flush decided from its LRs: an active interrupt it left outside
    b.activeOutside = s.inGuest && core.cpus[vcpu].apList.some((irq) => irq.active && !irq.onLr);
  }

  /** LrSinkV3: write ICH_LR<n>_EL2, the shadow, count and trace (`value`: bits [63:32]; `intid` is [31:0]). */
  writeLr(vcpu: number, n: number, irq: VgicIrq, lo: number, hi: number): void {
    const b = this.cpus[vcpu];
    b.ich!.writeLr(n, lo, hi);
    b.lrHi[n] = hi;
    this.recordLrWrite(vcpu, n, irq, hi);
  }

  private anyPendingLr(b: VgicV3Cpu): boolean {
    for (let n = 0; n < b.usedLrs; n++)
      if ((getField(b.lrHi[n], ICH_LR_State) & IchLrState.Pending) !== 0) return true;
    return false;
  }

  private loaded(vcpu: number): IchRegisters {
    const ich = this.cpus[vcpu].ich;
    if (ich === null) throw new RangeError(`vcpu ${vcpu} is not loaded`);
    return ich;
  }
}
