// The half of a list-register backend that does not depend on the LR format
// (KVM's vgic.c around vgic-v2.c and vgic-v3.c): what the last flush of a
// vcpu wrote (VgicLrCpu), halting and resuming the vcpus in the guest, the
// sync trace, the EOIcount walk over active interrupts outside the LRs, the
// release of the LRs at the end of a sync and the record of an LR write.
// What stays apart in vgic-v2.ts and vgic-v3.ts is architectural: how the
// LRs are reached (GICH MMIO frame vs ICH_* system registers), how many LRs an
// interrupt takes (GICv2 SGIs one per source, GICv3 one), the underflow bits
// (GICv3 traps ICV_DIR_EL1 with ICH_HCR_EL2.TDIR, GICv2 unmaps GICV_DIR) and
// the LR value's encoding (vgic-v2-lr.ts, vgic-v3-lr.ts).

import type { VgicCore } from './vgic.ts';
import type { VgicIrq } from './vgic-irq.ts';
import { nextActiveOutside } from './vgic-v2-overflow.ts';

/** pcpu of a vcpu that is not loaded */
export const NOT_LOADED = -1;

/** Per-vcpu LR bookkeeping of a backend (KVM's vgic_v2_cpu_if / vgic_v3_cpu_if, less the registers). */
export class VgicLrCpu {
  /** pcpu whose virtual interface is in use, NOT_LOADED if none */
  loadedOn = NOT_LOADED;
  /** the number of LRs of that interface (GICH_VTR / ICH_VTR_EL2 ListRegs + 1) */
  nrLr = 0;
  /** LRs written by the last flush */
  usedLrs = 0;
  /** flushed and not yet synced: the LRs are live */
  inGuest = false;
  /** synced by a halt (GICD_I[SC]ACTIVER from another vcpu), to be re-flushed */
  halted = false;
  /** the last flush left an active interrupt outside the LRs (its deactivation is trapped) */
  activeOutside = false;
  /** LR values as read back at sync */
  readonly lrRead: Uint32Array;
  /** the interrupt each used LR holds */
  readonly lrIrq: (VgicIrq | null)[];

  constructor(maxLrs: number) {
    this.lrRead = new Uint32Array(maxLrs);
    this.lrIrq = new Array<VgicIrq | null>(maxLrs).fill(null);
  }

  /** The end of a sync: the `used` LRs hold nothing, the vcpu is out of the guest. */
  releaseLrs(used: number): void {
    for (let n = 0; n < used; n++) {
      this.lrIrq[n]!.onLr = false;
      this.lrIrq[n] = null;
    }
    this.usedLrs = 0;
    this.inGuest = false;
    this.activeOutside = false;
  }
}

/** How a backend deactivates an interrupt that is in no LR (vgic-v2-lr.ts, vgic-v3-lr.ts). */
export type DeactivateOutsideLr = (core: VgicCore, irq: VgicIrq) => void;

export abstract class VgicLrBackend<C extends VgicLrCpu> {
  readonly cpus: C[] = [];

  constructor(readonly core: VgicCore) {}

  abstract flush(vcpu: number): void;
  abstract sync(vcpu: number): void;

  /**
   * kvm_arm_halt_guest for a guest GICD_I[SC]ACTIVER access: every vcpu in
   * the guest exits and syncs, so its LRs cannot race with the change and a
   * read sees them (the requester trapped, so it has synced already). The
   * state moves at once (zero virtual time); the exit itself, KVM's IPI
   * for KVM_REQ_SLEEP, is still taken: each halted vcpu is kicked, so its
   * cost shows as a 'kick' exit and its re-entry.
   */
  haltGuest(): void {
    for (let v = 0; v < this.cpus.length; v++) {
      const b = this.cpus[v];
      if (!b.inGuest) continue;
      this.sync(v);
      b.halted = true;
      this.core.counters.halts++;
    }
  }

  /** kvm_arm_resume_guest: the halted vcpus re-enter, flushing the changed state. */
  resumeGuest(): void {
    for (let v = 0; v < this.cpus.length; v++) {
      const b = this.cpus[v];
      if (!b.halted) continue;
      b.halted = false;
      this.flush(v);
      this.core.opts.kicker.kick(v);
    }
  }

  /** Count a sync and trace it (with the maintenance interrupt's cause, if any). */
  protected traceSync(vcpu: number, used: number, misr: number, eisr: number): void {
    const core = this.core;
    if (misr !== 0) core.counters.maintenance++;
    const tr = core.opts.trace;
    if (tr.enabled) {
      if (misr !== 0) tr.emit({ kind: 'vgic-maint', t: core.opts.clock.now, cpu: vcpu, misr });
      tr.emit({ kind: 'vgic-sync', t: core.opts.clock.now, cpu: vcpu, usedLrs: used, misr, eisr });
    }
  }

  /**
   * The EOIcount walk (vgic-v2-overflow.ts): the guest's EOIs (EOImode 0) of
   * interrupts in no LR, `eoiCount` of them, deactivate the active ones
   * outside the LRs in the order the guest drops priorities.
   */
  protected eoiCountWalk(vcpu: number, eoiCount: number, deactivate: DeactivateOutsideLr): void {
    const core = this.core;
    const list = core.cpus[vcpu].apList;
    for (let k = eoiCount; k > 0; k--) {
      const irq = nextActiveOutside(list, vcpu);
      if (irq === null) break;
      deactivate(core, irq);
      core.counters.eoiCountDeactivations++;
    }
  }

  /** Keep what an LR write put in LR `n` of `vcpu`, count and trace it (`value`: the LR, or its high word for GICv3). */
  protected recordLrWrite(vcpu: number, n: number, irq: VgicIrq, value: number): void {
    const b = this.cpus[vcpu];
    b.lrIrq[n] = irq;
    irq.onLr = true;
    const core = this.core;
    core.counters.lrWrites++;
    if (core.opts.trace.enabled)
      core.opts.trace.emit({
        kind: 'vgic-lr',
        t: core.opts.clock.now,
        cpu: vcpu,
        lr: n,
        intid: irq.intid,
        value,
      });
  }
}
