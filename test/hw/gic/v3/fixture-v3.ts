// Shared setup for the physical GICv3 tests (not a test file itself).
import { GicV3 } from '../../../../src/hw/gic/v3/gic-v3.ts';
import { GICR_SGI_BASE, GICR_STRIDE, GICR_WAKER } from '../../../../src/hw/gic/v3/gicr-regs.ts';
import { IccReg } from '../../../../src/hw/gic/v3/sysreg-encodings.ts';
import { MemorySink } from '../../../../src/sim/trace/sink.ts';

export interface FixtureV3 {
  readonly gic: GicV3;
  readonly clock: { now: number };
  readonly sink: MemorySink;
  /** word access of the GICD frame */
  rd(offset: number): number;
  wr(offset: number, value: number): void;
  /** word access of cpu's RD_base (offset < 64 KiB) or SGI_base (offset + GICR_SGI_BASE) */
  rrd(cpu: number, offset: number): number;
  rwr(cpu: number, offset: number, value: number): void;
  /** word access of cpu's SGI_base frame */
  srd(cpu: number, offset: number): number;
  swr(cpu: number, offset: number, value: number): void;
  /** MRS / MSR of an ICC register by cpu */
  mrs(cpu: number, reg: IccReg): number | undefined;
  msr(cpu: number, reg: IccReg, lo: number, hi?: number): boolean;
  /** as Linux starts: GICR_WAKER.ProcessorSleep = 0, every interrupt Group 1, both groups on, PMR 0xf8 */
  wakeAll(): void;
}

export function makeGicV3(cpus = 2, spis = 64): FixtureV3 {
  const clock = { now: 0 };
  const sink = new MemorySink();
  const gic = new GicV3({ cpus, spis, clock, trace: sink });
  const f: FixtureV3 = {
    gic,
    clock,
    sink,
    rd: (o) => gic.gicd.read(o, 4, 0),
    wr: (o, v) => gic.gicd.write(o, 4, v, 0),
    rrd: (cpu, o) => gic.gicr.read(cpu * GICR_STRIDE + o, 4, 0),
    rwr: (cpu, o, v) => gic.gicr.write(cpu * GICR_STRIDE + o, 4, v, 0),
    srd: (cpu, o) => gic.gicr.read(cpu * GICR_STRIDE + GICR_SGI_BASE + o, 4, 0),
    swr: (cpu, o, v) => gic.gicr.write(cpu * GICR_STRIDE + GICR_SGI_BASE + o, 4, v, 0),
    mrs: (cpu, reg) => gic.cpuInterface(cpu).readReg(reg),
    msr: (cpu, reg, lo, hi = 0) => gic.cpuInterface(cpu).writeReg(reg, lo, hi),
    wakeAll: () => {
      f.wr(0, 3);
      for (let o = 0x84; o < 0x100; o += 4) f.wr(o, 0xffff_ffff); // GICD_IGROUPR<n>
      for (let c = 0; c < cpus; c++) {
        f.rwr(c, GICR_WAKER, 0);
        f.swr(c, 0x80, 0xffff_ffff); // GICR_IGROUPR0
        f.msr(c, IccReg.ICC_IGRPEN0_EL1, 1);
        f.msr(c, IccReg.ICC_IGRPEN1_EL1, 1);
        f.msr(c, IccReg.ICC_PMR_EL1, 0xff);
      }
    },
  };
  return f;
}
