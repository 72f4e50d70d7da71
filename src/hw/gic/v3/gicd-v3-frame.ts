// The GICD frame (64 KiB) of the GICv3 distributor: the register table
// (IHI 0069 chapter 12, the GICD register map) on the hw/mmio framework.
// Affinity routing is always on (GICD_CTLR.ARE RAO/WI) and there is a single
// Security state (GICD_CTLR.DS RAO/WI), so:
// - the per-INTID registers' words of INTIDs 0-31 (IGROUPR0, ISENABLER0,
//   ..., IPRIORITYR0-7, ICFGR0-1) are RAZ/WI: the redistributors own them;
// - GICD_ITARGETSR, GICD_SGIR, GICD_CPENDSGIR and GICD_SPENDSGIR are RAZ/WI
//   (RES0 with ARE = 1); SPIs are routed by GICD_IROUTER<n>;
// - GICD_IGRPMODR and GICD_NSACR are RAZ/WI (DS = 1);
// - no LPIs, no message-based SPIs: GICD_SETSPI_* and GICD_TYPER2 RAZ/WI.
// Access widths (IHI 0069 12.1, GIC memory-mapped register access):
// 32-bit everywhere, also 8-bit for GICD_IPRIORITYR; GICD_IROUTER<n> is
// 64-bit, which the bus delivers as two 32-bit halves (also allowed). Other
// widths, unaligned accesses, reserved offsets and bits of unimplemented
// INTIDs: RAZ/WI.

import { setField } from '../../../sim/bits.ts';
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
import {
  BITS_REG_SPAN,
  BYTES_REG_SPAN,
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICFGR_BITS_PER_IRQ,
  GICD_ICFGR_EDGE,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_TYPER,
  GICD_TYPER_ITLinesNumber,
  ICFGR_SPAN,
} from '../registers.ts';
import type { DistributorV3 } from './distributor-v3.ts';
import {
  GICD_CTLR_ARE,
  GICD_CTLR_DS,
  GICD_IROUTER,
  GICD_IROUTER_END,
  GICD_TYPER_A3V,
  GICD_TYPER_IDbits,
  GICD_V3_FRAME_SIZE,
  GICD_V3_ID_BASE,
  PIDR2_ArchRev,
  PIDR2_ARCHREV_GICV3,
} from './gicd-regs.ts';
import type { IrqBank } from './irq-bank.ts';

/**
 * GICD_TYPER.IDbits = 15: 16 bits of INTID, the smallest a GICv3 may
 * report, as ICC_CTLR_EL1.IDbits = 0 says (no LPIs are implemented).
 */
export const GICV3_IDBITS = 15;

/** The identification registers 0xFFD0..0xFFFC: PIDR4..7, PIDR0..3 (PIDR2.ArchRev = 3), CIDR0..3. */
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

/** GICD_CTLR bits a write keeps (EnableGrp0, EnableGrp1); ARE and DS read as one. */
const CTLR_ENABLES = 3;
const CTLR_RAO = setField(setField(0, GICD_CTLR_ARE, 1), GICD_CTLR_DS, 1);

/** The GICD frame of a GICv3. */
export class GicdV3Frame extends MmioTable {
  constructor(d: DistributorV3) {
    super(gicdV3Table(d));
  }
}

export function gicdV3Typer(d: DistributorV3): number {
  let v = setField(0, GICD_TYPER_ITLinesNumber, Math.ceil(d.numIrqs / 32) - 1);
  v = setField(v, GICD_TYPER_IDbits, GICV3_IDBITS);
  // CPUNumber 0 (ARE is always 1), SecurityExtn 0, no LPIs/MBIS/ESPI, No1N 0 (1 of N supported), RSS 0.
  return setField(v, GICD_TYPER_A3V, 1);
}

export function gicdV3Table(d: DistributorV3): MmioRegion[] {
  const b = d.spis;
  const flag = (x: boolean): number => (x ? 1 : 0);
  /** Index of an implemented SPI in the bank, or -1 (INTIDs 0-31 and unimplemented ones: RAZ/WI). */
  const spi = (id: number): number => (d.isSpiImplemented(id) ? id - PRIVATE_COUNT : -1);
  const bits = (
    name: string,
    offset: number,
    read: (i: number) => number,
    write?: (i: number, v: number) => void,
  ) =>
    perIrq({
      name,
      offset,
      len: BITS_REG_SPAN,
      bitsPerIrq: 1,
      read: (_c, id) => {
        const i = spi(id);
        return i < 0 ? 0 : read(i);
      },
      write: (_c, id, v) => {
        const i = spi(id);
        if (i >= 0 && write !== undefined) write(i, v);
      },
    });
  return [
    register({
      name: 'GICD_CTLR',
      offset: GICD_CTLR,
      read: () => (d.ctlr | CTLR_RAO) >>> 0,
      write: (_c, _o, _s, v) => d.setCtlr(v & CTLR_ENABLES),
    }),
    register({ name: 'GICD_TYPER', offset: GICD_TYPER, read: () => gicdV3Typer(d) }),
    register({ name: 'GICD_IIDR', offset: GICD_IIDR, read: () => GICD_IIDR_VALUE }),
    bits('GICD_IGROUPR', GICD_IGROUPR, (i) => b.group[i], bankWrite.group(b)),
    bits('GICD_ISENABLER', GICD_ISENABLER, (i) => b.enabled[i], bankWrite.enable(b, true)),
    bits('GICD_ICENABLER', GICD_ICENABLER, (i) => b.enabled[i], bankWrite.enable(b, false)),
    bits('GICD_ISPENDR', GICD_ISPENDR, (i) => flag(b.isPending(i)), bankWrite.pending(b, true)),
    bits('GICD_ICPENDR', GICD_ICPENDR, (i) => flag(b.isPending(i)), bankWrite.pending(b, false)),
    bits('GICD_ISACTIVER', GICD_ISACTIVER, (i) => b.active[i], bankWrite.active(b, true)),
    bits('GICD_ICACTIVER', GICD_ICACTIVER, (i) => b.active[i], bankWrite.active(b, false)),
    perIrq({
      name: 'GICD_IPRIORITYR',
      offset: GICD_IPRIORITYR,
      len: BYTES_REG_SPAN,
      bitsPerIrq: BITS_PER_BYTE,
      widths: ACCESS_8 | ACCESS_32,
      read: (_c, id) => (spi(id) < 0 ? 0 : b.priority[spi(id)]),
      write: (_c, id, v) => {
        if (spi(id) >= 0) b.setPriority(spi(id), v);
      },
    }),
    perIrq({
      name: 'GICD_ICFGR',
      offset: GICD_ICFGR,
      len: ICFGR_SPAN,
      bitsPerIrq: GICD_ICFGR_BITS_PER_IRQ,
      read: (_c, id) => (spi(id) >= 0 && b.edge[spi(id)] === 1 ? GICD_ICFGR_EDGE : 0),
      write: (_c, id, f) => {
        const i = spi(id);
        const edge = (f & GICD_ICFGR_EDGE) !== 0;
        if (i >= 0 && (b.edge[i] === 1) !== edge) b.setEdge(i, edge);
      },
    }),
    register({
      name: 'GICD_IROUTER',
      offset: GICD_IROUTER + PRIVATE_COUNT * 8,
      len: GICD_IROUTER_END - (GICD_IROUTER + PRIVATE_COUNT * 8),
      read: (_c, off) => {
        const id = (off - GICD_IROUTER) >>> 3;
        if (spi(id) < 0) return 0;
        return (off & 4) !== 0 ? d.irouterHi[spi(id)] : d.irouterLo[spi(id)];
      },
      write: (_c, off, _s, v) => {
        const id = (off - GICD_IROUTER) >>> 3;
        if (spi(id) >= 0) d.setRouter(id, (off & 4) !== 0, v);
      },
    }),
    register({
      name: 'GICD_PIDR/CIDR',
      offset: GICD_V3_ID_BASE,
      len: GICD_V3_FRAME_SIZE - GICD_V3_ID_BASE,
      read: (_c, off) => ID_VALUES[(off - GICD_V3_ID_BASE) / WORD_BYTES],
    }),
  ];
}

/**
 * Writes of one interrupt's bit in the set/clear registers (a 0 bit has no
 * effect) and in IGROUPR; shared by the GICD and the GICR SGI_base tables.
 */
export const bankWrite = {
  group: (b: IrqBank) => (i: number, v: number) => {
    if (b.group[i] !== v) b.setGroup(i, v);
  },
  enable: (b: IrqBank, set: boolean) => (i: number, v: number) => {
    if (v !== 0) b.setEnabled(i, set);
  },
  pending: (b: IrqBank, set: boolean) => (i: number, v: number) => {
    if (v !== 0) b.setPending(i, set);
  },
  active: (b: IrqBank, set: boolean) => (i: number, v: number) => {
    if (v !== 0) b.setActive(i, set);
  },
};
