// A small machine for vgic tests: the real physical distributor (for the
// physical active state of mapped interrupts) and the real per-cpu GICv2
// virtual interfaces (GICH for the vgic, GICV for the "guest"), with vcpu n
// loaded on pcpu n. The guest is played by the test through GICV accesses.

import { Distributor } from '../../../../src/hw/gic/distributor.ts';
import { VirtInterface } from '../../../../src/hw/gic/virt-interface.ts';
import { GICV_CTLR, GICV_DIR, GICV_EOIR, GICV_IAR, GICV_PMR } from '../../../../src/hw/gic/virt-regs.ts';
import { Vgic } from '../../../../src/hyp/vgic/kvm-vgic.ts';
import { GICD_CTLR } from '../../../../src/hw/gic/registers.ts';
import { MemorySink, NULL_SINK, type TraceSink } from '../../../../src/sim/trace/sink.ts';

export interface MachineOptions {
  vcpus?: number;
  spis?: number;
  nLR?: number;
  trace?: boolean;
  /** line levels for mapped interrupts (InputLevelSource), keyed by `${vcpu}:${intid}` */
  inputLevels?: Map<string, boolean>;
}

/** GICV_CTLR.EnableGrp0 | EnableGrp1 */
export const GICV_CTLR_ENABLE_BOTH = 0x3;
export const PMR_ALLOW_ALL = 0xf8;
export const SPURIOUS = 1023;

export class Machine {
  readonly clock = { now: 0 };
  readonly sink: TraceSink;
  readonly dist: Distributor;
  readonly vifs: VirtInterface[];
  readonly vgic: Vgic;
  readonly kicks: number[] = [];
  readonly acked: number[] = [];
  readonly inputLevels: Map<string, boolean>;

  constructor(o: MachineOptions = {}) {
    const vcpus = o.vcpus ?? 1;
    const spis = o.spis ?? 64;
    const nLR = o.nLR ?? 4;
    this.sink = o.trace ? new MemorySink() : NULL_SINK;
    this.inputLevels = o.inputLevels ?? new Map();
    this.dist = new Distributor({ cpus: vcpus, spis, clock: this.clock, trace: NULL_SINK });
    const dist = this.dist;
    this.vifs = [];
    for (let c = 0; c < vcpus; c++)
      this.vifs.push(
        new VirtInterface({
          cpu: c,
          nLR,
          clock: this.clock,
          trace: NULL_SINK,
          phys: { deactivatePhysical: (cpu, id) => dist.setActive(cpu, id, false) },
        }),
      );
    const levels = this.inputLevels;
    this.vgic = new Vgic({
      nrVcpus: vcpus,
      nrSpis: spis,
      clock: this.clock,
      trace: this.sink,
      phys: dist,
      kicker: { kick: (v) => this.kicks.push(v) },
      frames: { gich: (p) => this.vifs[p].gich, gichRegs: (p) => this.vifs[p] },
      inputLevel: { getInputLevel: (v, id) => levels.get(`${v}:${id}`) ?? false },
      ackNotifier: { notifyAcked: (id) => this.acked.push(id) },
    });
  }

  /** init, load vcpu n on pcpu n, enable the distributor and each guest's virtual CPU interface */
  boot(): this {
    this.vgic.init();
    for (let v = 0; v < this.vifs.length; v++) {
      this.vgic.vcpuLoad(v, v);
      this.gicv(v, GICV_CTLR, GICV_CTLR_ENABLE_BOTH);
      this.gicv(v, GICV_PMR, PMR_ALLOW_ALL);
    }
    this.vgic.gicd.write(GICD_CTLR, 4, 1, 0);
    return this;
  }

  gicv(v: number, off: number, value: number): void {
    this.vifs[v].gicv.write(off, 4, value, v);
  }

  enter(v = 0): void {
    this.vgic.flushHwstate(v);
  }

  exit(v = 0): void {
    this.vgic.syncHwstate(v);
  }

  /** exit then enter again */
  cycle(v = 0): void {
    this.exit(v);
    this.enter(v);
  }

  /** the guest reads GICV_IAR */
  iar(v = 0): number {
    return this.vifs[v].gicv.read(GICV_IAR, 4, v);
  }

  eoi(v: number, iar: number): void {
    this.gicv(v, GICV_EOIR, iar);
  }

  dir(v: number, iar: number): void {
    this.gicv(v, GICV_DIR, iar);
  }

  /** iar then eoi; returns the INTID acknowledged (1023 if none) */
  take(v = 0): number {
    const id = this.iar(v);
    if ((id & 0x3ff) !== SPURIOUS) this.eoi(v, id);
    return id & 0x3ff;
  }

  gicdWrite(v: number, off: number, value: number, size: 1 | 2 | 4 = 4): void {
    this.vgic.gicd.write(off, size, value, v);
  }

  gicdRead(v: number, off: number, size: 1 | 2 | 4 = 4): number {
    return this.vgic.gicd.read(off, size, v);
  }

  /** enable INTID `id` (banked for vcpu v) */
  enable(id: number, v = 0): void {
    this.gicdWrite(v, 0x100 + 4 * Math.floor(id / 32), 1 << (id % 32));
  }

  setPriority(id: number, prio: number, v = 0): void {
    this.gicdWrite(v, 0x400 + id, prio, 1);
  }

  setEdge(id: number): void {
    const off = 0xc00 + 4 * Math.floor(id / 16);
    const cur = this.gicdRead(0, off);
    this.gicdWrite(0, off, cur | (2 << (2 * (id % 16))));
  }

  lrState(v: number, n: number): number {
    return (this.vifs[v].readLR(n) >>> 28) & 3;
  }

  /** INTIDs currently held in non-invalid LRs of vcpu v */
  lrIntids(v = 0): number[] {
    const out: number[] = [];
    for (let n = 0; n < this.vifs[v].nLR; n++) {
      const x = this.vifs[v].readLR(n);
      if (((x >>> 28) & 3) !== 0) out.push(x & 0x3ff);
    }
    return out;
  }
}
