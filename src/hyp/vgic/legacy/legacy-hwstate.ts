// Flush and sync of the legacy vgic (Linux 4.2/4.3 vgic.c):
// __kvm_vgic_flush_hwstate with vgic_queue_sgi / vgic_queue_hwirq /
// vgic_queue_irq / vgic_queue_irq_to_lr, and __kvm_vgic_sync_hwstate with
// vgic_process_maintenance, vgic_sync_hwirq (pre-seed: map->active; with
// the seed: two branches, the inactive one through process_level_irq) and
// the release of empty LRs.

import { PRIVATE_COUNT, SGI_COUNT, type IntId } from '../../../hw/gic/intid.ts';
import type { LegacyDist } from './legacy-dist.ts';
import {
  LR_ACTIVE_BIT,
  LR_EMPTY,
  LR_PENDING_BIT,
  type LegacyCpuIf,
  lrCleared,
  lrHwirq,
  lrIrq,
  lrIsHw,
  lrSource,
  lrState,
  LR_CPUID,
  LR_EOI_BIT,
  LR_HW_BIT,
  LR_PHYSICALID,
  MISR_EOI,
  MISR_U,
} from './legacy-lr.ts';

export class LegacyHwstate {
  constructor(
    readonly d: LegacyDist,
    readonly cpus: readonly LegacyCpuIf[],
  ) {}

  /** A WARN_ON()/BUG_ON() of the era: counted, traced as a note; the run goes on. */
  warn(vcpu: number, text: string): void {
    this.d.counters.warnings++;
    const tr = this.d.opts.trace;
    if (tr.enabled) tr.emit({ kind: 'note', t: this.d.opts.clock.now, cpu: vcpu, text: `WARN_ON: ${text}` });
  }

  private setLr(v: number, n: number, val: number): void {
    const c = this.cpus[v];
    c.setLr(n, val);
    this.d.counters.lrWrites++;
    const tr = this.d.opts.trace;
    if (tr.enabled)
      tr.emit({
        kind: 'vgic-lr',
        t: this.d.opts.clock.now,
        cpu: v,
        lr: n,
        intid: lrIrq(val),
        value: c.traceValue(val),
      });
  }

  // ---- flush ----------------------------------------------------------------

  /** __kvm_vgic_flush_hwstate, then the world switch's LR restore. */
  flush(v: number): void {
    const d = this.d;
    if (!d.initialized) d.init();
    const c = this.cpus[v];
    if (c.inGuest) throw new RangeError(`vcpu ${v}: flush twice without a sync`);
    d.counters.flushes++;
    let overflow = false;
    if (d.pendingOnCpu[v] !== 0 || d.activeOnCpu[v] !== 0) {
      for (let i = 0; i < d.nrIrqs; i++) {
        if (!d.cpuPending.get(v, i) && !d.cpuActive.get(v, i)) continue;
        const ok = i < SGI_COUNT ? this.queueSgi(v, i) : this.queueHwirq(v, i);
        if (!ok) overflow = true;
      }
    }
    if (overflow) {
      c.enableUnderflow();
      d.counters.underflows++;
    } else {
      c.disableUnderflow();
      // "we've consumed everything the distributor had in store for us"
      d.pendingOnCpu[v] = 0;
    }
    c.restoreToHw();
  }

  /**
   * vgic_queue_sgi (GICv2 model): one LR per pending source; the pending
   * bit cleared once every source is queued. vgic_v3_queue_sgi (GICv3
   * model): one LR with source 0, whoever sent it.
   */
  private queueSgi(v: number, sgi: number): boolean {
    const d = this.d;
    if (d.v3) {
      if (!this.queueIrq(v, 0, sgi)) return false;
      d.irqPending.set(v, sgi, false);
      d.cpuPending.set(v, sgi, false);
      return true;
    }
    let sources = d.sgiSources[v][sgi];
    for (let s = 0; s < d.nrVcpus; s++)
      if ((sources & (1 << s)) !== 0 && this.queueIrq(v, s, sgi)) sources &= ~(1 << s);
    d.sgiSources[v][sgi] = sources;
    if (sources !== 0) return false;
    d.irqPending.set(v, sgi, false);
    d.cpuPending.set(v, sgi, false);
    return true;
  }

  /**
   * vgic_queue_hwirq: a level interrupt already queued is "in progress"
   * (nothing to do); once queued, an edge interrupt's pending bit is
   * cleared (the LR holds it now), a level one is marked queued.
   */
  private queueHwirq(v: number, irq: number): boolean {
    const d = this.d;
    if (!d.canSample(v, irq)) return true;
    if (!this.queueIrq(v, 0, irq)) return false;
    if (d.isEdge(v, irq)) {
      d.irqPending.set(v, irq, false);
      d.cpuPending.set(v, irq, false);
    } else d.irqQueued.set(v, irq, true);
    return true;
  }

  /** vgic_queue_irq: piggy-back on the LR of the same IRQ and source, else take a free LR. */
  private queueIrq(v: number, source: number, irq: number): boolean {
    const c = this.cpus[v];
    let n = c.lrMap[irq];
    if (n !== LR_EMPTY && lrSource(c.lr[n]) === source) {
      this.queueIrqToLr(v, irq, n, c.lr[n]);
      return true;
    }
    n = c.firstFreeLr();
    if (n === LR_EMPTY) return false;
    c.lrMap[irq] = n;
    c.used[n] = 1;
    this.queueIrqToLr(v, irq, n, (irq | (source << LR_CPUID.lsb)) >>> 0);
    return true;
  }

  /**
   * vgic_queue_irq_to_lr: active in the distributor (GICD_ISACTIVER) ->
   * the LR gets the active bit and the distributor's is cleared; otherwise
   * pending (WARN_ON if the distributor does not say pending). Level: EOI
   * bit. Mapped: HW + PhysicalID, no EOI, and queued ("a HW-backed
   * interrupt cannot be in the pending_active state").
   */
  private queueIrqToLr(v: number, irq: number, n: number, vlr: number): void {
    const d = this.d;
    let val = vlr;
    if (d.irqActive.get(v, irq)) {
      val |= LR_ACTIVE_BIT;
      d.irqActive.set(v, irq, false);
      d.updateState();
    } else {
      if (!d.irqPending.get(v, irq)) this.warn(v, `vgic_queue_irq_to_lr: IRQ ${irq} queued but not pending`);
      val |= LR_PENDING_BIT;
    }
    if (!d.isEdge(v, irq)) val |= LR_EOI_BIT;
    const map = irq >= SGI_COUNT ? d.mapOf(v, irq) : undefined;
    if (map !== undefined) {
      val = (val | LR_HW_BIT | (map.phys << LR_PHYSICALID.lsb)) & ~LR_EOI_BIT;
      d.irqQueued.set(v, irq, true);
    }
    this.setLr(v, n, val >>> 0);
  }

  // ---- sync -----------------------------------------------------------------

  /** The world switch's LR save, then __kvm_vgic_sync_hwstate. */
  sync(v: number): void {
    const d = this.d;
    const c = this.cpus[v];
    d.counters.syncs++;
    c.saveFromHw();
    if (c.misr !== 0) d.counters.maintenance++;
    const tr = d.opts.trace;
    if (tr.enabled) {
      const t = d.opts.clock.now;
      let eisr = 0;
      for (let n = 0; n < Math.min(c.nrLr, 32); n++) if (c.eisr[n] !== 0) eisr |= 1 << n;
      if (c.misr !== 0) tr.emit({ kind: 'vgic-maint', t, cpu: v, misr: c.misr });
      let used = 0;
      for (let n = 0; n < c.nrLr; n++) used += c.used[n];
      tr.emit({ kind: 'vgic-sync', t, cpu: v, usedLrs: used, misr: c.misr, eisr: eisr >>> 0 });
    }
    let levelPending = this.processMaintenance(v);
    // Deal with HW interrupts, and clear mappings for empty LRs
    for (let n = 0; n < c.nrLr; n++) {
      if (c.used[n] === 0) continue;
      const vlr = c.lr[n];
      if (lrIsHw(vlr)) {
        if (d.opts.seed) {
          if (this.syncHwirqSeed(v, n, vlr)) levelPending = true;
        } else if (this.syncHwirq42(v, vlr)) {
          // "a HW interrupt that the guest EOI-ed: clean the LR state and allow it to be sampled again"
          this.setLr(v, n, lrCleared(vlr));
          d.irqQueued.set(v, lrIrq(vlr), false);
        }
      }
      if (c.elrsr[n] === 0) continue;
      c.used[n] = 0;
      c.lrMap[lrIrq(c.lr[n])] = LR_EMPTY;
    }
    // "Check if we still have something up our sleeve..."
    if (levelPending || c.anyLive()) d.pendingOnCpu[v] = 1;
  }

  /** vgic_process_maintenance: each EOI'd level LR (GICH_EISR) is resampled; underflow off. */
  private processMaintenance(v: number): boolean {
    const c = this.cpus[v];
    let levelPending = false;
    if ((c.misr & MISR_EOI) !== 0) {
      for (let n = 0; n < c.nrLr; n++) {
        if (c.eisr[n] === 0) continue;
        const vlr = c.lr[n];
        const irq = lrIrq(vlr);
        if (this.d.isEdge(v, irq))
          this.warn(v, `vgic_process_maintenance: EOI maintenance for edge IRQ ${irq}`);
        if (lrState(vlr) !== 0) this.warn(v, `vgic_process_maintenance: EOI'd LR ${n} still has state`);
        this.d.counters.eoiMaintenance++;
        if (this.processLevelIrq(v, n, vlr)) levelPending = true;
      }
    }
    if ((c.misr & MISR_U) !== 0) c.disableUnderflow();
    c.eisr.fill(0);
    return levelPending;
  }

  /**
   * process_level_irq (the seed's name for what 4.2's maintenance loop did
   * inline): the LR is emptied, the soft pend and the queued bit cleared,
   * the ack notified (SPIs); a line still high keeps the interrupt pending
   * and marks it for the next flush, a low one clears pending.
   */
  private processLevelIrq(v: number, n: number, vlr: number): boolean {
    const d = this.d;
    const irq = lrIrq(vlr);
    this.setLr(v, n, lrCleared(vlr));
    d.irqSoftPend.set(v, irq, false);
    d.irqQueued.set(v, irq, false);
    if (irq >= PRIVATE_COUNT) d.opts.ackNotifier?.notifyAcked(irq as IntId);
    if (d.irqLevel.get(v, irq)) {
      d.cpuPending.set(v, irq, true);
      return true;
    }
    d.irqPending.set(v, irq, false);
    d.cpuPending.set(v, irq, false);
    return false;
  }

  private physActive(v: number, phys: number): boolean {
    return this.d.opts.phys.isActive(this.cpus[v].loadedOn, phys as IntId);
  }

  private clearPhysActive(v: number, phys: number): void {
    const pcpu = this.cpus[v].loadedOn;
    this.d.opts.phys.setActive(pcpu, phys as IntId, false);
    this.d.counters.physActiveChanges++;
    const tr = this.d.opts.trace;
    if (tr.enabled)
      tr.emit({ kind: 'vgic-phys-active', t: this.d.opts.clock.now, cpu: pcpu, intid: phys, active: false });
  }

  /**
   * vgic_sync_hwirq before the seed (4.2): map->active = the physical
   * active state; still active -> clear it, keep the LR (0); inactive ->
   * the guest deactivated it: 1 (the caller empties the LR and clears
   * queued). BUG_ON(!map || !map->active) is recorded, not fatal.
   */
  private syncHwirq42(v: number, vlr: number): boolean {
    const irq = lrIrq(vlr);
    const map = this.d.mapOf(v, irq);
    if (map === undefined || !map.active)
      this.warn(v, `vgic_sync_hwirq: BUG_ON(!map || !map->active) for IRQ ${irq}`);
    if (map === undefined) return true;
    const phys = lrHwirq(vlr);
    map.active = this.physActive(v, phys);
    if (map.active) {
      this.clearPhysActive(v, phys);
      return false;
    }
    return true;
  }

  /**
   * vgic_sync_hwirq with the seed (4.3): physically still active -> the
   * guest has not deactivated it: clear the physical active state ("so that
   * other VMs can see interrupts from this device"), no re-injection.
   * Inactive -> WARN_ON for an edge interrupt ("Mapped edge-triggered
   * interrupts not yet supported"), then process_level_irq anyway: an edge
   * latched meanwhile is dropped with the LR.
   */
  private syncHwirqSeed(v: number, n: number, vlr: number): boolean {
    const irq = lrIrq(vlr);
    const phys = lrHwirq(vlr);
    if (this.physActive(v, phys)) {
      this.clearPhysActive(v, phys);
      return false;
    }
    if (this.d.isEdge(v, irq))
      this.warn(v, `vgic_sync_hwirq: mapped edge-triggered IRQ ${irq} not supported`);
    return this.processLevelIrq(v, n, vlr);
  }
}
