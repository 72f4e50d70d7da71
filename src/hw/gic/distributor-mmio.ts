// The GICD frame (4 KiB): decodes register accesses onto the Distributor
// (GICv2 4.3, Table 4-1). Banked registers (SGI/PPI bits, ITARGETSR0-7,
// CPENDSGIR/SPENDSGIR) are those of the accessing `cpu`.
//
// Access widths (GICv2 4.1.4): word access everywhere; byte access also for
// GICD_IPRIORITYR, GICD_ITARGETSR, GICD_CPENDSGIR and GICD_SPENDSGIR. Any
// other width or an unaligned access is UNPREDICTABLE; the model makes it
// RAZ/WI. Reserved and IMPLEMENTATION DEFINED ranges, bits for INTIDs that are
// not implemented, and accesses from a cpu number the GIC does not have are
// RAZ/WI. Reads of the write-only GICD_SGIR are RAZ; writes to read-only
// registers are ignored.

import { getField, setField, testBit } from '../../sim/bits.ts';
import type { AccessSize, MmioDevice } from '../mmio.ts';
import type { Distributor } from './distributor.ts';
import { PRIVATE_COUNT, SGI_COUNT } from './intid.ts';
import {
  BITS_REG_SPAN,
  BYTES_REG_SPAN,
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_ID_BASE,
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

/** GICD_SGIR.TargetListFilter values (GICv2 4.3.15). */
const SGIR_FILTER_LIST = 0;
const SGIR_FILTER_ALL_BUT_SELF = 1;
const SGIR_FILTER_SELF = 2;

export class DistributorMmio implements MmioDevice {
  constructor(private readonly d: Distributor) {}

  read(offset: number, size: AccessSize, cpu: number): number {
    if (!this.accessOk(offset, size, cpu)) return 0;
    const d = this.d;
    if (offset === GICD_CTLR) return d.ctlr;
    if (offset === GICD_TYPER) return this.typer();
    if (offset === GICD_IIDR) return GICD_IIDR_VALUE;
    if (offset >= GICD_IGROUPR && offset < GICD_IPRIORITYR) return this.readBits(offset, cpu);
    if (offset >= GICD_IPRIORITYR && offset < GICD_ITARGETSR + BYTES_REG_SPAN)
      return this.readBytes(offset, size, cpu);
    if (offset >= GICD_ICFGR && offset < GICD_ICFGR + ICFGR_SPAN) return this.readIcfgr(offset, cpu);
    if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + SGI_BYTES_SPAN) {
      let v = 0;
      const first = (offset & (SGI_BYTES_SPAN - 1)) >>> 0;
      for (let i = 0; i < size; i++) v |= d.sgiSourcesOf(cpu, first + i) << (8 * i);
      return v >>> 0;
    }
    if (offset >= GICD_ID_BASE) return ID_VALUES[(offset - GICD_ID_BASE) >>> 2];
    return 0; // GICD_SGIR is write-only (RAZ); everything else is reserved.
  }

  write(offset: number, size: AccessSize, value: number, cpu: number): void {
    if (!this.accessOk(offset, size, cpu)) return;
    const d = this.d;
    if (offset === GICD_CTLR) d.setCtlr(value);
    else if (offset >= GICD_IGROUPR && offset < GICD_IPRIORITYR) this.writeBits(offset, value, cpu);
    else if (offset >= GICD_IPRIORITYR && offset < GICD_ITARGETSR + BYTES_REG_SPAN)
      this.writeBytes(offset, size, value, cpu);
    else if (offset >= GICD_ICFGR && offset < GICD_ICFGR + ICFGR_SPAN) this.writeIcfgr(offset, value);
    else if (offset === GICD_SGIR) this.writeSgir(value, cpu);
    else if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + SGI_BYTES_SPAN) {
      const set = offset >= GICD_SPENDSGIR;
      const first = (offset & (SGI_BYTES_SPAN - 1)) >>> 0;
      for (let i = 0; i < size; i++) {
        const sources = (value >>> (8 * i)) & 0xff;
        if (sources !== 0) d.changeSgiSources(cpu, first + i, sources, set);
      }
    }
    // TYPER, IIDR, ID registers are read-only; reserved ranges are WI.
  }

  private accessOk(offset: number, size: AccessSize, cpu: number): boolean {
    if (cpu < 0 || cpu >= this.d.cpus || offset < 0 || offset >= 0x1000) return false;
    if (size === 4) return (offset & 3) === 0;
    if (size !== 1) return false;
    return (
      (offset >= GICD_IPRIORITYR && offset < GICD_ITARGETSR + BYTES_REG_SPAN) ||
      (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + SGI_BYTES_SPAN)
    );
  }

  private typer(): number {
    const lines = Math.ceil(this.d.numIrqs / 32) - 1;
    // SecurityExtn (bit 10) = 0 and LSPI = 0: no Security Extensions.
    return setField(setField(0, GICD_TYPER_ITLinesNumber, lines), GICD_TYPER_CPUNumber, this.d.cpus - 1);
  }

  /** IGROUPR, I[SC]ENABLER, I[SC]PENDR, I[SC]ACTIVER: one bit per INTID. */
  private readBits(offset: number, cpu: number): number {
    const d = this.d;
    const reg = offset & ~(BITS_REG_SPAN - 1);
    const base = ((offset - reg) >>> 2) * 32;
    let v = 0;
    for (let i = 0; i < 32; i++) {
      const id = base + i;
      if (!d.isImplemented(id)) break;
      let b: boolean;
      if (reg === GICD_IGROUPR) b = d.groupOf(cpu, id) === 1;
      else if (reg === GICD_ISENABLER || reg === GICD_ICENABLER) b = d.isEnabled(cpu, id);
      else if (reg === GICD_ISPENDR || reg === GICD_ICPENDR) b = d.isPending(cpu, id);
      else b = d.isActive(cpu, id);
      if (b) v |= 1 << i;
    }
    return v >>> 0;
  }

  private writeBits(offset: number, value: number, cpu: number): void {
    const d = this.d;
    const reg = offset & ~(BITS_REG_SPAN - 1);
    const base = ((offset - reg) >>> 2) * 32;
    for (let i = 0; i < 32; i++) {
      const id = base + i;
      if (!d.isImplemented(id)) break;
      const b = testBit(value, i);
      if (reg === GICD_IGROUPR) {
        if (d.groupOf(cpu, id) !== (b ? 1 : 0)) d.setGroup(cpu, id, b ? 1 : 0);
        continue;
      }
      if (!b) continue; // set/clear registers: writing 0 has no effect
      if (reg === GICD_ISENABLER || reg === GICD_ICENABLER) d.setEnabled(cpu, id, reg === GICD_ISENABLER);
      // SGI pending bits are changed only through GICD_SPENDSGIR/CPENDSGIR (GICv2 4.3.7, 4.3.8).
      else if (reg === GICD_ISPENDR || reg === GICD_ICPENDR) {
        if (id >= SGI_COUNT) d.setPending(cpu, id, reg === GICD_ISPENDR);
      } else d.setActive(cpu, id, reg === GICD_ISACTIVER);
    }
  }

  /** IPRIORITYR and ITARGETSR: one byte per INTID. */
  private readBytes(offset: number, size: AccessSize, cpu: number): number {
    const d = this.d;
    const isPrio = offset < GICD_ITARGETSR;
    const first = offset - (isPrio ? GICD_IPRIORITYR : GICD_ITARGETSR);
    let v = 0;
    for (let i = 0; i < size; i++) {
      const id = first + i;
      if (!d.isImplemented(id)) continue;
      v |= (isPrio ? d.priorityOf(cpu, id) : d.targetsOf(cpu, id)) << (8 * i);
    }
    return v >>> 0;
  }

  private writeBytes(offset: number, size: AccessSize, value: number, cpu: number): void {
    const d = this.d;
    const isPrio = offset < GICD_ITARGETSR;
    const first = offset - (isPrio ? GICD_IPRIORITYR : GICD_ITARGETSR);
    for (let i = 0; i < size; i++) {
      const id = first + i;
      if (!d.isImplemented(id)) continue;
      const byte = (value >>> (8 * i)) & 0xff;
      // ITARGETSR0-7 (INTIDs 0-31) are read-only (GICv2 4.3.12).
      if (isPrio) d.setPriority(cpu, id, byte);
      else if (id >= PRIVATE_COUNT) d.setTargets(id, byte);
    }
  }

  /**
   * GICD_ICFGR: two bits per INTID, Int_config[1] = 1 for edge-triggered;
   * Int_config[0] is reserved in GICv2 (RAZ/WI here). ICFGR0 (SGIs) reads as
   * edge and is read-only; ICFGR1 (PPIs) is read-only, level-sensitive in this
   * model (IMPLEMENTATION DEFINED, GICv2 4.3.13; the timers drive level PPIs).
   */
  private readIcfgr(offset: number, cpu: number): number {
    const d = this.d;
    const base = ((offset - GICD_ICFGR) >>> 2) * 16;
    let v = 0;
    for (let i = 0; i < 16; i++) {
      const id = base + i;
      if (!d.isImplemented(id)) break;
      if (d.isEdge(cpu, id)) v |= 2 << (2 * i);
    }
    return v >>> 0;
  }

  private writeIcfgr(offset: number, value: number): void {
    const d = this.d;
    const base = ((offset - GICD_ICFGR) >>> 2) * 16;
    if (base < PRIVATE_COUNT) return;
    for (let i = 0; i < 16; i++) {
      const id = base + i;
      if (!d.isImplemented(id)) break;
      const edge = testBit(value, 2 * i + 1);
      if (d.isEdge(0, id) !== edge) d.setEdge(id, edge);
    }
  }

  /**
   * GICD_SGIR (GICv2 4.3.15). NSATT is ignored without the Security
   * Extensions; the SGI's group is its GICD_IGROUPR0 bit at each target.
   * TargetListFilter 3 is reserved: the write is ignored. Target bits of
   * absent cpus are ignored.
   */
  private writeSgir(value: number, cpu: number): void {
    const sgi = getField(value, GICD_SGIR_SGIINTID);
    const filter = getField(value, GICD_SGIR_TargetListFilter);
    const all = (1 << this.d.cpus) - 1;
    let targets: number;
    if (filter === SGIR_FILTER_LIST) targets = getField(value, GICD_SGIR_CPUTargetList) & all;
    else if (filter === SGIR_FILTER_ALL_BUT_SELF) targets = all & ~(1 << cpu);
    else if (filter === SGIR_FILTER_SELF) targets = 1 << cpu;
    else return;
    this.d.sendSgi(cpu, sgi, targets);
  }
}
