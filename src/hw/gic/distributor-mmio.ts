// The GICD frame (4 KiB) of the physical distributor: the GICv2 register
// table (GICv2 4.3, Table 4-1), one row per register region pointing at the
// named handlers below, on the MMIO table framework (hw/mmio). Banked
// registers (SGI/PPI bits, ITARGETSR0-7, CPENDSGIR/SPENDSGIR) are those of
// the accessing `cpu`.
//
// Access widths (GICv2 4.1.4): word access everywhere; byte access also for
// GICD_IPRIORITYR, GICD_ITARGETSR, GICD_CPENDSGIR and GICD_SPENDSGIR. Any
// other width or an unaligned access is UNPREDICTABLE; the model makes it
// RAZ/WI. Reserved and IMPLEMENTATION DEFINED ranges, bits for INTIDs that are
// not implemented, and accesses from a cpu number the GIC does not have are
// RAZ/WI. Reads of the write-only GICD_SGIR are RAZ; writes to read-only
// registers are ignored.

import { getField, setField } from '../../sim/bits.ts';
import { perIrq, register } from '../mmio/builders.ts';
import {
  ACCESS_8,
  ACCESS_32,
  BITS_PER_BYTE,
  type MmioRegion,
  MmioTable,
  WORD_BYTES,
} from '../mmio/region.ts';
import type { Distributor } from './distributor.ts';
import { isPrivate, isSgi } from './intid.ts';
import {
  BITS_REG_SPAN,
  BYTES_REG_SPAN,
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICFGR_BITS_PER_IRQ,
  GICD_ICFGR_EDGE,
  GICD_ICPENDR,
  GICD_ID_BASE,
  GICD_ID_END,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IIDR_ProductID,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_SGIR,
  GICD_SGIR_CPUTargetList,
  GICD_SGIR_FILTER_ALL_BUT_SELF,
  GICD_SGIR_FILTER_LIST,
  GICD_SGIR_FILTER_SELF,
  GICD_SGIR_SGIINTID,
  GICD_SGIR_TargetListFilter,
  GICD_SPENDSGIR,
  GICD_TYPER,
  GICD_TYPER_CPUNumber,
  GICD_TYPER_ITLinesNumber,
  ICFGR_SPAN,
  ICPIDR2_ArchRev,
  IIDR_Implementer,
  IIDR_Revision,
  SGI_BYTES_SPAN,
} from './registers.ts';

/**
 * GICD_IIDR of the model: Implementer 0x000 (no JEP106 code is claimed),
 * ProductID 0x56 ('V', vgicsim), Variant 0, Revision 1.
 */
export const GICD_IIDR_VALUE = setField(
  setField(setField(0, IIDR_Implementer, 0), IIDR_Revision, 1),
  GICD_IIDR_ProductID,
  0x56,
);

/**
 * Identification registers 0xFD0..0xFFC (GICv2 4.3.16 and the CoreSight
 * component ID layout): ICPIDR4..7, ICPIDR0..3, ICCIDR0..3. ICPIDR2.ArchRev =
 * 2 (GICv2); the JEP106 fields are 0 (no designer claimed); ICCIDR0..3 hold
 * the standard component preamble 0x0D, 0xF0, 0x05, 0xB1.
 */
// Layout by word index from 0xFD0: 0 PIDR4, 1 PIDR5, 2 PIDR6, 3 PIDR7, 4 PIDR0, 5 PIDR1, 6 PIDR2, 7 PIDR3, 8..11 CIDR0..3.
const ID_VALUES = [0, 0, 0, 0, 0, 0, setField(0, ICPIDR2_ArchRev, 2), 0, 0x0d, 0xf0, 0x05, 0xb1];

/** The physical GICD frame. */
export class DistributorMmio extends MmioTable {
  constructor(d: Distributor) {
    super(distributorTable(d), { cpus: d.cpus });
  }
}

/** The physical distributor's GICD table, sorted by offset. */
export function distributorTable(d: Distributor): MmioRegion[] {
  const bits = (name: string, offset: number) => ({ name, offset, len: BITS_REG_SPAN, bitsPerIrq: 1 });
  const bytes = (name: string, offset: number) => ({
    name,
    offset,
    len: BYTES_REG_SPAN,
    bitsPerIrq: BITS_PER_BYTE,
    widths: ACCESS_8 | ACCESS_32,
  });
  const flag = (b: boolean): number => (b ? 1 : 0);

  // ---- named handlers (one INTID's field; bits of unimplemented INTIDs are RAZ/WI) ----
  const readGroup = (cpu: number, id: number) => flag(d.isImplemented(id) && d.groupOf(cpu, id) === 1);
  const writeGroup = (cpu: number, id: number, b: number) => {
    if (d.isImplemented(id) && d.groupOf(cpu, id) !== b) d.setGroup(cpu, id, b);
  };
  const readEnable = (cpu: number, id: number) => flag(d.isImplemented(id) && d.isEnabled(cpu, id));
  const writeEnable = (set: boolean) => (cpu: number, id: number, b: number) => {
    if (b !== 0 && d.isImplemented(id)) d.setEnabled(cpu, id, set);
  };
  const readPending = (cpu: number, id: number) => flag(d.isImplemented(id) && d.isPending(cpu, id));
  /** SGI pending bits change only through GICD_SPENDSGIR/CPENDSGIR (GICv2 4.3.7, 4.3.8). */
  const writePending = (set: boolean) => (cpu: number, id: number, b: number) => {
    if (b !== 0 && d.isImplemented(id) && !isSgi(id)) d.setPending(cpu, id, set);
  };
  const readActive = (cpu: number, id: number) => flag(d.isImplemented(id) && d.isActive(cpu, id));
  const writeActive = (set: boolean) => (cpu: number, id: number, b: number) => {
    if (b !== 0 && d.isImplemented(id)) d.setActive(cpu, id, set);
  };
  const readPriority = (cpu: number, id: number) => (d.isImplemented(id) ? d.priorityOf(cpu, id) : 0);
  const writePriority = (cpu: number, id: number, b: number) => {
    if (d.isImplemented(id)) d.setPriority(cpu, id, b);
  };
  const readTargets = (cpu: number, id: number) => (d.isImplemented(id) ? d.targetsOf(cpu, id) : 0);
  /** ITARGETSR0-7 (INTIDs 0-31) are read-only (GICv2 4.3.12). */
  const writeTargets = (_cpu: number, id: number, b: number) => {
    if (d.isImplemented(id) && !isPrivate(id)) d.setTargets(id, b);
  };
  /**
   * GICD_ICFGR: Int_config[1] = 1 for edge-triggered; Int_config[0] is
   * reserved in GICv2 (RAZ/WI here). ICFGR0 (SGIs) reads as edge and is
   * read-only; ICFGR1 (PPIs) is read-only, level-sensitive in this model
   * (IMPLEMENTATION DEFINED, GICv2 4.3.13; the timers drive level PPIs).
   */
  const readConfig = (cpu: number, id: number) =>
    d.isImplemented(id) && d.isEdge(cpu, id) ? GICD_ICFGR_EDGE : 0;
  const writeConfig = (_cpu: number, id: number, f: number) => {
    if (isPrivate(id) || !d.isImplemented(id)) return;
    const edge = (f & GICD_ICFGR_EDGE) !== 0;
    if (d.isEdge(0, id) !== edge) d.setEdge(id, edge);
  };
  const readSgiSources = (cpu: number, sgi: number) => d.sgiSourcesOf(cpu, sgi);
  const writeSgiSources = (set: boolean) => (cpu: number, sgi: number, sources: number) => {
    if (sources !== 0) d.changeSgiSources(cpu, sgi, sources, set);
  };

  return [
    register({
      name: 'GICD_CTLR',
      offset: GICD_CTLR,
      read: () => d.ctlr,
      write: (_c, _o, _s, v) => d.setCtlr(v),
    }),
    register({ name: 'GICD_TYPER', offset: GICD_TYPER, read: () => typer(d) }),
    register({ name: 'GICD_IIDR', offset: GICD_IIDR, read: () => GICD_IIDR_VALUE }),
    perIrq({ ...bits('GICD_IGROUPR', GICD_IGROUPR), read: readGroup, write: writeGroup }),
    perIrq({ ...bits('GICD_ISENABLER', GICD_ISENABLER), read: readEnable, write: writeEnable(true) }),
    perIrq({ ...bits('GICD_ICENABLER', GICD_ICENABLER), read: readEnable, write: writeEnable(false) }),
    perIrq({ ...bits('GICD_ISPENDR', GICD_ISPENDR), read: readPending, write: writePending(true) }),
    perIrq({ ...bits('GICD_ICPENDR', GICD_ICPENDR), read: readPending, write: writePending(false) }),
    perIrq({ ...bits('GICD_ISACTIVER', GICD_ISACTIVER), read: readActive, write: writeActive(true) }),
    perIrq({ ...bits('GICD_ICACTIVER', GICD_ICACTIVER), read: readActive, write: writeActive(false) }),
    perIrq({ ...bytes('GICD_IPRIORITYR', GICD_IPRIORITYR), read: readPriority, write: writePriority }),
    perIrq({ ...bytes('GICD_ITARGETSR', GICD_ITARGETSR), read: readTargets, write: writeTargets }),
    perIrq({
      name: 'GICD_ICFGR',
      offset: GICD_ICFGR,
      len: ICFGR_SPAN,
      bitsPerIrq: GICD_ICFGR_BITS_PER_IRQ,
      read: readConfig,
      write: writeConfig,
    }),
    register({ name: 'GICD_SGIR', offset: GICD_SGIR, write: (cpu, _o, _s, v) => writeSgir(d, v, cpu) }),
    perIrq({
      ...bytes('GICD_CPENDSGIR', GICD_CPENDSGIR),
      len: SGI_BYTES_SPAN,
      banked: true,
      read: readSgiSources,
      write: writeSgiSources(false),
    }),
    perIrq({
      ...bytes('GICD_SPENDSGIR', GICD_SPENDSGIR),
      len: SGI_BYTES_SPAN,
      banked: true,
      read: readSgiSources,
      write: writeSgiSources(true),
    }),
    register({
      name: 'GICD_ICPIDR/ICCIDR',
      offset: GICD_ID_BASE,
      len: GICD_ID_END - GICD_ID_BASE,
      read: (_c, off) => ID_VALUES[(off - GICD_ID_BASE) / WORD_BYTES],
    }),
  ];
}

function typer(d: Distributor): number {
  const lines = Math.ceil(d.numIrqs / 32) - 1;
  // SecurityExtn (bit 10) = 0 and LSPI = 0: no Security Extensions.
  return setField(setField(0, GICD_TYPER_ITLinesNumber, lines), GICD_TYPER_CPUNumber, d.cpus - 1);
}

/**
 * GICD_SGIR (GICv2 4.3.15). NSATT is ignored without the Security
 * Extensions; the SGI's group is its GICD_IGROUPR0 bit at each target.
 * TargetListFilter 3 is reserved: the write is ignored. Target bits of
 * absent cpus are ignored.
 */
function writeSgir(d: Distributor, value: number, cpu: number): void {
  const sgi = getField(value, GICD_SGIR_SGIINTID);
  const filter = getField(value, GICD_SGIR_TargetListFilter);
  const all = (1 << d.cpus) - 1;
  let targets: number;
  if (filter === GICD_SGIR_FILTER_LIST) targets = getField(value, GICD_SGIR_CPUTargetList) & all;
  else if (filter === GICD_SGIR_FILTER_ALL_BUT_SELF) targets = all & ~(1 << cpu);
  else if (filter === GICD_SGIR_FILTER_SELF) targets = 1 << cpu;
  else return;
  d.sendSgi(cpu, sgi, targets);
}
