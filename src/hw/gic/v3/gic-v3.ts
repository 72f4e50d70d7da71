// The physical GICv3 as one block (IHI 0069): the distributor (SPIs,
// GICD_IROUTER routing), one redistributor and one system-register CPU
// interface per cpu, with a single Security state (GICD_CTLR.DS = 1) and
// affinity routing always on (ARE = 1). No LPIs, no ITS. It finds each
// cpu's highest priority pending interrupt among its redistributor's SGIs
// and PPIs and the SPIs routed to it, and generates SGIs from ICC_SGI*R.
// Each cpu also has a virtual CPU interface (ICH_*_EL2, the ICV_* view;
// virt-cpu-interface-v3.ts) whose maintenance output is PPI 25 of its cpu
// and whose deactivation of an LR with HW = 1 deactivates the physical
// interrupt (deactivatePhysical).

import { testBit } from '../../../sim/bits.ts';
import { cpuOfAffinity } from '../../cpu/mpidr.ts';
import type { Saveable } from '../../../sim/saveable.ts';
import type { SignalListener } from '../../../sim/signal.ts';
import type { TraceSink } from '../../../sim/trace/sink.ts';
import type { Clock, MmioDevice } from '../../mmio.ts';
import { HPPI_GROUP, HPPI_NONE, HPPI_PRIORITY } from '../distributor.ts';
import { lineArg } from '../distributor.ts';
import { isPpi, isSpi, PPI, PRIVATE_COUNT, SGI_COUNT } from '../intid.ts';
import { CpuInterfaceV3, type CpuInterfaceV3State, type IccPort } from './cpu-interface-v3.ts';
import { DistributorV3, type DistributorV3State, type RoutingPeers } from './distributor-v3.ts';
import { GicdV3Frame } from './gicd-v3-frame.ts';
import { GicrRegion } from './gicr-frame.ts';
import type { IrqBank } from './irq-bank.ts';
import { Redistributor, type RedistributorState } from './redistributor.ts';
import { nextSgiTarget, sgiIntid } from './sgi-targets.ts';
import { VirtCpuInterfaceV3 } from './virt-cpu-interface-v3.ts';
import type { PhysicalDeactivatePort, VirtCpuInterfaceV3State } from './virt-v3-state.ts';

export interface GicV3Options {
  /** number of cpus (redistributors and CPU interfaces), 1..MAX_GICV3_CPUS; cpu k has the affinity of hw/cpu/mpidr.ts */
  readonly cpus: number;
  /** number of SPIs: a multiple of 32 up to 960, or 988 (INTIDs 32..1019) */
  readonly spis: number;
  /** list registers per virtual CPU interface, 1..16 (ICH_VTR_EL2.ListRegs + 1); default 4 */
  readonly nLR?: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
}

export interface GicV3State {
  readonly version: 1;
  readonly dist: DistributorV3State;
  readonly redist: RedistributorState[];
  readonly cpu: CpuInterfaceV3State[];
  readonly virt: VirtCpuInterfaceV3State[];
}

/**
 * The cpus the model serves: the redistributors QEMU virt's first
 * redistributor region holds (VIRT_GIC_REDIST, 0xf60000 bytes of 128 KiB
 * frames: 123). QEMU's second region (VIRT_HIGH_GIC_REDIST2, above 4 GiB)
 * is not modelled.
 */
export const MAX_GICV3_CPUS = 123;

/** Line-input argument decoding: lineArg(cpu, intid) of ../distributor.ts (cpu from bit 10 up, INTID [9:0]). */
const LINE_INTID_MASK = 0x3ff;
const LINE_CPU_SHIFT = 10;

export class GicV3
  implements IccPort, RoutingPeers, SignalListener, PhysicalDeactivatePort, Saveable<GicV3State>
{
  readonly cpus: number;
  readonly dist: DistributorV3;
  readonly redists: Redistributor[] = [];
  /** the GICD frame (64 KiB) */
  readonly gicd: MmioDevice;
  /** the redistributor region: redistributor k at k * 128 KiB */
  readonly gicr: MmioDevice;
  private readonly cpuIfs: CpuInterfaceV3[] = [];
  private readonly virtIfs: VirtCpuInterfaceV3[] = [];

  constructor(opts: GicV3Options) {
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > MAX_GICV3_CPUS)
      throw new RangeError(`the GICv3 model supports 1..${MAX_GICV3_CPUS} cpus, not ${opts.cpus}`);
    if (
      !Number.isInteger(opts.spis) ||
      opts.spis < 0 ||
      (opts.spis % 32 !== 0 && opts.spis !== 988) ||
      opts.spis > 988
    )
      throw new RangeError(`SPI count must be a multiple of 32 up to 960, or 988; not ${opts.spis}`);
    this.cpus = opts.cpus;
    const { clock, trace } = opts;
    this.dist = new DistributorV3({
      spis: opts.spis,
      clock,
      trace,
      peers: this,
      changed: () => this.updateAll(),
    });
    for (let cpu = 0; cpu < opts.cpus; cpu++) {
      const last = cpu === opts.cpus - 1;
      const changed = () => this.cpuIfs[cpu]?.update();
      const sleepChanged = () => this.updateAll();
      this.redists.push(new Redistributor({ cpu, last, clock, trace, changed, sleepChanged }));
      this.cpuIfs.push(new CpuInterfaceV3({ cpu, port: this, clock, trace }));
      const v = new VirtCpuInterfaceV3({ cpu, nLR: opts.nLR ?? 4, clock, trace, phys: this });
      v.maintenance.connect(this, lineArg(cpu, PPI.MAINTENANCE));
      this.virtIfs.push(v);
    }
    this.gicd = new GicdV3Frame(this.dist);
    this.gicr = new GicrRegion(this.redists);
  }

  get numIrqs(): number {
    return this.dist.numIrqs;
  }

  cpuInterface(cpu: number): CpuInterfaceV3 {
    return this.cpuIfs[this.checkCpu(cpu)];
  }

  /** The virtual CPU interface (ICH_*_EL2 / ICV_*) of `cpu`. */
  virtInterface(cpu: number): VirtCpuInterfaceV3 {
    return this.virtIfs[this.checkCpu(cpu)];
  }

  redistributor(cpu: number): Redistributor {
    return this.redists[this.checkCpu(cpu)];
  }

  private updateAll(): void {
    for (const c of this.cpuIfs) c.update();
  }

  /** The bank holding `intid` as `cpu` sees it, and the index in it. */
  private bankOf(cpu: number, intid: number): IrqBank {
    return intid < PRIVATE_COUNT ? this.redists[cpu].irqs : this.dist.spis;
  }

  private indexOf(intid: number): number {
    return intid < PRIVATE_COUNT ? intid : intid - PRIVATE_COUNT;
  }

  // ---- device inputs ----

  onSignal(arg: number, level: boolean): void {
    const intid = arg & LINE_INTID_MASK;
    const cpu = arg >>> LINE_CPU_SHIFT;
    if (intid < SGI_COUNT || !this.isImplemented(intid) || cpu >= this.cpus) return;
    this.bankOf(cpu, intid).setLine(this.indexOf(intid), level);
  }

  /** Listener to connect a device's output Signal, with `lineArg(cpu, intid)` as the argument. */
  get lineListener(): SignalListener {
    return this;
  }

  setSpiLine(intid: number, level: boolean): void {
    if (!isSpi(intid) || !this.isImplemented(intid)) throw new RangeError(`not an implemented SPI: ${intid}`);
    this.dist.spis.setLine(intid - PRIVATE_COUNT, level);
  }

  setPpiLine(cpu: number, intid: number, level: boolean): void {
    if (!isPpi(intid)) throw new RangeError(`not a PPI: ${intid}`);
    this.redists[this.checkCpu(cpu)].irqs.setLine(intid, level);
  }

  lineLevel(cpu: number, intid: number): boolean {
    this.checkIntid(intid);
    return this.bankOf(this.checkCpu(cpu), intid).line[this.indexOf(intid)] === 1;
  }

  isPending(cpu: number, intid: number): boolean {
    this.checkIntid(intid);
    return this.bankOf(this.checkCpu(cpu), intid).isPending(this.indexOf(intid));
  }

  isActive(cpu: number, intid: number): boolean {
    this.checkIntid(intid);
    return this.bankOf(this.checkCpu(cpu), intid).active[this.indexOf(intid)] === 1;
  }

  /** As a write of the interrupt's bit to GICD/GICR_ISACTIVER (v) or _ICACTIVER (!v). */
  setActive(cpu: number, intid: number, v: boolean): void {
    this.checkIntid(intid);
    this.bankOf(this.checkCpu(cpu), intid).setActive(this.indexOf(intid), v);
  }

  /** A virtual EOI/DIR of a hardware-backed virtual interrupt (ICH_LR<n>.HW = 1) deactivates the physical one. */
  deactivatePhysical(cpu: number, intid: number): void {
    if (this.isImplemented(intid)) this.deactivate(this.checkCpu(cpu), intid);
  }

  // ---- RoutingPeers ----

  participates(cpu: number, group: number): boolean {
    return this.redists[cpu].awake && testBit(this.cpuIfs[cpu]?.igrpen ?? 0, group);
  }

  /** Cpu k has MPIDR affinity 0.0.(k / 16).(k mod 16) (hw/cpu/mpidr.ts). */
  cpuOfAffinity(aff3: number, aff210: number): number {
    return aff3 === 0 ? cpuOfAffinity(aff210, this.cpus) : -1;
  }

  // ---- IccPort ----

  isImplemented(intid: number): boolean {
    return Number.isInteger(intid) && intid >= 0 && intid < this.dist.numIrqs;
  }

  /**
   * The highest priority pending interrupt of `cpu`: pending and not
   * active, enabled, its group enabled in GICD_CTLR and in `enables` (the
   * CPU interface's ICC_IGRPEN<n>), an SGI or PPI of its redistributor or an
   * SPI routed to it; none while the redistributor sleeps (GICR_WAKER).
   * Ties go to the lowest INTID.
   */
  highestPending(cpu: number, enables: number): number {
    const groups = this.dist.ctlr & enables;
    if (groups === 0 || !this.redists[cpu].awake) return HPPI_NONE;
    let best = HPPI_NONE;
    let bestPrio = 0x100;
    const own = this.redists[cpu].irqs;
    for (let i = 0; i < PRIVATE_COUNT; i++) {
      if (own.priority[i] >= bestPrio || !testBit(groups, own.group[i]) || !own.isCandidate(i)) continue;
      bestPrio = own.priority[i];
      best = i | (bestPrio << HPPI_PRIORITY.lsb) | (own.group[i] << HPPI_GROUP.lsb);
    }
    const spis = this.dist.spis;
    for (let i = 0; i < spis.count; i++) {
      if (spis.priority[i] >= bestPrio || !testBit(groups, spis.group[i]) || !spis.isCandidate(i)) continue;
      if (this.dist.targetOf(i + PRIVATE_COUNT) !== cpu) continue;
      bestPrio = spis.priority[i];
      best = (i + PRIVATE_COUNT) | (bestPrio << HPPI_PRIORITY.lsb) | (spis.group[i] << HPPI_GROUP.lsb);
    }
    return best;
  }

  acknowledge(cpu: number, intid: number): void {
    this.bankOf(cpu, intid).acknowledge(this.indexOf(intid));
  }

  deactivate(cpu: number, intid: number): void {
    const b = this.bankOf(cpu, intid);
    const i = this.indexOf(intid);
    if (b.active[i] === 1) b.setActive(i, false);
  }

  /**
   * ICC_SGI0R/SGI1R/ASGI1R_EL1 (IHI 0069 12.2): the cpus sgi-targets.ts
   * decodes (IRM = 1: every cpu but the writer; otherwise Aff3.Aff2.Aff1 and
   * TargetList; RS is RES0 with ICC_CTLR_EL1.RSS = 0). At each target the
   * SGI becomes pending if `group1` or the SGI is Group 0 there.
   */
  generateSgi(cpu: number, lo: number, hi: number, group1: boolean): void {
    const sgi = sgiIntid(lo);
    const n = this.cpus;
    for (let c = nextSgiTarget(lo, hi, cpu, n, 0); c >= 0; c = nextSgiTarget(lo, hi, cpu, n, c + 1)) {
      const b = this.redists[c].irqs;
      if (group1 || b.group[sgi] === 0) b.setPending(sgi, true);
    }
  }

  groupEnablesChanged(cpu: number): void {
    // 1-of-N routing depends on every cpu's group enables.
    for (let c = 0; c < this.cpus; c++) if (c !== cpu) this.cpuIfs[c].update();
  }

  private checkCpu(cpu: number): number {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) throw new RangeError(`no cpu ${cpu}`);
    return cpu;
  }

  private checkIntid(intid: number): void {
    if (!this.isImplemented(intid)) throw new RangeError(`not an implemented INTID: ${intid}`);
  }

  // ---- state is data ----

  save(): GicV3State {
    return {
      version: 1,
      dist: this.dist.save(),
      redist: this.redists.map((r) => r.save()),
      cpu: this.cpuIfs.map((c) => c.save()),
      virt: this.virtIfs.map((v) => v.save()),
    };
  }

  defaultState(): GicV3State {
    return {
      version: 1,
      dist: this.dist.defaultState(),
      redist: this.redists.map((r) => r.defaultState()),
      cpu: this.cpuIfs.map((c) => c.defaultState()),
      virt: this.virtIfs.map((v) => v.defaultState()),
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /** Restore into an identically configured GIC; no listener is notified (output levels come from the snapshot). */
  restore(s: GicV3State): void {
    if (s.version !== 1) throw new Error(`GICv3 snapshot version ${s.version} is not supported`);
    if (s.redist.length !== this.cpus || s.cpu.length !== this.cpus || s.virt.length !== this.cpus)
      throw new Error('GICv3 snapshot is for a different number of cpus');
    this.dist.restore(s.dist);
    for (let c = 0; c < this.cpus; c++) {
      this.redists[c].restore(s.redist[c]);
      this.cpuIfs[c].restore(s.cpu[c]);
      this.virtIfs[c].restore(s.virt[c]);
    }
  }
}
