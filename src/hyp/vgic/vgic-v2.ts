// The GICv2 list-register backend (KVM's vgic-v2.c plus the flush/sync
// halves of vgic.c): vcpu load/put (GICH_HCR.En, VMCR, APR), flush before
// entry (sort the ap_list, populate the LRs, underflow), sync after exit
// (save the LRs, fold their state back, mapped-interrupt rules of the seed,
// prune; LR overflow: vgic-v2-overflow.ts). LR values are built and
// folded by vgic-v2-lr.ts. All GICH accesses go to the virtual interface of
// the physical cpu the vcpu is loaded on, through its typed registers
// (GichRegisters: no MMIO decoding per access). flush/sync allocate nothing.
//
// Mapped (HW) interrupts, seed item 5: when a flush signals one to the guest
// its physical interrupt is set active in the physical distributor. At sync
// the physical active state is read: still active -> the guest has not
// deactivated it; clear the physical active state (other users of the line
// see it again), no re-injection. Inactive -> the guest deactivated it (the
// HW LR forwarded the deactivation, GICv2 5.4.1): resample the line; a level
// interrupt whose line is still high stays pending and the next flush
// re-injects it. There is no software "mapped active" flag.
//
// Mapped edge interrupts (seed item 8, which the 2015 code left as a
// WARN_ON): pending is the latch, as for any edge interrupt; deactivation
// re-injects only edges latched meanwhile (no line to sample). An HW LR
// cannot be pending+active (GICv2 5.3.9) and raises no EOI maintenance, so an
// edge that arrives while the interrupt is active would wait for an
// unrelated exit. Instead such an interrupt (active with a latched edge) is
// written as a software LR (HW=0) in the pending+active state: the guest's
// EOI of the first instance shows it the second at once; the physical
// active state is still set at flush and cleared at sync, by the hypervisor.

import { isSgi } from '../../hw/gic/intid.ts';
import { fieldMask, getField, testBit } from '../../sim/bits.ts';
import type { GichRegFrames, GichRegisters } from './ports.ts';
import type { VgicCore } from './vgic.ts';
import { sortApList, type VgicIrq } from './vgic-irq.ts';
import { deactivateOutsideLr, foldLr, type LrSink, populateLr, showPending } from './vgic-v2-lr.ts';
import { lrsNeeded } from './vgic-v2-overflow.ts';
import { NOT_LOADED, VgicLrBackend, VgicLrCpu } from './vgic-lr-backend.ts';
import {
  GICH_HCR_EOICount,
  GICH_HCR_En,
  GICH_HCR_LRENPIE,
  GICH_HCR_NPIE,
  GICH_HCR_UIE,
  GICH_LRS_PER_STATUS_WORD,
  GICH_LR_CPUID,
  GICH_LR_State,
  GICH_LR_VirtualID,
  GICH_MAX_LRS,
  GICH_VMCR_VEM,
  GICH_VTR_ListRegs,
  LrState,
} from '../../hw/gic/virt-regs.ts';
import { virtRunningPriority } from '../../hw/gic/priority.ts';

const HCR_En_MASK = fieldMask(GICH_HCR_En);
const HCR_UIE_MASK = fieldMask(GICH_HCR_UIE);
const HCR_LRENPIE_MASK = fieldMask(GICH_HCR_LRENPIE);
const HCR_NPIE_MASK = fieldMask(GICH_HCR_NPIE);

const LR_STATE_MASK = fieldMask(GICH_LR_State);

/** Per-vcpu backend state (KVM's vgic_v2_cpu_if plus the LR shadow; activeOutside: LRENPIE set, GICV_DIR trapped). */
export class VgicV2Cpu extends VgicLrCpu {
  gich: GichRegisters | null = null;
  /** LR values as written at flush */
  readonly lrVal = new Uint32Array(GICH_MAX_LRS);

  constructor() {
    super(GICH_MAX_LRS);
  }
}

export class VgicV2 extends VgicLrBackend<VgicV2Cpu> implements LrSink {
  constructor(
    core: VgicCore,
    readonly frames: GichRegFrames,
  ) {
    super(core);
    for (let v = 0; v < core.nrVcpus; v++) this.cpus.push(new VgicV2Cpu());
  }

  /** vgic_v2_load (kvm_vgic_load): attach to `pcpu`'s GICH frame; restore VMCR and APR; GICH_HCR_En = 1. */
  load(vcpu: number, pcpu: number): void {
    const b = this.cpus[vcpu];
    if (b.gich !== null) throw new RangeError(`vcpu ${vcpu} is already loaded on pcpu ${b.loadedOn}`);
    const c = this.core.cpus[vcpu];
    const gich = this.frames.gichRegs(pcpu);
    b.gich = gich;
    b.loadedOn = pcpu;
    c.pcpu = pcpu;
    b.nrLr = getField(gich.readVTR(), GICH_VTR_ListRegs) + 1;
    gich.writeVMCR(c.vmcr);
    gich.writeAPR(c.apr);
    gich.writeHCR(HCR_En_MASK);
  }

  /** vgic_v2_put: save VMCR and APR, disable the virtual interface. */
  put(vcpu: number): void {
    const b = this.cpus[vcpu];
    const gich = this.loaded(vcpu);
    if (b.inGuest) throw new RangeError(`vcpu ${vcpu}: put between flush and sync`);
    const c = this.core.cpus[vcpu];
    c.vmcr = gich.readVMCR();
    c.apr = gich.readAPR();
    gich.writeHCR(0);
    b.gich = null;
    b.loadedOn = NOT_LOADED;
  }

  /** The live VMCR (kvm_vgic_vmcr_sync), refreshing the core's shadow. */
  vmcrSync(vcpu: number): void {
    const b = this.cpus[vcpu];
    if (b.gich !== null) this.core.cpus[vcpu].vmcr = b.gich.readVMCR();
  }

  /**
   * kvm_vgic_flush_hwstate: sort the ap_list (vgic_irq_cmp), write the best
   * entries into the LRs and program GICH_HCR. When everything fits: the
   * classic order and HCR = En. Otherwise (vgic-v2-overflow.ts): with an
   * active interrupt in flight the list is sorted again so that pending
   * interrupts that can preempt the guest come first; UIE (something waits
   * outside the LRs), LRENPIE (an active interrupt does: its EOI is seen
   * through EOICount, its DIR trapped), NPIE (a pending one does while
   * others are shown: exit once the guest has taken them).
   */
  flush(vcpu: number): void {
    const core = this.core;
    if (!core.initialized) core.init();
    const b = this.cpus[vcpu];
    const gich = this.loaded(vcpu);
    if (b.inGuest) throw new RangeError(`vcpu ${vcpu}: flush twice without a sync`);
    core.counters.flushes++;
    const list = core.cpus[vcpu].apList;
    sortApList(list);
    // KVM's summarize_ap_list: LRs needed, and whether one of them is active
    let needed = 0;
    let active = false;
    for (let i = 0; i < list.length; i++) {
      const irq = list[i];
      if (core.oracle(irq) !== vcpu) continue;
      needed += lrsNeeded(irq, showPending(core, irq));
      if (irq.active) active = true;
    }
    if (needed > b.nrLr && active) {
      sortApList(list, virtRunningPriority(gich.readAPR()));
      core.counters.overflowSorts++;
    }
    let count = 0;
    let overflow = false;
    let activeOutside = false;
    let pendingOutside = false;
    for (let i = 0; i < list.length; i++) {
      const irq = list[i];
      if (core.oracle(irq) !== vcpu) continue; // the prune at the next sync moves or drops it
      if (count === b.nrLr) {
        overflow = true;
        if (irq.active) activeOutside = true;
        else pendingOutside = true;
        continue;
      }
      count += populateLr(core, this, vcpu, irq, count, b.nrLr - count);
      // an SGI with more sources than free LRs keeps the rest in `source`
      if (isSgi(irq.intid) && irq.source !== 0 && showPending(core, irq)) {
        overflow = true;
        pendingOutside = true;
      }
    }
    b.usedLrs = count;
    b.inGuest = true;
    b.activeOutside = activeOutside;
    let hcr = HCR_En_MASK;
    if (overflow) {
      core.counters.underflows++;
      hcr |= HCR_UIE_MASK;
      if (activeOutside) hcr |= HCR_LRENPIE_MASK;
      // only while some LR is pending: with none, NP would hold at once
      if (pendingOutside && this.anyPendingLr(b)) hcr |= HCR_NPIE_MASK;
    }
    gich.writeHCR(hcr);
  }

  /**
   * kvm_vgic_sync_hwstate: read back every used LR (GICH_ELRSR says which
   * are empty without a read), clear them, fold their state into the
   * interrupts; if active interrupts were outside the LRs, deactivate one of
   * them per GICH_HCR.EOICount (the EOIcount walk); then GICH_HCR = En
   * (UIE, LRENPIE, NPIE and EOICount cleared) and prune the ap_list.
   */
  sync(vcpu: number): void {
    const core = this.core;
    const b = this.cpus[vcpu];
    const gich = this.loaded(vcpu);
    core.counters.syncs++;
    const used = b.inGuest ? b.usedLrs : 0;
    const misr = gich.readMISR();
    // GICH_EISR0 is only traced; GICH_ELRSR0 only needed with LRs to read back
    this.traceSync(vcpu, used, misr, core.opts.trace.enabled ? gich.readEISR(0) : 0);
    const elrsr0 = used > 0 ? gich.readELRSR(0) : 0;
    const elrsr1 = used > GICH_LRS_PER_STATUS_WORD ? gich.readELRSR(1) : 0;
    if (used > GICH_LRS_PER_STATUS_WORD) gich.readEISR(1);
    for (let n = 0; n < used; n++) {
      const empty =
        n < GICH_LRS_PER_STATUS_WORD ? testBit(elrsr0, n) : testBit(elrsr1, n - GICH_LRS_PER_STATUS_WORD);
      b.lrRead[n] = empty ? (b.lrVal[n] & ~LR_STATE_MASK) >>> 0 : gich.readLR(n);
      gich.writeLR(n, 0);
    }
    // an interrupt's active state is what its LRs say (an SGI may hold several)
    for (let n = 0; n < used; n++) b.lrIrq[n]!.active = false;
    for (let n = 0; n < used; n++) foldLr(core, b.lrIrq[n]!, b.lrRead[n], b.lrVal[n]);
    // EOImode 0 EOIs of interrupts in no LR (their DIRs, with EOImode 1, trapped: deactivateTrapped)
    if (b.inGuest && b.activeOutside)
      this.eoiCountWalk(vcpu, getField(gich.readHCR(), GICH_HCR_EOICount), deactivateOutsideLr);
    b.releaseLrs(used);
    gich.writeHCR(HCR_En_MASK);
    core.cpus[vcpu].vmcr = gich.readVMCR();
    core.pruneApList(vcpu);
  }

  /** Has the last flush of `vcpu` the guest's GICV_DIR page trapped (an active interrupt outside the LRs)? */
  trapsGicvDir(vcpu: number): boolean {
    const b = this.cpus[vcpu];
    return b.inGuest && b.activeOutside;
  }

  /**
   * The guest's trapped GICV_DIR write (KVM's DIR trap on GICv2): its exit
   * synced the vcpu, so the interrupt is in no LR; deactivate it as the
   * hardware would have in an LR. Ignored where the virtual interface
   * ignores it: EOImode 0, a special INTID, an interrupt not active on this
   * vcpu's ap_list (the interface deactivates only its own LRs), an SGI
   * whose active instance came from another source.
   */
  deactivateTrapped(vcpu: number, value: number): void {
    const core = this.core;
    if (this.cpus[vcpu].inGuest) throw new RangeError(`vcpu ${vcpu}: trapped GICV_DIR while in the guest`);
    core.counters.dirTraps++;
    if (!testBit(core.cpus[vcpu].vmcr, GICH_VMCR_VEM.lsb)) return;
    const irq = core.getIrq(vcpu, getField(value, GICH_LR_VirtualID));
    if (irq === null || !irq.active || irq.vcpu !== vcpu) return;
    if (isSgi(irq.intid) && irq.activeSource !== getField(value, GICH_LR_CPUID)) return;
    deactivateOutsideLr(core, irq);
    core.pruneApList(vcpu);
  }

  // ---- LRs ---------------------------------------------------------------

  /** LrSink: write GICH_LRn, the shadow, count and trace. */
  writeLr(vcpu: number, n: number, irq: VgicIrq, val: number): void {
    const b = this.cpus[vcpu];
    b.gich!.writeLR(n, val);
    b.lrVal[n] = val;
    this.recordLrWrite(vcpu, n, irq, val);
  }

  /** Some LR written by this flush shows a pending interrupt. */
  private anyPendingLr(b: VgicV2Cpu): boolean {
    for (let n = 0; n < b.usedLrs; n++)
      if ((getField(b.lrVal[n], GICH_LR_State) & LrState.Pending) !== 0) return true;
    return false;
  }

  private loaded(vcpu: number): GichRegisters {
    const g = this.cpus[vcpu].gich;
    if (g === null) throw new RangeError(`vcpu ${vcpu} is not loaded`);
    return g;
  }
}
