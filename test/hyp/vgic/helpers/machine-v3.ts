// A small machine for the vgic-v3 backend tests: the physical GICv3 (for the
// physical active state of mapped interrupts) with its virtual CPU interface
// per physical cpu (the ICH_* side for the vgic, the ICV_* side for the
// "guest"; maintenance on PPI 25), vcpu n loaded on pcpu n. The guest is played by the test
// through ICV accesses (as MRS/MSR of ICC_* encodings with HCR_EL2.IMO set).

import { GicV3 } from '../../../../src/hw/gic/v3/gic-v3.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import type { VirtCpuInterfaceV3 } from '../../../../src/hw/gic/v3/virt-cpu-interface-v3.ts';
import { Vgic } from '../../../../src/hyp/vgic/kvm-vgic.ts';
import { MemorySink, NULL_SINK, type TraceSink } from '../../../../src/sim/trace/sink.ts';

export interface MachineV3Options {
  vcpus?: number;
  /** KVM_DEV_TYPE_ARM_VGIC_V3 (VgicCoreOptions.v3Model: up to 512 vcpus, Group 1 by default); default off */
  v3Model?: boolean;
  /** physical cpus (each with a virtual CPU interface); default: one per vcpu */
  pcpus?: number;
  spis?: number;
  nLR?: number;
  trace?: boolean;
  inputLevels?: Map<string, boolean>;
}

export const SPURIOUS = 1023;

export class MachineV3 {
  readonly clock = { now: 0 };
  readonly sink: TraceSink;
  readonly gic: GicV3;
  readonly vcifs: VirtCpuInterfaceV3[] = [];
  readonly vgic: Vgic;
  readonly kicks: number[] = [];
  readonly acked: number[] = [];
  readonly inputLevels: Map<string, boolean>;

  constructor(o: MachineV3Options = {}) {
    const vcpus = o.vcpus ?? 1;
    const spis = o.spis ?? 64;
    this.sink = o.trace ? new MemorySink() : NULL_SINK;
    this.inputLevels = o.inputLevels ?? new Map();
    const pcpus = o.pcpus ?? vcpus;
    this.gic = new GicV3({ cpus: pcpus, spis, nLR: o.nLR ?? 4, clock: this.clock, trace: NULL_SINK });
    for (let c = 0; c < pcpus; c++) this.vcifs.push(this.gic.virtInterface(c));
    const levels = this.inputLevels;
    this.vgic = new Vgic({
      nrVcpus: vcpus,
      nrSpis: spis,
      v3Model: o.v3Model,
      clock: this.clock,
      trace: this.sink,
      phys: this.gic,
      kicker: { kick: (v) => this.kicks.push(v) },
      frames: {
        gich: () => {
          throw new Error('the GICv3 backend uses no GICH frame');
        },
        gichRegs: () => {
          throw new Error('the GICv3 backend uses no GICH frame');
        },
      },
      ichFrames: { ich: (p) => this.vcifs[p] },
      inputLevel: { getInputLevel: (v, id) => levels.get(`${v}:${id}`) ?? false },
      ackNotifier: { notifyAcked: (id) => this.acked.push(id) },
    });
  }

  /** init, load vcpu n on pcpu n, enable the distributor, both groups and PMR 0xF8 in each guest */
  boot(): this {
    this.vgic.init();
    for (let v = 0; v < this.vgic.core.nrVcpus; v++) {
      this.vgic.vcpuLoad(v, v);
      this.icv(v, IccReg.ICC_IGRPEN0_EL1, 1);
      this.icv(v, IccReg.ICC_IGRPEN1_EL1, 1);
      this.icv(v, IccReg.ICC_PMR_EL1, 0xf8);
    }
    this.vgic.gicd.write(0, 4, 1, 0); // GICD_CTLR.Enable
    return this;
  }

  icv(v: number, r: IccReg, value: number): void {
    this.vcifs[v].writeIcv(r, value);
  }

  enter(v = 0): void {
    this.vgic.flushHwstate(v);
  }

  exit(v = 0): void {
    this.vgic.syncHwstate(v);
  }

  cycle(v = 0): void {
    this.exit(v);
    this.enter(v);
  }

  /** ICV_IAR1_EL1 (group 1) or ICV_IAR0_EL1 */
  iar(v = 0, group: 0 | 1 = 1): number {
    return this.vcifs[v].readIcv(group === 1 ? IccReg.ICC_IAR1_EL1 : IccReg.ICC_IAR0_EL1);
  }

  eoi(v: number, id: number, group: 0 | 1 = 1): void {
    this.icv(v, group === 1 ? IccReg.ICC_EOIR1_EL1 : IccReg.ICC_EOIR0_EL1, id);
  }

  /** IAR1 then EOIR1; the INTID (1023 if none) */
  take(v = 0): number {
    const id = this.iar(v);
    if (id !== SPURIOUS) this.eoi(v, id);
    return id;
  }

  gicdWrite(v: number, off: number, value: number, size: 1 | 2 | 4 = 4): void {
    this.vgic.gicd.write(off, size, value, v);
  }

  /** enable INTID `id` and make it Group 1 (a Linux guest's configuration) */
  enable(id: number, v = 0): void {
    const word = 4 * Math.floor(id / 32);
    this.gicdWrite(v, 0x80 + word, this.vgic.gicd.read(0x80 + word, 4, v) | (1 << (id % 32)));
    this.gicdWrite(v, 0x100 + word, 1 << (id % 32));
  }

  setPriority(id: number, prio: number, v = 0): void {
    this.gicdWrite(v, 0x400 + id, prio, 1);
  }

  setEdge(id: number): void {
    const off = 0xc00 + 4 * Math.floor(id / 16);
    this.gicdWrite(0, off, this.vgic.gicd.read(off, 4, 0) | (2 << (2 * (id % 16))));
  }

  /** State field of LR n of vcpu v */
  lrState(v: number, n: number): number {
    return this.vcifs[v].readLrHi(n) >>> 30;
  }
}
