// The GICv3 distributor of the legacy vgic (Linux 4.2/4.3
// virt/kvm/arm/vgic-v3-emul.c, vgic_v3_dist_ranges) on the legacy
// distributor state (legacy-dist.ts), as a table of the MMIO framework.
// "Priorities are not emulated", "we only support Group1 interrupts", one
// Security state, affinity routing always on:
// - GICD_CTLR: EnableGrp1 (bit 1) is dist->enabled; ARE_NS (bit 4) and DS
//   (bit 6) read 1; a write keeps EnableGrp1 only (handle_mmio_ctlr);
// - GICD_TYPER: ITLinesNumber, IDbits = 9 (INTERRUPT_ID_BITS 10), CPUNumber 0;
//   GICD_IIDR: ProductID 'K', Implementer Arm, no revision (0x4B00043B);
// - GICD_IGROUPR: every word reads all ones (handle_mmio_rao_wi, the words
//   of INTIDs 0-31 too), writes ignored;
// - IS/ICENABLER, IS/ICPENDR, IPRIORITYR, ICFGR: the handlers of the GICv2
//   model (vgic.c's vgic_handle_*_reg) for SPIs; the words of INTIDs 0-31
//   RAZ/WI (the redistributors own them: legacy-v3-rdist.ts);
// - GICD_ISACTIVER/ICACTIVER: RAZ/WI (the v3 emulation of that era never
//   had active-state registers: handle_mmio_raz_wi);
// - ITARGETSR, IGRPMODR, NSACR, SGIR, CPENDSGIR/SPENDSGIR, STATUSR and the
//   SETSPI/CLRSPI registers: RAZ/WI (no region here: RAZ/WI);
// - GICD_IROUTER<n> (handle_mmio_route_reg): the low word is kept as a
//   compressed MPIDR (irq_spi_mpidr, Aff2.Aff1.Aff0; IRM and [30:24]
//   dropped) and routes the SPI to the vcpu with that affinity
//   (irq_spi_cpu); none: SPI_NO_VCPU, the SPI may become pending but is
//   never injected. The upper word is RAZ/WI ("we don't support Aff3");
// - GICD_PIDR2 = 0x3B, the other ID registers 0 (handle_mmio_idregs).
// Accesses of 8, 16 and 32 bits everywhere (vgic_reg_access); an 8-byte
// access is two word accesses, the upper first (LegacyDistMmio.read64).

import { AFF_Aff210, cpuOfAffinity } from '../../../hw/cpu/mpidr.ts';
import { PRIVATE_COUNT } from '../../../hw/gic/intid.ts';
import {
  GICD_CTLR,
  GICD_CTLR_EnableGrp1,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_TYPER,
  GICD_TYPER_ITLinesNumber,
} from '../../../hw/gic/registers.ts';
import {
  GICD_CTLR_ARE,
  GICD_CTLR_DS,
  GICD_IROUTER,
  GICD_PIDR2,
  GICD_TYPER_IDbits,
  GICD_V3_ID_BASE,
} from '../../../hw/gic/v3/gicd-regs.ts';
import { register } from '../../../hw/mmio/builders.ts';
import { ACCESS_8, ACCESS_16, ACCESS_32, intidOf, type MmioRegion } from '../../../hw/mmio/region.ts';
import { fieldMask, getField, lowMask, setField } from '../../../sim/bits.ts';
import { type LegacyDist, SPI_NO_VCPU } from './legacy-dist.ts';
import { LEGACY_GICD_IIDR, legacyTable } from './legacy-mmio.ts';

/** vgic_reg_access: 8-, 16- and 32-bit accesses */
export const ANY_WIDTH = ACCESS_8 | ACCESS_16 | ACCESS_32;
/** INTERRUPT_ID_BITS of vgic-v3-emul.c */
const INTERRUPT_ID_BITS = 10;
/** GICD_PIDR2 of handle_mmio_idregs: "report the GIC as version 3" */
export const LEGACY_V3_PIDR2 = 0x3b;
const IROUTER_BYTES = 8;
/** The IROUTER range of vgic_v3_dist_ranges: GICD_IROUTER + 0x100 (INTID 32) up to 0x7fe0 */
const IROUTER_SPI_BASE = GICD_IROUTER + PRIVATE_COUNT * IROUTER_BYTES;
const IROUTER_SPI_LEN = 0x1ee0;
const ALL_ONES = 0xffff_ffff;
const ID_BLOCK_LEN = 0x30;

/**
 * A register of whole words under vgic_reg_access: a byte or halfword
 * access reads its part of the word; a partial write merges into it.
 * `bitsPerIrq` 1 bounds the words by nr_irqs (vgic_validate_access).
 */
export function legacyWords(
  name: string,
  offset: number,
  len: number,
  readWord: (vcpu: number, wordOffset: number) => number,
  writeWord?: (vcpu: number, wordOffset: number, value: number) => void,
  bitsPerIrq = 0,
): MmioRegion {
  const r = register({
    name,
    offset,
    len,
    widths: ANY_WIDTH,
    read: (v, off) => readWord(v, off & ~3) >>> ((off & 3) * 8),
    write:
      writeWord === undefined
        ? undefined
        : (v, off, size, value) => {
            const shift = (off & 3) * 8;
            const mask = (lowMask(size * 8) << shift) >>> 0;
            const w = off & ~3;
            writeWord(v, w, ((readWord(v, w) & ~mask) | ((value << shift) & mask)) >>> 0);
          },
  });
  return bitsPerIrq === 0 ? r : { ...r, bitsPerIrq };
}

/** The GICv2 model's region, with the fields of INTIDs 0-31 RAZ/WI (the `offset < 32 / bits` test of each *_dist handler). */
function sharedOnly(r: MmioRegion): MmioRegion {
  return {
    ...r,
    read: (v, off, size) => (intidOf(r, off) < PRIVATE_COUNT ? 0 : r.read(v, off, size)),
    write: (v, off, size, value) => {
      if (intidOf(r, off) >= PRIVATE_COUNT) r.write(v, off, size, value);
    },
  };
}

/** The GICv2 model's region named `name` (vgic-v2-emul.c's handler, which the v3 emulation shares). */
export function v2Region(regions: readonly MmioRegion[], name: string): MmioRegion {
  const r = regions.find((x) => x.name === name);
  if (r === undefined) throw new RangeError(`no legacy GICD region ${name}`);
  return r;
}

/** vgic_update_state + vgic_kick_vcpus, after a write that changed something */
function changed(d: LegacyDist): void {
  d.updateState();
  d.kickVcpus();
}

/**
 * handle_mmio_route_reg's write of the low word: keep it compressed
 * (compress_mpidr: Aff2.Aff1.Aff0, [23:0]; Aff3 is in the upper word,
 * RAZ/WI), route to the vcpu of that affinity (kvm_mpidr_to_vcpu over that
 * era's reset_mpidr, the board's affinity: hw/cpu/mpidr.ts) or none.
 */
export function writeIrouter(d: LegacyDist, spi: number, value: number): void {
  const aff = getField(value, AFF_Aff210);
  d.spiMpidr[spi] = aff;
  const v = cpuOfAffinity(aff, d.nrVcpus);
  d.spiTarget[spi] = v < 0 ? SPI_NO_VCPU : v;
  changed(d);
}

/** vgic_v3_dist_ranges on the legacy state, sorted by offset. */
export function legacyV3DistTable(d: LegacyDist, retire: (vcpu: number) => void): MmioRegion[] {
  const v2 = legacyTable(d, retire);
  const enableGrp1 = fieldMask(GICD_CTLR_EnableGrp1);
  const spiOf = (off: number) => Math.floor((off - IROUTER_SPI_BASE) / IROUTER_BYTES);
  return [
    legacyWords(
      'GICD_CTLR',
      GICD_CTLR,
      4,
      () => (setField(setField(0, GICD_CTLR_ARE, 1), GICD_CTLR_DS, 1) | (d.enabled ? enableGrp1 : 0)) >>> 0,
      (_v, _off, value) => {
        d.enabled = (value & enableGrp1) !== 0;
        changed(d);
      },
    ),
    legacyWords('GICD_TYPER', GICD_TYPER, 4, () =>
      setField(
        setField(0, GICD_TYPER_ITLinesNumber, (Math.min(d.nrIrqs, 1024) >>> 5) - 1),
        GICD_TYPER_IDbits,
        INTERRUPT_ID_BITS - 1,
      ),
    ),
    legacyWords('GICD_IIDR', GICD_IIDR, 4, () => LEGACY_GICD_IIDR),
    legacyWords('GICD_IGROUPR', GICD_IGROUPR, 0x80, () => ALL_ONES, undefined, 1),
    sharedOnly(v2Region(v2, 'GICD_ISENABLER')),
    sharedOnly(v2Region(v2, 'GICD_ICENABLER')),
    sharedOnly(v2Region(v2, 'GICD_ISPENDR')),
    sharedOnly(v2Region(v2, 'GICD_ICPENDR')),
    sharedOnly(v2Region(v2, 'GICD_IPRIORITYR')),
    sharedOnly(v2Region(v2, 'GICD_ICFGR')),
    legacyWords(
      'GICD_IROUTER',
      IROUTER_SPI_BASE,
      IROUTER_SPI_LEN,
      // the upper word of each register is RAZ/WI; SPIs beyond nr_spis too (KVM indexed past irq_spi_mpidr)
      (_v, off) => {
        const spi = spiOf(off);
        return off % IROUTER_BYTES !== 0 || spi >= d.nrSpis ? 0 : d.spiMpidr[spi];
      },
      (_v, off, value) => {
        const spi = spiOf(off);
        if (off % IROUTER_BYTES === 0 && spi < d.nrSpis) writeIrouter(d, spi, value);
      },
    ),
    legacyWords('GICD_IDREGS', GICD_V3_ID_BASE, ID_BLOCK_LEN, (_v, off) =>
      off === GICD_PIDR2 ? LEGACY_V3_PIDR2 : 0,
    ),
  ];
}
