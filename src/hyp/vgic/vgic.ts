// The vgic's queueing core (KVM's vgic.c): the distributor-wide state, the
// per-vcpu ap_list of interrupts in flight, the target oracle, injection
// (kvm_vgic_inject_irq, vgic_queue_irq_unlock), pruning, and the WFI wake
// predicate. The list-register backend (vgic-v2.ts) and the GICD emulation
// (vgic-mmio-v2.ts) act on this state.

import { FIRST_SPECIAL_INTID, type IntId, isPrivate, isSgi, PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import type { Clock } from '../../hw/mmio.ts';
import { getField } from '../../sim/bits.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import { newCounters, type VgicCounters } from './counters.ts';
import { NO_VGIC_FAULTS, type VgicFaults } from './faults.ts';
import type { AckNotifier, InputLevelSource, PhysIrqChip, VcpuKicker } from './ports.ts';
import { initIrq } from './vgic-init.ts';
import { irqIsPending, NO_VCPU, VGIC_CONFIG_LEVEL, VgicIrq } from './vgic-irq.ts';
import { GICH_VMCR_VMPriMask } from '../../hw/gic/virt-regs.ts';
import { VIRT_PRIORITY_SHIFT } from '../../hw/gic/priority.ts';

/** GICv2: CPUTargetList is 8 bits. */
export const VGIC_V2_MAX_CPUS = 8;
/** VGIC_V3_MAX_CPUS: a GICv3 guest's vcpus (KVM sets kvm->max_vcpus to it at kvm_vgic_create) */
const VGIC_V3_MAX_CPUS = 512;
/** GICv2 implements at most 1020 INTIDs (ITLinesNumber = 31). */
export const VGIC_MAX_IRQS = FIRST_SPECIAL_INTID;

export interface VgicCoreOptions {
  readonly nrVcpus: number;
  /** number of SPIs, a multiple of 32 (KVM_DEV_ARM_VGIC_GRP_NR_IRQS - 32) */
  readonly nrSpis: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
  readonly phys: PhysIrqChip;
  readonly kicker: VcpuKicker;
  readonly inputLevel?: InputLevelSource;
  readonly ackNotifier?: AckNotifier;
  /** deliberate bugs (mutants for testing the explorer); default none */
  readonly faults?: VgicFaults;
  /**
   * The guest sees a GICv3 (KVM_DEV_TYPE_ARM_VGIC_V3): every interrupt
   * resets to Group 1 (kvm_vgic_dist_init, vgic_allocate_private_irqs);
   * default false (GICv2 model: Group 0).
   */
  readonly v3Model?: boolean;
}

/** Result of an injection: 'ok' (state changed), 'ignored' (no change, or owner mismatch), 'invalid' (-EINVAL). */
export type InjectResult = 'ok' | 'ignored' | 'invalid';

/** Per-vcpu vgic state (KVM's vgic_cpu). */
export class VgicCpu {
  /** SGIs and PPIs of this vcpu */
  readonly privateIrqs: VgicIrq[] = [];
  /** interrupts in flight on this vcpu, vgic_irq_cmp order after a flush */
  readonly apList: VgicIrq[] = [];
  /** GICH_VMCR as last saved (vcpu_put) or synced; the live value is in GICH while loaded */
  vmcr = 0;
  /** GICH_APR as last saved */
  apr = 0;
  /** physical cpu the vcpu runs on (its banked physical PPIs); the vcpu index until loaded elsewhere */
  pcpu: number;

  constructor(readonly id: number) {
    this.pcpu = id;
    for (let i = 0; i < PRIVATE_COUNT; i++) this.privateIrqs.push(new VgicIrq(i as IntId, id));
  }
}

export class VgicCore {
  readonly nrVcpus: number;
  readonly nrSpis: number;
  /** 32 + nrSpis */
  readonly nrIrqs: number;
  readonly cpus: VgicCpu[] = [];
  readonly spis: VgicIrq[] = [];
  readonly counters: VgicCounters = newCounters();
  /** vgic_initialized(): the timer emulation must not signal before this */
  initialized = false;
  /** GICD_CTLR.Enable */
  distEnabled = false;
  /** dist->v2_groups_user_writable: userspace wrote GICD_IIDR back, so its IGROUPR writes count (vgic-dist-uaccess.ts) */
  v2GroupsUserWritable = false;
  /** dist->implementation_rev of a GICv3 guest (KVM_VGIC_IMP_REV_3; userspace may write 2 through GICD_IIDR) */
  v3ImplementationRev = 3;
  /** deliberate bugs of a mutant generation (NO_VGIC_FAULTS otherwise) */
  readonly faults: VgicFaults;

  constructor(readonly opts: VgicCoreOptions) {
    const { nrVcpus, nrSpis } = opts;
    this.faults = opts.faults ?? NO_VGIC_FAULTS;
    const max = opts.v3Model === true ? VGIC_V3_MAX_CPUS : VGIC_V2_MAX_CPUS;
    if (!Number.isInteger(nrVcpus) || nrVcpus < 1 || nrVcpus > max)
      throw new RangeError(
        `vgic-${opts.v3Model === true ? 'v3' : 'v2'} supports 1..${max} vcpus, got ${nrVcpus}`,
      );
    // KVM accepts 32 + nrSpis up to 1024; vgicsim stays below the special INTIDs 1020-1023
    if (
      !Number.isInteger(nrSpis) ||
      nrSpis < 0 ||
      nrSpis % 32 !== 0 ||
      PRIVATE_COUNT + nrSpis > VGIC_MAX_IRQS
    )
      throw new RangeError(`nrSpis must be a multiple of 32 with 32 + nrSpis <= 1020, got ${nrSpis}`);
    this.nrVcpus = nrVcpus;
    this.nrSpis = nrSpis;
    this.nrIrqs = PRIVATE_COUNT + nrSpis;
    for (let v = 0; v < nrVcpus; v++) this.cpus.push(new VgicCpu(v));
    for (let id = PRIVATE_COUNT; id < this.nrIrqs; id++) this.spis.push(new VgicIrq(id as IntId, 0));
  }

  /** vgic_get_irq: the interrupt `intid` as seen by `vcpu` (banked for SGIs/PPIs); null if it does not exist. */
  getIrq(vcpu: number, intid: number): VgicIrq | null {
    if (!Number.isInteger(intid) || intid < 0 || intid >= this.nrIrqs) return null;
    if (isPrivate(intid)) {
      if (!(vcpu >= 0 && vcpu < this.nrVcpus)) return null;
      return this.cpus[vcpu].privateIrqs[intid];
    }
    return this.spis[intid - PRIVATE_COUNT];
  }

  /** vgic_target_oracle: the vcpu whose ap_list should hold `irq`, or NO_VCPU. */
  oracle(irq: VgicIrq): number {
    // an active interrupt never migrates: its deactivation must be seen where it runs
    if (irq.active) return irq.vcpu !== NO_VCPU ? irq.vcpu : irq.targetVcpu;
    if (irq.enabled && irqIsPending(irq)) return this.distEnabled ? irq.targetVcpu : NO_VCPU;
    return NO_VCPU;
  }

  /**
   * kvm_vgic_inject_irq. `vcpu` is required for SGIs/PPIs and ignored for
   * SPIs. Level interrupts take the new line level; edge interrupts latch on
   * level 1 and ignore 0. SGIs cannot be injected (GICD_SGIR only).
   */
  injectIrq(vcpu: number | null, intid: number, level: boolean, owner: string | null = null): InjectResult {
    if (isSgi(intid)) return 'invalid';
    if (isPrivate(intid) && vcpu === null) return 'invalid';
    const irq = this.getIrq(vcpu ?? NO_VCPU, intid);
    if (irq === null) return 'invalid';
    if (!this.initialized) this.init();
    let accepted = irq.owner === owner;
    if (accepted) {
      if (irq.config === VGIC_CONFIG_LEVEL) accepted = irq.lineLevel !== level;
      else accepted = level;
    }
    if (this.opts.trace.enabled)
      this.opts.trace.emit({
        kind: 'vgic-inject',
        t: this.opts.clock.now,
        cpu: isPrivate(intid) ? (vcpu ?? NO_VCPU) : NO_VCPU,
        intid,
        level,
        accepted,
      });
    if (!accepted) return 'ignored';
    this.counters.injections++;
    if (irq.config === VGIC_CONFIG_LEVEL) irq.lineLevel = level;
    else irq.pendingLatch = true;
    // also called when a level line went down: the oracle then says "nowhere" and nothing is queued
    this.queueIrq(irq);
    return 'ok';
  }

  /**
   * vgic_init: reset every interrupt to its initial state (vgic-init.ts) and
   * mark the vgic initialised. GICv2 also initialises lazily on the first
   * injection or run (vgic_lazy_init).
   */
  init(): void {
    if (this.initialized) return;
    const group = this.opts.v3Model === true ? 1 : 0;
    this.forEachIrq((irq, bank) => {
      initIrq(irq, bank);
      irq.group = group;
    });
    this.initialized = true;
  }

  /**
   * vgic_queue_irq_unlock: put `irq` at the tail of its oracle's ap_list and
   * kick that vcpu. Already queued: only kick (an edge on an LR gets no
   * maintenance interrupt, so the vcpu must exit and re-flush to see it).
   */
  queueIrq(irq: VgicIrq, kick = true): boolean {
    const target = this.oracle(irq);
    if (irq.vcpu !== NO_VCPU || target === NO_VCPU) {
      if (target !== NO_VCPU && kick) this.kick(target);
      return false;
    }
    this.cpus[target].apList.push(irq);
    irq.vcpu = target;
    if (kick) this.kick(target);
    return true;
  }

  /**
   * GICD_CTLR.Enable 0 -> 1. KVM only kicks (vgic_kick_vcpus), so an
   * interrupt that became pending while the distributor was off and sits on
   * no ap_list would wait for its next change; vgicsim queues such
   * interrupts first, as the architecture forwards them at once (GICv2 4.3.1).
   */
  enableDistributor(): void {
    if (this.distEnabled) return;
    this.distEnabled = true;
    this.forEachIrq((irq) => {
      if (irq.vcpu === NO_VCPU) this.queueIrq(irq, false);
    });
    this.kickVcpus();
  }

  kick(vcpu: number): void {
    this.counters.kicks++;
    this.opts.kicker.kick(vcpu);
  }

  /** vgic_kick_vcpus: after GICD_CTLR.Enable 0 -> 1, kick every vcpu with something to take. */
  kickVcpus(): void {
    for (let v = 0; v < this.nrVcpus; v++) if (this.pendingIrq(v)) this.kick(v);
  }

  /**
   * vgic_prune_ap_list: drop interrupts that are neither pending (and
   * enabled) nor active; move those whose oracle names another vcpu (SPI
   * target changed while inactive) to that vcpu's list and kick it.
   */
  pruneApList(vcpu: number): void {
    const list = this.cpus[vcpu].apList;
    let w = 0;
    for (let r = 0; r < list.length; r++) {
      const irq = list[r];
      const target = this.oracle(irq);
      if (target === vcpu) {
        list[w++] = irq;
        continue;
      }
      irq.vcpu = NO_VCPU;
      if (target !== NO_VCPU) {
        this.cpus[target].apList.push(irq);
        irq.vcpu = target;
        this.kick(target);
      }
    }
    if (w !== list.length) list.length = w; // (setting an array's length costs, even unchanged)
  }

  /**
   * kvm_vgic_vcpu_pending_irq (WFI wake): the distributor is enabled and an
   * ap_list entry is pending, enabled, not active and beats the vcpu's
   * virtual PMR. PSTATE.I, the running priority and group enables are not
   * consulted (a masked vcpu still wakes from WFI).
   */
  pendingIrq(vcpu: number): boolean {
    if (!this.distEnabled) return false;
    const c = this.cpus[vcpu];
    const pmr = getField(c.vmcr, GICH_VMCR_VMPriMask) << VIRT_PRIORITY_SHIFT;
    const list = c.apList;
    for (let i = 0; i < list.length; i++) {
      const irq = list[i];
      if (!irq.active && irq.enabled && irqIsPending(irq) && irq.priority < pmr) return true;
    }
    return false;
  }

  /**
   * kvm_vgic_map_phys_irq: forward virtual `vintid` of `vcpu` to physical
   * `physIntid` (LR HW=1). `useInputLevel`: resample the line through the
   * InputLevelSource port when the guest deactivates it.
   */
  mapPhysIrq(vcpu: number, vintid: number, physIntid: number, useInputLevel = false): void {
    const irq = this.getIrq(vcpu, vintid);
    if (irq === null || isSgi(vintid)) throw new RangeError(`cannot map INTID ${vintid} of vcpu ${vcpu}`);
    irq.hw = true;
    irq.hwintid = physIntid;
    irq.useInputLevel = useInputLevel;
  }

  /** kvm_vgic_unmap_phys_irq */
  unmapPhysIrq(vcpu: number, vintid: number): void {
    const irq = this.getIrq(vcpu, vintid);
    if (irq === null) throw new RangeError(`no INTID ${vintid} for vcpu ${vcpu}`);
    irq.hw = false;
    irq.hwintid = 0;
    irq.useInputLevel = false;
  }

  /** Reserve a line for an in-kernel device (KVM's owner): injections from others are ignored. */
  setOwner(vcpu: number, intid: number, owner: string | null): void {
    const irq = this.getIrq(vcpu, intid);
    if (irq === null) throw new RangeError(`no INTID ${intid} for vcpu ${vcpu}`);
    irq.owner = owner;
  }

  /** The physical cpu whose banked state a mapped interrupt of `irq` lives in. */
  physCpuOf(irq: VgicIrq): number {
    const v = isPrivate(irq.intid) ? irq.targetVcpu : irq.vcpu !== NO_VCPU ? irq.vcpu : irq.targetVcpu;
    return this.cpus[v].pcpu;
  }

  /** Set or clear the physical active state of mapped `irq`, counting and tracing a change. */
  setPhysActive(irq: VgicIrq, active: boolean): void {
    const pcpu = this.physCpuOf(irq);
    const phys = irq.hwintid as IntId;
    if (this.opts.phys.isActive(pcpu, phys) === active) return;
    this.opts.phys.setActive(pcpu, phys, active);
    this.counters.physActiveChanges++;
    if (this.opts.trace.enabled)
      this.opts.trace.emit({
        kind: 'vgic-phys-active',
        t: this.opts.clock.now,
        cpu: pcpu,
        intid: irq.hwintid,
        active,
      });
  }

  /** Resample a mapped level interrupt's line (get_input_level); keeps the stored level without a source. */
  resampleLine(irq: VgicIrq): void {
    const src = this.opts.inputLevel;
    if (irq.useInputLevel && src !== undefined && irq.config === VGIC_CONFIG_LEVEL)
      irq.lineLevel = src.getInputLevel(irq.targetVcpu, irq.intid);
  }

  /** Every interrupt of the VM, in a fixed order: vcpu0's private ones, vcpu1's, ..., then the SPIs. */
  forEachIrq(fn: (irq: VgicIrq, bank: number) => void): void {
    for (const c of this.cpus) for (const irq of c.privateIrqs) fn(irq, c.id);
    for (const irq of this.spis) fn(irq, NO_VCPU);
  }
}
