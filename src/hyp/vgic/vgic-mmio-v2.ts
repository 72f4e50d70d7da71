// GICv2 distributor emulation (KVM's vgic-mmio-v2.c): the GICD register
// table of the vgic, one row per register region pointing at the named
// handlers of vgic-mmio.ts, plus the registers only GICv2 has (GICD_SGIR,
// GICD_CPENDSGIR/SPENDSGIR) and the identification values. The guest's GICD
// accesses trap and land here; `vcpu` selects the banked SGI/PPI state. The
// same table drives save/restore (rows with `uwrite`, vgic-save.ts).
// Register semantics: GICv2 4.3; KVM-specific choices are cited inline.

import { isPrivate } from '../../hw/gic/intid.ts';
import {
  BITS_REG_SPAN,
  BYTES_REG_SPAN,
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_CTLR_EnableGrp0,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICFGR_BITS_PER_IRQ,
  GICD_ICPENDR,
  GICD_ICPIDR2,
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
  ICPIDR2_JEDEC,
  ICPIDR2_JEP106_6_4,
  IIDR_Implementer,
  IIDR_Revision,
  SGI_BYTES_SPAN,
} from '../../hw/gic/registers.ts';
import { perIrq, register } from '../../hw/mmio/builders.ts';
import {
  ACCESS_8,
  ACCESS_32,
  BITS_PER_BYTE,
  intidOf,
  type MmioRegion,
  MmioTable,
  WORD_BYTES,
} from '../../hw/mmio/region.ts';
import { getField, setField, testBit } from '../../sim/bits.ts';
import type { VgicCore } from './vgic.ts';
import { VgicMmioHandlers } from './vgic-mmio.ts';

/** What halts the guest around an active-state access (VgicV2 or VgicV3: kvm_arm_halt_guest / kvm_arm_resume_guest). */
interface GuestHalter {
  haltGuest(): void;
  resumeGuest(): void;
}

/** KVM's IIDR: ProductID 'K' (0x4B), Revision 2 (groups configurable by the guest), Implementer 0x43B (Arm) */
export const GICD_IIDR_VALUE = setField(
  setField(setField(0, GICD_IIDR_ProductID, 0x4b), IIDR_Revision, 2),
  IIDR_Implementer,
  0x43b,
);
/** ICPIDR2 (GICv2 4.3.16): ArchRev 2 (GICv2), JEDEC 1, JEP106 identity bits [6:4] of Arm's code 0x3B */
export const GICD_ICPIDR2_VALUE = setField(
  setField(setField(0, ICPIDR2_ArchRev, 2), ICPIDR2_JEDEC, 1),
  ICPIDR2_JEP106_6_4,
  0x3,
);

/** The vgic's GICD frame: the GICv2 table over the vgic core. */
export class VgicDistMmio extends MmioTable {
  constructor(
    readonly core: VgicCore,
    readonly v2: GuestHalter,
  ) {
    super(vgicV2DistTable(core, v2), { nrIrqs: () => core.nrIrqs });
  }
}

/**
 * Guest accesses to the active state of SPIs halt the guest around them
 * (KVM's vgic_access_active_prepare/finish, kvm_arm_halt_guest): every
 * running vcpu exits and syncs its LRs first, so a read sees what the
 * guest did in an LR (acknowledged, deactivated) and a write cannot race
 * with it; counted in `halts`.
 * Save (`uread`) reads without halting: the vcpus are out of the guest.
 */
export function haltingForSpis(r: MmioRegion, v2: GuestHalter): MmioRegion {
  const { read, write } = r;
  return {
    ...r,
    read(vcpu, off, size) {
      const halt = !isPrivate(intidOf(r, off));
      if (halt) v2.haltGuest();
      const value = read(vcpu, off, size);
      if (halt) v2.resumeGuest();
      return value;
    },
    uread: r.uread ?? ((vcpu, off) => read(vcpu, off, WORD_BYTES)),
    write(vcpu, off, size, value) {
      const halt = !isPrivate(intidOf(r, off));
      if (halt) v2.haltGuest();
      write(vcpu, off, size, value);
      if (halt) v2.resumeGuest();
    },
  };
}

/** The GICv2 GICD table of the vgic (vgic_v2_dist_registers), sorted by offset. */
export function vgicV2DistTable(core: VgicCore, v2: GuestHalter): MmioRegion[] {
  const h = new VgicMmioHandlers(core);
  const bits = (name: string, offset: number) => ({ name, offset, len: BITS_REG_SPAN, bitsPerIrq: 1 });
  const bytes = (name: string, offset: number) => ({
    name,
    offset,
    len: BYTES_REG_SPAN,
    bitsPerIrq: BITS_PER_BYTE,
    widths: ACCESS_8 | ACCESS_32,
  });
  return [
    register({
      name: 'GICD_CTLR',
      offset: GICD_CTLR,
      read: () => (core.distEnabled ? 1 : 0),
      write: (_v, _o, _s, value) => {
        if (testBit(value, GICD_CTLR_EnableGrp0.lsb)) core.enableDistributor();
        else core.distEnabled = false; // pending ones stop being routed; active ones stay
      },
      uwrite: (_v, _o, value) => {
        core.distEnabled = testBit(value, GICD_CTLR_EnableGrp0.lsb);
      },
    }),
    register({
      name: 'GICD_TYPER',
      offset: GICD_TYPER,
      read: () =>
        setField(
          setField(0, GICD_TYPER_ITLinesNumber, core.nrIrqs / 32 - 1),
          GICD_TYPER_CPUNumber,
          core.nrVcpus - 1,
        ),
    }),
    register({ name: 'GICD_IIDR', offset: GICD_IIDR, read: () => GICD_IIDR_VALUE }),
    perIrq({
      ...bits('GICD_IGROUPR', GICD_IGROUPR),
      read: h.readGroup,
      write: h.writeGroup,
      uwrite: h.uwriteGroup,
    }),
    perIrq({
      ...bits('GICD_ISENABLER', GICD_ISENABLER),
      read: h.readEnable,
      write: h.writeSenable,
      uwrite: h.uwriteEnable,
    }),
    perIrq({ ...bits('GICD_ICENABLER', GICD_ICENABLER), read: h.readEnable, write: h.writeCenable }),
    perIrq({ ...bits('GICD_ISPENDR', GICD_ISPENDR), read: h.readPending, write: h.writeSpending }),
    perIrq({ ...bits('GICD_ICPENDR', GICD_ICPENDR), read: h.readPending, write: h.writeCpending }),
    haltingForSpis(
      perIrq({
        ...bits('GICD_ISACTIVER', GICD_ISACTIVER),
        read: h.readActive,
        write: h.writeSactive,
        uwrite: h.uwriteActive,
      }),
      v2,
    ),
    haltingForSpis(
      perIrq({ ...bits('GICD_ICACTIVER', GICD_ICACTIVER), read: h.readActive, write: h.writeCactive }),
      v2,
    ),
    perIrq({
      ...bytes('GICD_IPRIORITYR', GICD_IPRIORITYR),
      read: h.readPriority,
      write: h.writePriority,
      uwrite: h.writePriority,
    }),
    perIrq({
      ...bytes('GICD_ITARGETSR', GICD_ITARGETSR),
      read: h.readTarget,
      write: h.writeTarget,
      uwrite: h.writeTarget,
    }),
    perIrq({
      name: 'GICD_ICFGR',
      offset: GICD_ICFGR,
      len: ICFGR_SPAN,
      bitsPerIrq: GICD_ICFGR_BITS_PER_IRQ,
      read: h.readConfig,
      write: h.writeConfig,
      uwrite: h.writeConfig,
    }),
    register({
      name: 'GICD_SGIR',
      offset: GICD_SGIR,
      write: (vcpu, _o, _s, value) => sendSgi(core, vcpu, value),
    }),
    sgiPending('GICD_CPENDSGIR', GICD_CPENDSGIR, core, false),
    sgiPending('GICD_SPENDSGIR', GICD_SPENDSGIR, core, true),
    register({ name: 'GICD_ICPIDR2', offset: GICD_ICPIDR2, read: () => GICD_ICPIDR2_VALUE }),
  ];
}

/** GICD_CPENDSGIRn / SPENDSGIRn: one byte per SGI of the accessing vcpu, bit n = source vcpu n. */
function sgiPending(name: string, offset: number, core: VgicCore, set: boolean): MmioRegion {
  const cpuMask = (1 << core.nrVcpus) - 1;
  const apply = (vcpu: number, sgi: number, sources: number, raw: boolean): void => {
    const i = core.getIrq(vcpu, sgi)!;
    const b = sources & cpuMask;
    if (raw) i.source = b;
    else if (set) i.source |= b;
    else i.source &= ~b;
    i.pendingLatch = i.source !== 0;
    if (set && !raw && i.source !== 0) core.queueIrq(i);
  };
  return perIrq({
    name,
    offset,
    len: SGI_BYTES_SPAN,
    bitsPerIrq: BITS_PER_BYTE,
    widths: ACCESS_8 | ACCESS_32,
    banked: true,
    read: (vcpu, sgi) => core.getIrq(vcpu, sgi)!.source,
    write: (vcpu, sgi, b) => apply(vcpu, sgi, b, false),
    uwrite: set ? (vcpu, sgi, b) => apply(vcpu, sgi, b, true) : undefined,
  });
}

/** GICD_SGIR (GICv2 4.3.15): pend SGI `id` from `vcpu` on each target, one source bit each. */
function sendSgi(core: VgicCore, vcpu: number, value: number): void {
  const id = getField(value, GICD_SGIR_SGIINTID);
  let targets: number;
  switch (getField(value, GICD_SGIR_TargetListFilter)) {
    case GICD_SGIR_FILTER_LIST:
      targets = getField(value, GICD_SGIR_CPUTargetList);
      break;
    case GICD_SGIR_FILTER_ALL_BUT_SELF:
      targets = ~(1 << vcpu);
      break;
    case GICD_SGIR_FILTER_SELF:
      targets = 1 << vcpu;
      break;
    default:
      return; // reserved filter: ignored
  }
  targets &= (1 << core.nrVcpus) - 1;
  for (let t = 0; t < core.nrVcpus; t++) {
    if (!testBit(targets, t)) continue;
    const i = core.getIrq(t, id)!;
    i.source |= 1 << vcpu;
    i.pendingLatch = true;
    core.queueIrq(i);
  }
}
