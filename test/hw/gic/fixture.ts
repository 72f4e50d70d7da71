// Shared setup for the physical GICv2 tests (not a test file itself).
import { MemorySink } from '../../../src/sim/trace/sink.ts';
import { GicV2 } from '../../../src/hw/gic/gic.ts';
import * as R from '../../../src/hw/gic/registers.ts';

export interface Fixture {
  readonly gic: GicV2;
  readonly clock: { now: number };
  readonly sink: MemorySink;
  /** word read/write of the GICD frame as `cpu` */
  rd(offset: number, cpu?: number): number;
  wr(offset: number, value: number, cpu?: number): void;
  /** word read/write of cpu's GICC frame */
  crd(cpu: number, offset: number): number;
  cwr(cpu: number, offset: number, value: number): void;
  /** IAR read of cpu */
  iar(cpu?: number): number;
  eoi(value: number, cpu?: number): void;
}

export function makeGic(cpus = 2, spis = 64): Fixture {
  const clock = { now: 0 };
  const sink = new MemorySink();
  const gic = new GicV2({ cpus, spis, nLR: 4, clock, trace: sink });
  return {
    gic,
    clock,
    sink,
    rd: (o, cpu = 0) => gic.gicd.read(o, 4, cpu),
    wr: (o, v, cpu = 0) => gic.gicd.write(o, 4, v, cpu),
    crd: (cpu, o) => gic.gicc(cpu).read(o, 4, cpu),
    cwr: (cpu, o, v) => gic.gicc(cpu).write(o, 4, v, cpu),
    iar: (cpu = 0) => gic.gicc(cpu).read(R.GICC_IAR, 4, cpu),
    eoi: (v, cpu = 0) => gic.gicc(cpu).write(R.GICC_EOIR, 4, v, cpu),
  };
}

/** Word offset and bit of `intid` in a one-bit-per-INTID register at `base`. */
export function bitReg(base: number, intid: number): [number, number] {
  return [base + 4 * Math.floor(intid / 32), (1 << (intid % 32)) >>> 0];
}

/** Enable both groups in the distributor and in every CPU interface, PMR fully open. */
export function enableAll(f: Fixture): void {
  f.wr(R.GICD_CTLR, 3);
  for (let c = 0; c < f.gic.cpus; c++) {
    f.cwr(c, R.GICC_CTLR, 3);
    f.cwr(c, R.GICC_PMR, 0xff);
  }
}

/** Enable `intid` (as seen by `cpu`), set its priority and, for SPIs, target it at `targets`. */
export function setupIrq(
  f: Fixture,
  intid: number,
  prio: number,
  opts: { cpu?: number; targets?: number; edge?: boolean } = {},
): void {
  const cpu = opts.cpu ?? 0;
  const [off, b] = bitReg(R.GICD_ISENABLER, intid);
  f.wr(off, b, cpu);
  f.gic.gicd.write(R.GICD_IPRIORITYR + intid, 1, prio, cpu);
  if (intid >= 32) {
    f.gic.gicd.write(R.GICD_ITARGETSR + intid, 1, opts.targets ?? 1 << cpu, cpu);
    if (opts.edge !== undefined) {
      const off2 = R.GICD_ICFGR + 4 * Math.floor(intid / 16);
      const sh = 2 * (intid % 16) + 1;
      const cur = f.rd(off2, cpu);
      f.wr(off2, opts.edge ? cur | (1 << sh) : cur & ~(1 << sh), cpu);
    }
  }
}
