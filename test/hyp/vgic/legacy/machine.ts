// A legacy-vgic test machine: the real physical distributor and GICv2
// virtual interfaces (as test/hyp/vgic/helpers/machine.ts), with the
// Linux 4.2 (seed: false) or 4.3 (seed: true) vgic behind the facade.

import { Distributor } from '../../../../src/hw/gic/distributor.ts';
import { GICD_CTLR } from '../../../../src/hw/gic/registers.ts';
import { VirtInterface } from '../../../../src/hw/gic/virt-interface.ts';
import { GICV_CTLR, GICV_EOIR, GICV_IAR, GICV_PMR } from '../../../../src/hw/gic/virt-regs.ts';
import { LegacyVgic } from '../../../../src/hyp/vgic/legacy/legacy-vgic.ts';
import { MemorySink } from '../../../../src/sim/trace/sink.ts';

export const SPURIOUS = 1023;
export const VTIMER = 27;

export class LegacyMachine {
  readonly clock = { now: 0 };
  readonly sink = new MemorySink();
  readonly dist: Distributor;
  readonly vifs: VirtInterface[] = [];
  readonly vgic: LegacyVgic;
  readonly kicks: number[] = [];
  readonly acked: number[] = [];

  constructor(seed: boolean, o: { vcpus?: number; nLR?: number } = {}) {
    const vcpus = o.vcpus ?? 1;
    this.dist = new Distributor({ cpus: vcpus, spis: 64, clock: this.clock, trace: this.sink });
    const dist = this.dist;
    for (let c = 0; c < vcpus; c++)
      this.vifs.push(
        new VirtInterface({
          cpu: c,
          nLR: o.nLR ?? 4,
          clock: this.clock,
          trace: this.sink,
          phys: { deactivatePhysical: (cpu, id) => dist.setActive(cpu, id, false) },
        }),
      );
    this.vgic = new LegacyVgic({
      nrVcpus: vcpus,
      nrSpis: 64,
      clock: this.clock,
      trace: this.sink,
      phys: dist,
      kicker: { kick: (v) => this.kicks.push(v) },
      frames: { gich: (p) => this.vifs[p].gich },
      ackNotifier: { notifyAcked: (id) => this.acked.push(id) },
      seed,
    });
  }

  /** init, load vcpu n on pcpu n, GICD and GICV enabled, PMR open */
  boot(): this {
    this.vgic.init();
    for (let v = 0; v < this.vifs.length; v++) {
      this.vgic.vcpuLoad(v, v);
      this.vifs[v].gicv.write(GICV_CTLR, 4, 3, v);
      this.vifs[v].gicv.write(GICV_PMR, 4, 0xf8, v);
    }
    this.vgic.gicd.write(GICD_CTLR, 4, 1, 0);
    return this;
  }

  enter(v = 0): void {
    this.vgic.flushHwstate(v);
  }

  exit(v = 0): void {
    this.vgic.syncHwstate(v);
  }

  iar(v = 0): number {
    return this.vifs[v].gicv.read(GICV_IAR, 4, v) & 0x3ff;
  }

  eoi(id: number, v = 0): void {
    this.vifs[v].gicv.write(GICV_EOIR, 4, id, v);
  }

  gicd(off: number, value?: number, v = 0): number {
    if (value === undefined) return this.vgic.gicd.read(off, 4, v);
    this.vgic.gicd.write(off, 4, value, v);
    return 0;
  }

  enable(id: number, v = 0): void {
    this.gicd(0x100 + 4 * Math.floor(id / 32), 1 << (id % 32), v);
  }

  /** LR n of vcpu v as the hardware holds it */
  lr(n: number, v = 0): number {
    return this.vifs[v].readLR(n);
  }

  lrState(n: number, v = 0): number {
    return (this.lr(n, v) >>> 28) & 3;
  }

  notes(): string[] {
    return this.sink.records.filter((r) => r.kind === 'note').map((r) => (r as { text: string }).text);
  }
}
