// The physical GICv2 with the virtualization extensions, as one block: the
// distributor, one CPU interface and one virtual interface (GICH + GICV) per
// cpu. It wires each virtual interface's maintenance output to PPI 25 of its
// cpu and lets a virtual deactivation of an LR with HW = 1 deactivate the
// physical interrupt (GICv2 5.4.1, through PhysicalGicPort).

import type { Saveable } from '../../sim/saveable.ts';
import type { SignalListener } from '../../sim/signal.ts';
import type { TraceSink } from '../../sim/trace/sink.ts';
import type { Clock, MmioDevice } from '../mmio.ts';
import { CpuInterface, type CpuInterfaceState } from './cpu-interface.ts';
import { Distributor, type DistributorState, lineArg } from './distributor.ts';
import { DistributorMmio } from './distributor-mmio.ts';
import { type IntId, isPpi, isSpi, PPI } from './intid.ts';
import { type PhysicalGicPort, VirtInterface, type VirtInterfaceState } from './virt-interface.ts';
import type { StateDigest } from '../../sim/state-digest.ts';

export interface GicV2Options {
  /** number of cpus (cpu interfaces), 1..8 */
  readonly cpus: number;
  /** number of SPIs: a multiple of 32 up to 960, or 988 (INTIDs 32..1019) */
  readonly spis: number;
  /** list registers per virtual interface, 1..64 */
  readonly nLR: number;
  readonly clock: Clock;
  readonly trace: TraceSink;
}

export interface GicV2State {
  readonly version: 1;
  readonly dist: DistributorState;
  readonly cpu: CpuInterfaceState[];
  readonly virt: VirtInterfaceState[];
}

export class GicV2 implements PhysicalGicPort, Saveable<GicV2State> {
  readonly cpus: number;
  readonly dist: Distributor;
  /** GICD frame (4 KiB), banked by the accessing cpu */
  readonly gicd: MmioDevice;
  private readonly cpuIfs: CpuInterface[] = [];
  private readonly virtIfs: VirtInterface[] = [];

  constructor(opts: GicV2Options) {
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > 8)
      throw new RangeError(`GICv2 supports 1..8 cpus, not ${opts.cpus}`);
    if (
      !Number.isInteger(opts.spis) ||
      opts.spis < 0 ||
      (opts.spis % 32 !== 0 && opts.spis !== 988) ||
      opts.spis > 988
    )
      throw new RangeError(`SPI count must be a multiple of 32 up to 960, or 988; not ${opts.spis}`);
    this.cpus = opts.cpus;
    this.dist = new Distributor({ cpus: opts.cpus, spis: opts.spis, clock: opts.clock, trace: opts.trace });
    this.gicd = new DistributorMmio(this.dist);
    for (let cpu = 0; cpu < opts.cpus; cpu++) {
      this.cpuIfs.push(new CpuInterface({ cpu, dist: this.dist, clock: opts.clock, trace: opts.trace }));
      const v = new VirtInterface({ cpu, nLR: opts.nLR, clock: opts.clock, trace: opts.trace, phys: this });
      v.maintenance.connect(this.dist, lineArg(cpu, PPI.MAINTENANCE));
      this.virtIfs.push(v);
    }
  }

  /** Number of implemented INTIDs (32 + SPIs). */
  get numIrqs(): number {
    return this.dist.numIrqs;
  }

  cpuInterface(cpu: number): CpuInterface {
    return this.cpuIfs[this.checkCpu(cpu)];
  }

  virtInterface(cpu: number): VirtInterface {
    return this.virtIfs[this.checkCpu(cpu)];
  }

  /** GICC frame (8 KiB) of `cpu`. */
  gicc(cpu: number): MmioDevice {
    return this.cpuInterface(cpu);
  }

  /** GICH frame of `cpu`'s virtual interface. */
  gich(cpu: number): MmioDevice {
    return this.virtInterface(cpu).gich;
  }

  /** GICV frame of `cpu`'s virtual interface. */
  gicv(cpu: number): MmioDevice {
    return this.virtInterface(cpu).gicv;
  }

  // ---- device inputs ----

  setSpiLine(intid: number, level: boolean): void {
    if (!isSpi(intid) || !this.dist.isImplemented(intid))
      throw new RangeError(`not an implemented SPI: ${intid}`);
    this.dist.setLine(0, intid, level);
  }

  setPpiLine(cpu: number, intid: number, level: boolean): void {
    if (!isPpi(intid)) throw new RangeError(`not a PPI: ${intid}`);
    this.dist.setLine(this.checkCpu(cpu), intid, level);
  }

  /** Listener to connect a device's output Signal, with `lineArg(cpu, intid)` as the argument. */
  get lineListener(): SignalListener {
    return this.dist;
  }

  lineLevel(cpu: number, intid: number): boolean {
    return this.dist.lineLevel(this.checkCpu(cpu), this.checkIntid(intid));
  }

  // ---- hypervisor-side helpers (Linux irq_{get,set}_irqchip_state) ----

  isPending(cpu: number, intid: number): boolean {
    return this.dist.isPending(this.checkCpu(cpu), this.checkIntid(intid));
  }

  isActive(cpu: number, intid: number): boolean {
    return this.dist.isActive(this.checkCpu(cpu), this.checkIntid(intid));
  }

  /** Same effect as a write of the interrupt's bit to GICD_ISACTIVER (v) or GICD_ICACTIVER (!v) by `cpu`. */
  setActive(cpu: number, intid: number, v: boolean): void {
    this.dist.setActive(this.checkCpu(cpu), this.checkIntid(intid), v);
  }

  /** PhysicalGicPort: a virtual EOI/DIR of an LR with HW = 1. */
  deactivatePhysical(cpu: number, intid: IntId): void {
    if (!this.dist.isImplemented(intid)) return; // PhysicalID beyond the GIC: nothing to deactivate
    this.dist.setActive(this.checkCpu(cpu), intid, false);
  }

  private checkCpu(cpu: number): number {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) throw new RangeError(`no cpu ${cpu}`);
    return cpu;
  }

  private checkIntid(intid: number): number {
    if (!Number.isInteger(intid) || !this.dist.isImplemented(intid))
      throw new RangeError(`not an implemented INTID: ${intid}`);
    return intid;
  }

  // ---- state is data ----

  save(): GicV2State {
    return {
      version: 1,
      dist: this.dist.save(),
      cpu: this.cpuIfs.map((c) => c.save()),
      virt: this.virtIfs.map((v) => v.save()),
    };
  }

  /** What save() holds, into a running hash (the explorer's state hash), without building it. */
  digest(h: StateDigest): void {
    this.dist.digest(h);
    for (let c = 0; c < this.cpus; c++) {
      this.cpuIfs[c].digest(h);
      this.virtIfs[c].digest(h);
    }
  }

  defaultState(): GicV2State {
    return {
      version: 1,
      dist: this.dist.defaultState(),
      cpu: this.cpuIfs.map((c) => c.defaultState()),
      virt: this.virtIfs.map((v) => v.defaultState()),
    };
  }

  reset(): void {
    this.restore(this.defaultState());
  }

  /**
   * Restore into an identically configured GIC. No listener is notified:
   * output levels come from the snapshot, and the blocks wired to them
   * restore their own view of the lines.
   */
  restore(s: GicV2State): void {
    if (s.version !== 1) throw new Error(`GICv2 snapshot version ${s.version} is not supported`);
    if (s.cpu.length !== this.cpus || s.virt.length !== this.cpus)
      throw new Error('GICv2 snapshot is for a different number of cpus');
    this.dist.restore(s.dist);
    for (let c = 0; c < this.cpus; c++) {
      this.cpuIfs[c].restore(s.cpu[c]);
      this.virtIfs[c].restore(s.virt[c]);
    }
  }
}
