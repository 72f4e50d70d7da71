// GICv3 distributor emulation (KVM's vgic-mmio-v3.c, vgic_v3_dist_registers,
// Linux 6.x/7.0): the GICD table of a GICv3 guest, one row per register
// region pointing at the named handlers of vgic-mmio.ts, as vgic-mmio-v2.ts
// does for GICv2. Affinity routing is always on and there is one Security
// state, as KVM shows them (GICD_CTLR.ARE_NS and DS read 1, writes ignored):
// - the per-INTID registers' words of INTIDs 0-31 are RAZ/WI (the
//   redistributors own them: KVM's REGISTER_DESC_WITH_BITS_PER_IRQ_SHARED
//   splits each such register into a RAZ/WI private part and the SPI part);
// - GICD_ITARGETSR and GICD_IGRPMODR are RAZ/WI; there is no GICD_SGIR;
// - SPIs are routed by GICD_IROUTER<n> (vgic_mmio_read/write_irouter).
// The redistributors' tables are vgic-mmio-v3-rdist.ts.

import { AFF_Aff3, AFF_Aff210, cpuOfAffinity } from '../../hw/cpu/mpidr.ts';
import { PRIVATE_COUNT } from '../../hw/gic/intid.ts';
import {
  BITS_REG_SPAN,
  BYTES_REG_SPAN,
  GICD_CTLR,
  GICD_CTLR_EnableGrp1,
  GICD_ICACTIVER,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICFGR_BITS_PER_IRQ,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IIDR_ProductID,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_TYPER,
  GICD_TYPER_ITLinesNumber,
  ICFGR_SPAN,
  IIDR_Implementer,
  IIDR_Revision,
} from '../../hw/gic/registers.ts';
import {
  GICD_CTLR_ARE,
  GICD_CTLR_DS,
  GICD_IGRPMODR,
  GICD_IROUTER,
  GICD_IROUTER_HI_Aff3,
  GICD_STATUSR,
  GICD_TYPER_IDbits,
  GICD_TYPER2,
  GICD_V3_ID_BASE,
} from '../../hw/gic/v3/gicd-regs.ts';
import { perIrq, register } from '../../hw/mmio/builders.ts';
import { ACCESS_8, ACCESS_32, BITS_PER_BYTE, type MmioRegion, MmioTable } from '../../hw/mmio/region.ts';
import { getField, setField, testBit } from '../../sim/bits.ts';
import type { VgicCore } from './vgic.ts';
import { NO_VCPU } from './vgic-irq.ts';
import { VgicMmioHandlers } from './vgic-mmio.ts';
import { haltingForSpis } from './vgic-mmio-v2.ts';

/** What halts the guest around an active-state access (kvm_arm_halt_guest / kvm_arm_resume_guest). */
export interface GuestHalter {
  haltGuest(): void;
  resumeGuest(): void;
}

/** KVM_VGIC_IMP_REV_3 (GICR_CTLR.{IR,CES}), KVM's implementation_rev for a GICv3 guest since Linux 6.13. */
export const VGIC_V3_IMP_REV = 3;
/** KVM's IIDR for a GICv3 guest: ProductID 'K' (0x4B), Revision 3, Implementer 0x43B (Arm); GICR_IIDR too. */
export const VGIC_V3_IIDR_VALUE = setField(
  setField(setField(0, GICD_IIDR_ProductID, 0x4b), IIDR_Revision, VGIC_V3_IMP_REV),
  IIDR_Implementer,
  0x43b,
);
/** GICD_IIDR (and GICR_IIDR) with the VM's implementation revision. */
export function vgicV3Iidr(core: VgicCore): number {
  return setField(VGIC_V3_IIDR_VALUE, IIDR_Revision, core.v3ImplementationRev);
}
/** vgic_mmio_read_v3_idregs: GICD_PIDR2 (and GICR_PIDR2) = 0x3B, "a GICv3 compliant implementation"; other ID registers 0. */
export const VGIC_V3_PIDR2_VALUE = 0x3b;
/** INTERRUPT_ID_BITS_SPIS (10): GICD_TYPER.IDbits = 9 without an ITS. */
export const VGIC_V3_ID_BITS_SPIS = 10;
/** Offset of GICD_PIDR2 in the ID block (0xFFD0..0xFFFF). */
const PIDR2 = 0xffe8;
const ID_BLOCK_LEN = 0x30;
/** GICD_IROUTER<n>: 8 bytes per INTID, 0..1023 (0..31 RAZ/WI). */
const IROUTER_BYTES = 8;

/**
 * An affinity as the vgic keeps it (irq->mpidr, GICR_TYPER[63:32], the
 * mpidr field of a REDIST_REGS / CPU_SYSREGS attribute): the affinity word
 * of hw/cpu/mpidr.ts, Aff3 [31:24], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0].
 * A vcpu's is the board's cpu's (mpidrAffinity; KVM's reset_mpidr gives the
 * same below 4096 vcpus), and kvm_mpidr_to_vcpu is cpuOfAffinity.
 */
export type VgicAffinity = number;

/** The v3 handlers KVM changes from GICv2's: SGI pending bits are writable (no sources with ARE = 1). */
export function v3PendingHandlers(core: VgicCore, h: VgicMmioHandlers) {
  return {
    /** vgic_mmio_write_spending: only a GICv2 SGI is skipped (is_vgic_v2_sgi); a v3 SGI is latched. */
    writeSpending(vcpu: number, intid: number, v: number): void {
      if (intid >= 16) {
        h.writeSpending(vcpu, intid, v);
        return;
      }
      if (v === 0) return;
      const i = core.getIrq(vcpu, intid)!;
      i.pendingLatch = true;
      core.queueIrq(i);
    },
    writeCpending(vcpu: number, intid: number, v: number): void {
      if (intid >= 16) h.writeCpending(vcpu, intid, v);
      else if (v !== 0) core.getIrq(vcpu, intid)!.pendingLatch = false;
    },
  };
}

/** The vgic's GICD frame for a GICv3 guest (64 KiB). */
export class VgicDistMmioV3 extends MmioTable {
  constructor(
    readonly core: VgicCore,
    halter: GuestHalter,
  ) {
    super(vgicV3DistTable(core, halter), { nrIrqs: () => core.nrIrqs });
  }

  /**
   * A 64-bit access: only GICD_IROUTER<n> allows it (VGIC_ACCESS_64bit);
   * it is the two 32-bit halves. Elsewhere RAZ/WI (check_region).
   */
  read64(offset: number, vcpu: number): bigint {
    if (!isIrouter(offset)) return 0n;
    return (BigInt(this.read(offset + 4, 4, vcpu)) << 32n) | BigInt(this.read(offset, 4, vcpu));
  }

  write64(offset: number, lo: number, hi: number, vcpu: number): void {
    if (!isIrouter(offset)) return;
    this.write(offset, 4, lo, vcpu);
    this.write(offset + 4, 4, hi, vcpu);
  }
}

function isIrouter(offset: number): boolean {
  return (
    offset % IROUTER_BYTES === 0 && offset >= GICD_IROUTER && offset < GICD_IROUTER + 1024 * IROUTER_BYTES
  );
}

/**
 * A per-INTID register of the GICv3 GICD whose fields of INTIDs 0-31 are
 * RAZ/WI (KVM's REGISTER_DESC_WITH_BITS_PER_IRQ_SHARED: a RAZ/WI region for
 * the private part, then the SPI part; one region here, the INTID decides).
 */
function shared(spec: Parameters<typeof perIrq>[0]): MmioRegion[] {
  const { read, write, uwrite } = spec;
  return [
    perIrq({
      ...spec,
      read: (v, id) => (id < PRIVATE_COUNT ? 0 : read(v, id)),
      write:
        write === undefined ? undefined : (v, id, f) => (id < PRIVATE_COUNT ? undefined : write(v, id, f)),
      uwrite:
        uwrite === undefined ? undefined : (v, id, f) => (id < PRIVATE_COUNT ? undefined : uwrite(v, id, f)),
    }),
  ];
}

/** The GICv3 GICD table of the vgic (vgic_v3_dist_registers), sorted by offset. */
export function vgicV3DistTable(core: VgicCore, halter: GuestHalter): MmioRegion[] {
  const h = new VgicMmioHandlers(core);
  const p = v3PendingHandlers(core, h);
  const bits = (name: string, offset: number) => ({ name, offset, len: BITS_REG_SPAN, bitsPerIrq: 1 });
  const bytes = (name: string, offset: number) => ({
    name,
    offset,
    len: BYTES_REG_SPAN,
    bitsPerIrq: BITS_PER_BYTE,
    widths: ACCESS_8 | ACCESS_32,
  });
  const halting = (rows: MmioRegion[]) =>
    rows.map((r) => (r.bitsPerIrq === 0 ? r : haltingForSpis(r, halter)));
  return [
    register({
      name: 'GICD_CTLR',
      offset: GICD_CTLR,
      // vgic_mmio_read_v3_misc: EnableGrp1 (bit 1 with DS = 1) as dist->enabled, ARE_NS and DS always
      read: () =>
        setField(
          setField(setField(0, GICD_CTLR_EnableGrp1, core.distEnabled ? 1 : 0), GICD_CTLR_ARE, 1),
          GICD_CTLR_DS,
          1,
        ),
      // vgic_mmio_write_v3_misc: only EnableGrp1 is kept; 0 -> 1 kicks (enableDistributor queues and kicks)
      write: (_v, _o, _s, value) => {
        if (testBit(value, GICD_CTLR_EnableGrp1.lsb)) core.enableDistributor();
        else core.distEnabled = false;
      },
      uwrite: (_v, _o, value) => {
        core.distEnabled = testBit(value, GICD_CTLR_EnableGrp1.lsb);
      },
    }),
    register({
      name: 'GICD_TYPER',
      offset: GICD_TYPER,
      // ITLinesNumber from nr_spis + 32, IDbits = INTERRUPT_ID_BITS_SPIS - 1 (no ITS: no LPIS); CPUNumber 0 with ARE
      read: () =>
        setField(
          setField(0, GICD_TYPER_ITLinesNumber, (core.nrIrqs >>> 5) - 1),
          GICD_TYPER_IDbits,
          VGIC_V3_ID_BITS_SPIS - 1,
        ),
    }),
    // the revision userspace may set back to 2 (vgic_mmio_uaccess_write_v3_misc)
    register({ name: 'GICD_IIDR', offset: GICD_IIDR, read: () => vgicV3Iidr(core) }),
    // GICD_TYPER2: nASSGIcap only with GICv4.1 hardware (none here): 0
    register({ name: 'GICD_TYPER2', offset: GICD_TYPER2 }),
    register({ name: 'GICD_STATUSR', offset: GICD_STATUSR }),
    ...shared({
      ...bits('GICD_IGROUPR', GICD_IGROUPR),
      read: h.readGroup,
      write: h.writeGroup,
      uwrite: h.uwriteGroup,
    }),
    ...shared({
      ...bits('GICD_ISENABLER', GICD_ISENABLER),
      read: h.readEnable,
      write: h.writeSenable,
      uwrite: h.uwriteEnable,
    }),
    ...shared({ ...bits('GICD_ICENABLER', GICD_ICENABLER), read: h.readEnable, write: h.writeCenable }),
    ...shared({ ...bits('GICD_ISPENDR', GICD_ISPENDR), read: h.readPending, write: p.writeSpending }),
    ...shared({ ...bits('GICD_ICPENDR', GICD_ICPENDR), read: h.readPending, write: p.writeCpending }),
    ...halting(
      shared({
        ...bits('GICD_ISACTIVER', GICD_ISACTIVER),
        read: h.readActive,
        write: h.writeSactive,
        uwrite: h.uwriteActive,
      }),
    ),
    ...halting(
      shared({ ...bits('GICD_ICACTIVER', GICD_ICACTIVER), read: h.readActive, write: h.writeCactive }),
    ),
    ...shared({
      ...bytes('GICD_IPRIORITYR', GICD_IPRIORITYR),
      read: h.readPriority,
      write: h.writePriority,
      uwrite: h.writePriority,
    }),
    // ITARGETSR: RES0 with ARE = 1
    register({
      name: 'GICD_ITARGETSR',
      offset: GICD_ITARGETSR,
      len: BYTES_REG_SPAN,
      widths: ACCESS_8 | ACCESS_32,
    }),
    ...shared({
      name: 'GICD_ICFGR',
      offset: GICD_ICFGR,
      len: ICFGR_SPAN,
      bitsPerIrq: GICD_ICFGR_BITS_PER_IRQ,
      read: h.readConfig,
      write: h.writeConfig,
      uwrite: h.writeConfig,
    }),
    // IGRPMODR: RAZ/WI with DS = 1
    register({ name: 'GICD_IGRPMODR', offset: GICD_IGRPMODR, len: BITS_REG_SPAN }),
    register({ name: 'GICD_IROUTER(private)', offset: GICD_IROUTER, len: PRIVATE_COUNT * IROUTER_BYTES }),
    irouter(core),
    register({
      name: 'GICD_IDREGS',
      offset: GICD_V3_ID_BASE,
      len: ID_BLOCK_LEN,
      read: (_v, off) => (off === PIDR2 ? VGIC_V3_PIDR2_VALUE : 0),
    }),
  ];
}

/**
 * GICD_IROUTER<n>, n >= 32 (vgic_mmio_read/write_irouter; GICv3 12.9.22):
 * Aff3.Aff2.Aff1.Aff0 kept in the interrupt's `targets` (a VgicAffinity)
 * route the SPI to the vcpu with that affinity (none, e.g. any Aff3 but 0:
 * the SPI goes nowhere); IRM reads 0 and is ignored (KVM does not
 * implement 1 of N). Each 32-bit half is written on its own: the low word
 * sets Aff2.Aff1.Aff0, the high word Aff3 (its other bits RES0), as the
 * KVM series that honours Aff3 when the host has ICH_VTR_EL2.A3V (ours
 * has); Linux 6.x before it kept [23:0] only (high word RAZ/WI). A queued
 * SPI moves at the next prune, as KVM's does. SPIs beyond nr_spis: RAZ/WI.
 */
function irouter(core: VgicCore): MmioRegion {
  const intid = (off: number): number => Math.floor((off - GICD_IROUTER) / IROUTER_BYTES);
  return register({
    name: 'GICD_IROUTER',
    offset: GICD_IROUTER + PRIVATE_COUNT * IROUTER_BYTES,
    len: (1024 - PRIVATE_COUNT) * IROUTER_BYTES,
    read: (_v, off) => {
      const id = intid(off);
      if (id >= core.nrIrqs) return 0;
      const aff = core.getIrq(NO_VCPU, id)!.targets;
      return off % IROUTER_BYTES === 0 ? getField(aff, AFF_Aff210) : getField(aff, AFF_Aff3);
    },
    write: (_v, off, _s, value) => writeIrouter(core, intid(off), off % IROUTER_BYTES !== 0, value),
    uwrite: (_v, off, value) => writeIrouter(core, intid(off), off % IROUTER_BYTES !== 0, value),
  });
}

function writeIrouter(core: VgicCore, id: number, high: boolean, value: number): void {
  if (id >= core.nrIrqs) return;
  const i = core.getIrq(NO_VCPU, id)!;
  // the low word's Aff2.Aff1.Aff0 ([23:0], IRM and [30:24] dropped) or the high word's Aff3 ([7:0])
  i.targets = high
    ? setField(i.targets, AFF_Aff3, getField(value, GICD_IROUTER_HI_Aff3))
    : setField(i.targets, AFF_Aff210, value);
  i.targetVcpu = cpuOfAffinity(i.targets, core.nrVcpus);
}
