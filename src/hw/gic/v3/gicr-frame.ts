// The frames of the GICv3 redistributors: one register table per
// redistributor (RD_base at 0, SGI_base at +64 KiB; IHI 0069 chapter 12, the
// GICR register maps), and the redistributor region that lays them out one
// after the other (GicrRegion). Each redistributor is addressed by where its
// frames are, not by the accessing cpu.
// - GICR_CTLR: no LPIs, writes complete at once: RAZ/WI (EnableLPIs, RWP, UWP 0).
// - GICR_TYPER (64-bit, two words): Processor_Number = the cpu, Last on
//   the last redistributor, Affinity_Value = the cpu's MPIDR affinity; PLPIS,
//   VLPIS, DirectLPI, DPGS 0.
// - GICR_WAKER: ProcessorSleep RW, ChildrenAsleep RO (= ProcessorSleep).
// - SGI_base: GICR_IGROUPR0, IS/ICENABLER0, IS/ICPENDR0, IS/ICACTIVER0,
//   GICR_IPRIORITYR0-7 (8- and 32-bit), GICR_ICFGR0 (SGIs edge, RO),
//   GICR_ICFGR1 (PPIs level, RO); GICR_IGRPMODR0 and GICR_NSACR RAZ/WI (DS = 1).
// Widths: 32-bit, also 8-bit for GICR_IPRIORITYR; anything else, reserved
// offsets and redistributors beyond the last cpu: RAZ/WI.

import { setField } from '../../../sim/bits.ts';
import type { AccessSize, MmioDevice } from '../../mmio.ts';
import { perIrq, register } from '../../mmio/builders.ts';
import {
  ACCESS_8,
  ACCESS_32,
  BITS_PER_BYTE,
  type MmioRegion,
  MmioTable,
  WORD_BYTES,
} from '../../mmio/region.ts';
import { GICD_IIDR_VALUE } from '../distributor-mmio.ts';
import { PRIVATE_COUNT } from '../intid.ts';
import { GICD_ICFGR_BITS_PER_IRQ, GICD_ICFGR_EDGE } from '../registers.ts';
import { bankWrite } from './gicd-v3-frame.ts';
import { PIDR2_ArchRev, PIDR2_ARCHREV_GICV3 } from './gicd-regs.ts';
import {
  GICR_FRAME_SIZE,
  GICR_ICACTIVER0,
  GICR_ICENABLER0,
  GICR_ICFGR0,
  GICR_ICPENDR0,
  GICR_ID_BASE,
  GICR_IGROUPR0,
  GICR_IIDR,
  GICR_IPRIORITYR0,
  GICR_ISACTIVER0,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_SGI_BASE,
  GICR_STRIDE,
  GICR_TYPER,
  GICR_TYPER_Last,
  GICR_TYPER_Processor_Number,
  GICR_WAKER,
  GICR_WAKER_ChildrenAsleep,
  GICR_WAKER_ProcessorSleep,
} from './gicr-regs.ts';
import type { Redistributor } from './redistributor.ts';

const ID_VALUES = [
  0,
  0,
  0,
  0,
  0,
  0,
  setField(0, PIDR2_ArchRev, PIDR2_ARCHREV_GICV3),
  0,
  0x0d,
  0xf0,
  0x05,
  0xb1,
];

/**
 * GICR_TYPER[31:0] of redistributor `processor` (Last on the last one of its
 * region); PLPIS, VLPIS, DirectLPI, DPGS 0. KVM's emulated GICR_TYPER
 * (vgic_mmio_read_v3r_typer) has the same low word.
 */
export function gicrTyperLow(processor: number, last: boolean): number {
  return setField(setField(0, GICR_TYPER_Processor_Number, processor), GICR_TYPER_Last, last ? 1 : 0);
}

/**
 * Where the SGI_base registers are and how they are accessed (IHI 0069H
 * 12.10): one 32-bit word of one bit per INTID (IGROUPR0, I[SC]ENABLER0,
 * I[SC]PENDR0, I[SC]ACTIVER0), the 32 priority bytes (8- and 32-bit), the two
 * ICFGR words. The hardware's table (below) and KVM's (hyp/vgic
 * vgic-mmio-v3-rdist.ts) add their own handlers.
 */
export const gicrSgiBaseRow = {
  word: (name: string, offset: number) => ({
    name,
    offset: GICR_SGI_BASE + offset,
    len: WORD_BYTES,
    bitsPerIrq: 1,
  }),
  priority: {
    name: 'GICR_IPRIORITYR',
    offset: GICR_SGI_BASE + GICR_IPRIORITYR0,
    len: PRIVATE_COUNT,
    bitsPerIrq: BITS_PER_BYTE,
    widths: ACCESS_8 | ACCESS_32,
  },
  config: {
    name: 'GICR_ICFGR',
    offset: GICR_SGI_BASE + GICR_ICFGR0,
    len: (PRIVATE_COUNT * GICD_ICFGR_BITS_PER_IRQ) / BITS_PER_BYTE,
    bitsPerIrq: GICD_ICFGR_BITS_PER_IRQ,
  },
} as const;

export function gicrWaker(r: Redistributor): number {
  const s = r.processorSleep ? 1 : 0;
  return setField(setField(0, GICR_WAKER_ProcessorSleep, s), GICR_WAKER_ChildrenAsleep, s);
}

/** The register table of one redistributor (offsets from its RD_base). */
export function gicrTable(r: Redistributor): MmioRegion[] {
  const b = r.irqs;
  const flag = (x: boolean): number => (x ? 1 : 0);
  const word = (
    name: string,
    offset: number,
    read: (i: number) => number,
    write: (i: number, v: number) => void,
  ) =>
    perIrq({
      ...gicrSgiBaseRow.word(name, offset),
      read: (_c, i) => read(i),
      write: (_c, i, v) => write(i, v),
    });
  return [
    register({ name: 'GICR_CTLR', offset: 0 }),
    register({ name: 'GICR_IIDR', offset: GICR_IIDR, read: () => GICD_IIDR_VALUE }),
    register({
      name: 'GICR_TYPER',
      offset: GICR_TYPER,
      len: 8,
      read: (_c, off) => (off === GICR_TYPER ? gicrTyperLow(r.cpu, r.last) : r.affinity),
    }),
    register({
      name: 'GICR_WAKER',
      offset: GICR_WAKER,
      read: () => gicrWaker(r),
      write: (_c, _o, _s, v) => r.setProcessorSleep((v & (1 << GICR_WAKER_ProcessorSleep.lsb)) !== 0),
    }),
    register({
      name: 'GICR_PIDR/CIDR',
      offset: GICR_ID_BASE,
      len: GICR_FRAME_SIZE - GICR_ID_BASE,
      read: (_c, off) => ID_VALUES[(off - GICR_ID_BASE) / WORD_BYTES],
    }),
    word('GICR_IGROUPR0', GICR_IGROUPR0, (i) => b.group[i], bankWrite.group(b)),
    word('GICR_ISENABLER0', GICR_ISENABLER0, (i) => b.enabled[i], bankWrite.enable(b, true)),
    word('GICR_ICENABLER0', GICR_ICENABLER0, (i) => b.enabled[i], bankWrite.enable(b, false)),
    word('GICR_ISPENDR0', GICR_ISPENDR0, (i) => flag(b.isPending(i)), bankWrite.pending(b, true)),
    word('GICR_ICPENDR0', GICR_ICPENDR0, (i) => flag(b.isPending(i)), bankWrite.pending(b, false)),
    word('GICR_ISACTIVER0', GICR_ISACTIVER0, (i) => b.active[i], bankWrite.active(b, true)),
    word('GICR_ICACTIVER0', GICR_ICACTIVER0, (i) => b.active[i], bankWrite.active(b, false)),
    perIrq({
      ...gicrSgiBaseRow.priority,
      read: (_c, i) => b.priority[i],
      write: (_c, i, v) => b.setPriority(i, v),
    }),
    perIrq({ ...gicrSgiBaseRow.config, read: (_c, i) => (b.edge[i] === 1 ? GICD_ICFGR_EDGE : 0) }),
  ];
}

/**
 * The redistributor region: redistributor k's frames at k * 128 KiB. The
 * region may be larger than the redistributors it holds (QEMU virt's is
 * sized for 123); offsets beyond the last one are RAZ/WI.
 */
export class GicrRegion implements MmioDevice {
  private readonly frames: MmioTable[];

  constructor(redists: readonly Redistributor[]) {
    this.frames = redists.map((r) => new MmioTable(gicrTable(r)));
  }

  read(offset: number, size: AccessSize, _cpu: number): number {
    const k = Math.floor(offset / GICR_STRIDE);
    if (k >= this.frames.length) return 0;
    return this.frames[k].read(offset - k * GICR_STRIDE, size, k);
  }

  write(offset: number, size: AccessSize, value: number, _cpu: number): void {
    const k = Math.floor(offset / GICR_STRIDE);
    if (k < this.frames.length) this.frames[k].write(offset - k * GICR_STRIDE, size, value, k);
  }
}
