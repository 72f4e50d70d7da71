// The distributor state of the legacy vgic (Linux 4.2/4.3
// virt/kvm/arm/vgic.c, struct vgic_dist and the per-vcpu summaries of
// struct vgic_cpu), and the functions that act on it alone: injection
// (vgic_update_irq_pending), the per-cpu summaries (vgic_update_state,
// compute_pending_for_cpu, compute_active_for_cpu) and vgic_init's
// initial configuration. The LRs are in legacy-lr.ts.
//
// Pending is stored (irq_pending), not computed: a level interrupt's
// pending bit follows its line (irq_level) unless soft-pended by
// GICD_ISPENDR (irq_soft_pend); an edge interrupt's pending bit is the
// latch. A level interrupt in an LR is `queued` and not sampled again until
// the guest deactivates it (EOI maintenance or, post-seed, the HW sync).

import { isPrivate, isSgi, PRIVATE_COUNT, SGI_COUNT } from '../../../hw/gic/intid.ts';
import type { Clock } from '../../../hw/mmio.ts';
import type { TraceSink } from '../../../sim/trace/sink.ts';
import { newCounters, type VgicCounters } from '../counters.ts';
import type { AckNotifier, PhysIrqChip, VcpuKicker } from '../ports.ts';
import type { InjectResult } from '../facade.ts';
import { CpuBitmap, IrqBitmap } from './bitmap.ts';

export interface LegacyVgicOptions {
  readonly nrVcpus: number;
  readonly nrSpis: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
  readonly phys: PhysIrqChip;
  readonly kicker: VcpuKicker;
  readonly ackNotifier?: AckNotifier;
  /**
   * The seed applied (Linux 4.3): PPIs level at vgic_init, vgic_sync_hwirq
   * resamples through process_level_irq, no map->active. false = 4.2.
   */
  readonly seed: boolean;
  /**
   * The guest's GIC is a GICv3 (KVM_DEV_TYPE_ARM_VGIC_V3, vgic-v3-emul.c):
   * SGIs have no source, SPIs are routed by GICD_IROUTER (irq_spi_mpidr).
   */
  readonly v3Model?: boolean;
}

/** irq_spi_cpu of an SPI routed to an affinity no vcpu has (VCPU_NOT_ALLOCATED) */
export const SPI_NO_VCPU = 0xff;

/** A physical mapping (struct irq_phys_map); `active` is 4.2's map->active. */
export interface PhysMap {
  phys: number;
  active: boolean;
}

export class LegacyDist {
  readonly nrVcpus: number;
  readonly nrSpis: number;
  readonly nrIrqs: number;
  readonly counters: VgicCounters = newCounters();
  initialized = false;
  /** GICD_CTLR.Enable (dist->enabled) */
  enabled = false;

  readonly irqEnabled: IrqBitmap;
  readonly irqLevel: IrqBitmap;
  readonly irqPending: IrqBitmap;
  readonly irqSoftPend: IrqBitmap;
  readonly irqQueued: IrqBitmap;
  readonly irqActive: IrqBitmap;
  /** set = edge (VGIC_CFG_EDGE) */
  readonly irqCfg: IrqBitmap;
  /** GICD_IPRIORITYR bytes: private per vcpu, then SPIs (all 8 bits kept) */
  readonly priority: Uint8Array[] = [];
  readonly spiPriority: Uint8Array;
  /** irq_spi_cpu: the vcpu an SPI goes to (SPI_NO_VCPU: none, GICv3 model) */
  readonly spiTarget: Uint8Array;
  /** irq_spi_mpidr (GICv3 model): GICD_IROUTER<n> as compress_mpidr keeps it (Aff3..Aff0 in [31:24]..[7:0]) */
  readonly spiMpidr: Uint32Array;
  /** the GICv3 model (vgic-v3-emul.c) */
  readonly v3: boolean;
  /** irq_sgi_sources[vcpu][sgi]: source cpus with a pending instance */
  readonly sgiSources: Uint8Array[] = [];

  /** vgic_cpu->pending_percpu/pending_shared: what the next flush queues, per vcpu */
  readonly cpuPending: CpuBitmap;
  /** vgic_cpu->active_percpu/active_shared */
  readonly cpuActive: CpuBitmap;
  /** dist->irq_pending_on_cpu: kvm_vgic_vcpu_pending_irq */
  readonly pendingOnCpu: Uint8Array;
  /** dist->irq_active_on_cpu */
  readonly activeOnCpu: Uint8Array;
  /** irq_phys_map lists: per vcpu for PPIs, shared for SPIs (key vcpu*1024+intid) */
  readonly maps = new Map<number, PhysMap>();
  /** in-kernel owners (later KVM; injections from others are ignored) */
  readonly owners = new Map<number, string>();

  constructor(readonly opts: LegacyVgicOptions) {
    const { nrVcpus, nrSpis } = opts;
    const v3 = opts.v3Model === true;
    // GICv2: 8 cpu interfaces; GICv3: irq_spi_cpu is a u8 with VCPU_NOT_ALLOCATED = 0xff ("this limits the number of VCPUs to 255")
    const maxVcpus = v3 ? SPI_NO_VCPU : 8;
    if (!Number.isInteger(nrVcpus) || nrVcpus < 1 || nrVcpus > maxVcpus)
      throw new RangeError(
        `${v3 ? 'the old vgic-v3' : 'vgic-v2'} supports 1..${maxVcpus} vcpus, got ${nrVcpus}`,
      );
    if (!Number.isInteger(nrSpis) || nrSpis < 0 || nrSpis % 32 !== 0 || PRIVATE_COUNT + nrSpis > 1020)
      throw new RangeError(`nrSpis must be a multiple of 32 with 32 + nrSpis <= 1020, got ${nrSpis}`);
    this.nrVcpus = nrVcpus;
    this.nrSpis = nrSpis;
    this.v3 = v3;
    this.nrIrqs = PRIVATE_COUNT + nrSpis;
    const bm = () => new IrqBitmap(nrVcpus, nrSpis);
    this.irqEnabled = bm();
    this.irqLevel = bm();
    this.irqPending = bm();
    this.irqSoftPend = bm();
    this.irqQueued = bm();
    this.irqActive = bm();
    this.irqCfg = bm();
    this.cpuPending = new CpuBitmap(nrVcpus, this.nrIrqs);
    this.cpuActive = new CpuBitmap(nrVcpus, this.nrIrqs);
    for (let v = 0; v < nrVcpus; v++) {
      this.priority.push(new Uint8Array(PRIVATE_COUNT));
      this.sgiSources.push(new Uint8Array(SGI_COUNT));
    }
    this.spiPriority = new Uint8Array(nrSpis);
    this.spiTarget = new Uint8Array(nrSpis);
    // vgic_v3_init_model: every SPI routed to vcpu 0's affinity (0.0.0.0)
    this.spiMpidr = new Uint32Array(nrSpis);
    this.pendingOnCpu = new Uint8Array(nrVcpus);
    this.activeOnCpu = new Uint8Array(nrVcpus);
  }

  exists(vcpu: number, intid: number): boolean {
    if (!Number.isInteger(intid) || intid < 0 || intid >= this.nrIrqs) return false;
    return !isPrivate(intid) || (vcpu >= 0 && vcpu < this.nrVcpus);
  }

  isEdge(vcpu: number, intid: number): boolean {
    return this.irqCfg.get(vcpu, intid);
  }

  /** The vcpu whose state an interrupt is delivered to (SPIs: irq_spi_cpu). */
  targetOf(vcpu: number, intid: number): number {
    return isPrivate(intid) ? vcpu : this.spiTarget[intid - PRIVATE_COUNT];
  }

  getPriority(vcpu: number, intid: number): number {
    return isPrivate(intid) ? this.priority[vcpu][intid] : this.spiPriority[intid - PRIVATE_COUNT];
  }

  mapKey(vcpu: number, intid: number): number {
    return isPrivate(intid) ? vcpu * 1024 + intid : -intid;
  }

  mapOf(vcpu: number, intid: number): PhysMap | undefined {
    return this.maps.get(this.mapKey(vcpu, intid));
  }

  /**
   * vgic_init: SGIs enabled; SGIs edge; PPIs edge before the seed, level
   * with it (the seed's vgic_init hunk); SPIs target vcpu 0, level
   * (vgicsim's board convention, as for the new vgic).
   */
  init(): void {
    if (this.initialized) return;
    for (let v = 0; v < this.nrVcpus; v++)
      for (let i = 0; i < PRIVATE_COUNT; i++) {
        if (i < SGI_COUNT) this.irqEnabled.set(v, i, true);
        this.irqCfg.set(v, i, i < SGI_COUNT || !this.opts.seed);
      }
    this.initialized = true;
  }

  /** vgic_can_sample_irq: an edge, or a level interrupt not already in an LR. */
  canSample(vcpu: number, intid: number): boolean {
    return this.isEdge(vcpu, intid) || !this.irqQueued.get(vcpu, intid);
  }

  /**
   * vgic_update_irq_pending (kvm_vgic_inject_irq / inject_mapped_irq).
   * vgic_validate_injection: edge -> level > pending; level -> level !=
   * irq_level. Raising sets irq_level (level) and irq_pending; lowering a
   * level interrupt clears irq_level and, unless soft-pended, irq_pending;
   * lowering an edge does nothing. A raised, enabled interrupt that can be
   * sampled is marked for its vcpu's next flush and the vcpu kicked.
   * GICD_CTLR.Enable is not consulted here (it gates vgic_update_state only).
   */
  inject(vcpu: number | null, intid: number, level: boolean, owner: string | null): InjectResult {
    if (isSgi(intid)) return 'invalid';
    if (isPrivate(intid) && vcpu === null) return 'invalid';
    if (!this.exists(vcpu ?? 0, intid)) return 'invalid';
    if (!this.initialized) this.init();
    let v = this.targetOf(vcpu ?? 0, intid);
    // vgic_update_irq_pending: an SPI routed to no vcpu "pretends we use CPU0, and prevents injection"
    const routed = v !== SPI_NO_VCPU;
    if (!routed) v = 0;
    const edge = this.isEdge(v, intid);
    let accepted = (this.owners.get(this.mapKey(v, intid)) ?? null) === owner;
    if (accepted)
      accepted = edge ? level && !this.irqPending.get(v, intid) : level !== this.irqLevel.get(v, intid);
    const tr = this.opts.trace;
    if (tr.enabled)
      tr.emit({
        kind: 'vgic-inject',
        t: this.opts.clock.now,
        cpu: isPrivate(intid) ? v : -1,
        intid,
        level,
        accepted,
      });
    if (!accepted) return 'ignored';
    this.counters.injections++;
    if (level) {
      if (!edge) this.irqLevel.set(v, intid, true);
      this.irqPending.set(v, intid, true);
    } else {
      // only a level interrupt gets here (lowering an edge fails validation)
      this.irqLevel.set(v, intid, false);
      if (!this.irqSoftPend.get(v, intid)) {
        this.irqPending.set(v, intid, false);
        this.cpuPending.set(v, intid, false);
      }
      return 'ok';
    }
    if (!routed || !this.irqEnabled.get(v, intid) || !this.canSample(v, intid)) return 'ok';
    this.cpuPending.set(v, intid, true);
    this.pendingOnCpu[v] = 1;
    this.kick(v);
    return 'ok';
  }

  kick(vcpu: number): void {
    this.counters.kicks++;
    this.opts.kicker.kick(vcpu);
  }

  /**
   * vgic_update_state: with the distributor disabled, only
   * "irq_pending_on_cpu |= vcpu 0" (as the code did); otherwise recompute
   * every vcpu's pending and active summaries.
   */
  updateState(): void {
    if (!this.enabled) {
      this.pendingOnCpu[0] = 1;
      return;
    }
    for (let v = 0; v < this.nrVcpus; v++) {
      if (this.computePending(v)) this.pendingOnCpu[v] = 1;
      this.activeOnCpu[v] = this.computeActive(v) ? 1 : 0;
    }
  }

  /** compute_pending_for_cpu: pending & enabled (& targeted, SPIs) into the vcpu's summary. */
  computePending(v: number): boolean {
    let any = false;
    for (let i = 0; i < this.nrIrqs; i++) {
      const p =
        this.irqPending.get(v, i) &&
        this.irqEnabled.get(v, i) &&
        (i < PRIVATE_COUNT || this.spiTarget[i - PRIVATE_COUNT] === v);
      this.cpuPending.set(v, i, p);
      if (p) any = true;
    }
    return any;
  }

  /** compute_active_for_cpu: active & enabled (& targeted, SPIs). */
  computeActive(v: number): boolean {
    let any = false;
    for (let i = 0; i < this.nrIrqs; i++) {
      const a =
        this.irqActive.get(v, i) &&
        this.irqEnabled.get(v, i) &&
        (i < PRIVATE_COUNT || this.spiTarget[i - PRIVATE_COUNT] === v);
      this.cpuActive.set(v, i, a);
      if (a) any = true;
    }
    return any;
  }

  /** vgic_kick_vcpus: after a distributor write, kick every vcpu with something pending. */
  kickVcpus(): void {
    for (let v = 0; v < this.nrVcpus; v++) if (this.pendingOnCpu[v] !== 0) this.kick(v);
  }
}
